"""The national-list CSV: a header, one person a row, errors by line."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.watchlists.conftest import FIXTURES, Write, assert_private
from watchlists import LoadError, RequestedAction, load
from watchlists.loaders import RecordError, detect_format
from watchlists.loaders.csv_list import COLUMNS

NATIONAL = FIXTURES / "national_list.csv"
HEADER = ",".join(COLUMNS)


def test_good_rows_load_and_bad_rows_are_named_by_line(errors: list[RecordError]) -> None:
    assert detect_format(NATIONAL) == "csv"
    entries = {e.entry_id: e for e in load(NATIONAL, on_error=errors.append)}

    assert sorted(entries) == ["TH-DSI:2025-0001", "TH-DSI:2025-0002", "TH-DSI:2025-0009"]
    assert [(e.source, e.record, e.field) for e in errors] == [
        (str(NATIONAL), "line 4", "identity.birth_dates.0"),  # 1979-02-30
        (str(NATIONAL), "line 5", "action"),  # "detain"
        (str(NATIONAL), "line 6", "valid_until"),  # 31/12/2030
        (str(NATIONAL), "line 7", "name"),  # empty
        (str(NATIONAL), "line 9", "document_country"),  # "Atlantis" (line 8 is blank)
        (str(NATIONAL), "line 10", "row"),  # a 14th cell
    ]
    assert_private(errors, "Siriporn", "1979-02-30", "Somsak", "B0021187", "Narong")

    first = entries["TH-DSI:2025-0001"]
    assert first.identity.names == ["Kittisak Wongsawat", "Kittisak Wongsawad", "กิตติศักดิ์ วงศ์สวัสดิ์"]
    assert first.identity.birth_dates == ["1982-04-09"]
    assert [(d.number, d.kind, d.country) for d in first.identity.documents] == [
        ("AA1234567", "passport", "THA")
    ]
    assert first.reason == "Call-centre fraud, 38 victims"
    assert first.action is RequestedAction.ARREST
    assert first.valid_until == dt.date(2030, 12, 31)

    second = entries["TH-DSI:2025-0002"]
    assert second.identity.nationalities == ["CHN"]  # written "China"
    assert second.identity.documents[0].country == "CHN"  # written "CN"
    assert second.action is RequestedAction.LOCATE

    last = entries["TH-DSI:2025-0009"]
    assert last.identity.nationalities == ["THA", "LAO"]
    assert last.issuing_agency == "TH-DSI"  # written th-dsi
    assert last.action is RequestedAction.MONITOR


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (HEADER.replace("birth_date", "birthdate"), "missing birth_date; unknown 'birthdate'"),
        (HEADER.replace(",valid_until", ""), "missing valid_until"),
        (HEADER + ",notes", "unknown 'notes'"),
    ],
)
def test_wrong_columns_are_a_load_error(write: Write, header: str, problem: str) -> None:
    path = write("list.csv", header + "\nX:1,X,Some One,,,,,,,,,,\n")
    with pytest.raises(LoadError, match=f"wrong CSV columns \\({problem}\\)"):
        list(load(path, "csv"))


def test_an_empty_file_is_a_load_error(write: Write) -> None:
    with pytest.raises(LoadError, match="empty file"):
        list(load(write("list.csv", ""), "csv"))


def test_fewer_cells_than_columns(write: Write, errors: list[RecordError]) -> None:
    path = write("list.csv", f"{HEADER}\nX:1,X,Some One,,1970\n")
    assert list(load(path, on_error=errors.append)) == []
    assert [(e.record, e.field, e.message) for e in errors] == [
        ("line 2", "row", "fewer cells than columns")
    ]
