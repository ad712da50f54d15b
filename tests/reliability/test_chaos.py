"""Crash safety against a real broker and real worker processes (see bench/chaos.py).

Each scenario publishes crossings with planted listed travellers and invalid records, does
something nasty to the system while they flow, then accounts for every crossing: every
planted alert present (duplicates only with the same alert_id), every invalid record on
the DLQ verbatim, and the worker group's committed offsets at the end of every partition.
CI-sized; `python -m bench.chaos` runs the same scenarios at any size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.reliability import Plan, Report, burst_memory, run

pytestmark = pytest.mark.e2e


def check(report: Report) -> None:
    print(report.render())
    assert report.missing == [], "planted alerts missing"
    assert report.found == report.planted > 0
    assert report.inconsistent_alert_ids == 0, "a duplicate alert with another alert_id"
    assert report.dead_letters_missing == []
    assert report.dead_letters == report.invalid > 0
    assert report.unexpected_dead_letters == 0
    assert report.unexpected_alerts == 0
    assert report.offsets_at_end, f"{report.uncommitted} crossings behind the committed offsets"
    assert report.ok


def test_nothing_is_lost_when_the_worker_is_killed(bootstrap: str, tmp_path: Path) -> None:
    report = run(Plan(events=3_000, kills=3, seed=11), tmp_path, bootstrap)
    check(report)
    assert report.kills == 3 and report.workers_started == 4


def test_the_worker_rides_out_a_frozen_broker(tmp_path: Path) -> None:
    """The broker process is stopped (SIGSTOP) mid-stream for longer than the session
    timeout, then resumed; the same worker carries on by itself. A broker of the test's
    own: the session one is shared."""
    report = run(Plan(events=3_000, outage_s=10.0, seed=12), tmp_path, bootstrap=None)
    check(report)
    assert report.outage_s == 10.0
    assert report.workers_started == 1  # no restart: it recovered by itself


def test_nothing_is_lost_going_from_one_worker_to_two_and_back(
    bootstrap: str, tmp_path: Path
) -> None:
    report = run(Plan(events=4_000, scale_out=True, seed=13), tmp_path, bootstrap)
    check(report)
    assert report.workers_started == 2


def test_a_bigger_burst_does_not_grow_the_worker(bootstrap: str, tmp_path: Path) -> None:
    """Bursts of 2,000 then 12,000 crossings published at once: the backlog stays in Kafka,
    not in the worker, so the second (6x) burst raises the peak RSS by far less than holding
    it would (12,000 parsed CrossingEvents alone are some 36 MB of Python objects); and every
    crossing of both bursts is accounted for."""
    ready_mb, (small, big), report = burst_memory(bootstrap, tmp_path, (2_000, 12_000))
    print(f"ready {ready_mb:.0f} MB; after 2,000: {small.peak_rss_mb:.0f} MB; "
          f"after 12,000: {big.peak_rss_mb:.0f} MB")
    check(report)
    assert report.events == 14_000
    assert big.peak_rss_mb - small.peak_rss_mb < 25
    assert big.peak_rss_mb < ready_mb + 120
