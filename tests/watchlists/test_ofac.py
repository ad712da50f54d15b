"""The OFAC SDN legacy CSV trio: the real 2021 files, and broken copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.watchlists.conftest import Write, assert_private
from watchlists import LoadError, RequestedAction, WatchlistEntry, load
from watchlists.loaders import RecordError, detect_format
from watchlists.loaders.ofac import person_name


@pytest.fixture(scope="module")
def ofac_entries(ofac_dir: Path) -> dict[str, WatchlistEntry]:
    found: list[RecordError] = []
    entries = {e.entry_id: e for e in load(ofac_dir, on_error=found.append)}
    assert found == []
    return entries


def test_every_individual_loads(ofac_entries: dict[str, WatchlistEntry]) -> None:
    assert len(ofac_entries) == 4620
    assert {e.list_id for e in ofac_entries.values()} == {"OFAC"}
    assert {e.action for e in ofac_entries.values()} == {RequestedAction.MONITOR}
    # alt.csv holds 6,272 aliases of individuals; with the weak a.k.a.s of the remarks and
    # repeats removed, the loaded aliases number 7,981.
    assert sum(len(e.identity.names) - 1 for e in ofac_entries.values()) == 7981


def test_names_aliases_dates_and_documents(ofac_entries: dict[str, WatchlistEntry]) -> None:
    entry = ofac_entries["OFAC:2676"]
    assert entry.identity.names == [
        "Dr. Ayman AL ZAWAHIRI",  # "AL ZAWAHIRI, Dr. Ayman"
        "Ayman AL-ZAWAHIRI",  # alt.csv
        "Ahmad Fuad SALIM",
        "Aiman Muhammad Rabi AL-ZAWAHIRI",
    ]
    assert entry.identity.birth_dates == ["1951-06-19"]  # DOB 19 Jun 1951
    docs = [(d.number, d.kind, d.country) for d in entry.identity.documents]
    # Passport 1084010 (Egypt); alt. Passport 19820215
    assert docs == [("1084010", "passport", "EGY"), ("19820215", "passport", None)]
    assert entry.reason == (
        "OFAC SDN sanctions programme SDGT; Operational and Military Leader of JIHAD GROUP"
    )


def test_remarks_citizenship_id_and_weak_aliases(ofac_entries: dict[str, WatchlistEntry]) -> None:
    # DOB 14 Aug 1979; citizen Colombia; Cedula No. 71255292 (Colombia); a.k.a. '07';
    # a.k.a. 'CERO SIETE' ('07' has no letters: no use as a name, dropped, entry kept).
    identity = ofac_entries["OFAC:16458"].identity
    assert identity.names == ["Arley USUGA TORRES", "CERO SIETE"]
    assert identity.nationalities == ["COL"]
    assert [(d.number, d.kind, d.country) for d in identity.documents] == [
        ("71255292", "id_card", "COL")
    ]


def test_gender_and_date_forms(ofac_entries: dict[str, WatchlistEntry]) -> None:
    sexes = [e.identity.sex for e in ofac_entries.values()]
    assert (sexes.count("M"), sexes.count("F")) == (1384, 129)
    dates = {d for e in ofac_entries.values() for d in e.identity.birth_dates}
    assert all(len(d) in (4, 7, 10) for d in dates)
    assert any(len(d) == 7 for d in dates)  # "DOB Mar 1970"


def test_more_names_than_the_model_holds_keeps_the_first(
    ofac_entries: dict[str, WatchlistEntry],
) -> None:
    # ent_num 10612 has 45 aliases in alt.csv; the model holds 32 names.
    names = ofac_entries["OFAC:10612"].identity.names
    assert len(names) == 32
    assert names[0] == "Abdelmalek DROUKDEL"


def test_detected_from_the_directory_or_sdn_csv(ofac_dir: Path) -> None:
    assert detect_format(ofac_dir) == "ofac"
    assert detect_format(ofac_dir / "sdn.csv") == "ofac"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("NORIEGA, Manuel Antonio", "Manuel Antonio NORIEGA"),
        ("DELOS REYES, Feliciano Semborio, Jr.", "Feliciano Semborio DELOS REYES Jr."),
        ("ABU ZUBAYDAH", "ABU ZUBAYDAH"),
    ],
)
def test_person_name_order(written: str, expected: str) -> None:
    assert person_name(written) == expected


def _trio(write: Write, sdn: str, alt: str = "") -> Path:
    path = write("sdn.csv", sdn)
    write("alt.csv", alt)
    return path.parent


_NULLS = "-0- ,-0- ,-0- ,-0- ,-0- ,-0- "


def test_bad_rows_are_named_and_skipped(write: Write, errors: list[RecordError]) -> None:
    folder = _trio(
        write,
        f'101,"TESTER, Alpha","individual","SDGT",-0- ,{_NULLS},"DOB 12 Jan 1970; Passport '
        f'X1234567 (Iran)."\r\n'
        f'102,"TESTER, Bravo","individual","SDGT",-0- ,{_NULLS},"DOB 31 Feb 1971."\r\n'
        f'103,"TESTER, Charlie","individual","SDGT",-0- ,{_NULLS},"DOB sometime in 1972."\r\n'
        f'104,"ACME LTD","-0- ","SDGT",-0- ,{_NULLS},-0- \r\n'
        f'105,"TESTER, Delta","individual"\r\n'
        f'106,-0- ,"individual","SDGT",-0- ,{_NULLS},-0- \r\n'
        "\x1a",
        alt='101,1,"aka","TESTER, Alf",-0- \r\n102,2,"aka","TESTER, Bravissimo",-0- \r\n',
    )

    entries = list(load(folder, on_error=errors.append))

    assert [(e.entry_id, e.identity.names) for e in entries] == [
        ("OFAC:101", ["Alpha TESTER", "Alf TESTER"])
    ]
    sdn = str(folder / "sdn.csv")
    assert [(e.source, e.record, e.field) for e in errors] == [
        (sdn, "ent_num 102", "identity.birth_dates.0"),
        (sdn, "ent_num 103", "Remarks.DOB"),
        (sdn, "line 5", None),
        (sdn, "ent_num 106", "SDN_Name"),
    ]
    assert errors[2].message == "3 columns, expected 12"
    assert_private(errors, "TESTER", "Bravo", "Charlie", "31 Feb", "1972")


def test_a_csv_of_other_columns_is_not_read(write: Write) -> None:
    folder = _trio(write, "entry,name\r\n1,Someone\r\n")
    with pytest.raises(LoadError, match="2 columns, expected the 12 OFAC columns"):
        list(load(folder))


def test_a_directory_without_sdn_csv(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"no sdn\.csv"):
        load(tmp_path)
