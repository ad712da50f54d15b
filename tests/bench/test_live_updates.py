"""The live-updates benchmark: every kind of change is applied, and only a new name takes an id."""

from __future__ import annotations

from bench.live_updates import CHANGES, main


def test_a_small_run_applies_every_kind_of_change_and_keeps_the_names_kept() -> None:
    got = main(["--entries", "600", "--updates", "40", "--crossings", "200", "--every", "5"])
    assert set(got["upserts"]) == set(CHANGES)
    ids = {kind: figures["new_name_ids_per_100"] for kind, figures in got["upserts"].items()}
    # A new version that keeps its names keeps their ids; an alias or a new name takes one
    # (unless another listed person already bears it: a one-word name read backwards)
    assert ids["remarks"] == ids["birth date"] == ids["nationality"] == 0.0
    assert ids["alias"] > 50 and ids["name"] > 50
    assert all(figures["upsert_us"] > 0 for figures in got["upserts"].values())
    blocks = got["match_us_per_crossing"]
    assert len(blocks["without updates"]) == len(blocks["with updates"]) == 4
