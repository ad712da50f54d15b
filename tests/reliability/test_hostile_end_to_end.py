"""A sample of hostile crossings on a real broker: every one lands on the DLQ verbatim with
a reason, the worker stays up, and a listed traveller after them still alerts."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from config import Settings
from streams.app import DLQ_HEADER
from streams.kafka import ensure_topics, producing
from tests.reliability.hostile import SECRET, hostile_sample, valid_crossing, valid_entry
from tests.support import WorkerProcess, count_at_least, read_topic

pytestmark = pytest.mark.e2e


def test_hostile_crossings_become_dead_letters_and_the_worker_still_alerts(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    listed = valid_entry("FUZZ:0001", f"{SECRET} KHAN")
    with producing(settings) as producer:
        producer.send(settings.topic_watchlist, key=b"FUZZ:0001", value=json.dumps(listed).encode())
    worker = start_worker(settings).wait_ready()

    sample = hostile_sample(60)
    with producing(settings) as producer:
        for i, raw in enumerate(sample):
            producer.send(settings.topic_crossings, key=f"h{i}".encode(), value=raw)
        producer.send(settings.topic_crossings, key=b"tombstone", value=None)
        after = valid_crossing("after-hostile", f"{SECRET} KHAN")
        after["traveller"]["birth_dates"] = listed["identity"]["birth_dates"]
        after["traveller"]["documents"] = listed["identity"]["documents"]
        producer.send(settings.topic_crossings, key=b"after", value=json.dumps(after).encode())

    alerts = read_topic(settings, settings.topic_alerts, count_at_least(1), timeout_s=60)
    assert [json.loads(a.value)["event"]["event_id"] for a in alerts] == ["after-hostile"]
    letters = read_topic(settings, settings.topic_dlq, count_at_least(len(sample) + 1), 60)
    assert len(letters) == len(sample) + 1
    by_key = {r.key: r for r in letters}
    for i, raw in enumerate(sample):
        record = by_key[f"h{i}".encode()]
        assert record.value == raw, f"sample {i} not verbatim"
        letter = json.loads(dict(record.headers)[DLQ_HEADER])
        assert letter["reason"].startswith(f"crossing {settings.topic_crossings}[")
        assert letter["category"]
        assert SECRET not in letter["reason"]
    tombstone = json.loads(dict(by_key[b"tombstone"].headers)[DLQ_HEADER])
    assert tombstone["category"] == "null_value"
    assert worker.alive()
    metrics = worker.metrics()
    invalid = "borderwatch_crossings_invalid_total"
    refused = sum(v for k, v in metrics.items() if k.startswith(invalid))
    assert refused == len(sample) + 1
