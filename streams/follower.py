"""Reading whole topics into a worker's memory: every partition, from the beginning, forever.

The watchlist index and the alert history (trails, suppressions) are state every worker
holds in full, so they are read without a consumer group. A follower is ready once it has
read up to the high-water marks of its fetch responses (not ListOffsets, which some
Kafka-compatible brokers answer wrongly), and keeps applying records after that.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from config import Settings
from streams.kafka import aiokafka_options

log = logging.getLogger(__name__)

Apply = Callable[[TopicPartition, Sequence[ConsumerRecord]], None]


class TopicFollower:
    """Feeds every record of some topics to `apply`, batch by batch."""

    def __init__(
        self,
        settings: Settings,
        topics: Sequence[str],
        apply: Apply,
        after_batch: Callable[[], Awaitable[None]] | None = None,
        name: str = "follower",
    ) -> None:
        self.settings = settings
        self.topics = list(topics)
        self.apply = apply
        self.after_batch = after_batch
        self.name = name
        self.ready = asyncio.Event()

    async def run(self) -> None:
        """Read the topics from the beginning, forever; set `ready` once caught up."""
        consumer = AIOKafkaConsumer(
            **aiokafka_options(self.settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=200,
        )
        await consumer.start()
        try:
            partitions = [tp for topic in self.topics for tp in await _partitions(consumer, topic)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            started = time.monotonic()
            while True:
                # small bites: a bulk list update must not stall crossings for seconds
                batches = await consumer.getmany(timeout_ms=200, max_records=500)
                for tp, records in batches.items():
                    self.apply(tp, records)
                    await asyncio.sleep(0)
                if self.after_batch is not None:
                    await self.after_batch()
                if not self.ready.is_set() and await _caught_up(consumer, partitions):
                    self.ready.set()
                    log.info("%s ready in %.1f s", self.name, time.monotonic() - started)
        finally:
            await consumer.stop()


async def _caught_up(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> bool:
    for tp in partitions:
        highwater = consumer.highwater(tp)
        if highwater is None or await consumer.position(tp) < highwater:
            return False
    return True


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    for _ in range(100):
        if topic in await consumer.topics():
            found = consumer.partitions_for_topic(topic) or set()
            if found:
                return [TopicPartition(topic, p) for p in sorted(found)]
        await asyncio.sleep(0.2)
    raise RuntimeError(f"topic {topic!r} does not exist")
