"""The machine's memory, measured beside each benchmark run.

The same code ran at 4,250 crossings/s through the pass-through in one session and at
2,900/s in a later one, on the same kind of machine: after a restart, loads from memory had
become two to four times slower while plain computing had not (bench/RESULTS.md, sessions
14 and 15). A worker against a large list is bound by such loads, the pass-through much
less, so the ratio between them moves with the machine. Each run records how long one load
takes when nothing can hide it (a chain of loads, each address read from the one before,
over more memory than any cache holds), so that runs on different days can be told apart.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

Array = np.ndarray


def one_cycle(size: int, seed: int = 0) -> Array:
    """A random successor for each of `size` slots, all of them on one cycle (so a chain
    from any slot visits every slot before it comes back)."""
    order = np.random.default_rng(seed).permutation(size)
    successor = np.empty(size, dtype=np.int64)
    successor[order] = np.roll(order, -1)
    return successor


@njit(cache=True)
def _chase(successor: Array, steps: int) -> int:
    at = 0
    for _ in range(steps):
        at = successor[at]
    return int(at)


def memory_latency_ns(megabytes: int = 128, steps: int = 2_000_000) -> float:
    """Nanoseconds per dependent load, chasing a random cycle over `megabytes` of memory."""
    successor = one_cycle(megabytes * 2**20 // 8)
    _chase(successor, 1_000)  # compiled (or loaded from numba's cache), and the pages touched
    started = time.perf_counter()
    _chase(successor, steps)
    return (time.perf_counter() - started) / steps * 1e9
