"""Keeps Python's cyclic garbage collector off the watchlist index.

The index is millions of long-lived objects (name forms, postings, sets of ids). CPython's
full collection walks every one of them: 1.45 s at 100,000 entries on the pipeline data, a
stop of the whole worker that showed as the 2 s p99 of crossing-to-alert latency; and while
the watchlist loads, the growing heap sets off a full collection every few thousand entries
(building 100,000 entries: 12.0 s, 8.2 s with the heap settled every 10,000).

`gc.freeze()` moves every object alive now into a permanent generation the collector no
longer walks. Reference counting still frees them as usual: the index holds no reference
cycles (removing and re-adding thousands of pipeline-data entries left none for the collector).
The cost is that cyclic garbage alive at a freeze is never reclaimed. The feed settles the
heap only every SETTLE_EVERY records, so that stays a few start-up leftovers.

Once the list is in, the collector also runs less often (`collect_less_often`). With
CPython's thresholds (700, 10, 10) a batch of crossings set off dozens of young
collections; each promoted the batch's own objects, alive until its end, and those
promotions set off full collections of everything made since the last freeze (the caches'
entries among them): 5.3-6.2 % of a worker's CPU at 100,000 entries, 1.1-1.6 % with
STEADY_THRESHOLDS; in one process 24 against 3.4 µs a crossing (`bench.gc_thresholds`,
bench/RESULTS.md, session 15).
"""

from __future__ import annotations

import gc

SETTLE_EVERY = 10_000  # watchlist records applied between two freezes
# A young collection once 50,000 more objects are alive than at the last (a batch's own are
# gone by then), a middle one every 20 of those, a full one every 10 middle ones.
STEADY_THRESHOLDS = (50_000, 20, 10)


def collect_less_often() -> None:
    """The collector's thresholds for a process past its start-up (STEADY_THRESHOLDS)."""
    gc.set_threshold(*STEADY_THRESHOLDS)


class HeapSettler:
    """Freezes the heap after every `every` changes to the index, and once it is loaded."""

    def __init__(self, every: int = SETTLE_EVERY) -> None:
        self.every = every
        self._since = 0

    def changed(self, count: int) -> None:
        """`count` more records applied to the index."""
        self._since += count
        if self._since >= self.every:
            self.settle()

    def settle(self) -> None:
        """Move everything alive now out of the collector's way."""
        gc.freeze()
        self._since = 0

    def loaded(self) -> None:
        """The whole list is in: settle, then every SETTLE_EVERY changes, and collect less
        often from now on."""
        self.settle()
        self.every = SETTLE_EVERY  # live updates: fewer start-up leftovers frozen
        collect_less_often()
