"""Throughput and retrieval quality of `Matcher` on large synthetic watchlists.

    python -m bench.matcher [--sizes 10000,100000,1000000] [--queries 2000] [--no-logicv2]
                            [--un-queries 1000]

Listed names are drawn word by word from real name distributions (the popular-names tables
with Zipf weights by rank, plus the words of the UN and OFAC names), two to four words each;
nine in ten entries have a date of birth (the UN list: 678 of 730), half of those the year
only. Queries: half are listed names disguised (words reordered, one letter changed, a word
dropped, upper case), half are new names from the same words. Each query is matched twice:
by name alone, and as a traveller's passport reads (with a full date of birth: the listed
person's own when he has one). Reports build time (entry by entry as the worker's feed
builds, the heap settled as in streams.heap), peak memory (max RSS growth), single-core
matches/s, candidates per query, and candidate recall against exhaustive scoring (every entry
scored when the list is small; at larger sizes the exhaustive reference is every entry a
rapidfuzz `process.cdist` pass over all names rates >= 50, then scored by `compare`).

First, the worker's real case: matches/s against the UN Security Council list (730 people,
every alias and native-script name filed), queries half travellers with names from the
popular-names tables (bench/eval.py), half listed people under one of their aliases.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from bench import eval_data as ed
from matchers import Identity, Matcher, compare
from matchers.names import name_form
from matchers.score import DEFAULT_THRESHOLD, prepare, score_prepared
from streams.heap import HeapSettler


@dataclass(frozen=True)
class Entry:
    entry_id: str
    identity: Identity


def vocabulary() -> tuple[list[str], list[float]]:
    weights: dict[str, float] = {}
    for row in ed.read_surname_table() + ed.read_forename_table():
        name = (row.get("Romanized Name") or "").split("/")[0].strip()
        rank = row.get("Rank") or row.get("Index") or "50"
        try:
            w = 1.0 / int(rank)
        except ValueError:
            w = 0.02
        if name and name.isascii():
            weights[name] = weights.get(name, 0.0) + w
    for person in ed.read_un() + ed.read_ofac():
        for word in person.primary.split():
            if word.isalpha() and len(word) > 1:
                weights[word.title()] = weights.get(word.title(), 0.0) + 0.01
    words = sorted(weights)
    return words, [weights[w] for w in words]


def birth_date(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_entries(n: int, rng: random.Random, words: list[str], w: list[float]) -> list[Entry]:
    out = []
    for i in range(n):
        name = " ".join(rng.choices(words, w, k=rng.choice((2, 3, 3, 4))))
        date = birth_date(rng)
        dates = [] if i % 10 == 0 else [date[:4]] if i % 2 else [date]
        out.append(Entry(f"e{i}", Identity(names=[name], birth_dates=dates)))
    return out


def with_birth_date(query: Identity, listed: Identity | None, rng: random.Random) -> Identity:
    """The query as a passport reads: a full date of birth (the listed person's, if known)."""
    known = [d for d in listed.birth_dates if len(d) == 10] if listed is not None else []
    return query.model_copy(update={"birth_dates": known[:1] or [birth_date(rng)]})


def disguise(name: str, rng: random.Random) -> str:
    words = name.split()
    rng.shuffle(words)
    if len(words) > 2 and rng.random() < 0.3:
        words.pop()
    k = rng.randrange(len(words))
    word = words[k]
    if len(word) > 4:
        pos = rng.randrange(1, len(word))
        word = word[:pos] + rng.choice("aeiouhn") + word[pos + 1 :]
    words[k] = word
    return " ".join(words).upper()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(entries: Sequence[Entry]) -> Matcher:
    """The index built as the worker's watchlist feed builds it: entry by entry, with the
    heap settled every so many (streams.heap)."""
    matcher, heap = Matcher(), HeapSettler()
    for entry in entries:
        matcher.upsert(entry)
        heap.changed(1)
    heap.settle()
    return matcher


def run_size(
    n: int,
    n_queries: int,
    recall_queries: int,
    rng: random.Random,
    words: list[str],
    w: list[float],
) -> dict[str, float]:
    entries = make_entries(n, rng, words, w)
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    matcher = load(entries)
    build = time.perf_counter() - t0
    peak = rss_mb() - before
    queries, passports = [], []
    for i in range(n_queries):
        if i % 2 == 0:
            listed: Identity | None = rng.choice(entries).identity
            queries.append(Identity(names=[disguise(listed.names[0], rng)]))  # type: ignore[union-attr]
        else:
            listed = None
            queries.append(Identity(names=[" ".join(rng.choices(words, w, k=3))]))
        passports.append(with_birth_date(queries[-1], listed, rng))
    name_form.cache_clear()  # a traveller's full name is new to the worker; his words are not
    t0 = time.perf_counter()
    hits = candidates = 0
    for q in queries:
        hits += len(matcher.match(q))
    elapsed = time.perf_counter() - t0
    name_form.cache_clear()
    matcher.forget_travellers()  # the passports carry the same names: new to it all the same
    t0 = time.perf_counter()
    passport_hits = sum(len(matcher.match(q)) for q in passports)
    passport_elapsed = time.perf_counter() - t0
    for q in queries[:200]:
        candidates += len(matcher.candidates(prepare(q)))
    t0 = time.perf_counter()
    e = matcher.upsert
    for k in range(200):
        e(Entry(f"new{k}", entries[k].identity))
    for k in range(200):
        matcher.remove(f"new{k}")
    upsert_ms = (time.perf_counter() - t0) / 400 * 1000
    # Candidate recall against exhaustive scoring.
    folded = [" ".join(ed.words(x.identity.names[0])) for x in entries]
    prepared = [prepare(x.identity) for x in entries] if n <= 20_000 else None
    found = missed = 0
    half = recall_queries // 2
    for q in queries[: recall_queries - half] + passports[:half]:
        pq = prepare(q)
        if prepared is not None:
            pool: Sequence[int] = range(n)
        else:
            qf = " ".join(ed.words(anyascii(q.names[0])))
            scores = process.cdist(
                [qf], folded, scorer=fuzz.token_sort_ratio, score_cutoff=50, workers=1
            )[0]
            pool = [int(i) for i in scores.nonzero()[0]]
        want = {
            entries[i].entry_id
            for i in pool
            if (
                score_prepared(pq, prepared[i])
                if prepared is not None
                else score_prepared(pq, prepare(entries[i].identity))
            ).score
            >= DEFAULT_THRESHOLD
        }
        got = {h.entry_id for h in matcher.match(q)}
        found += len(want & got)
        missed += len(want - got)
    return {
        "entries": n,
        "build_s": build,
        "rss_mb": peak,
        "matches_per_s": n_queries / elapsed,
        "hits_per_query": hits / n_queries,
        "passport_matches_per_s": n_queries / passport_elapsed,
        "passport_hits_per_query": passport_hits / n_queries,
        "candidates_per_query": candidates / min(200, n_queries),
        "candidate_recall": found / max(1, found + missed),
        "exhaustive_hits": found + missed,
        "upsert_remove_ms": upsert_ms,
    }


def un_list(n_queries: int, rng: random.Random) -> dict[str, float]:
    from bench.eval import travellers, watchlist

    people = ed.read_un()
    entries = watchlist(people)
    t0 = time.perf_counter()
    matcher = Matcher(entries)  # type: ignore[arg-type]
    build = time.perf_counter() - t0
    queries = travellers(n_queries // 2, rng)
    for p in rng.choices(people, k=n_queries - len(queries)):
        names = [a for a, q in p.aliases if q != "Low"] + [p.primary] + p.native
        queries.append(Identity(names=[rng.choice(names)[:200]]))
    rng.shuffle(queries)
    for q in queries[:50]:  # warm the name caches as a running worker has them
        matcher.match(q)
    t0 = time.perf_counter()
    hits = sum(len(matcher.match(q)) for q in queries)
    elapsed = time.perf_counter() - t0
    return {
        "entries": len(matcher),
        "build_s": build,
        "matches_per_s": len(queries) / elapsed,
        "hits_per_query": hits / len(queries),
    }


def pairwise(rng: random.Random, words: list[str], w: list[float], logic: bool) -> dict[str, float]:
    pairs = [
        (
            Identity(names=[" ".join(rng.choices(words, w, k=3))]),
            Identity(names=[" ".join(rng.choices(words, w, k=3))]),
        )
        for _ in range(500)
    ]
    t0 = time.perf_counter()
    for a, b in pairs:
        compare(a, b)
    ours = (time.perf_counter() - t0) / len(pairs)
    prepped = [(prepare(a), prepare(b)) for a, b in pairs]
    t0 = time.perf_counter()
    for pa, pb in prepped:
        score_prepared(pa, pb)
    ours_prepared = (time.perf_counter() - t0) / len(pairs)
    out = {"compare_us": ours * 1e6, "prepared_us": ours_prepared * 1e6}
    if logic:
        try:
            from followthemoney import model
            from nomenklatura.matching import LogicV2
        except ImportError:
            return out
        config = LogicV2.default_config()
        ents: list[tuple[Any, Any]] = []
        for a, b in pairs:
            ea, eb = model.make_entity("Person"), model.make_entity("Person")
            ea.id, eb.id = f"a{len(ents)}", f"b{len(ents)}"
            ea.add("name", a.names[0])
            eb.add("name", b.names[0])
            ents.append((ea, eb))
        t0 = time.perf_counter()
        for ea, eb in ents:
            LogicV2.compare(ea, eb, config)
        out["logicv2_us"] = (time.perf_counter() - t0) / len(ents) * 1e6
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.matcher", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--recall-queries", type=int, default=100)
    parser.add_argument("--no-logicv2", action="store_true")
    parser.add_argument("--un-queries", type=int, default=1000, help="0 skips the UN run")
    args = parser.parse_args(argv)
    rng = random.Random(20261122)
    if args.un_queries:
        u = un_list(args.un_queries, random.Random(5))
        print(
            f"UN list: {u['entries']:.0f} entries, build {u['build_s']:.1f} s, "
            f"{u['matches_per_s']:.0f} matches/s, {u['hits_per_query']:.2f} hits/query",
            flush=True,
        )
    words, w = vocabulary()
    print(f"vocabulary: {len(words)} words")
    p = pairwise(rng, words, w, not args.no_logicv2)
    print("pairwise: " + ", ".join(f"{k} {v:.1f}" for k, v in p.items()))
    print(
        "| entries | build s | RSS growth MB | matches/s (name only) | hits/query "
        "| matches/s (with birth date) | hits/query | candidates/query "
        "| candidate recall (exhaustive hits) | upsert+remove ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run_size(size, args.queries, args.recall_queries, rng, words, w)
        print(
            f"| {size:,} | {r['build_s']:.1f} | {r['rss_mb']:.0f} | {r['matches_per_s']:.0f} | "
            f"{r['hits_per_query']:.2f} | {r['passport_matches_per_s']:.0f} | "
            f"{r['passport_hits_per_query']:.2f} | {r['candidates_per_query']:.1f} | "
            f"{r['candidate_recall']:.4f} ({r['exhaustive_hits']:.0f}) | "
            f"{r['upsert_remove_ms']:.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
