"""Feeds the whole `watchlist` topic into this worker's matcher, and says when it is ready.

Every worker holds every entry, so the feed reads all partitions without a consumer group
(Faust's GlobalTable loops in recovery with several workers). A worker is ready once it
has read up to the high-water marks seen in fetch responses (not ListOffsets, which some
Kafka-compatible brokers answer wrongly); it keeps applying upserts and tombstones after.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from config import Settings
from matchers import Matcher
from streams.kafka import aiokafka_options
from watchlists import WatchlistEntry

log = logging.getLogger(__name__)


class WatchlistFeed:
    """Applies watchlist upserts (key = entry id) and deletes (null value) to a matcher."""

    def __init__(
        self,
        settings: Settings,
        matcher: Matcher,
        on_change: Callable[[WatchlistFeed], None] | None = None,
        on_entries_changed: Callable[[list[WatchlistEntry]], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.matcher = matcher
        self.ready = asyncio.Event()
        self.last_update: float | None = None
        self.rejected = 0
        self.entries_by_list: dict[str, int] = {}
        self._on_change = on_change
        self._on_entries_changed = on_entries_changed
        self._changed: dict[str, WatchlistEntry] = {}
        self._consumer: AIOKafkaConsumer | None = None

    def apply(self, key: bytes | None, value: bytes | None, where: str) -> None:
        """Apply one record of the watchlist topic to the matcher."""
        if key is None:
            self.rejected += 1
            log.warning("watchlist record %s has no key (the entry id); skipped", where)
            return
        entry_id = key.decode("utf-8", "replace")
        if value is None:
            self._forget(entry_id)
            self.matcher.remove(entry_id)
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
        previous = self.matcher.get(entry_id)
        self._forget(entry_id)
        self.matcher.upsert(entry)
        if self.ready.is_set() and previous != entry:
            self._changed[entry_id] = entry  # new or changed after start-up: retro-hunt it
        self.entries_by_list[entry.list_id] = self.entries_by_list.get(entry.list_id, 0) + 1

    def _forget(self, entry_id: str) -> None:
        old = self.matcher.get(entry_id)
        if isinstance(old, WatchlistEntry):
            self.entries_by_list[old.list_id] -= 1

    def _apply_records(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        for tp, records in batches.items():
            for record in records:
                self.apply(record.key, record.value, f"{tp.topic}[{tp.partition}]@{record.offset}")
        if batches:
            self.last_update = time.time()
            if self._on_change:
                self._on_change(self)

    async def _caught_up(
        self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
    ) -> bool:
        for tp in partitions:
            highwater = consumer.highwater(tp)
            if highwater is None or await consumer.position(tp) < highwater:
                return False
        return True

    async def run(self) -> None:
        """Read the topic from the beginning, forever; set `ready` once caught up."""
        topic = self.settings.topic_watchlist
        consumer = AIOKafkaConsumer(
            **aiokafka_options(self.settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=200,
        )
        self._consumer = consumer
        await consumer.start()
        try:
            partitions = await self._partitions(consumer, topic)
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            started = time.monotonic()
            while True:
                batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
                self._apply_records(batches)
                if self._changed:
                    changed, self._changed = list(self._changed.values()), {}
                    if self._on_entries_changed:
                        await self._on_entries_changed(changed)
                if not self.ready.is_set() and await self._caught_up(consumer, partitions):
                    self.ready.set()
                    log.info(
                        "watchlist index ready: %d entries in %.1f s",
                        len(self.matcher),
                        time.monotonic() - started,
                    )
        finally:
            self._consumer = None
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
        for _ in range(100):
            if topic in await consumer.topics():
                found = consumer.partitions_for_topic(topic) or set()
                if found:
                    return [TopicPartition(topic, p) for p in sorted(found)]
            await asyncio.sleep(0.2)
        raise RuntimeError(f"watchlist topic {topic!r} does not exist")
