"""The compiled bounds are ready before the first traveller, and compiled once; the
compiled gathering of date blocks finds what a plain filter finds, and the compiled Indel
similarity is rapidfuzz's to the last bit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from matchers import kernels


def test_warm_compiles_the_kernels_a_match_uses() -> None:
    """`Matcher.warm` (called by the worker before it reports ready) compiles each kernel with
    the argument types real travellers bring, so no crossing waits for a compilation: after
    it, matches with and without dates and nationalities add no new compiled version."""
    script = textwrap.dedent(
        """
        from dataclasses import dataclass
        from matchers import Identity, Matcher, index, kernels

        @dataclass
        class Entry:
            entry_id: str
            identity: Identity

        given = ["Abramov", "Belov", "Chernov", "Demidov", "Egorov", "Fomin", "Gusev", "Ilyin",
                 "Kozlov", "Lebedev", "Morozov", "Novikov"]
        # enough names sharing two words for their posting to be split by date blocks
        given += [w + "a" for w in given] + [w + "ich" for w in given]
        assert len(given) >= index.BIG_POSTING
        m = Matcher(
            Entry(f"e{k}", Identity(names=[f"Tursunbaev Zhakyp {w}"], birth_dates=[d],
                                    nationalities=["KGZ"]))
            for k, (w, d) in enumerate((w, d) for w in given for d in ("1980-01-02", "1981"))
        )
        called = [kernels.evidence_bounds, kernels.name_bounds, kernels.columns_of,
                  kernels.similarities, kernels.hopeful, kernels.date_blocks,
                  kernels.capped_above, kernels.query_blocks, kernels.names_in_blocks]
        # (the others are compiled into these)
        assert not any(kernel.signatures for kernel in called)
        m.warm()
        warmed = [len(kernel.signatures) for kernel in called]
        assert warmed == [1] * len(called), warmed
        for traveller in [
            Identity(names=["Tursunbaev Zhakyp"], birth_dates=["1980-01-02"],
                     nationalities=["KGZ"]),
            Identity(names=["TURSUNBAEV ZHAKYP BELOV"]),
            Identity(names=["Zhakyp Tursunbaev"], birth_dates=["1980"],
                     nationalities=["KAZ", "KGZ"]),
        ]:
            assert m.match(traveller)
        after = [len(kernel.signatures) for kernel in called]
        assert after == warmed, after
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.integers(-1, 40), max_size=200), max_size=4),
    st.lists(st.integers(-2, 42), max_size=70, unique=True),
    st.lists(st.integers(0, 900), max_size=20),
)
@example([[5] * 100 + [7]], [5, 6, 7], [])  # a long block, then the next one right after it
@example([list(range(0, 40)) * 3], [-2, 39, 40, 41], [])  # wanted before and after every block
@example([[1, 2], [2, 3]], [2, 3], [1])  # ids in several postings, and among the small ones
def test_names_in_blocks_are_the_wanted_blocks_ids(
    postings: list[list[int]], wanted: list[int], small: list[int]
) -> None:
    """`kernels.names_in_blocks` (each posting's wanted blocks searched from where the last
    ended) gives the small ids, then the ids of exactly the wanted blocks of every posting,
    block after block, as a plain filter does; the postings lie one after the other."""
    codes: list[int] = []
    spans = []
    for blocks in postings:
        spans.append((len(codes), len(codes) + len(blocks)))
        codes += sorted(blocks)
    ids = [(i * 7) % 500 for i in range(len(codes))]  # (ids repeat across blocks and postings)
    got = kernels.names_in_blocks(
        np.array(small, dtype=np.int64),
        np.array(codes, dtype=np.int64),
        np.array(ids, dtype=np.int64),
        np.array(spans, dtype=np.int64).reshape(-1, 2),
        np.array(sorted(wanted), dtype=np.int64),
    )
    expected = small + [
        i
        for a, b in spans
        for w in sorted(wanted)
        for c, i in zip(codes[a:b], ids[a:b], strict=True)
        if c == w
    ]
    assert got.tolist() == expected


_SPELLING = st.text(st.sampled_from("abcdeéşğ한ßk"), max_size=80)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(st.sampled_from("abcdeéşğ한ßk"), max_size=kernels.LONGEST), min_size=1),
    st.lists(_SPELLING, min_size=1, max_size=8),
)
@example(["a" * kernels.LONGEST], ["a" * 80, "b", ""])  # a full machine word of letters
@example([""], ["", "a"])  # nothing against nothing is alike 1.0
def test_indel_is_rapidfuzz_to_the_last_bit(queries: list[str], listed: list[str]) -> None:
    """`kernels.indel` gives `Indel.normalized_similarity`'s float for every pair, letters
    outside ASCII included, listed spellings read from where they lie (in any order)."""

    def flat(spellings: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lengths = np.array([len(w) for w in spellings], dtype=np.int64)
        chars = np.array([ord(c) for w in spellings for c in w], dtype=np.int32)
        return chars, np.cumsum(lengths) - lengths, lengths

    def records(spellings: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Listed spellings as `NameTable` holds them (see kernels.SPELLING_HEADER)."""
        flat_: list[int] = []
        at = []
        for w in spellings:
            at.append(len(flat_))
            flat_ += [-1, len(w), *map(ord, w)]
        return np.array(at, dtype=np.int64), np.array(flat_, dtype=np.int32)

    ids = np.arange(len(listed), dtype=np.int64)[::-1].copy()
    got = kernels.indel(*flat(queries), *records(listed), ids)
    expected = [[Indel.normalized_similarity(q, listed[i]) for i in ids] for q in queries]
    assert got.tolist() == expected
