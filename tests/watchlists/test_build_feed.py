"""Loading the watchlist topic: counts per list, and the heap frozen more often until ready."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from config import Settings
from streams.heap import SETTLE_EVERY
from streams.watchlist_feed import LOADING_SETTLE_EVERY, WatchlistFeed
from tests.reliability.hostile import valid_entry
from watchlists import Watchlist

TP = TopicPartition("w", 0)


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _record(
    offset: int, entry_id: str, name: str = "Listed Person"
) -> ConsumerRecord[bytes, bytes]:
    value = json.dumps(valid_entry(entry_id, name)).encode()
    return ConsumerRecord("w", 0, offset, 0, 0, entry_id.encode(), value, None, 0, 0, [])


def test_an_entry_upserted_again_is_counted_once_and_a_deleted_one_not_at_all() -> None:
    feed = WatchlistFeed(Settings(), Watchlist())
    feed._apply_records(TP, [_record(0, "A:1"), _record(1, "A:2"), _record(2, "B:1")])
    feed._apply_records(TP, [_record(3, "A:1", "Other Person"), _record(4, "A:2")])
    assert feed.entries_by_list == {"A": 2, "B": 1}
    feed.apply(b"A:2", None, "w[0]@5")
    assert feed.entries_by_list == {"A": 1, "B": 1}
    assert len(feed.watchlist) == 2


def test_the_heap_is_frozen_every_thousand_records_until_ready_then_as_before() -> None:
    feed = WatchlistFeed(Settings(), Watchlist())
    assert feed.heap.every == LOADING_SETTLE_EVERY < SETTLE_EVERY
    feed.ready.set()
    asyncio.run(feed._after_batch())
    assert feed.heap.every == SETTLE_EVERY
