"""Test helpers that talk to a real broker and a real worker process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from kafka import KafkaAdminClient

from bench.reliability import poipet_crossing
from config import Settings
from streams.kafka import client_options, producing
from streams.kafka import read_until as read_topic
from streams.kafka import retention_of as describe_retention
from streams.worker_process import WorkerProcess

__all__ = [
    "WorkerProcess",
    "count_at_least",
    "crossing",
    "entry",
    "publish_crossings",
    "publish_watchlist",
    "read_topic",
    "retention_of",
]


def retention_of(settings: Settings, topics: Iterable[str]) -> dict[str, int | None]:
    """Each topic's retention.ms, as the broker describes it (None: it names none)."""
    topics = list(topics)
    admin = KafkaAdminClient(**client_options(settings))
    try:
        got = describe_retention(admin, topics)
    finally:
        admin.close()
    return {t: got.get(t) for t in topics}


def count_at_least(n: int) -> Callable[[list[Any]], bool]:
    return lambda records: len(records) >= n


def crossing(event_id: str, names: list[str], **traveller: Any) -> dict[str, Any]:
    """A valid crossing event at Poipet for a traveller with these names."""
    person: dict[str, Any] = {
        "names": names,
        "documents": [{"number": "P1234567", "country": "KHM"}],
    }
    person.update(traveller)
    return poipet_crossing(event_id, person)


def entry(entry_id: str, names: list[str], **identity: Any) -> dict[str, Any]:
    """A native watchlist entry for these names."""
    return {
        "entry_id": entry_id,
        "list_id": entry_id.split(":", 1)[0],
        "identity": {"names": names, **identity},
        "reason": "test entry",
        "action": "arrest",
    }


def publish_watchlist(settings: Settings, *records: tuple[str, dict[str, object] | None]) -> None:
    """Watchlist records by entry id (None: a tombstone)."""
    with producing(settings) as producer:
        for key, value in records:
            payload = None if value is None else json.dumps(value, ensure_ascii=False).encode()
            producer.send(settings.topic_watchlist, key=key.encode(), value=payload)


def publish_crossings(settings: Settings, *events: dict[str, object] | bytes) -> None:
    """Crossing events (or raw bytes), unkeyed."""
    with producing(settings) as producer:
        for event in events:
            raw = (
                event
                if isinstance(event, bytes)
                else json.dumps(event, ensure_ascii=False).encode()
            )
            producer.send(settings.topic_crossings, value=raw)
