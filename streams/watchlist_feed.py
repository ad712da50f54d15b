"""Feeds the whole `watchlist` topic into this worker's watchlist, and says when it is ready.

Every worker holds every entry, so the feed follows all partitions without a consumer group
(Faust's GlobalTable loops in recovery with several workers; see `streams.follower`). The
worker takes no crossing before the feed is ready, and upserts and tombstones apply live.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from config import Settings
from streams.follower import TopicFollower
from streams.heap import HeapSettler
from watchlists import Watchlist, WatchlistEntry

log = logging.getLogger(__name__)

# Records between two freezes of the heap until the list is in (then SETTLE_EVERY). A full
# collection walks everything loaded since the last freeze, and one runs every few thousand
# entries: freezing every 10,000 left 9 s of the 47 s a 1,000,000-entry load took in them,
# every 1,000 under 2 s (pipeline data, in-process; no cyclic garbage was left either way).
LOADING_SETTLE_EVERY = 1_000


@dataclass
class FeedState:
    """What a feed has read besides its watchlist: where it stands in the topic, by
    partition (the offset after the last record applied, and that record's digest:
    `follower.record_digest`), and its counts."""

    offsets: dict[int, int] = field(default_factory=dict)
    last: dict[int, str] = field(default_factory=dict)
    entries_by_list: dict[str, int] = field(default_factory=dict)
    rejected: int = 0


class WatchlistFeed:
    """Applies watchlist upserts (key = entry id) and deletes (null value) to a watchlist.

    `resume`: the state the watchlist was saved with (`streams.snapshot`); the feed reads on
    from its offsets. Without it, the watchlist is empty and the topic is read from the start.
    """

    def __init__(
        self,
        settings: Settings,
        watchlist: Watchlist,
        on_change: Callable[[WatchlistFeed], None] | None = None,
        on_entries_changed: Callable[[list[WatchlistEntry]], Awaitable[None]] | None = None,
        resume: FeedState | None = None,
    ) -> None:
        self.settings = settings
        self.watchlist = watchlist
        resume = resume or FeedState()
        topic = settings.topic_watchlist
        self.follower = TopicFollower(
            settings,
            [topic],
            self._apply_records,
            self._after_batch,
            name="watchlist index",
            start={TopicPartition(topic, p): o for p, o in resume.offsets.items()},
        )
        self.follower.last = {TopicPartition(topic, p): d for p, d in resume.last.items()}
        self.ready = self.follower.ready
        self.last_update: float | None = None
        self.rejected = resume.rejected
        self.entries_by_list: dict[str, int] = dict(resume.entries_by_list)
        self._on_change = on_change
        self._on_entries_changed = on_entries_changed
        self._changed: dict[str, WatchlistEntry] = {}
        self.heap = HeapSettler(LOADING_SETTLE_EVERY)
        self._settled_when_ready = False

    def apply(self, key: bytes | None, value: bytes | None, where: str) -> None:
        """Apply one record of the watchlist topic to the watchlist."""
        if key is None:
            self.rejected += 1
            log.warning("watchlist record %s has no key (the entry id); skipped", where)
            return
        entry_id = key.decode("utf-8", "replace")
        if value is None:
            self._forget(entry_id)
            self.watchlist.remove(entry_id)
            return
        try:
            entry = WatchlistEntry.model_validate_json(value)
        except ValidationError as exc:
            self.rejected += 1
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            log.warning(
                "watchlist record %s (%s) is invalid in %s; skipped", where, entry_id, fields
            )
            return
        if entry.entry_id != entry_id:
            self.rejected += 1
            log.warning(
                "watchlist record %s: key %s differs from entry_id; skipped", where, entry_id
            )
            return
        previous = self.watchlist.get(entry_id)
        if previous is not None:  # (as `_forget`, without a second look-up)
            self.entries_by_list[previous.list_id] -= 1
        self.watchlist.upsert(entry, value)
        if self.ready.is_set() and previous != entry:
            self._changed[entry_id] = entry  # new or changed after start-up: retro-hunt it
        self.entries_by_list[entry.list_id] = self.entries_by_list.get(entry.list_id, 0) + 1

    def _forget(self, entry_id: str) -> None:
        old = self.watchlist.get(entry_id)
        if old is not None:
            self.entries_by_list[old.list_id] -= 1

    def _apply_records(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        for record in records:
            self.apply(record.key, record.value, f"{tp.topic}[{tp.partition}]@{record.offset}")
        self.last_update = time.time()
        self.heap.changed(len(records))
        if self._on_change:
            self._on_change(self)

    async def _after_batch(self) -> None:
        if self.ready.is_set() and not self._settled_when_ready:
            self.heap.loaded()  # the whole list is in: keep the collector off it
            self._settled_when_ready = True
        if self._changed:
            changed, self._changed = list(self._changed.values()), {}
            if self._on_entries_changed:
                await self._on_entries_changed(changed)

    def state(self) -> FeedState:
        """Where the feed stands now (between batches, the watchlist's state to the record)."""
        return FeedState(
            offsets={tp.partition: o for tp, o in self.follower.applied.items()},
            last={tp.partition: d for tp, d in self.follower.last.items()},
            entries_by_list={k: n for k, n in self.entries_by_list.items() if n},
            rejected=self.rejected,
        )

    async def run(self) -> None:
        """Read the topic from the beginning (or where `resume` left it), forever; `ready`
        once caught up."""
        await self.follower.run()
