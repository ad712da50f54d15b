"""`load`: format detection, the native JSON Lines, and whole-file errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.watchlists.conftest import FIXTURES, Write, assert_private
from watchlists import LoadError, RequestedAction, WatchlistEntry, load
from watchlists.loaders import RecordError, detect_format, packaged_un_list

# sha256 of the published UN list, shared/data/watchlists/un/consolidated_2026-02-27.xml
# (UN Security Council Consolidated List, copy kept in moov-io/watchman test data).
PUBLISHED_UN_SHA256 = "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf"

_ENTRY = WatchlistEntry.model_validate_json(
    '{"entry_id": "DEMO:1", "list_id": "DEMO", "identity": {"names": ["Test Person"],'
    ' "birth_dates": ["1980-01-02"]}, "action": "arrest"}'
)


def test_packaged_un_list_is_the_published_file() -> None:
    packaged = packaged_un_list()
    assert packaged.name == "un_consolidated_2026-02-27.xml"
    assert hashlib.sha256(packaged.read_bytes()).hexdigest() == PUBLISHED_UN_SHA256


def test_native_json_lines(write: Write, errors: list[RecordError]) -> None:
    bad_date = _ENTRY.model_dump_json().replace("1980-01-02", "1980-02-30")
    lines = [_ENTRY.model_dump_json(), "", '{"entry_id": "DEMO:2", ', bad_date, "[1, 2]"]
    path = write("list.jsonl", "\n".join(lines) + "\n")
    assert detect_format(path) == "jsonl"

    assert list(load(path, on_error=errors.append)) == [_ENTRY]
    assert [(e.record, e.field) for e in errors] == [
        ("line 3", None),
        ("line 4", "identity.birth_dates.0"),
        ("line 5", None),
    ]
    assert _ENTRY.action is RequestedAction.ARREST
    assert_private(errors, "Test Person", "1980-02-30")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("list.jsonl", '{"entry_id": "X:1"}\n', "jsonl"),
        ("list.ndjson", '{"id": "a", "schema": "Person", "properties": {}}\n', "ftm"),
        ("download", '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="x">', "un"),
        ("download", '{"id": "a", "schema": "Person", "properties": {}}\n{"id": "b"}\n', "ftm"),
        ("download", '{"entry_id": "X:1"}\n{"entry_id": "X:2"}\n', "jsonl"),
        ("download", '{"total": 0, "_embedded": {"notices": []}}', "interpol"),
        ("download", "entry_id,list_id,name\n", "csv"),
        ("list.csv", "list_id,name,entry_id\n", "csv"),
        ("SDN.CSV", '36,"AEROCARIBBEAN AIRLINES",-0- \n', "ofac"),
        ("export.csv", '36,"AEROCARIBBEAN AIRLINES",-0- \n', "ofac"),
        ("notices.json", '[{"entity_id": "2020/1"}]', "interpol"),
    ],
)
def test_detect_format(write: Write, name: str, content: str, expected: str) -> None:
    assert detect_format(write(name, content)) == expected


def test_detect_the_shared_files() -> None:
    assert detect_format(packaged_un_list()) == "un"
    assert detect_format(FIXTURES / "national_list.csv") == "csv"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", "hello", "cannot tell the watchlist format"),
        ("list.xml", "<sdnList/>", "XML, but not a UN consolidated list"),
        ("list.json", '{"results": []}', "JSON, but not INTERPOL notices"),
        ("list.csv", "name,dob\n", "CSV without the national-list header"),
    ],
)
def test_unknown_formats(write: Write, name: str, content: str, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        load(write(name, content))


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "absent.xml")
    with pytest.raises(LoadError, match="unknown format 'pdf'"):
        load(FIXTURES / "national_list.csv", "pdf")
    with pytest.raises(LoadError, match="only the OFAC trio is read from a directory"):
        load(tmp_path, "un")


def test_default_on_error_logs_a_warning_without_personal_data(
    write: Write, caplog: pytest.LogCaptureFixture
) -> None:
    path = write("list.jsonl", _ENTRY.model_dump_json().replace("1980-01-02", "1980-02-30"))
    assert list(load(path)) == []
    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert "list.jsonl: record line 1: identity.birth_dates.0" in record.getMessage()
    assert "Test Person" not in record.getMessage()
