"""The collector benchmark: its clock counts collections, and a small run goes through."""

from __future__ import annotations

import gc
import itertools

import pytest

from bench.gc_thresholds import CollectorClock, main


def test_the_clock_counts_the_time_of_a_collection() -> None:
    garbage: list[list[object]] = [[] for _ in range(50_000)]
    for a, b in itertools.pairwise(garbage):
        a.append(b)  # (tracked containers for the collector to walk)
    with CollectorClock() as clock:
        gc.collect()
    assert clock.seconds > 0
    callbacks = len(gc.callbacks)
    with CollectorClock():
        assert len(gc.callbacks) == callbacks + 1
    assert len(gc.callbacks) == callbacks  # removed on the way out


def test_a_small_run_reports_both_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    thresholds = gc.get_threshold()
    main(["--entries", "300", "--crossings", "100", "--rounds", "2"])
    assert gc.get_threshold() == thresholds  # put back
    out = capsys.readouterr().out
    assert out.count("CPython's") == 3 and out.count("steady") == 3  # two rounds, one mean
