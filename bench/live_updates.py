"""What live watchlist updates cost a worker: each kind of change as one upsert, and matching
with updates among the crossings against matching without.

    python -m bench.live_updates [--entries 100000] [--updates 1000] [--crossings 8000]

Builds the index as the watchlist feed does (`bench.pipeline_hotpath.warmed`), then:
- applies `--updates` new versions of listed entries for each kind of change lists make (its
  remarks, its birth date, its nationality, one more alias, another name) and times the
  upserts, counting the name ids they took;
- matches `--crossings` travellers new to the matcher in blocks, without updates and with a
  new version of some entry (of every kind in turn) before every `--every`th crossing (a
  busy list), in the order ABBA so that both see the machine alike.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.pipeline_data import crossings
from bench.pipeline_hotpath import warmed
from matchers import Identity, Matcher
from streams.events import CrossingEvent
from watchlists import WatchlistEntry

Change = Callable[[dict[str, Any], dict[str, Any], int], None]


def _remarks(entry: dict[str, Any], other: dict[str, Any], k: int) -> None:
    entry["reason"] = f"updated {k}"


def _birth_date(entry: dict[str, Any], other: dict[str, Any], k: int) -> None:
    entry["identity"]["birth_dates"] = [f"{1950 + k % 50}-{1 + k % 12:02d}-{1 + k % 28:02d}"]


def _nationality(entry: dict[str, Any], other: dict[str, Any], k: int) -> None:
    entry["identity"]["nationalities"] = other["identity"]["nationalities"]


def _new_name(other: dict[str, Any]) -> str:
    """A name new to the list, most often: another listed person's, its words reversed."""
    return " ".join(reversed(other["identity"]["names"][0].split()))


def _alias(entry: dict[str, Any], other: dict[str, Any], k: int) -> None:
    entry["identity"]["names"] = [*entry["identity"]["names"], _new_name(other)]


def _name(entry: dict[str, Any], other: dict[str, Any], k: int) -> None:
    entry["identity"]["names"] = [_new_name(other)]


CHANGES: dict[str, Change] = {
    "remarks": _remarks,
    "birth date": _birth_date,
    "nationality": _nationality,
    "alias": _alias,
    "name": _name,
}


def versions(
    sample: list[dict[str, Any]], kind: str, count: int, start: int = 0
) -> list[WatchlistEntry]:
    """New versions of `count` of the listed entries `sample` from `start` on, each with one
    change of `kind` (another listed person's data where the change needs some)."""
    out = []
    for k in range(start, start + count):
        entry = json.loads(json.dumps(sample[k % len(sample)]))  # (a deep copy)
        CHANGES[kind](entry, sample[-1 - k % len(sample)], k)
        out.append(WatchlistEntry.model_validate_json(json.dumps(entry)))
    return out


def upserts(matcher: Matcher, updates: dict[str, list[WatchlistEntry]]) -> dict[str, Any]:
    """µs an upsert of each kind of change, and the name ids it took per 100 upserts (a
    name kept by the new version keeps its id: none for a change that keeps the names)."""
    out: dict[str, Any] = {}
    for kind, entries in updates.items():
        ids = matcher._next_id
        t0 = time.perf_counter()
        for entry in entries:
            matcher.upsert(entry)
        seconds = time.perf_counter() - t0
        out[kind] = {
            "upsert_us": round(1e6 * seconds / len(entries), 1),
            "new_name_ids_per_100": round(100 * (matcher._next_id - ids) / len(entries), 1),
        }
    return out


def matching(
    matcher: Matcher,
    travellers: list[Identity],
    updates: list[WatchlistEntry],
    every: int,
    blocks: int,
) -> dict[str, list[float]]:
    """µs a crossing in blocks of their own travellers, without updates and with one before
    every `every`th crossing, in the order ABBA ABBA... (a drift of the machine weighs on
    both alike); each block as travellers new to the matcher, every posting split by date
    first (as `warm` leaves them: what an update drops is split again by the travellers
    after it, and counts against it)."""
    out: dict[str, list[float]] = {"without updates": [], "with updates": []}
    size = len(travellers) // blocks
    applied = 0
    for b in range(blocks):
        with_updates = b % 4 in (1, 2)
        matcher.warm()
        matcher.forget_travellers()
        t0 = time.perf_counter()
        for i, traveller in enumerate(travellers[b * size : (b + 1) * size]):
            if with_updates and i % every == 0:
                matcher.upsert(updates[applied % len(updates)])
                applied += 1
            matcher.match(traveller)
        key = "with updates" if with_updates else "without updates"
        out[key].append(round(1e6 * (time.perf_counter() - t0) / size, 1))
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--updates", type=int, default=1_000, help="of each kind of change")
    p.add_argument("--crossings", type=int, default=8_000)
    p.add_argument("--every", type=int, default=20, help="crossings per update, when updating")
    p.add_argument("--blocks", type=int, default=8, help="of crossings, ABBA")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    watchlist, sample = warmed(a.entries, a.seed + 1, rng)
    matcher = watchlist.matcher
    travellers = [
        CrossingEvent.model_validate_json(c.value).traveller
        for c in crossings(a.crossings, sample, 0.05, rng)
    ]
    # (each kind changes entries of its own while the sample holds enough, and the updates
    # among the crossings change entries again: each is a change, none a repeat)
    updates = {
        kind: versions(sample, kind, a.updates, n * a.updates) for n, kind in enumerate(CHANGES)
    }
    by_kind = upserts(matcher, updates)
    later = len(CHANGES) * a.updates
    each = a.crossings // a.every // len(CHANGES) + 1  # (for the blocks with updates)
    mixed = [
        entry
        for group in zip(
            *(versions(sample, kind, each, later + n * each) for n, kind in enumerate(CHANGES)),
            strict=True,
        )
        for entry in group
    ]
    blocks = matching(matcher, travellers, mixed, a.every, a.blocks)
    figures = {
        "entries": a.entries,
        "upserts": by_kind,
        "match_us_per_crossing": blocks,
        "match_us_median": {k: statistics.median(v) for k, v in blocks.items()},
        "every": a.every,
    }
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
