"""The crossing path without Kafka: what becomes of each record."""

from __future__ import annotations

import datetime as dt
import json

from streams.pipeline import CrossingPipeline, Incoming, in_force
from tests.support import crossing, entry
from watchlists import Watchlist, WatchlistEntry


def listed(**extra: object) -> WatchlistEntry:
    raw = entry("ASEANAPOL:0001", ["Nguyễn Văn Ân"], birth_dates=["1985-03-12"]) | extra
    return WatchlistEntry.model_validate_json(json.dumps(raw))


def incoming(event: dict[str, object] | bytes | None, offset: int = 7) -> Incoming:
    value = event if isinstance(event, bytes | None) else json.dumps(event).encode()
    return Incoming(
        value=value, topic="crossings", partition=3, offset=offset, timestamp_ms=1_795_000_000_000
    )


def test_a_listed_traveller_raises_one_alert_with_its_explanation() -> None:
    pipeline = CrossingPipeline(Watchlist([listed()]))
    [outcome] = pipeline.process(
        [incoming(crossing("e-1", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"]))]
    )
    assert outcome.dead_letter is None
    [alert] = outcome.alerts
    assert alert.entry.entry_id == "ASEANAPOL:0001"
    assert alert.matched_name == "Nguyễn Văn Ân" and alert.query_name == "NGUYEN VAN AN"
    assert alert.ingested_at == dt.datetime.fromtimestamp(1_795_000_000, dt.UTC)
    assert {f.name for f in alert.features} >= {"name", "birth_date"}


def test_an_unlisted_traveller_raises_nothing() -> None:
    pipeline = CrossingPipeline(Watchlist([listed()]))
    [outcome] = pipeline.process(
        [incoming(crossing("e-2", ["KIM MIN JUN"], birth_dates=["1990-01-01"]))]
    )
    assert outcome.crossing is not None and outcome.alerts == [] and outcome.dead_letter is None


def test_bad_records_become_dead_letters_naming_record_and_field() -> None:
    pipeline = CrossingPipeline(Watchlist([listed()]), max_message_bytes=2048)
    outcomes = pipeline.process(
        [
            incoming(None, offset=1),
            incoming(b"x" * 4096, offset=2),
            incoming(crossing("e-3", ["A B"], sex="male"), offset=3),
        ]
    )
    letters = [o.dead_letter for o in outcomes]
    assert all(letter is not None for letter in letters)
    null, huge, bad_sex = letters
    assert null is not None and null.category == "null_value" and "crossings[3]@1" in null.reason
    assert huge is not None and huge.category == "too_large" and "4096 bytes" in huge.reason
    assert bad_sex is not None and bad_sex.event_id == "e-3"
    assert "(event_id e-3): traveller.sex" in bad_sex.reason
    assert bad_sex.errors[0]["field"] == "traveller.sex"


def test_a_matcher_failure_dead_letters_the_crossing_instead_of_losing_it() -> None:
    class Broken(Watchlist):
        def match(self, identity):  # type: ignore[no-untyped-def]
            raise RuntimeError("bug")

    [outcome] = CrossingPipeline(Broken()).process([incoming(crossing("e-4", ["A B"]))])
    assert outcome.dead_letter is not None and outcome.dead_letter.category == "matching_failed"


def test_entries_alert_only_within_their_validity() -> None:
    day = dt.date(2026, 11, 22)
    assert in_force(listed(), day)
    assert not in_force(listed(valid_until="2026-11-21"), day)
    assert in_force(listed(valid_until="2026-11-22"), day)
    assert not in_force(listed(valid_from="2026-11-23"), day)
    expired = CrossingPipeline(Watchlist([listed(valid_until="2020-01-01")]))
    [outcome] = expired.process(
        [incoming(crossing("e-5", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"]))]
    )
    assert outcome.alerts == []
