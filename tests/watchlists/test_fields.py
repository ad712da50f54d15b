"""Cleaning shared by the formats: countries, free-text dates, document numbers."""

from __future__ import annotations

import pytest

from watchlists.loaders.fields import birth_dates, country_code, unique_names
from watchlists.loaders.un import document_kind, document_number


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Democratic People's Republic of Korea", "PRK"),
        ("Korea, North", "PRK"),
        ("Korea, South", "KOR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo, Democratic Republic of the", "COD"),
        ("Congo", "COG"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Burma", "MMR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("State of Palestine", "PSE"),
        ("possibly Palestinian", "PSE"),
        ("Macedonia, The Former Yugoslav Republic of", "MKD"),
        ("Kosovo", "XKX"),
        ("former Soviet Union", "SUN"),
        ("The Gambia", "GMB"),
        ("kr", "KOR"),
        ("THA", "THA"),
        ("gb-sct", "GBR"),
    ],
)
def test_country_code(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["zz", "", "Atlantis"])
def test_no_country(written: str) -> None:
    assert country_code(written) is None


@pytest.mark.parametrize(
    ("written", "dates"),
    [
        ("10 Dec 1948", ["1948-12-10"]),
        ("1 Sept. 1960", ["1960-09-01"]),
        ("Mar 1970", ["1970-03"]),
        ("Nov. 1973", ["1973-11"]),
        ("August 1961", ["1961-08"]),
        ("1958", ["1958"]),
        ("circa 1960", ["1960"]),
        ("1958 to 1962", ["1958", "1959", "1960", "1961", "1962"]),
        ("circa 1955-1957", ["1955", "1956", "1957"]),
        ("01 Jan 1950 to 31 Dec 1951", ["1950", "1951"]),
        ("1980/05/17", ["1980-05-17"]),
        ("2015-04-07", ["2015-04-07"]),
    ],
)
def test_birth_dates(written: str, dates: list[str]) -> None:
    assert birth_dates(written) == dates


@pytest.mark.parametrize("written", ["sometime in 1972", "1962 to 1958", "1900 to 1990", "31st"])
def test_not_birth_dates(written: str) -> None:
    assert birth_dates(written) is None


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("CAR diplomatic passport no. D00000898", "D00000898"),
        ("Diplomatic Passport: Z30321794", "Z30321794"),
        ("381110042 (Expired 25 Jan. 2016)", "381110042"),
        ("R00012098, South Sudan", "R00012098"),
        ("Libya 428720", "428720"),
        ("OB 0243318", "OB 0243318"),
        ("German travel document (“Reiseausweis”) A 0139243", "A 0139243"),
        ("Social Security Number 423-31-3021 (US)", "423-31-3021"),
        ("Russian passport number 8208 No. 555627", "555627"),
        ("unknown", None),
    ],
)
def test_document_number(written: str, number: str | None) -> None:
    assert document_number(written) == number


@pytest.mark.parametrize(
    ("described", "kind"),
    [
        ("Passport", "passport"),
        ("Número de pasaporte", "passport"),
        ("National Identification Number", "id_card"),
        ("National Identification Number Driver's Permit", "other"),
        ("Passport Indonesia travel document number XD253038", "travel_document"),
        ("Ration card no.", "other"),
    ],
)
def test_document_kind(described: str, kind: str) -> None:
    assert document_kind(described) == kind


def test_unique_names_keeps_order_drops_repeats_and_caps() -> None:
    names = ["Kim Chol", "KIM CHOL", " ", None, "Kim\nCh'ol", *[f"Alias {i}" for i in range(40)]]
    kept = unique_names(names, "test")
    assert kept[:3] == ["Kim Chol", "Kim Ch'ol", "Alias 0"]
    assert len(kept) == 32
