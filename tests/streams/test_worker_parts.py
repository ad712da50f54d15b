"""Small parts of the worker that need no broker."""

from __future__ import annotations

import logging

import pytest

from config import Settings
from streams.app import MembershipWatch, RateLimitedLog, Worker
from streams.metrics import WorkerMetrics


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


def test_a_worker_outside_its_group_too_long_is_restarted() -> None:
    settings = Settings(rebalance_timeout_s=5, session_timeout_s=6, metrics_port=0)
    metrics = WorkerMetrics()
    watch = MembershipWatch(settings, metrics)
    assert watch.grace_s == 30.0  # never less than 30 s, even with short timeouts
    assert not watch.check("", now=0.0)  # joining: not a member yet
    assert not watch.check("", now=29.0)
    assert not watch.check("member-1", now=31.0)  # joined: the clock starts again
    assert metrics.group_member._value.get() == 1
    assert not watch.check("", now=40.0)  # evicted
    assert not watch.check(None, now=75.0)  # cannot tell: no decision
    assert watch.check("", now=71.0)  # outside for 31 s
    assert metrics.group_member._value.get() == 0
    slow = MembershipWatch(Settings(rebalance_timeout_s=60, session_timeout_s=30), metrics)
    assert slow.grace_s == 150.0  # two rebalance timeouts and a session timeout


def test_a_fetch_is_small_enough_for_a_busy_worker_to_stay_in_its_group() -> None:
    """aiokafka counts a consumer alive only between fetches: a fetch of 10,000 crossings took
    a slow worker past max_poll_interval_s and out of its group (bench/RESULTS.md)."""
    assert Settings(bootstrap_servers="localhost:9092").max_poll_records == 500
    worker = Worker(Settings(bootstrap_servers="localhost:9092", max_poll_records=321))
    assert worker.app.conf.broker_max_poll_records == 321


def test_a_crossings_messages_are_queued_before_the_next_is_matched() -> None:
    """The worker hands each crossing's messages to the producer as soon as it is matched (the
    pass-through forwards each record so): their linger runs while the rest of the batch is
    matched. Every queued delivery is awaited before the batch returns."""
    import asyncio
    from types import SimpleNamespace

    from streams.pipeline import Incoming, Outcome

    worker = Worker(Settings(bootstrap_servers="localhost:9092", metrics_port=0))
    steps: list[str] = []
    delivered: list[int] = []

    refuse = worker.pipeline._refuse

    def process(batch: list[Incoming], **_: object) -> list[Outcome]:
        (incoming,) = batch
        steps.append(f"match {incoming.offset}")
        return [refuse(incoming, "invalid_json", "not a crossing", [], None)]

    async def send(outcome: Outcome) -> list[asyncio.Future[None]]:
        steps.append(f"queue {outcome.incoming.offset}")

        async def delivery() -> None:
            await asyncio.sleep(0.01)
            delivered.append(outcome.incoming.offset)

        return [asyncio.ensure_future(delivery())]

    worker.pipeline.process = process  # type: ignore[method-assign]
    worker._send = send  # type: ignore[method-assign]
    events = [
        SimpleNamespace(
            message=SimpleNamespace(
                value=b"{}", key=None, topic="crossings", partition=0, offset=n, timestamp=None
            )
        )
        for n in range(3)
    ]
    asyncio.run(worker.handle(events))
    assert steps == ["match 0", "queue 0", "match 1", "queue 1", "match 2", "queue 2"]
    assert sorted(delivered) == [0, 1, 2]


def test_a_worker_reads_back_only_the_alerts_others_produced() -> None:
    """A worker records its alerts in its history before it produces them (`_review`), and
    marks them with its origin: reading them back from `alerts` it skips its own; another
    worker's, or its own from before a restart, it records."""
    import json

    from aiokafka import TopicPartition
    from aiokafka.structs import ConsumerRecord

    from streams.app import ORIGIN_HEADER
    from streams.pipeline import CrossingPipeline, Incoming
    from tests.support import crossing, entry
    from watchlists import Watchlist, WatchlistEntry

    listed = WatchlistEntry.model_validate_json(
        json.dumps(entry("KNPA:0001", ["Park Sung-min"], birth_dates=["1988-07-02"]))
    )
    alerts = []
    for n in range(4):
        event = crossing(f"e{n}", ["PARK SUNG MIN"], birth_dates=["1988-07-02"])
        [outcome] = CrossingPipeline(Watchlist([listed])).process(
            [Incoming(json.dumps(event).encode(), None, "c", 0, n)]
        )
        alerts += outcome.alerts
    assert len(alerts) == 4
    settings = Settings(bootstrap_servers="localhost:9092", metrics_port=0)
    worker = Worker(settings)
    before_restart = Worker(settings)._origin  # (another process, or this one started again)
    marks = [worker._origin, [(ORIGIN_HEADER, b"another worker")], before_restart]
    records = [
        ConsumerRecord(
            settings.topic_alerts,
            0,
            n,
            0,
            0,
            b"k",
            a.model_dump_json().encode(),
            None,
            0,
            0,
            headers,
        )
        for n, (a, headers) in enumerate(zip(alerts[:3], marks, strict=True))
    ]
    worker._apply_history(TopicPartition(settings.topic_alerts, 0), records)
    trail = worker.history.with_trail(alerts[3]).trail  # (the trail of a later crossing)
    assert [p.event_id for p in trail] == ["e1", "e2"]
