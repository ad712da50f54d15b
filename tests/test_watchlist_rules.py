"""Sync planning and dissemination rules: pure functions, no broker."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import entry
from watchlists import WatchlistEntry
from watchlists.dissemination import may_receive, recipients
from watchlists.sync import SyncError, plan_sync


def listed(entry_id: str, **extra: Any) -> WatchlistEntry:
    return WatchlistEntry.model_validate_json(json.dumps(entry(entry_id, ["Sok Vanna"]) | extra))


def test_plan_sync_sends_only_the_difference() -> None:
    a, b, d = listed("X:A"), listed("X:B"), listed("X:D")
    b2 = b.model_copy(update={"reason": "new charges"})
    current = {"X:A": a.content_hash(), "X:B": b.content_hash(), "X:C": "0" * 16}
    plan = plan_sync("X", current, [a, b2, d])
    assert [e.entry_id for e in plan.added] == ["X:D"]
    assert [e.entry_id for e in plan.changed] == ["X:B"]
    assert plan.removed == ["X:C"]
    assert plan.unchanged == 1
    assert plan.summary() == "1 added, 1 changed, 1 removed, 1 unchanged"


def test_plan_sync_withholds_removals_when_the_file_had_bad_records() -> None:
    plan = plan_sync("X", {"X:A": "h", "X:C": "h"}, [listed("X:A")], had_errors=True)
    assert plan.removed == [] and plan.removals_withheld == 1


def test_plan_sync_refuses_other_lists_duplicates_and_an_empty_file() -> None:
    with pytest.raises(SyncError, match="X:A is on list X, not Y"):
        plan_sync("Y", {}, [listed("X:A")])
    with pytest.raises(SyncError, match="twice"):
        plan_sync("X", {}, [listed("X:A"), listed("X:A")])
    with pytest.raises(SyncError, match="refusing to remove all 1"):
        plan_sync("X", {"X:A": "h"}, [])
    assert plan_sync("X", {"X:A": "h"}, [], allow_empty=True).removed == ["X:A"]


def test_unrestricted_entries_reach_reporter_and_owner() -> None:
    e = listed("X:A", issuing_agency="KR-KNPA")
    assert recipients(e, "TH-IMM", "THA") == ["TH-IMM", "KR-KNPA"]
    assert recipients(listed("X:B"), "TH-IMM", "THA") == ["TH-IMM"]


def test_restricted_entries_reach_only_allowed_agencies_or_countries() -> None:
    e = listed("X:A", issuing_agency="KH-NPC", allowed_agencies=["KH-IMM", "VNM"])
    assert recipients(e, "TH-IMM", "THA") == ["KH-NPC"]  # the owner only
    assert recipients(e, "KH-IMM", "KHM") == ["KH-IMM", "KH-NPC"]
    assert recipients(e, "VN-IMM", "VNM") == ["VN-IMM", "KH-NPC"]  # allowed by country
    assert may_receive(e, "KH-NPC") and not may_receive(e, "TH-IMM", "THA")
    nobody = listed("X:B", allowed_agencies=[])
    assert recipients(nobody, "TH-IMM", "THA") == []
