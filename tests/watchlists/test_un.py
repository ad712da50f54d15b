"""The UN consolidated list: the real packaged file, and broken copies of it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.watchlists.conftest import Write, assert_private
from watchlists import LoadError, RequestedAction, WatchlistEntry, load
from watchlists.loaders import RecordError, packaged_un_list

UN_XML = packaged_un_list()


@pytest.fixture(scope="module")
def un_entries() -> dict[str, WatchlistEntry]:
    found: list[RecordError] = []
    entries = {e.entry_id: e for e in load(UN_XML, on_error=found.append)}
    assert found == []
    return entries


def test_every_individual_loads_and_no_entity(un_entries: dict[str, WatchlistEntry]) -> None:
    assert len(un_entries) == 730
    # Reference numbers of individuals have an "i" after the regime code (KPi.016);
    # entities have an "e" (KPe.001).
    assert all(entry_id[5] == "i" for entry_id in un_entries)
    assert {e.list_id for e in un_entries.values()} == {"UN"}
    assert {e.action for e in un_entries.values()} == {RequestedAction.MONITOR}
    assert {e.issuing_agency for e in un_entries.values()} == {"UNSC"}


def test_dprk_individual(un_entries: dict[str, WatchlistEntry]) -> None:
    entry = un_entries["UN:KPi.016"]
    assert entry.identity.names == ["JANG BOM SU", "Jang Pom Su", "Jang Hyon U"]
    assert entry.identity.birth_dates == ["1957-04-15"]
    assert entry.identity.nationalities == ["PRK"]
    assert entry.valid_from == dt.date(2016, 3, 2)
    assert entry.reason is not None and entry.reason.startswith(
        "UN Security Council sanctions (DPRK regime): Pursuant to Resolution 2371"
    )


def test_original_script_follows_the_primary_name(un_entries: dict[str, WatchlistEntry]) -> None:
    names = un_entries["UN:QDi.001"].identity.names
    assert names[0] == "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"
    assert names[1] == "محمد صلاح الدين عبدالحليم زيدان"
    assert "Seif al Adel" in names


def test_low_quality_aliases_are_kept_after_the_good_ones(
    un_entries: dict[str, WatchlistEntry],
) -> None:
    # CDi.003 lists the Low alias "Rumuli" first, then three Good ones.
    assert un_entries["UN:CDi.003"].identity.names == [
        "GASTON IYAMUREMYE",
        "Byiringiro Victor Rumuli",
        "Victor Rumuri",
        "Michel Byiringiro",
        "Rumuli",
    ]


def test_year_ranges_become_years(un_entries: dict[str, WatchlistEntry]) -> None:
    # QDi.314: <TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1977</FROM_YEAR><TO_YEAR>1982
    assert un_entries["UN:QDi.314"].identity.birth_dates == [
        "1977", "1978", "1979", "1980", "1981", "1982",
    ]  # fmt: skip


def test_documents_lose_their_descriptions(un_entries: dict[str, WatchlistEntry]) -> None:
    docs = {d.number: d for e in un_entries.values() for d in e.identity.documents}
    # <NUMBER>CAR diplomatic passport no. D00000898</NUMBER>
    assert docs["D00000898"].kind == "passport"
    # <NUMBER>OB 0243318</NUMBER>, issued by the Democratic Republic of the Congo
    assert docs["OB 0243318"].country == "COD"
    # <TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT> ... Chad
    assert docs["103-00653129-22"].kind == "id_card"
    assert docs["103-00653129-22"].country == "TCD"
    assert not any(" no. " in n or "passport" in n.lower() for n in docs)


def test_listed_on_with_a_time_zone(un_entries: dict[str, WatchlistEntry]) -> None:
    # <LISTED_ON>2015-07-01-04:00</LISTED_ON>: an xs:date with its zone
    assert un_entries["UN:SSi.001"].valid_from == dt.date(2015, 7, 1)


def test_truncated_file_fails_before_any_entry(write: Write) -> None:
    data = UN_XML.read_bytes()
    path = write("truncated.xml", data[: len(data) // 2])
    entries = load(path)
    with pytest.raises(LoadError, match=r"truncated\.xml: malformed or truncated XML at line \d+"):
        next(entries)


def test_other_xml_is_not_a_un_list(write: Write) -> None:
    path = write("other.xml", "<?xml version='1.0'?><sdnList><sdnEntry/></sdnList>")
    with pytest.raises(LoadError, match="not a UN consolidated list"):
        list(load(path))


_INDIVIDUAL = """
    <INDIVIDUAL>
      <FIRST_NAME>{first}</FIRST_NAME><SECOND_NAME>TESTPERSON</SECOND_NAME>
      <REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER><LISTED_ON>{listed}</LISTED_ON>
      <NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS>
        <QUALITY>Good</QUALITY><ALIAS_NAME>{first} ALIAS</ALIAS_NAME>
      </INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH>
        <TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>{dob}</DATE>
      </INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT>
        <TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>{doc}</NUMBER>
        <ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY>
      </INDIVIDUAL_DOCUMENT>
    </INDIVIDUAL>"""


def _un_xml(*individuals: dict[str, str]) -> str:
    body = "".join(_INDIVIDUAL.format(**i) for i in individuals)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST><INDIVIDUALS>'
        f"{body}</INDIVIDUALS><ENTITIES><ENTITY><FIRST_NAME>ACME</FIRST_NAME>"
        "<REFERENCE_NUMBER>KPe.999</REFERENCE_NUMBER></ENTITY></ENTITIES></CONSOLIDATED_LIST>"
    )


def test_bad_records_are_named_and_skipped(write: Write, errors: list[RecordError]) -> None:
    good = {"first": "ALPHA", "ref": "KPi.901", "listed": "2017-06-02", "dob": "1966-08-17",
            "doc": "836110111"}  # fmt: skip
    impossible_day = {**good, "first": "BRAVO", "ref": "KPi.902", "dob": "1971-02-30"}
    prose_date = {**good, "first": "CHARLIE", "ref": "KPi.903", "dob": "early seventies"}
    bad_listing = {**good, "first": "DELTA", "ref": "KPi.904", "listed": "2017-13-01"}
    path = write("list.xml", _un_xml(good, impossible_day, prose_date, bad_listing))

    entries = list(load(path, on_error=errors.append))

    assert [e.entry_id for e in entries] == ["UN:KPi.901"]
    entry = entries[0]
    assert entry.identity.names == ["ALPHA TESTPERSON", "ALPHA ALIAS"]
    assert entry.identity.documents[0].number == "836110111"
    assert entry.identity.documents[0].country == "PRK"
    assert [(e.source, e.record, e.field) for e in errors] == [
        (str(path), "KPi.902", "identity.birth_dates.0"),
        (str(path), "KPi.903", "INDIVIDUAL_DATE_OF_BIRTH"),
        (str(path), "KPi.904", "LISTED_ON"),
    ]
    assert_private(errors, "BRAVO", "CHARLIE", "DELTA", "TESTPERSON", "1971-02-30",
                   "early seventies", "836110111")  # fmt: skip


def test_missing_reference_number_is_named_by_position(
    write: Write, errors: list[RecordError]
) -> None:
    xml = _un_xml({"first": "ECHO", "ref": " ", "listed": "2017-06-02", "dob": "1966",
                   "doc": "1"})  # fmt: skip
    assert list(load(write("list.xml", xml), on_error=errors.append)) == []
    assert [(e.record, e.field, e.message) for e in errors] == [
        ("individual 1", "REFERENCE_NUMBER", "missing")
    ]
