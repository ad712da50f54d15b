"""Reading whole topics into a worker's memory: every partition, from the beginning, forever.

The watchlist index and the alert history (trails, suppressions) are state every worker
holds in full, so they are read without a consumer group. A follower is ready once it has
read up to the high-water marks of its fetch responses (not ListOffsets, which some
Kafka-compatible brokers answer wrongly), and keeps applying records after that.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import OffsetOutOfRangeError
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
        start: dict[TopicPartition, int] | None = None,
    ) -> None:
        self.settings = settings
        self.topics = list(topics)
        self.apply = apply
        self.after_batch = after_batch
        self.name = name
        self.ready = asyncio.Event()
        self.start = dict(start or {})  # where to begin reading (else: the beginning)
        # By partition, the offset after the last record applied (where reading would resume)
        # and that record's digest: a snapshot of what was applied records them, and checks
        # the record is still there before resuming after it (`streams.snapshot`)
        self.applied: dict[TopicPartition, int] = dict(self.start)
        self.last: dict[TopicPartition, str] = {}

    async def run(self) -> None:
        """Read the topics from the beginning (a partition in `start`: from its offset),
        forever; set `ready` once caught up."""
        consumer = AIOKafkaConsumer(
            **aiokafka_options(self.settings),
            group_id=None,
            enable_auto_commit=False,
            # resuming past the log's end (a recreated topic) must fail, not read it afresh
            # into state that already holds the old one's records
            auto_offset_reset="none" if self.start else "earliest",
            fetch_max_wait_ms=200,
        )
        await consumer.start()
        try:
            partitions = [tp for topic in self.topics for tp in await _partitions(consumer, topic)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*(tp for tp in partitions if tp not in self.start))
            for tp, offset in self.start.items():
                consumer.seek(tp, offset)
            started = time.monotonic()
            while True:
                # small bites: a bulk list update must not stall crossings for seconds
                batches = await consumer.getmany(timeout_ms=200, max_records=500)
                for tp, records in batches.items():
                    self.apply(tp, records)
                    if records:
                        last = records[-1]
                        self.applied[tp] = last.offset + 1
                        self.last[tp] = record_digest(last.key, last.value)
                    await asyncio.sleep(0)
                if self.after_batch is not None:
                    await self.after_batch()
                if not self.ready.is_set() and await _caught_up(consumer, partitions):
                    self.ready.set()
                    log.info("%s ready in %.1f s", self.name, time.monotonic() - started)
        finally:
            await consumer.stop()


def record_digest(key: bytes | None, value: bytes | None) -> str:
    """A record's identity by content (a null key or value differs from an empty one)."""
    digest = hashlib.sha256()
    for part in (key, value):
        digest.update(b"\x00" if part is None else b"\x01%d:" % len(part) + part)
    return digest.hexdigest()


async def _caught_up(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> bool:
    """Whether every partition is read up to its high-water mark. A position past it was
    taken from elsewhere (a snapshot) for another log: Apache Kafka answers the fetch with
    OffsetOutOfRange, which some Kafka-compatible brokers do not, so it is raised here."""
    caught_up = True
    for tp in partitions:
        highwater = consumer.highwater(tp)
        position = await consumer.position(tp)
        if highwater is not None and position > highwater:
            raise OffsetOutOfRangeError({tp: position})
        if highwater is None or position < highwater:
            caught_up = False
    return caught_up


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    for _ in range(100):
        if topic in await consumer.topics():
            found = consumer.partitions_for_topic(topic) or set()
            if found:
                return [TopicPartition(topic, p) for p in sorted(found)]
        await asyncio.sleep(0.2)
    raise RuntimeError(f"topic {topic!r} does not exist")
