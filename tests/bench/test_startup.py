"""The start-up benchmark: a worker from a snapshot reads the changes made since, and holds
what a worker that read the whole topic holds (its figures are printed, not asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.startup import main

pytestmark = pytest.mark.e2e


def test_a_small_run_starts_from_a_snapshot_and_writes_it_again(
    tmp_path: Path, bootstrap: str
) -> None:
    report = main(
        [
            "--entries",
            "1500",
            "--changes",
            "40",
            "--workdir",
            str(tmp_path),
            "--bootstrap",
            bootstrap,
        ]
    )
    fresh, resumed = report.starts
    assert (fresh.how, resumed.how) == ("whole-topic", "from-snapshot")
    # (the run itself fails unless the resumed worker holds the fresh one's entries, changed)
    assert sum(fresh.entries.values()) == 1500
    assert sum(resumed.entries.values()) == 1500 + 36 - 4
    assert [w.output.split(" written")[0] for w in report.snapshots] == [
        "snapshot of 1500 entries",
        "snapshot of 1532 entries",
    ]
    assert "afresh" in report.snapshots[0].output
    assert "from the last one" in report.snapshots[1].output
    # the writer's peak, from the kernel: more than an idle interpreter, less than the machine
    assert all(50 < w.peak_mb < 24_000 for w in report.snapshots), report.snapshots
    (log,) = tmp_path.glob("*-from-snapshot.log")
    assert "watchlist of 1500 entries loaded from snapshot" in log.read_text()
