"""Publishing to borderwatch's topics: crossing files and watchlist entries.

Crossing files are sent as they are (a JSON Lines line verbatim, a CSV row turned into the
same JSON): the worker, not the publisher, decides what is valid, so a bad record still
reaches the dead-letter topic instead of vanishing on someone's laptop.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kafka import KafkaProducer

from config import Settings
from watchlists import WatchlistEntry

CSV_COLUMNS = (
    "event_id",
    "agency",
    "checkpoint_code",
    "checkpoint_country",
    "direction",
    "occurred_at",
    "names",
    "birth_date",
    "nationality",
    "sex",
    "document_number",
    "document_kind",
    "document_country",
    "mode",
)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def crossing_from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A crossing CSV row (columns `CSV_COLUMNS`, `;` between several names) as event JSON."""

    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    document: dict[str, Any] = {
        "number": get("document_number"),
        "kind": get("document_kind") or "passport",
    }
    if get("document_country"):
        document["country"] = get("document_country")
    event: dict[str, Any] = {
        "event_id": get("event_id"),
        "agency": get("agency"),
        "checkpoint": {"code": get("checkpoint_code"), "country": get("checkpoint_country")},
        "direction": get("direction"),
        "occurred_at": get("occurred_at"),
        "traveller": {
            "names": _split(get("names")),
            "birth_dates": _split(get("birth_date")),
            "nationalities": _split(get("nationality")),
            "sex": get("sex") or None,
            "documents": [document] if document["number"] else [],
        },
    }
    if get("mode"):
        event["mode"] = get("mode")
    return event


def _key_of(line: bytes) -> bytes | None:
    try:
        event_id = json.loads(line).get("event_id")
    except (ValueError, AttributeError, RecursionError):
        return None
    return event_id.encode() if isinstance(event_id, str) else None


def read_crossings(path: Path) -> Iterator[tuple[bytes | None, bytes]]:
    """(key, value) pairs from a JSON Lines or CSV crossing file; key is the event id."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = set(CSV_COLUMNS[:7]) - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path}: CSV lacks the columns {sorted(missing)}")
            for row in reader:
                event = crossing_from_csv_row(row)
                yield (event["event_id"].encode() or None, json.dumps(event).encode())
        return
    with path.open("rb") as fh:
        for line in fh:
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield _key_of(line), line


def send_crossings(
    producer: KafkaProducer, settings: Settings, records: Iterable[tuple[bytes | None, bytes]]
) -> int:
    """Send crossings; returns how many were sent (the caller flushes)."""
    count = 0
    for key, value in records:
        producer.send(settings.topic_crossings, key=key, value=value)
        count += 1
    return count


def send_entries(
    producer: KafkaProducer, settings: Settings, entries: Iterable[WatchlistEntry]
) -> dict[str, int]:
    """Upsert entries on the compacted watchlist topic (key = entry id); counts per list."""
    counts: dict[str, int] = {}
    for entry in entries:
        producer.send(
            settings.topic_watchlist,
            key=entry.entry_id.encode(),
            value=entry.model_dump_json(exclude_none=True).encode(),
        )
        counts[entry.list_id] = counts.get(entry.list_id, 0) + 1
    return counts


def send_removal(producer: KafkaProducer, settings: Settings, entry_id: str) -> None:
    """A tombstone: every worker forgets the entry."""
    producer.send(settings.topic_watchlist, key=entry_id.encode(), value=None)
