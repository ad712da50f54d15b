"""`borderwatch demo` runs to completion on the session's broker with a small day."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from config import Settings
from streams.demo import DEMO_PLANTS, DemoSummary, run_demo

pytestmark = pytest.mark.e2e


def test_demo_streams_a_day_and_catches_the_planted_fugitives(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings(metrics_port=0, console_port=0)
    printed: list[str] = []
    console_saw: list[int] = []

    def hold(summary: DemoSummary) -> None:  # while it all runs: the officer's console
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(summary.console_url + "api/alerts", timeout=2) as r:
                    total = int(json.load(r)["total"])
            except OSError:
                total = -1
            if total == len(summary.alerts):
                break
            time.sleep(0.3)
        console_saw.append(total)

    summary = run_demo(
        settings,
        n_events=400,
        rate=400.0,
        seed=3,
        echo=printed.append,
        progress=printed.append,
        workdir=tmp_path,
        hold=hold,
    )
    assert summary.published == 400 and summary.malformed == 2
    assert summary.processed == 400
    assert summary.dead_letters == 2
    assert len(summary.expected) == len(DEMO_PLANTS) + 3
    assert summary.missed == []
    assert len(summary.latencies) == len(summary.alerts)
    report = summary.render(elapsed=1.0)
    assert f"{len(summary.expected)}/{len(summary.expected)} planted fugitives caught" in report
    assert any("metrics on http://127.0.0.1:" in line for line in printed)
    assert any("why:" in line for line in printed)  # alerts were printed live
    assert any(
        f"alert console (coordination centre) on {summary.console_url}" in line for line in printed
    )
    assert console_saw == [len(summary.alerts)]  # the console showed every alert
