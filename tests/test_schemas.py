"""The message schemas: good input accepted, each bad input refused naming its field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from matchers import Document, Identity
from streams.events import Alert, CrossingEvent, alert_id_for
from tests.support import crossing, entry
from watchlists import RequestedAction, WatchlistEntry


def error_fields(exc: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in exc.errors()}


def test_identity_accepts_any_script_and_partial_dates() -> None:
    ident = Identity.model_validate_json(
        json.dumps(
            {
                "names": ["  박의춘 ", "Pak Ui Chun", "Нгуен Ван Ан"],
                "birth_dates": ["1932", "1932-06", "1932-06-22"],
                "nationalities": ["KOR", "KP", "D<<"],
                "sex": "M",
                "documents": [{"number": " 381310017 ", "kind": "passport", "country": "PRK"}],
            }
        )
    )
    assert ident.names[0] == "박의춘"  # stripped, not folded: the original stays readable
    assert ident.documents[0] == Document(number="381310017", kind="passport", country="PRK")


@pytest.mark.parametrize(
    ("identity", "field"),
    [
        ({"names": []}, "names"),
        ({"names": ["   "]}, "names.0"),
        ({"names": ["\u200b\u200b"]}, "names.0"),
        ({"names": ["12345"]}, "names.0"),
        ({"names": ["Bob\x00"]}, "names.0"),
        ({"names": ["x" * 201]}, "names.0"),
        ({"names": ["A"] * 33}, "names"),
        ({"names": ["A"], "birth_dates": ["22/06/1932"]}, "birth_dates.0"),
        ({"names": ["A"], "birth_dates": ["1932-13"]}, "birth_dates.0"),
        ({"names": ["A"], "birth_dates": ["1932-02-30"]}, "birth_dates.0"),
        ({"names": ["A"], "birth_dates": ["0032"]}, "birth_dates.0"),
        ({"names": ["A"], "nationalities": ["kor"]}, "nationalities.0"),
        ({"names": ["A"], "sex": "male"}, "sex"),
        ({"names": ["A"], "documents": [{"number": ""}]}, "documents.0.number"),
        ({"names": ["A"], "documents": [{"number": "1", "kind": "licence"}]}, "documents.0.kind"),
        ({"names": ["A"], "nickname": "Al"}, "nickname"),
        ({"names": "Pak Ui Chun"}, "names"),
    ],
)
def test_identity_refuses_bad_input_naming_the_field(identity: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Identity.model_validate_json(json.dumps(identity))
    assert field in error_fields(info.value)


def test_watchlist_entry_round_trips_and_hashes_its_content() -> None:
    raw = entry("UN:KPi.016", ["Pak Ui Chun"], birth_dates=["1932-06-22"])
    parsed = WatchlistEntry.model_validate_json(json.dumps(raw))
    assert parsed.action is RequestedAction.ARREST
    again = WatchlistEntry.model_validate_json(parsed.model_dump_json())
    assert again == parsed and again.content_hash() == parsed.content_hash()
    changed = parsed.model_copy(update={"reason": "another reason"})
    assert changed.content_hash() != parsed.content_hash()


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"entry_id": "x"}, "entry_id"),
        ({"entry_id": "UN KPi 016"}, "entry_id"),
        ({"list_id": ""}, "list_id"),
        ({"action": "shoot"}, "action"),
        ({"valid_until": "2026-13-01"}, "valid_until"),
        ({"valid_from": "2027-01-01", "valid_until": "2026-01-01"}, ""),
        ({"allowed_agencies": ["th imm"]}, "allowed_agencies.0"),
    ],
)
def test_watchlist_entry_refuses_bad_input(patch: dict[str, Any], field: str) -> None:
    raw = entry("UN:KPi.016", ["Pak Ui Chun"]) | patch
    with pytest.raises(ValidationError) as info:
        WatchlistEntry.model_validate_json(json.dumps(raw))
    assert field in error_fields(info.value)


def test_crossing_event_requires_a_zoned_time_and_a_travel_document() -> None:
    good = CrossingEvent.model_validate_json(json.dumps(crossing("e-1", ["SOK VANNA"])))
    assert good.occurred_at.utcoffset() is not None
    assert good.travel_document.number == "P1234567"

    cases = {
        "occurred_at": crossing("e-2", ["A"]) | {"occurred_at": "2026-11-22T08:15:00"},
        "traveller": crossing("e-3", ["A"], documents=[]),
        "direction": crossing("e-4", ["A"]) | {"direction": "sideways"},
        "checkpoint.country": crossing("e-5", ["A"])
        | {"checkpoint": {"code": "X1", "country": "?"}},
        "event_id": crossing("", ["A"]),
        "mrz": crossing("e-6", ["A"]) | {"mrz": "P<KORPAK<<UI<CHUN; DROP TABLE"},
    }
    for field, raw in cases.items():
        with pytest.raises(ValidationError) as info:
            CrossingEvent.model_validate_json(json.dumps(raw))
        assert field in error_fields(info.value), field


def test_alert_ids_are_deterministic_per_event_and_entry() -> None:
    assert alert_id_for("e-1", "UN:KPi.016") == alert_id_for("e-1", "UN:KPi.016")
    assert alert_id_for("e-1", "UN:KPi.016") != alert_id_for("e-2", "UN:KPi.016")
    assert alert_id_for("e-1", "UN:KPi.016") != alert_id_for("e-1", "UN:KPi.017")
    # no ambiguity from concatenation
    assert alert_id_for("e-1U", "N:KPi.016") != alert_id_for("e-1", "UN:KPi.016")


def test_json_schemas_describe_every_message() -> None:
    for model in (CrossingEvent, WatchlistEntry, Alert, Identity):
        schema = model.model_json_schema()
        assert schema["type"] == "object"
        assert schema["required"]
    assert "occurred_at" in CrossingEvent.model_json_schema()["required"]
