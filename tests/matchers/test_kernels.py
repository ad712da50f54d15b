"""The compiled bounds are ready before the first traveller, and compiled once."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
                  kernels.unit_similarities, kernels.hopeful, kernels.date_blocks,
                  kernels.capped_above, kernels.query_blocks, kernels.block_ids]
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
