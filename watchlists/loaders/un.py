"""UN Security Council Consolidated List, the official XML (`CONSOLIDATED_LIST`): individuals.

Entities (companies, groups, vessels) are not people crossing borders and are passed over.
The file is checked whole before the first entry is yielded, so a truncated download
raises `LoadError` instead of publishing half a list.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders.errors import InvalidField, LoadError, OnError, build_entry
from watchlists.loaders.fields import (
    birth_dates,
    clean_text,
    country_code,
    country_codes,
    partial_date,
    truncate,
    unique,
    unique_documents,
    unique_names,
    year_range,
)

ROOT_TAG = "CONSOLIDATED_LIST"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_XS_ZONE = re.compile(r"^(?:Z|[+-]\d{2}:\d{2})$")
_NA = {"na", "n/a"}  # the list's "not available", not Namibia
_GOOD_ALIAS = {"good", "a.k.a.", "aka", ""}

# "Libyan passport No. 513519", "Diplomatic Passport: Z30321794": the number follows the last
# of these words; what precedes it describes the document.
_NUMBER_LABEL = re.compile(r"(?:\bnumber\b|\bno\b\.?|n°|:)\s*:?\s*", re.IGNORECASE)
_NUMBER_IN_NOTE = re.compile(
    r"(?:\bnumber\b|\bno\b\.?|\bcode\b|\bcard\b|\bSSN\b)\s*:?\s*([A-Z]{0,3}[- ]?\d[\dA-Z/.-]*)",
    re.IGNORECASE,
)
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("travel document", "travel_document"),
    ("laissez", "travel_document"),
    ("passport", "passport"),
    ("passeport", "passport"),
    ("pasaporte", "passport"),
    ("driv", "other"),
    ("birth", "other"),
    ("ration", "other"),
    ("student", "other"),
    ("voter", "other"),
    ("social security", "other"),
    ("fiscal", "other"),
    ("residen", "other"),
    ("identi", "id_card"),
    ("national", "id_card"),
)


# A byte-for-byte copy of the list published on 2026-02-27 (shared/data/watchlists/un).
PACKAGED_LIST = "data/un_consolidated_2026-02-27.xml"


def packaged_un_list() -> Path:
    """The copy of the UN list shipped in the package (for the demo and tests)."""
    return Path(str(resources.files("watchlists").joinpath(PACKAGED_LIST)))


def load_un(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Each INDIVIDUAL as a `UN:<REFERENCE_NUMBER>` entry: monitor, issued by the UNSC."""
    _check_whole(path)
    source = str(path)
    position = 0
    for _event, elem in ET.iterparse(path, events=("end",)):
        if elem.tag == "INDIVIDUAL":
            position += 1
            ref = clean_text(elem.findtext("REFERENCE_NUMBER"))
            record = ref or f"individual {position}"
            entry = build_entry(source, record, on_error, partial(_individual, elem))
            if entry is not None:
                yield entry
            elem.clear()
        elif elem.tag == "ENTITY":
            elem.clear()


def _check_whole(path: Path) -> None:
    """Parse the file once without keeping it: a truncated or foreign file fails here."""
    try:
        events = ET.iterparse(path, events=("start", "end"))
        _event, root = next(events)
        if root.tag != ROOT_TAG:
            raise LoadError(f"{path}: not a UN consolidated list (root element {root.tag!r})")
        for event, elem in events:
            if event == "end" and elem.tag in ("INDIVIDUAL", "ENTITY"):
                elem.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        where = f"line {line}, column {column}"
        raise LoadError(f"{path}: malformed or truncated XML at {where}") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None


def _individual(el: ET.Element) -> dict[str, Any]:
    ref = clean_text(el.findtext("REFERENCE_NUMBER"))
    if ref is None:
        raise InvalidField("REFERENCE_NUMBER", "missing")
    primary = " ".join(p for tag in _NAME_PARTS if (p := clean_text(el.findtext(tag))))
    good: list[str | None] = []
    low: list[str | None] = []
    for alias in el.findall("INDIVIDUAL_ALIAS"):
        quality = (clean_text(alias.findtext("QUALITY")) or "").casefold()
        (good if quality in _GOOD_ALIAS else low).append(alias.findtext("ALIAS_NAME"))
    names = unique_names(
        [primary, *(n.text for n in el.findall("NAME_ORIGINAL_SCRIPT")), *good, *low], ref
    )
    if not names:
        raise InvalidField("FIRST_NAME", "no name")
    values = (clean_text(v.text) for v in el.findall("NATIONALITY/VALUE"))
    nationalities = country_codes([v for v in values if v and v.casefold() not in _NA], ref)
    gender = (clean_text(el.findtext("GENDER")) or "").casefold()
    list_type = clean_text(el.findtext("UN_LIST_TYPE"))
    comments = clean_text(el.findtext("COMMENTS1"))
    reason = f"UN Security Council sanctions ({list_type or 'unspecified'} regime)"
    return {
        "entry_id": f"UN:{ref}",
        "list_id": "UN",
        "identity": {
            "names": names,
            "birth_dates": _birth_dates(el),
            "nationalities": nationalities,
            "sex": {"male": "M", "female": "F"}.get(gender),
            "documents": unique_documents(
                d for doc in el.findall("INDIVIDUAL_DOCUMENT") if (d := _document(doc))
            ),
        },
        "reason": truncate(f"{reason}: {comments}" if comments else reason),
        "action": RequestedAction.MONITOR,
        "issuing_agency": "UNSC",
        "valid_from": _listed_on(el),
    }


def _listed_on(el: ET.Element) -> dt.date | None:
    text = clean_text(el.findtext("LISTED_ON"))
    if text is None:
        return None
    # An xs:date, which may carry a time zone: 2015-04-07-04:00.
    date, zone = text[:10], text[10:]
    try:
        if zone and not _XS_ZONE.match(zone):
            raise ValueError(zone)
        return dt.date.fromisoformat(date)
    except ValueError:
        raise InvalidField("LISTED_ON", "not an ISO date") from None


def _birth_dates(el: ET.Element) -> list[str]:
    dates: list[str] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        date = clean_text(dob.findtext("DATE"))
        year = clean_text(dob.findtext("YEAR"))
        first, last = clean_text(dob.findtext("FROM_YEAR")), clean_text(dob.findtext("TO_YEAR"))
        note = clean_text(dob.findtext("NOTE"))
        found: list[str] | None
        if date:
            found = birth_dates(date[:10])
        elif first and last:
            found = (
                year_range(int(first), int(last)) if first.isdigit() and last.isdigit() else None
            )
        elif year:
            # "<YEAR>1958</YEAR><NOTE>Sep.</NOTE>" is September 1958.
            month = partial_date(f"{note} {year}") if note else None
            found = [month] if month else birth_dates(year)
        elif note:
            # A month and year written only in the note ("Nov. 1973"); other notes are prose.
            found = birth_dates(note) or []
        else:
            continue
        if found is None:
            raise InvalidField("INDIVIDUAL_DATE_OF_BIRTH", "not a date or year range")
        dates.extend(found)
    return unique(dates)


def _document(el: ET.Element) -> dict[str, Any] | None:
    kinds = (clean_text(el.findtext(tag)) for tag in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2"))
    kind_text = " ".join(k for k in kinds if k)
    number_text = clean_text(el.findtext("NUMBER"))
    number = document_number(number_text) if number_text else None
    if number is None:
        # Some numbers are written only in the note or the second type ("... number 545167").
        for text in (el.findtext("TYPE_OF_DOCUMENT2"), el.findtext("NOTE")):
            if text and (match := _NUMBER_IN_NOTE.search(" ".join(text.split()))):
                number = match.group(1).strip()
                break
    if number is None:
        return None
    country = clean_text(el.findtext("ISSUING_COUNTRY")) or clean_text(
        el.findtext("COUNTRY_OF_ISSUE")
    )
    code = country_code(country) if country and country.casefold() not in _NA else None
    return {
        "number": number[:64],
        "kind": document_kind(f"{kind_text} {number_text or ''}"),
        "country": code,
    }


def document_number(text: str) -> str | None:
    """The number in a NUMBER field that sometimes carries a description around it."""
    text = re.sub(r"\([^)]*\)", " ", text)  # "(Expired 25 Jan. 2016)", "(US)"
    text = text.split(",", 1)[0]  # "R00012098, South Sudan"
    parts = _NUMBER_LABEL.split(text)
    text = " ".join(parts[-1].split())
    tokens = text.split()
    # Keep the trailing tokens that look like a number ("OB 0243318", "SE 012820") and drop
    # leading words ("Libya 428720", "Diplomatic Passport D014433").
    kept: list[str] = []
    for token in reversed(tokens):
        if any(ch.isdigit() for ch in token) or (len(token) <= 3 and token.isupper()):
            kept.insert(0, token)
        else:
            break
    while kept and not any(ch.isdigit() for ch in kept[0]) and len(kept) > 1 and len(kept[0]) > 2:
        kept.pop(0)
    number = " ".join(kept)
    return number if any(ch.isdigit() for ch in number) else None


def document_kind(text: str) -> str:
    """passport, id_card, travel_document or other, from the document's description."""
    lowered = text.casefold()
    for word, kind in _KIND_WORDS:
        if word in lowered:
            return kind
    return "other"
