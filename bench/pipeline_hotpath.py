"""The worker's per-record costs in-process, no Kafka: where a crossing's time goes.

    python -m bench.pipeline_hotpath [--entries 100000] [--crossings 2000] [--profile]

Builds the index as the watchlist feed does (validate each record's JSON, upsert, the heap
frozen as it grows: `streams.heap`), then runs `CrossingPipeline.process` on crossings from
bench/pipeline_data.py, timing each step: decode, candidate retrieval, scoring, alert
building and serializing. --profile prints a pyinstrument profile of
`CrossingPipeline.process` (pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from typing import Any

from bench.pipeline_data import ListedFactory, crossings
from matchers.score import prepare
from streams.events import CrossingEvent
from streams.heap import HeapSettler
from streams.pipeline import CrossingPipeline, Incoming
from streams.watchlist_feed import LOADING_SETTLE_EVERY
from watchlists import Watchlist, WatchlistEntry


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def listed_records(entries: int, seed: int) -> list[bytes]:
    """The benchmark's watchlist as its topic holds it: one JSON record an entry."""
    factory = ListedFactory(random.Random(seed))
    return [json.dumps(factory.entry(i), ensure_ascii=False).encode() for i in range(entries)]


def load(raw: list[bytes]) -> tuple[Watchlist, float, float]:
    """A watchlist built as the worker's feed builds it: each record validated and upserted
    with its JSON, the heap settled as it grows and once loaded (`streams.heap`); and the
    seconds spent validating and upserting."""
    watchlist = Watchlist()
    heap = HeapSettler(LOADING_SETTLE_EVERY)
    validate_s = upsert_s = 0.0
    for value in raw:
        t0 = time.perf_counter()
        entry = WatchlistEntry.model_validate_json(value)
        t1 = time.perf_counter()
        watchlist.upsert(entry, value)
        heap.changed(1)
        validate_s += t1 - t0
        upsert_s += time.perf_counter() - t1
    heap.loaded()
    return watchlist, validate_s, upsert_s


def warmed(entries: int, seed: int, rng: random.Random) -> tuple[Watchlist, list[dict[str, Any]]]:
    """The benchmark's watchlist built (`load`) and its index warmed as a worker's, and up to
    5,000 of its entries drawn with `rng`, for `pipeline_data.crossings` to make listed
    travellers of."""
    raw = listed_records(entries, seed)
    watchlist, _, _ = load(raw)
    watchlist.matcher.warm()
    return watchlist, [json.loads(v) for v in rng.sample(raw, min(len(raw), 5_000))]


def measure(entries: int, count: int, share: float, seed: int, profile: bool) -> dict[str, Any]:
    rng = random.Random(seed)
    raw = listed_records(entries, seed + 1)
    rss_before = _rss_mb()
    watchlist, validate_s, upsert_s = load(raw)
    index_mb = _rss_mb() - rss_before
    sample = [json.loads(v) for v in rng.sample(raw, min(len(raw), 5_000))]
    del raw
    batch = [
        Incoming(value=c.value, key=c.event_id.encode(), timestamp_ms=int(time.time() * 1000))
        for c in crossings(count, sample, share, rng)
    ]
    decode = []
    candidates = []
    for incoming in batch:
        t0 = time.perf_counter()
        event = CrossingEvent.model_validate_json(incoming.value or b"")
        decode.append(time.perf_counter() - t0)
        candidates.append(len(watchlist.matcher.candidates(prepare(event.traveller))))
    pipeline = CrossingPipeline(watchlist)
    profiler: Any = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    t0 = time.perf_counter()
    outcomes = pipeline.process(batch)
    process_s = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
    alerts = [a for o in outcomes for a in o.alerts]
    t0 = time.perf_counter()
    for alert in alerts:
        alert.model_dump_json().encode()
    dump_s = time.perf_counter() - t0
    match_s = sum(o.match_seconds for o in outcomes)
    return {
        "entries": entries,
        "validate_us_per_entry": round(1e6 * validate_s / entries, 1),
        "upsert_us_per_entry": round(1e6 * upsert_s / entries, 1),
        "index_build_s": round(validate_s + upsert_s, 1),
        "index_rss_mb": round(index_mb),
        "index_kb_per_entry": round(1024 * index_mb / entries, 1),
        "crossings": count,
        "crossings_per_s_in_process": round(count / process_s, 1),
        "decode_us_per_crossing": round(1e6 * statistics.fmean(decode), 1),
        "match_ms_per_crossing": round(1e3 * match_s / count, 2),
        "other_ms_per_crossing": round(1e3 * (process_s - match_s) / count, 3),
        "candidates_mean": round(statistics.fmean(candidates), 1),
        "candidates_p99": sorted(candidates)[int(0.99 * (len(candidates) - 1))],
        "alerts_per_1000": round(1000 * len(alerts) / count, 1),
        "alert_json_us": round(1e6 * dump_s / max(len(alerts), 1), 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pipeline_hotpath")
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--crossings", type=int, default=2_000)
    p.add_argument("--share", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args(argv)
    figures = measure(a.entries, a.crossings, a.share, a.seed, a.profile)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
