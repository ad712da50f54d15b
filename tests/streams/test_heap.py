"""The worker keeps the garbage collector off its index: the heap is frozen as the list loads."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from config import Settings
from streams.heap import SETTLE_EVERY, STEADY_THRESHOLDS, HeapSettler
from streams.watchlist_feed import WatchlistFeed
from tests.reliability.hostile import valid_entry
from watchlists import Watchlist


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's (a worker's feed in an earlier test set its own)
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_heap_is_frozen_after_every_so_many_changes() -> None:
    settler = HeapSettler(every=3)
    held = [object() for _ in range(10)]  # tracked containers alive at the freeze
    settler.changed(2)
    assert gc.get_freeze_count() == 0
    settler.changed(1)
    frozen = gc.get_freeze_count()
    assert frozen >= len(held)
    settler.changed(2)
    assert gc.get_freeze_count() == frozen  # counting starts again after a freeze


def _record(offset: int, entry_id: str) -> ConsumerRecord[bytes, bytes]:
    value = json.dumps(valid_entry(entry_id, f"Listed Person {offset}")).encode()
    return ConsumerRecord("w", 0, offset, 0, 0, entry_id.encode(), value, None, 0, 0, [])


def test_the_feed_freezes_what_it_loaded_and_again_once_ready() -> None:
    feed = WatchlistFeed(Settings(), Watchlist())
    feed.heap.every = 2
    feed._apply_records(TopicPartition("w", 0), [_record(0, "T:1")])
    assert gc.get_freeze_count() == 0
    feed._apply_records(TopicPartition("w", 0), [_record(1, "T:2")])
    assert gc.get_freeze_count() > 0
    assert len(feed.watchlist) == 2
    gc.unfreeze()
    asyncio.run(feed._after_batch())
    assert gc.get_freeze_count() == 0  # not ready yet: nothing more
    assert gc.get_threshold() == (700, 10, 10)  # the list is loading: CPython's still
    feed.ready.set()
    asyncio.run(feed._after_batch())
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == STEADY_THRESHOLDS  # loaded: the collector runs less often
    assert feed.heap.every == SETTLE_EVERY  # and the heap is settled less often
