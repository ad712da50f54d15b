"""The watchlist held in memory, matched against one traveller at a time."""

from __future__ import annotations

from collections.abc import Iterable

from matchers.identity import Identity
from matchers.result import Hit, Listed
from matchers.score import DEFAULT_THRESHOLD, compare


class Matcher:
    """Holds listed identities by entry id; `match` returns the hits, best first."""

    def __init__(self, entries: Iterable[Listed] = (), threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._entries: dict[str, Listed] = {}
        for entry in entries:
            self.upsert(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def upsert(self, entry: Listed) -> None:
        """Add an entry or replace the one with the same id."""
        self._entries[entry.entry_id] = entry

    def remove(self, entry_id: str) -> bool:
        """Forget an entry; False if it was not there."""
        return self._entries.pop(entry_id, None) is not None

    def get(self, entry_id: str) -> Listed | None:
        """The entry with this id, if held."""
        return self._entries.get(entry_id)

    def match(self, identity: Identity) -> list[Hit]:
        """Every entry scoring at or above the threshold, best first."""
        hits = []
        for entry_id, entry in self._entries.items():
            c = compare(identity, entry.identity, self.threshold)
            if c.alert:
                hits.append(Hit(entry_id=entry_id, **c.model_dump()))
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        return hits
