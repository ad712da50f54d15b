"""What the watchlist topic holds now, read to its end: for sync and stats.

Compaction may not have run, so records are replayed in order: the last record of a key
wins, and a tombstone deletes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from config import Settings
from streams.kafka import read_to_end
from watchlists import WatchlistEntry


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the topic holds it, with its version and when it was written."""

    entry: WatchlistEntry
    version: str
    written_at: dt.datetime


def read_watchlist(settings: Settings, timeout_s: float = 60.0) -> dict[str, StoredEntry]:
    """Every live entry on the topic, by entry id (the last record of a key wins)."""
    entries: dict[str, StoredEntry] = {}
    for r in read_to_end(settings, settings.topic_watchlist, timeout_s):
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
    return entries


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
