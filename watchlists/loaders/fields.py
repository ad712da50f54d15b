"""Values every format needs cleaned the same way: country names, free-text dates, names."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pycountry

from matchers.identity import MAX_NAMES

log = logging.getLogger("watchlists.loaders")

# Spellings the UN, OFAC and INTERPOL use that pycountry does not know, folded as by _fold_country.
_COUNTRY_OVERRIDES: dict[str, str] = {
    "bosnia herzegovina": "BIH",
    "brunei": "BRN",
    "burma": "MMR",
    "congo democratic republic of the": "COD",
    "congo republic of the": "COG",
    "cote d ivoire": "CIV",
    "czechoslovakia": "CSK",
    "democratic republic of the congo": "COD",
    "east timor": "TLS",
    "former soviet union": "SUN",
    "gambia": "GMB",
    "gambia the": "GMB",
    "gaza": "PSE",
    "iran islamic republic of": "IRN",
    "ivory coast": "CIV",
    "korea north": "PRK",
    "korea south": "KOR",
    "kosovo": "XKX",  # not ISO 3166 but the code ICAO documents and most lists use
    "macedonia": "MKD",
    "macedonia the former yugoslav republic of": "MKD",
    "micronesia": "FSM",
    "micronesia federated states of": "FSM",
    "north korea": "PRK",
    "palestine": "PSE",
    "palestinian": "PSE",
    "republic of korea": "KOR",
    "republic of moldova": "MDA",
    "russia": "RUS",
    "soviet union": "SUN",
    "south korea": "KOR",
    "state of palestine": "PSE",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "ussr": "SUN",
    "west bank": "PSE",
    "yugoslavia": "YUG",
}

# Codes that stand for no country (FollowTheMoney's "zz" = global, "eu" = European Union).
_NO_COUNTRY = {"zz", "eu", "xx", "un"}


def _fold_country(value: str) -> str:
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^a-z]+", " ", text).strip()
    return re.sub(r"^(?:possibly|probably|the) ", "", text)


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """An upper-case ISO 3166-1 alpha-3 code (XKX, SUN for the historic ones) for a country
    name or an alpha-2/alpha-3 code, or None when the value names no known country."""
    value = value.strip()
    if not value or value.casefold() in _NO_COUNTRY:
        return None
    folded = _fold_country(value)
    if folded in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[folded]
    for countries in (pycountry.countries, pycountry.historic_countries):
        try:
            return str(countries.lookup(value).alpha_3)
        except LookupError:
            pass
    if "-" in value and len(value) <= 6:  # a subdivision code such as gb-sct
        return country_code(value.split("-", 1)[0])
    return None


def country_codes(values: Iterable[str], record: str) -> list[str]:
    """The known countries among `values`, deduplicated; the unknown ones are logged, not fatal.

    A person on a published list must not be dropped for an unusual country spelling.
    """
    codes: list[str] = []
    for value in values:
        code = country_code(value)
        if code is None:
            if value.strip():
                log.info("record %s: country %r not recognised; left out", record, value.strip())
        elif code not in codes:
            codes.append(code)
    return codes


_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^{_MONTH}\s+(\d{{4}})$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:-|to)\s*(\d{4})$", re.IGNORECASE)
_MAX_RANGE_YEARS = 12


def partial_date(text: str) -> str | None:
    """`10 Dec 1948`, `Dec 1948`, `1948`, `1948-12-10` or `1948/12/10` as an ISO partial date.

    The result is shaped, not range-checked: the model rejects a 31 February by field name.
    """
    text = " ".join(text.split())
    if match := _ISO.match(text):
        year, month, day = match.groups()
        parts = [year] + [f"{int(p):02d}" for p in (month, day) if p is not None]
        return "-".join(parts)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = match.groups()
        return f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}"
    if match := _MONTH_YEAR.match(text):
        month, year = match.groups()
        return f"{year}-{_MONTHS[month.lower()]:02d}"
    return None


def birth_dates(text: str) -> list[str] | None:
    """A date of birth as lists write it, including `circa 1960` and `1958 to 1962`.

    A range becomes its years (a matcher compares years); `circa` keeps the year given.
    None when the text is not a date.
    """
    text = " ".join(text.split())
    text = re.sub(r"^(?:circa|approximately|approx\.?|about|ca\.?)\s+", "", text, flags=re.I)
    if single := partial_date(text):
        return [single]
    if match := _YEAR_RANGE.match(text):
        return year_range(int(match.group(1)), int(match.group(2)))
    if " to " in text:
        start, end = (partial_date(p) for p in text.split(" to ", 1))
        if start and end:
            return year_range(int(start[:4]), int(end[:4]))
    return None


def year_range(first: int, last: int) -> list[str] | None:
    """Every year from `first` to `last`; None for a reversed or implausibly wide range."""
    if not 0 <= last - first <= _MAX_RANGE_YEARS:
        return None
    return [str(year) for year in range(first, last + 1)]


def clean_text(text: str | None) -> str | None:
    """Whitespace collapsed (line breaks included); None for blank."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def unique_names(names: Iterable[str | None], record: str) -> list[str]:
    """Names cleaned, deduplicated (case-insensitively) in order, at most MAX_NAMES.

    The first name stays first; names past the model's limit are dropped (logged), since the
    primary name and the first aliases are what matter most.
    """
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        cleaned = clean_text(name)
        if cleaned is None or cleaned.casefold() in seen:
            continue
        seen.add(cleaned.casefold())
        result.append(cleaned)
    if len(result) > MAX_NAMES:
        log.info("record %s: %d names, keeping the first %d", record, len(result), MAX_NAMES)
        del result[MAX_NAMES:]
    return result


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def truncate(text: str | None, limit: int = 2000) -> str | None:
    """Text cut to `limit` characters (ending with an ellipsis when cut)."""
    text = clean_text(text)
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def unique_documents(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Documents without repeats (same number and kind), at most the model's 32."""
    seen: set[tuple[str, str]] = set()
    result: list[Mapping[str, Any]] = []
    for doc in documents:
        key = (doc["number"], doc["kind"])
        if key not in seen:
            seen.add(key)
            result.append(doc)
    return result[:32]
