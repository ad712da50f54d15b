"""A real worker on a real broker: crossings in, alerts and dead letters out.

Crossings are published by two independent clients (kafka-python and librdkafka through
confluent-kafka) so the worker is not only tested against the client it uses itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from confluent_kafka import Producer

from config import Settings
from streams.app import DLQ_HEADER
from streams.events import Alert, alert_id_for
from streams.kafka import alert_topic_config, ensure_topics, producing
from tests.support import (
    WorkerProcess,
    count_at_least,
    crossing,
    entry,
    publish_crossings,
    publish_watchlist,
    read_topic,
    retention_of,
)
from watchlists.dissemination import recipients

pytestmark = pytest.mark.e2e

WANTED = entry(
    "KNPA:0001",
    ["박의춘", "Pak Ui Chun"],
    birth_dates=["1932-06-22"],
    nationalities=["KOR"],
    documents=[{"number": "M77001234", "country": "KOR"}],
)


def alerts_of(records: list) -> list[Alert]:  # type: ignore[type-arg]
    return [Alert.model_validate_json(r.value) for r in records]


@pytest.fixture
def running(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> tuple[Settings, WorkerProcess]:
    settings = make_settings()
    ensure_topics(settings)
    publish_watchlist(settings, (WANTED["entry_id"], WANTED))
    worker = start_worker(settings).wait_ready()
    return settings, worker


def test_alerts_for_listed_travellers_from_two_clients(
    running: tuple[Settings, WorkerProcess],
) -> None:
    settings, worker = running
    publish_crossings(
        settings,
        crossing(
            "kp-1",
            ["PAK UI CHUN"],
            birth_dates=["1932-06-22"],
            documents=[{"number": "M77001234", "country": "KOR"}],
        ),
        crossing("kp-2", ["SOMCHAI RAKTHAI"]),
    )
    rdkafka = Producer({"bootstrap.servers": settings.bootstrap_servers})
    event = crossing("kp-3", ["Pak Ui Chun"], birth_dates=["1932-06-22"])
    rdkafka.produce(settings.topic_crossings, key=b"kp-3", value=json.dumps(event).encode())
    assert rdkafka.flush(15) == 0

    records = read_topic(settings, settings.topic_alerts, count_at_least(2))
    alerts = alerts_of(records)
    assert sorted(a.event.event_id for a in alerts) == ["kp-1", "kp-3"]
    for alert in alerts:
        assert alert.entry.entry_id == "KNPA:0001"
        assert alert.alert_id == alert_id_for(alert.event.event_id, "KNPA:0001")
        assert alert.score >= settings.alert_threshold
        assert alert.explanation
        assert alert.alerted_at >= alert.ingested_at
    assert {r.key for r in records} == {b"KNPA:0001"}  # alerts are keyed by entry
    # each agency's alerts topic, made by the worker, keeps alerts as the main one
    agencies = {
        f"{settings.topic_alerts}.{agency}"
        for a in alerts
        for agency in recipients(a.entry, a.event.agency, a.event.checkpoint.country)
    }
    assert agencies and retention_of(settings, agencies) == {
        t: int(alert_topic_config(settings)["retention.ms"]) for t in agencies
    }
    assert worker.alive()


# (raw bytes, what the reason must name, the reason code)
MALFORMED: list[tuple[bytes, str, str]] = [
    (b"{not json", "Invalid JSON", "json_invalid"),
    (
        json.dumps(crossing("bad-types", ["A B"]) | {"direction": 5}).encode(),
        "(event_id bad-types): direction",
        "enum",
    ),
    (
        json.dumps(
            {k: v for k, v in crossing("bad-missing", ["A B"]).items() if k != "agency"}
        ).encode(),
        "agency: Field required",
        "missing",
    ),
    (
        json.dumps(crossing("bad-date", ["A B"], birth_dates=["1990-02-31"])).encode(),
        "traveller.birth_dates.0: Value error, not a calendar date",
        "value_error",
    ),
    (
        json.dumps(crossing("bad-zone", ["A B"]) | {"occurred_at": "2026-11-22T08:15:00"}).encode(),
        "occurred_at: Input should have timezone info",
        "timezone_aware",
    ),
    (b"\xff\xfe junk " * 100_000, "Invalid JSON", "json_invalid"),
]


def test_malformed_crossings_go_to_the_dlq_and_the_worker_goes_on(
    running: tuple[Settings, WorkerProcess],
) -> None:
    settings, worker = running
    publish_crossings(settings, *(raw for raw, _, _ in MALFORMED))
    publish_crossings(settings, crossing("after-junk", ["Pak Ui-chun"], birth_dates=["1932-06-22"]))

    letters = read_topic(settings, settings.topic_dlq, count_at_least(len(MALFORMED)))
    assert len(letters) == len(MALFORMED)
    by_value = {r.value: r for r in letters}
    for raw, named, category in MALFORMED:
        record = by_value[raw]  # the original bytes, verbatim
        headers = dict(record.headers)
        letter = json.loads(headers[DLQ_HEADER])
        assert named in letter["reason"], letter
        assert letter["category"] == category
        assert f"{settings.topic_crossings}[" in letter["reason"]  # names the record
        assert letter["source_offset"] >= 0
    reasons = " ".join(json.loads(dict(r.headers)[DLQ_HEADER])["reason"] for r in letters)
    assert "1932" not in reasons and "Pak" not in reasons  # no personal data in reasons

    alerts = alerts_of(read_topic(settings, settings.topic_alerts, count_at_least(1)))
    assert [a.event.event_id for a in alerts] == ["after-junk"]
    assert worker.alive()
    metrics = worker.metrics()
    assert metrics['borderwatch_crossings_invalid_total{reason="json_invalid"}'] == 2.0


def test_watchlist_updates_take_effect_for_later_crossings(
    running: tuple[Settings, WorkerProcess],
) -> None:
    settings, worker = running
    newcomer = entry("ASEANAPOL:0042", ["Nguyễn Văn Ân"], birth_dates=["1985-03-12"])
    expired = entry("ASEANAPOL:0007", ["Sok Vanna"], birth_dates=["1983-09-21"]) | {
        "valid_until": "2026-11-21"  # the crossings below are on 2026-11-22
    }
    publish_watchlist(
        settings,
        (newcomer["entry_id"], newcomer),
        (expired["entry_id"], expired),
        (WANTED["entry_id"], None),
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # the feed applies updates within a second or so
        m = worker.metrics()
        if m.get('borderwatch_watchlist_entries{list_id="KNPA"}') == 0.0:
            break
        time.sleep(0.2)
    publish_crossings(
        settings,
        crossing("upd-1", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"]),
        crossing("upd-2", ["PAK UI CHUN"], birth_dates=["1932-06-22"]),
    )
    publish_crossings(
        settings,
        crossing("upd-3", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"]),
        crossing("upd-4", ["SOK VANNA"], birth_dates=["1983-09-21"]),  # listed, but expired
    )
    alerts = alerts_of(read_topic(settings, settings.topic_alerts, count_at_least(2)))
    time.sleep(1.0)  # a wrongly raised alert for upd-2 or upd-4 would be produced by now
    alerts = alerts_of(read_topic(settings, settings.topic_alerts, count_at_least(3), timeout_s=3))
    assert sorted((a.event.event_id, a.entry.entry_id) for a in alerts) == [
        ("upd-1", "ASEANAPOL:0042"),
        ("upd-3", "ASEANAPOL:0042"),
    ]


def test_a_dead_letter_too_large_for_the_producer_goes_without_its_bytes(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    settings = make_settings(max_message_bytes=1024)  # the DLQ producer then takes <= 66 KiB
    ensure_topics(settings)
    publish_watchlist(settings, (WANTED["entry_id"], WANTED))
    worker = start_worker(settings).wait_ready()
    huge = json.dumps(crossing("huge-1", ["A" * 150] * 30) | {"mrz": "X" * 150}).encode() * 30
    with producing(settings, max_request_size=2_000_000) as producer:  # an agency producer
        producer.send(settings.topic_crossings, value=huge)
    publish_crossings(settings, crossing("small-1", ["Pak Ui Chun"], birth_dates=["1932-06-22"]))

    [letter] = read_topic(settings, settings.topic_dlq, count_at_least(1))
    reason = json.loads(dict(letter.headers)[DLQ_HEADER])
    assert reason["category"] == "too_large" and str(len(huge)) in reason["reason"]
    assert letter.value is None  # the original stays at the offset the reason names
    assert reason["source_offset"] >= 0
    alerts = alerts_of(read_topic(settings, settings.topic_alerts, count_at_least(1)))
    assert [a.event.event_id for a in alerts] == ["small-1"]  # the worker did not stall
    assert worker.alive()
