"""Loading a benchmark's list leaves the worker's collector thresholds set and the heap
frozen (`streams.heap`): each test here puts CPython's state back for the tests after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collector_put_back() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()
