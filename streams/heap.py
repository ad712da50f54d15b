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
"""

from __future__ import annotations

import gc

SETTLE_EVERY = 10_000  # watchlist records applied between two freezes


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
