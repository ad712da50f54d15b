"""Hostile input never raises: every crossing becomes a dead letter with a reason (or a
valid event), every watchlist record is applied or skipped and counted."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import Settings
from streams.events import CrossingEvent
from streams.pipeline import CrossingPipeline, Incoming
from streams.watchlist_feed import WatchlistFeed
from tests.reliability.hostile import (
    SECRET,
    hostile_crossings,
    hostile_entries,
    hostile_text,
    valid_crossing,
    valid_entry,
)
from watchlists import Watchlist, WatchlistEntry

FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                            HealthCheck.data_too_large],
)

LISTED = WatchlistEntry.model_validate_json(json.dumps(valid_entry("FUZZ:0001", f"{SECRET} KHAN")))


def pipeline(max_message_bytes: int = 1_048_576) -> CrossingPipeline:
    return CrossingPipeline(Watchlist([LISTED]), max_message_bytes=max_message_bytes)


def check_outcome(raw: bytes | None, pipe: CrossingPipeline) -> None:
    incoming = Incoming(value=raw, key=b"k", topic="crossings", partition=1, offset=42)
    for outcome in (pipe.decode(incoming), *pipe.process([incoming])):
        assert (outcome.crossing is None) != (outcome.dead_letter is None)
        letter = outcome.dead_letter
        if letter is not None:
            assert letter.reason.startswith("crossing crossings[1]@42")
            assert letter.category and len(letter.category) <= 64
            assert letter.source_offset == 42
            assert SECRET not in letter.reason  # never the personal data
            # The worker produces this header; if it did not serialise, the batch would be
            # retried forever.
            assert json.loads(letter.model_dump_json())["category"] == letter.category
        else:
            assert isinstance(outcome.crossing, CrossingEvent)
        for alert in outcome.alerts:
            assert json.loads(alert.model_dump_json())["alert_id"] == alert.alert_id


@FUZZ
@given(hostile_crossings)
def test_no_crossing_raises(raw: bytes) -> None:
    check_outcome(raw, pipeline())


@FUZZ
@given(
    st.builds(lambda n, b: (b * n)[:n], st.integers(2049, 5000), st.binary(min_size=1, max_size=16))
    | st.none()
)
def test_oversized_and_null_crossings_are_refused_unread(raw: bytes | None) -> None:
    pipe = pipeline(max_message_bytes=2048)
    [outcome] = pipe.process([Incoming(value=raw, topic="crossings", partition=0, offset=1)])
    assert outcome.dead_letter is not None
    assert outcome.dead_letter.category == ("null_value" if raw is None else "too_large")


@FUZZ
@given(hostile_text, hostile_text)
def test_hostile_names_of_a_listed_traveller_never_raise(prefix: str, suffix: str) -> None:
    """Valid or not, a name built around a listed one is decided (and alerts serialise)."""
    name = f"{prefix}{SECRET} KHAN{suffix}"
    check_outcome(json.dumps(valid_crossing(name=name)).encode(), pipeline())


def feed() -> WatchlistFeed:
    return WatchlistFeed(Settings(), Watchlist())


@FUZZ
@given(st.binary(max_size=64) | st.none(), hostile_entries | st.none())
def test_no_watchlist_record_raises(key: bytes | None, value: bytes | None) -> None:
    f = feed()
    f.apply(key, value, "watchlist[0]@1")
    assert f.rejected in (0, 1)
    assert sum(f.entries_by_list.values()) == len(f.watchlist)


@FUZZ
@given(hostile_text)
def test_hostile_names_on_the_watchlist_are_held_or_refused(name: str) -> None:
    """A listed name with any characters is either indexed (and matchable) or refused."""
    f = feed()
    raw = json.dumps(valid_entry("FUZZ:0002", name)).encode()
    f.apply(b"FUZZ:0002", raw, "watchlist[0]@2")
    if f.rejected:
        assert len(f.watchlist) == 0
    else:
        entry = f.watchlist.get("FUZZ:0002")
        assert isinstance(entry, WatchlistEntry)
        f.watchlist.match(entry.identity)  # the listed identity can be screened


ops = st.lists(
    st.tuples(
        st.sampled_from(["A:0001", "A:0002", "B:0001"]),
        st.sampled_from(["A", "B", "bad", "tombstone", "mismatch"]),
    ),
    max_size=25,
)


@FUZZ
@given(ops)
def test_watchlist_counts_follow_any_sequence_of_records(sequence: list[tuple[str, str]]) -> None:
    """Upserts, moves between lists, tombstones and junk keep the per-list gauge exact."""
    f = feed()
    held: dict[str, str] = {}
    for entry_id, action in sequence:
        if action == "tombstone":
            f.apply(entry_id.encode(), None, "w")
            held.pop(entry_id, None)
        elif action == "bad":
            f.apply(entry_id.encode(), b'{"entry_id": 5}', "w")
        elif action == "mismatch":
            f.apply(entry_id.encode(), json.dumps(valid_entry("C:0009")).encode(), "w")
        else:
            doc = valid_entry(entry_id) | {"list_id": action}
            f.apply(entry_id.encode(), json.dumps(doc).encode(), "w")
            held[entry_id] = action
    assert len(f.watchlist) == len(held)
    expected: dict[str, int] = {}
    for list_id in held.values():
        expected[list_id] = expected.get(list_id, 0) + 1
    assert {k: v for k, v in f.entries_by_list.items() if v} == expected
    assert all(v >= 0 for v in f.entries_by_list.values())


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_json_is_a_dead_letter(depth: int) -> None:
    for raw in (b"[" * depth + b"]" * depth, b'{"event_id":"d","x":' + b"{" * depth):
        [outcome] = pipeline().process([Incoming(value=raw, topic="crossings", offset=1)])
        assert outcome.dead_letter is not None and outcome.dead_letter.category == "json_invalid"
