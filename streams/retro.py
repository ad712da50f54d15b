"""Retro-hunt: when an entry is listed or changed, did that person already cross?

Kafka keeps the crossings, so nothing recent is held in memory: the hunter seeks each
crossings partition this worker owns to the first record of the look-back window (by
timestamp) and matches each crossing with the same index as the live path, keeping only
hits on the hunted entries. It stops at the live path's mark taken when the entry changed:
every crossing from that mark on is matched live against the already-updated index, so
the hunt and the live path together cover the window once. The mark is the next offset the
live path had to process, or, on a partition it has not processed yet, the high-water mark
then (a backlog may then be alerted by both paths, with the same alert id). Each worker
hunts in its own partitions, so a hunt is done once across the group; alerts carry
`retro: true`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from config import Settings
from streams.events import Alert
from streams.kafka import aiokafka_options
from streams.pipeline import CrossingPipeline, Incoming
from watchlists import WatchlistEntry

log = logging.getLogger(__name__)

Publish = Callable[[list[Alert]], Awaitable[None]]


class RetroHunter:
    """Queues changed entries and hunts for them in the crossings of the look-back window."""

    def __init__(
        self,
        settings: Settings,
        pipeline: CrossingPipeline,
        publish: Publish,
        on_hunt: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.publish = publish
        self.on_hunt = on_hunt
        self._pending: dict[str, WatchlistEntry] = {}
        self._marks: dict[int, int | None] = {}
        self._wake = asyncio.Event()

    def enqueue(self, entries: list[WatchlistEntry], marks: dict[int, int | None]) -> None:
        """Hunt for these entries soon, up to the live marks taken when they changed.

        Entries changed within the debounce time are hunted in one scan, up to the latest
        marks (marks only grow, so no crossing of an earlier entry is missed).
        """
        for entry in entries:
            self._pending[entry.entry_id] = entry
        self._marks = marks
        self._wake.set()

    async def run(self) -> None:
        """Hunt whenever entries are queued, forever."""
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.settings.retro_debounce_s)
            self._wake.clear()
            hunted, self._pending = self._pending, {}
            marks, self._marks = self._marks, {}
            try:
                await self.hunt(set(hunted), marks)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retro-hunt for %d entries failed; queued again", len(hunted))
                for entry_id, entry in hunted.items():
                    self._pending.setdefault(entry_id, entry)
                self._marks = {**marks, **self._marks}
                self._wake.set()
                await asyncio.sleep(5.0)

    async def hunt(self, entry_ids: set[str], marks: dict[int, int | None]) -> int:
        """Scan the window of the partitions in `marks` (partition -> live mark, or None:
        up to the high-water mark) for these entries; returns the alerts produced."""
        partitions = sorted(marks)
        if not entry_ids or not partitions:
            return 0
        topic = self.settings.topic_crossings
        cutoff_ms = int((time.time() - self.settings.retro_window_h * 3600) * 1000)
        consumer = AIOKafkaConsumer(
            **aiokafka_options(self.settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=100,
        )
        await consumer.start()
        scanned = alerted = 0
        try:
            tps = [TopicPartition(topic, p) for p in partitions]
            consumer.assign(tps)
            starts = await consumer.offsets_for_times({tp: cutoff_ms for tp in tps})
            open_tps = set()
            for tp in tps:
                found = starts.get(tp)
                if found is not None:  # None: nothing in the window on this partition
                    consumer.seek(tp, found.offset)
                    open_tps.add(tp)
            targets = {tp: mark for tp in tps if (mark := marks[tp.partition]) is not None}
            while open_tps:
                batches = await consumer.getmany(*open_tps, timeout_ms=200, max_records=2000)
                for tp, records in batches.items():
                    batch = [
                        Incoming(r.value, r.key, tp.topic, tp.partition, r.offset, r.timestamp)
                        for r in records
                        if r.timestamp >= cutoff_ms and r.offset < targets.get(tp, 1 << 62)
                    ]
                    scanned += len(batch)
                    alerts = [
                        alert
                        for outcome in self.pipeline.process(batch, retro=True, only=entry_ids)
                        for alert in outcome.alerts
                    ]
                    if alerts:
                        await self.publish(alerts)
                        alerted += len(alerts)
                for tp in list(open_tps):
                    highwater = consumer.highwater(tp)
                    if highwater is None:
                        continue
                    target = targets.setdefault(tp, highwater)  # the mark when the hunt began
                    if await consumer.position(tp) >= target:
                        open_tps.discard(tp)
        finally:
            await consumer.stop()
        log.info(
            "retro-hunt for %d entries up to live marks %s: %d crossings scanned, %d alerts",
            len(entry_ids),
            marks,
            scanned,
            alerted,
        )
        if self.on_hunt:
            self.on_hunt(scanned, alerted)
        return alerted
