"""FollowTheMoney (OpenSanctions) JSON Lines: Person entities."""

from __future__ import annotations

import pytest

from tests.watchlists.conftest import FIXTURES, Write, assert_private
from watchlists import RequestedAction, WatchlistEntry, load
from watchlists.loaders import RecordError, detect_format

FTM = FIXTURES / "opensanctions_persons.ftm.jsonl"


@pytest.fixture
def loaded(errors: list[RecordError]) -> dict[str, WatchlistEntry]:
    return {e.entry_id: e for e in load(FTM, on_error=errors.append)}


def test_detected_among_json_lines() -> None:
    assert detect_format(FTM) == "ftm"


def test_persons_only(loaded: dict[str, WatchlistEntry]) -> None:
    # The Company and the Sanction lines are not people; they are passed over, not errors.
    assert sorted(loaded) == [
        "FTM:NK-fx1TestPersonAlpha",
        "FTM:NK-fx1TestPersonBravo",
        "FTM:NK-fx1TestPersonFoxtrot",
    ]


def test_person_properties(loaded: dict[str, WatchlistEntry]) -> None:
    entry = loaded["FTM:NK-fx1TestPersonAlpha"]
    assert entry.list_id == "eu_fsf"
    assert entry.identity.names == [
        "Dmitri Olegovich Varlamov",
        "Дмитрий Олегович Варламов",
        "Dmitry Varlamov",
        "Dima",
    ]
    assert entry.identity.birth_dates == ["1971-03-14"]
    assert entry.identity.nationalities == ["RUS", "CYP"]  # nationality, then citizenship
    assert entry.identity.sex == "M"
    assert [(d.number, d.kind) for d in entry.identity.documents] == [
        ("721004518", "passport"),
        ("4507 339210", "id_card"),
    ]
    assert entry.reason == "EU restrictive measures against Russia"
    assert entry.action is RequestedAction.MONITOR


def test_name_parts_nested_passport_and_wanted(loaded: dict[str, WatchlistEntry]) -> None:
    entry = loaded["FTM:NK-fx1TestPersonBravo"]
    assert entry.identity.names == ["Aurelio Benitez Carrasco"]  # firstName + lastName
    assert entry.identity.birth_dates == ["1984-11"]
    assert entry.identity.nationalities == ["MEX"]  # from `country`, with no nationality
    assert [(d.number, d.kind, d.country) for d in entry.identity.documents] == [
        ("G31890442", "passport", "MEX")
    ]
    assert entry.action is RequestedAction.LOCATE  # topic "wanted"


def test_global_country_code_is_no_nationality(loaded: dict[str, WatchlistEntry]) -> None:
    identity = loaded["FTM:NK-fx1TestPersonFoxtrot"].identity
    assert identity.nationalities == ["NGA"]  # "zz" (global) dropped
    assert identity.birth_dates == ["1966", "1967"]
    assert identity.sex == "F"


def test_bad_lines_are_named(loaded: dict[str, WatchlistEntry], errors: list[RecordError]) -> None:
    assert [(e.source, e.record, e.field) for e in errors] == [
        (str(FTM), "line 5", "properties.birthDate"),  # 1979-02-30
        (str(FTM), "line 6", None),  # cut-off JSON
        (str(FTM), "line 7", "properties.name"),  # no name at all
        (str(FTM), "line 8", "schema"),  # "Persn"
    ]
    assert_private(errors, "Paek", "1979-02-30", "Haddad", "NK-fx1")


def test_properties_must_be_lists(write: Write, errors: list[RecordError]) -> None:
    path = write(
        "bad.ftm.jsonl",
        '{"id": "p1", "schema": "Person", "properties": {"name": "Not A List"}}\n',
    )
    assert list(load(path, on_error=errors.append)) == []
    assert [(e.record, e.field) for e in errors] == [("line 1", "properties")]
