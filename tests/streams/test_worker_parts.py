"""Small parts of the worker that need no broker."""

from __future__ import annotations

import logging

import pytest

from streams.app import RateLimitedLog


def test_a_flood_of_dead_letters_logs_one_line_a_second(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([100.0, 100.1, 100.5, 101.2, 101.3])
    monkeypatch.setattr("streams.app.time.monotonic", lambda: next(clock))
    limited = RateLimitedLog(logging.getLogger("t"), "dead letter: %s", per_seconds=1.0)
    with caplog.at_level(logging.WARNING, logger="t"):
        for i in range(5):
            limited.warning(f"reason {i}")
    assert [r.getMessage() for r in caplog.records] == [
        "dead letter: reason 0",
        "dead letter: reason 3 (and 2 more since the last one)",
    ]
