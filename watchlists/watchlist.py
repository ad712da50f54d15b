"""A worker's watchlist: every listed entry, and the index that matches travellers to them.

The index (`matchers.Matcher`) files what it reads of each identity; the entries are kept
here as the JSON they came in, and validated again when an alert or a change needs one.
A validated entry takes about 2.8 kB of memory and its JSON 0.3 kB, so at 1,000,000
entries a worker holds some 2.5 GB less, and a snapshot (which pickles the watchlist whole)
loads that much less. The price is one validation an alert: 8-12 µs warm, 35-50 µs in a
busy worker where the JSON is cold (bench/RESULTS.md, sessions 20 and 21).
"""

from __future__ import annotations

from collections.abc import Iterable

from matchers import Hit, Identity, Matcher, MatchStats
from matchers.score import DEFAULT_THRESHOLD
from watchlists.entry import WatchlistEntry


class Watchlist:
    """Entries by id, and their index."""

    def __init__(
        self, entries: Iterable[WatchlistEntry] = (), threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.matcher = Matcher(threshold=threshold)
        self._json: dict[str, bytes] = {}
        for entry in entries:
            self.upsert(entry)

    @property
    def threshold(self) -> float:
        return self.matcher.threshold

    def __len__(self) -> int:
        return len(self._json)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._json

    def upsert(self, entry: WatchlistEntry, raw: bytes | None = None) -> None:
        """Add an entry or replace the one with its id. `raw`: the JSON the entry was
        validated from, kept as it is (without it, the entry's own JSON is kept)."""
        self.matcher.upsert(entry)
        self._json[entry.entry_id] = entry.model_dump_json().encode() if raw is None else raw

    def remove(self, entry_id: str) -> bool:
        """Forget an entry; False if it was not there."""
        self._json.pop(entry_id, None)
        return self.matcher.remove(entry_id)

    def get(self, entry_id: str) -> WatchlistEntry | None:
        """The entry with this id, if held (validated anew: a model of its own each call)."""
        raw = self._json.get(entry_id)
        return None if raw is None else WatchlistEntry.model_validate_json(raw)

    def match(self, identity: Identity, stats: MatchStats | None = None) -> list[Hit]:
        """The listed entries this identity may be, best first (`Matcher.match`)."""
        return self.matcher.match(identity, stats)
