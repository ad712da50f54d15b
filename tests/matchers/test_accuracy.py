"""A fixed sample of labelled real pairs (report half of bench/eval.py): a change that breaks
matching in any script shows here. Floors sit a little under the figures measured when the
sample was drawn (83/100 matches found, 0/100 false alerts); bench/eval.py has the full run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from matchers import Identity, compare

SAMPLE = Path(__file__).parent / "data" / "accuracy_sample.tsv"


def _rows() -> list[tuple[str, bool, str, str]]:
    rows = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            dataset, match, query, listed = line.split("\t")
            rows.append((dataset, match == "1", query, listed))
    return rows


def test_accuracy_on_fixed_sample() -> None:
    cells: Counter[tuple[str, str]] = Counter()
    for dataset, match, query, listed in _rows():
        alert = compare(Identity(names=[query]), Identity(names=[listed])).alert
        family = dataset.split("-")[0]
        cells[
            (family, "tp" if match and alert else "fn" if match else "fp" if alert else "tn")
        ] += 1
    found = sum(v for (_, c), v in cells.items() if c == "tp")
    false_alerts = sum(v for (_, c), v in cells.items() if c == "fp")
    assert found >= 80, cells
    assert false_alerts <= 2, cells
    for family in {f for f, _ in cells}:
        recall = cells[(family, "tp")] / max(1, cells[(family, "tp")] + cells[(family, "fn")])
        assert recall >= 0.6, (family, cells)
