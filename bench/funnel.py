"""Where a crossing's matching time goes, stage by stage, and how many listed names each
stage leaves to the next.

    python -m bench.funnel [--entries 100000] [--crossings 6000] [--passes 2] [--kernels]

Builds the index as the watchlist feed does (`bench.pipeline_hotpath.warmed`), then matches
pipeline crossings (bench/pipeline_data.py) with each of `Matcher.match`'s steps timed
(inclusive: a step's time holds what it calls), in passes over travellers new to the
matcher (`Matcher.forget_travellers`). The funnel: the listed names the index retrieved,
those whose cap and evidence may still reach an alert (`NameTable.hopeful`), those valued
exactly, those whose value may alert, and the hits. A profile says which lines are hot; this
says which step, and on how many names, so that a change to one is measured where it acts.

`--kernels` adds, for each pass, the floor the compiled kernels set under matching as it is
now: every kernel call of a pass recorded, then run again from its recorded arguments with
no Python in between (the output checked against the recorded one), and once more at once,
with its memory in the caches. What a match spends beyond the first is Python; what the
first spends beyond the second is mostly waiting on memory.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import matchers.index as index
from bench.pipeline_data import crossings
from bench.pipeline_hotpath import warmed
from matchers import Matcher, kernels
from matchers.bound import NameTable
from matchers.evidence import EvidenceTable
from streams.events import CrossingEvent

# (label, owner, attribute): the steps of `Matcher.match` timed, in the order they run
STEPS: tuple[tuple[str, Any, str], ...] = (
    ("prepare", index, "prepare"),
    ("date blocks", index.Matcher, "_blocks"),
    ("retrieval", index.Matcher, "_candidates"),
    ("evidence", EvidenceTable, "upper_bounds"),
    ("name caps", NameTable, "hopeful"),
    ("name values", index.Matcher, "_worths"),
    ("aligned", index.Matcher, "_name_match"),
    ("best pair", index.Matcher, "_best_pair"),
    ("hit", index, "hit_for"),
)


@dataclass
class Tally:
    """Seconds and calls by step, and the funnel's counts, over the crossings matched."""

    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)


def _timed(tally: Tally, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            tally.seconds[label] += time.perf_counter() - started
            tally.calls[label] += 1

    return run


def _counting(tally: Tally) -> dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]]:
    """Wrappers that count the names going into and out of the funnel's steps."""

    def evidence(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: Any, query: Any, fids: np.ndarray, *rest: Any) -> Any:
            tally.names["retrieved"] += len(fids)
            return fn(self, query, fids, *rest)

        return run

    def caps(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            got = fn(*args)
            tally.names["capped in"] += len(got[0])
            return got

        return run

    def values(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: Any, query: Any, fids: np.ndarray, needed: np.ndarray) -> Any:
            got = fn(self, query, fids, needed)
            tally.names["valued"] += len(fids)
            tally.names["may alert"] += int(np.count_nonzero(got[0] >= needed))
            return got

        return run

    return {"evidence": evidence, "name caps": caps, "name values": values}


@contextmanager
def clocked(tally: Tally) -> Iterator[None]:
    """`Matcher.match`'s steps timed and counted into `tally` while inside; put back after."""
    counting = _counting(tally)
    originals = [(owner, name, getattr(owner, name)) for _, owner, name in STEPS]
    try:
        for (label, owner, name), (_, _, fn) in zip(STEPS, originals, strict=True):
            wrapped = counting[label](fn) if label in counting else fn
            setattr(owner, name, _timed(tally, label, wrapped))
        yield
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)


def measure(matcher: Matcher, events: list[CrossingEvent]) -> dict[str, Any]:
    """One pass: every traveller new to the matcher, each step timed, the funnel counted."""
    matcher.forget_travellers()
    tally = Tally()
    hits = 0
    with clocked(tally):
        started = time.perf_counter()
        for event in events:
            hits += len(matcher.match(event.traveller))
        total = time.perf_counter() - started
    n = len(events)
    return {
        "us_per_crossing": round(1e6 * total / n, 1),
        "steps_us": {k: round(1e6 * tally.seconds[k] / n, 1) for k, _, _ in STEPS},
        "calls_per_crossing": {k: round(tally.calls[k] / n, 2) for k, _, _ in STEPS},
        "names_per_crossing": {
            k: round(tally.names[k] / n, 2)
            for k in ("retrieved", "capped in", "valued", "may alert")
        }
        | {"hits": round(hits / n, 3)},
    }


# The compiled kernels `Matcher.match` calls (through the module, so that they can be wrapped).
KERNELS = (
    "query_blocks", "names_in_blocks", "evidence_bounds", "hopeful", "capped_above",
    "columns_of", "similarities", "spelling_facts", "unit_similarities", "name_bounds",
    "date_blocks",
)  # fmt: skip

Call = tuple[str, tuple[Any, ...], Any]


@contextmanager
def recorded(calls: list[Call]) -> Iterator[None]:
    """Every kernel call (name, arguments, result) appended to `calls` while inside."""

    def recording(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            got = fn(*args)
            calls.append((name, args, _copy(got)))  # (callers sort some results in place)
            return got

        return run

    originals = {name: getattr(kernels, name) for name in KERNELS}
    try:
        for name, fn in originals.items():
            setattr(kernels, name, recording(name, fn))
        yield
    finally:
        for name, fn in originals.items():
            setattr(kernels, name, fn)


def _copy(result: Any) -> Any:
    return tuple(map(_copy, result)) if isinstance(result, tuple) else result.copy()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def kernel_floor(matcher: Matcher, events: list[CrossingEvent]) -> dict[str, Any]:
    """One pass of travellers new to the matcher, its kernel calls recorded (the pass's
    `us_per_crossing` includes the recording); then each call replayed in order, its result
    checked (`kernels_us`), and again at once (`kernels_again_us`)."""
    matcher.forget_travellers()
    calls: list[Call] = []
    with recorded(calls):
        started = time.perf_counter()
        for event in events:
            matcher.match(event.traveller)
        total = time.perf_counter() - started
    cold: defaultdict[str, float] = defaultdict(float)
    hot: defaultdict[str, float] = defaultdict(float)
    for name, args, expected in calls:
        fn = getattr(kernels, name)
        started = time.perf_counter()
        got = fn(*args)
        between = time.perf_counter()
        fn(*args)
        cold[name] += between - started
        hot[name] += time.perf_counter() - between
        if not _same(got, expected):
            raise AssertionError(f"kernels.{name} gave another result from the same arguments")
    n = len(events)
    return {
        "us_per_crossing": round(1e6 * total / n, 1),
        "calls_per_crossing": round(len(calls) / n, 2),
        "kernels_us": round(1e6 * sum(cold.values()) / n, 1),
        "kernels_again_us": round(1e6 * sum(hot.values()) / n, 1),
        "by_kernel_us": {
            k: [round(1e6 * cold[k] / n, 1), round(1e6 * hot[k] / n, 1)]
            for k in sorted(cold, key=cold.__getitem__, reverse=True)
        },
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--crossings", type=int, default=6_000, help="in all, split among passes")
    p.add_argument("--passes", type=int, default=2)
    p.add_argument("--share", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--kernels", action="store_true", help="and the kernels' floor, per pass")
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    watchlist, sample = warmed(a.entries, a.seed + 1, rng)
    matcher = watchlist.matcher
    events = [
        CrossingEvent.model_validate_json(c.value)
        for c in crossings(a.crossings, sample, a.share, rng)
    ]
    passes = [measure(matcher, events[k :: a.passes]) for k in range(a.passes)]
    if a.kernels:
        for k, got in enumerate(passes):
            got["kernel_floor"] = kernel_floor(matcher, events[k :: a.passes])
    print(json.dumps({"entries": a.entries, "passes": passes}, indent=2))
    return passes


if __name__ == "__main__":
    main()
