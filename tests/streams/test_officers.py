"""Movement trails, dispositions and suppression: in memory, then end to end."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from config import Settings
from streams.alert_history import AlertHistory
from streams.cli import cli
from streams.dispositions import disposition_for
from streams.events import Alert, Disposition, DispositionKind, Priority
from streams.kafka import ensure_topics, producing
from streams.pipeline import CrossingPipeline, Incoming
from tests.support import WorkerProcess, count_at_least, crossing, entry, read_topic
from watchlists import Watchlist, WatchlistEntry

WANTED = entry("KNPA:0001", ["박성민", "Park Sung-min"], birth_dates=["1988-07-02"])


def at(event_id: str, code: str, country: str, when: str, doc: str = "M48213307") -> dict[str, Any]:
    event = crossing(
        event_id,
        ["PARK SUNG MIN"],
        birth_dates=["1988-07-02"],
        documents=[{"number": doc, "country": "KOR"}],
    )
    event["checkpoint"] = {"code": code, "country": country}
    event["occurred_at"] = when
    return event


def pipeline_for(*entries: dict[str, Any]) -> tuple[CrossingPipeline, AlertHistory]:
    history = AlertHistory(trail_days=30)
    listed = [WatchlistEntry.model_validate_json(json.dumps(e)) for e in entries]
    return CrossingPipeline(Watchlist(listed), history=history), history


def run_one(pipeline: CrossingPipeline, event: dict[str, Any]) -> Any:
    [outcome] = pipeline.process([Incoming(json.dumps(event).encode(), None, "c", 0, 0)])
    return outcome


def test_trail_grows_and_a_second_country_raises_priority() -> None:
    pipeline, _ = pipeline_for(WANTED)
    first = run_one(pipeline, at("e1", "KH-POI", "KHM", "2026-11-20T08:00:00+07:00")).alerts[0]
    assert first.trail == [] and first.priority is Priority.NORMAL
    same = run_one(pipeline, at("e2", "KH-BVT", "KHM", "2026-11-21T08:00:00+07:00")).alerts[0]
    assert [p.event_id for p in same.trail] == ["e1"] and same.priority is Priority.NORMAL
    moved = run_one(pipeline, at("e3", "TH-ARN", "THA", "2026-11-22T08:00:00+07:00")).alerts[0]
    assert [p.checkpoint.code for p in moved.trail] == ["KH-POI", "KH-BVT"]
    assert moved.priority is Priority.HIGH
    much_later = run_one(pipeline, at("e4", "LA-VTE", "LAO", "2027-03-01T08:00:00+07:00"))
    assert much_later.alerts[0].trail == []  # outside the 30-day window


def test_a_false_positive_suppresses_the_same_document_and_entry_version_only() -> None:
    pipeline, history = pipeline_for(WANTED)
    alert = run_one(pipeline, at("e1", "KH-POI", "KHM", "2026-11-20T08:00:00+07:00")).alerts[0]
    history.decide(disposition_for(alert, "false_positive", "officer Dara", "different person"))

    repeat = run_one(pipeline, at("e2", "KH-POI", "KHM", "2026-11-21T08:00:00+07:00"))
    assert repeat.alerts == []
    [record] = repeat.suppressed
    assert record.disposition is DispositionKind.SUPPRESSED and record.by == "borderwatch"
    assert alert.alert_id in record.note and "officer Dara" in record.note

    other_doc = run_one(pipeline, at("e3", "KH-POI", "KHM", "2026-11-21T09:00:00+07:00", "M1"))
    assert len(other_doc.alerts) == 1

    changed = WANTED | {"reason": "new warrant"}
    pipeline.watchlist.upsert(WatchlistEntry.model_validate_json(json.dumps(changed)))
    after_change = run_one(pipeline, at("e4", "KH-POI", "KHM", "2026-11-22T08:00:00+07:00"))
    assert len(after_change.alerts) == 1 and after_change.suppressed == []

    lifted, history2 = pipeline_for(WANTED)
    first = run_one(lifted, at("f1", "KH-POI", "KHM", "2026-11-20T08:00:00+07:00")).alerts[0]
    history2.decide(disposition_for(first, "false_positive", "a"))
    history2.decide(disposition_for(first, "confirmed", "b", "it was him after all"))
    assert len(run_one(lifted, at("f2", "KH-POI", "KHM", "2026-11-21T08:00:00+07:00")).alerts) == 1


@pytest.mark.e2e
def test_trail_ack_and_suppression_end_to_end(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    with producing(settings) as producer:
        producer.send(settings.topic_watchlist, key=b"KNPA:0001", value=json.dumps(WANTED).encode())
    worker = start_worker(settings).wait_ready()

    def publish(*events: dict[str, Any]) -> None:
        with producing(settings) as producer:
            for event in events:
                producer.send(settings.topic_crossings, value=json.dumps(event).encode())

    def alerts(n: int) -> list[Alert]:
        records = read_topic(settings, settings.topic_alerts, count_at_least(n), timeout_s=20)
        return sorted(
            (Alert.model_validate_json(r.value) for r in records), key=lambda a: a.event.event_id
        )

    publish(at("t1", "KH-POI", "KHM", "2026-11-20T08:00:00+07:00"))
    assert len(alerts(1)) == 1
    publish(at("t2", "TH-ARN", "THA", "2026-11-20T11:00:00+07:00"))
    second = alerts(2)[1]
    assert [p.event_id for p in second.trail] == ["t1"] and second.priority is Priority.HIGH

    runner = CliRunner()
    ack = runner.invoke(
        cli,
        [
            "alerts",
            "ack",
            second.alert_id,
            "--as",
            "false_positive",
            "--by",
            "officer Somchai",
            "--note",
            "namesake",
        ],
        env=settings.as_env(),
    )
    assert ack.exit_code == 0, ack.output
    assert f"recorded false_positive for alert {second.alert_id}" in ack.output
    time.sleep(1.0)  # the decision reaches every worker's history within a poll or two

    publish(at("t3", "TH-ARN", "THA", "2026-11-21T11:00:00+07:00"))  # same document
    publish(at("t4", "TH-ARN", "THA", "2026-11-21T12:00:00+07:00", doc="M00000001"))
    records = read_topic(settings, settings.topic_dispositions, count_at_least(2), timeout_s=20)
    decisions = [Disposition.model_validate_json(r.value) for r in records]
    assert [d.disposition for d in decisions] == [
        DispositionKind.FALSE_POSITIVE,
        DispositionKind.SUPPRESSED,
    ]
    assert decisions[0].by == "officer Somchai" and decisions[0].note == "namesake"
    assert decisions[1].alert_id != second.alert_id and decisions[1].entry_id == "KNPA:0001"
    final = alerts(3)
    assert [a.event.event_id for a in final] == ["t1", "t2", "t4"]  # t3 suppressed
    assert worker.metrics().get('borderwatch_alerts_suppressed_total{list_prefix="KNPA"}') == 1.0
    rendered = runner.invoke(
        cli,
        ["alerts", "tail", "--from-beginning", "--max", "3", "--timeout", "10"],
        env=settings.as_env(),
    ).output
    assert "trail: KH-POI (KHM)" in rendered and "HIGH PRIORITY" in rendered
    assert dt.datetime.now(dt.UTC) >= final[-1].alerted_at
