"""The collector's cost on the worker's hot path: CPython's thresholds against the worker's.

    python -m bench.gc_thresholds [--entries 100000] [--crossings 5000] [--rounds 4]

Builds the index as the watchlist feed does (`bench.pipeline_hotpath.warmed`), then runs
`CrossingPipeline.process` in batches of 50 as the worker does, each round on travellers
new to the matcher, with CPython's thresholds and with `streams.heap.STEADY_THRESHOLDS`
in turn (alternating which goes first). Prints CPU and collector time a crossing.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from typing import Any

from bench.pipeline_data import crossings
from bench.pipeline_hotpath import warmed
from streams.heap import STEADY_THRESHOLDS
from streams.pipeline import CrossingPipeline, Incoming

BATCH = 50  # the worker's default batch
CPYTHON = (700, 10, 10)  # CPython's own thresholds


class CollectorClock:
    """Time spent in the cyclic garbage collector (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> CollectorClock:
        gc.callbacks.append(self._on)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._on)

    def _on(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--crossings", type=int, default=5_000, help="per round and thresholds")
    p.add_argument("--rounds", type=int, default=4)
    a = p.parse_args(argv)
    before = gc.get_threshold()  # (loading sets the worker's; each round sets its own)
    try:
        watchlist, sample = warmed(a.entries, 8, random.Random(7))
        thresholds = {"CPython's": CPYTHON, "steady": STEADY_THRESHOLDS}
        with CollectorClock() as clock:
            _rounds(a, CrossingPipeline(watchlist), sample, thresholds, clock)
    finally:
        gc.set_threshold(*before)


def _rounds(
    a: argparse.Namespace,
    pipeline: CrossingPipeline,
    sample: list[Any],
    thresholds: dict[str, tuple[int, int, int]],
    clock: CollectorClock,
) -> None:
    totals: dict[str, list[float]] = {name: [0.0, 0.0] for name in thresholds}
    for r in range(a.rounds):
        for n, name in enumerate(thresholds if r % 2 == 0 else reversed(thresholds)):
            batch = [
                Incoming(value=c.value, key=c.event_id.encode(), timestamp_ms=0)
                for c in crossings(a.crossings, sample, 0.05, random.Random(100 + 2 * r + n))
            ]
            gc.set_threshold(*thresholds[name])
            clock.seconds, started = 0.0, time.process_time()
            for i in range(0, len(batch), BATCH):
                pipeline.process(batch[i : i + BATCH])
            cpu_us = (time.process_time() - started) / len(batch) * 1e6
            gc_us = clock.seconds / len(batch) * 1e6
            totals[name][0] += cpu_us / a.rounds
            totals[name][1] += gc_us / a.rounds
            print(f"round {r} {name:10s} {cpu_us:6.1f} µs CPU a crossing, {gc_us:5.1f} µs in gc")
    for name, (cpu_us, gc_us) in totals.items():
        print(f"{name:10s} mean {cpu_us:6.1f} µs CPU a crossing, {gc_us:5.1f} µs in gc")


if __name__ == "__main__":
    main()
