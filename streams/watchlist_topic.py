"""What the watchlist topic holds now, read to its end: for sync and stats.

The end is the high-water mark of fetch responses (not ListOffsets, which some
Kafka-compatible brokers answer wrongly). Compaction may not have run, so records are
replayed in order: the last record of a key wins, and a tombstone deletes.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from kafka import TopicPartition
from pydantic import ValidationError

from config import Settings
from streams.kafka import consumer
from watchlists import WatchlistEntry


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the topic holds it, with its version and when it was written."""

    entry: WatchlistEntry
    version: str
    written_at: dt.datetime


def read_watchlist(settings: Settings, timeout_s: float = 60.0) -> dict[str, StoredEntry]:
    """Every live entry on the topic, by entry id."""
    c = consumer(settings, fetch_max_wait_ms=100)
    entries: dict[str, StoredEntry] = {}
    try:
        topic = settings.topic_watchlist
        partitions = c.partitions_for_topic(topic)
        if not partitions:
            return entries
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        deadline = time.monotonic() + timeout_s
        pending = set(tps)
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout_s} s")
            for records in c.poll(timeout_ms=200, max_records=5000).values():
                for r in records:
                    key = r.key.decode("utf-8", "replace") if r.key else None
                    if key is None:
                        continue
                    if r.value is None:
                        entries.pop(key, None)
                        continue
                    try:
                        entry = WatchlistEntry.model_validate_json(r.value)
                    except ValidationError:
                        continue  # the workers skip it too (and count it)
                    written = dt.datetime.fromtimestamp(r.timestamp / 1000, dt.UTC)
                    entries[key] = StoredEntry(entry, entry.content_hash(), written)
            for tp in list(pending):
                highwater = c.highwater(tp)
                if highwater is not None and c.position(tp) >= highwater:
                    pending.discard(tp)
        return entries
    finally:
        c.close()


@dataclass(frozen=True)
class ListStats:
    list_id: str
    entries: int
    last_update: dt.datetime


def list_stats(entries: dict[str, StoredEntry]) -> list[ListStats]:
    """Entries per list and the time of the latest write, by list id."""
    stats: dict[str, ListStats] = {}
    for stored in entries.values():
        list_id = stored.entry.list_id
        old = stats.get(list_id)
        stats[list_id] = ListStats(
            list_id,
            (old.entries if old else 0) + 1,
            max(old.last_update, stored.written_at) if old else stored.written_at,
        )
    return [stats[k] for k in sorted(stats)]
