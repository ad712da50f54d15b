"""INTERPOL red notices as the public notices API returns them."""

from __future__ import annotations

import pytest

from tests.watchlists.conftest import FIXTURES, Write, assert_private
from watchlists import LoadError, RequestedAction, load
from watchlists.loaders import RecordError, detect_format

DETAIL = FIXTURES / "interpol_red_notice.json"
SEARCH = FIXTURES / "interpol_red_search.json"


def test_notice_detail(errors: list[RecordError]) -> None:
    assert detect_format(DETAIL) == "interpol"
    [entry] = load(DETAIL, on_error=errors.append)
    assert errors == []
    assert entry.entry_id == "INTERPOL:2024/31807"
    assert entry.list_id == "INTERPOL"
    assert entry.action is RequestedAction.ARREST
    assert entry.issuing_agency == "INTERPOL"
    assert entry.identity.names == ["MIN-JUN HWANG"]
    assert entry.identity.birth_dates == ["1988-07-03"]
    assert entry.identity.nationalities == ["KOR"]
    assert entry.identity.sex == "M"
    assert entry.reason == (
        "INTERPOL red notice: Fraud and money laundering in an organised group "
        "(warrant issued by KR); Operating an illegal online gambling platform "
        "(warrant issued by KR)"
    )


def test_search_page(errors: list[RecordError]) -> None:
    assert detect_format(SEARCH) == "interpol"
    entries = {e.entry_id: e for e in load(SEARCH, on_error=errors.append)}
    assert sorted(entries) == ["INTERPOL:2020/77001", "INTERPOL:2022/40211", "INTERPOL:2023/58812"]
    assert entries["INTERPOL:2022/40211"].identity.nationalities == ["VNM", "THA"]
    assert entries["INTERPOL:2022/40211"].identity.birth_dates == ["1991"]
    # forename null: the family name alone
    assert entries["INTERPOL:2020/77001"].identity.names == ["SOKHA"]
    assert entries["INTERPOL:2020/77001"].identity.birth_dates == ["1970-01"]
    # "21/11/1985" is not the API's YYYY/MM/DD
    assert [(e.record, e.field) for e in errors] == [("notice 2021/11930", "date_of_birth")]
    assert_private(errors, "CHAIYAPHUM", "ARUN", "1985")


def test_a_list_of_notices_with_bad_ones(write: Write, errors: list[RecordError]) -> None:
    path = write(
        "notices.json",
        '[{"entity_id": "2019/1", "name": "ALPHA", "forename": "A", "date_of_birth": "1980/02/30"},'
        ' {"entity_id": "2019/2", "name": null, "forename": null},'
        ' {"entity_id": "2019/3", "name": "CHARLIE", "arrest_warrants": "none"},'
        ' "not a notice",'
        ' {"entity_id": "2019/5", "name": "ECHO", "nationalities": ["ZZ", "FR"], "sex_id": "U"}]',
    )
    [entry] = load(path, on_error=errors.append)
    assert entry.entry_id == "INTERPOL:2019/5"
    assert entry.identity.nationalities == ["FRA"]
    assert entry.identity.sex is None
    assert entry.reason is None
    assert [(e.record, e.field) for e in errors] == [
        ("notice 2019/1", "identity.birth_dates.0"),
        ("notice 2019/2", "name"),
        ("notice 2019/3", "arrest_warrants"),
        ("notice 4", None),
    ]
    assert_private(errors, "ALPHA", "CHARLIE", "1980")


def test_not_json_is_a_load_error(write: Write) -> None:
    path = write("notices.json", '{"entity_id": "2019/1", "name": ')
    with pytest.raises(LoadError, match="not a JSON document"):
        list(load(path))
