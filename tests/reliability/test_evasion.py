"""Disguised listed names still alert: zero-width characters, homoglyphs, diacritics, case
and spacing, name order, hyphens, joined words, MRZ fillers (target 99.9 % per disguise).

A fixed sample of the real UN and OFAC names: the packaged UN list and the OFAC copy in
tests/data (see bench/evasion.py for the whole run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evasion import DISGUISES, TARGET, Row, evaluate, listed_names, render

SAMPLE = 120


@pytest.fixture(scope="module")
def rows(ofac_dir: Path) -> dict[str, Row]:
    baseline, rows = evaluate(listed_names(SAMPLE, seed=1, ofac_dir=ofac_dir), seed=1)
    print(render(baseline, rows, examples=5))
    return {"none": baseline, **{row.disguise: row for row in rows}}


def test_the_sample_alerts_undisguised(rows: dict[str, Row]) -> None:
    baseline = rows["none"]
    assert baseline.tried == SAMPLE
    assert baseline.compare_rate >= TARGET and baseline.match_rate >= TARGET, baseline.failures


@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_a_disguised_name_still_alerts(rows: dict[str, Row], disguise: str) -> None:
    row = rows[disguise]
    assert row.tried >= SAMPLE * 0.95
    misses = [(listed, ascii(disguised), round(score, 2)) for listed, disguised, score
              in row.failures]
    assert row.compare_rate >= TARGET, misses
    assert row.match_rate >= TARGET, misses
