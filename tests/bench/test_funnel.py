"""The funnel benchmark: it times and counts the matcher's steps, then puts them back."""

from __future__ import annotations

import matchers.index as index
from bench.funnel import KERNELS, STEPS, main
from matchers import kernels
from matchers.bound import NameTable
from matchers.evidence import EvidenceTable


def test_a_small_run_counts_a_narrowing_funnel_and_puts_the_steps_back() -> None:
    originals = [getattr(owner, name) for _, owner, name in STEPS]
    passes = main(["--entries", "400", "--crossings", "200", "--passes", "2", "--share", "0.3"])
    assert [getattr(owner, name) for _, owner, name in STEPS] == originals
    assert index.Matcher._worths is originals[5] and NameTable.hopeful is originals[4]
    assert EvidenceTable.upper_bounds is originals[3]
    for got in passes:
        names = got["names_per_crossing"]
        assert names["retrieved"] >= names["capped in"] >= names["valued"] >= names["may alert"]
        assert names["retrieved"] > 0 and names["hits"] > 0  # (a third are listed people)
        assert got["calls_per_crossing"]["prepare"] == 1.0  # one traveller, one prepare
        steps = got["steps_us"]
        # the outermost steps do not nest in each other: together under the whole match
        outer = ("prepare", "date blocks", "retrieval", "evidence", "name caps", "name values")
        assert 0 < sum(steps[k] for k in outer) <= got["us_per_crossing"]


def test_the_kernel_floor_replays_every_call_to_the_same_result_under_the_match() -> None:
    originals = {name: getattr(kernels, name) for name in KERNELS}
    passes = main(["--entries", "400", "--crossings", "100", "--passes", "1", "--kernels"])
    assert {name: getattr(kernels, name) for name in KERNELS} == originals
    floor = passes[0]["kernel_floor"]  # (a replay that differed would have raised)
    assert floor["calls_per_crossing"] >= 1  # (every traveller's dates gather blocks at least)
    assert {"query_blocks", "evidence_bounds", "hopeful"} <= set(floor["by_kernel_us"])
    assert 0 < floor["kernels_us"] < floor["us_per_crossing"]
