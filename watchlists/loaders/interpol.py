"""INTERPOL public red notices, as the public notices API returns them.

Accepts one notice detail (`GET /notices/v1/red/{id}`: `entity_id`, `name` (family name),
`forename`, `date_of_birth` `1980/05/17`, `nationalities` and `arrest_warrants[].
issuing_country_id` as ISO alpha-2 codes, `sex_id` M/F/U), a search page
(`GET /notices/v1/red?...`: `total`, `_embedded.notices` of shorter notices), or a JSON
array of either. A red notice asks for the person's provisional arrest: action `arrest`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders.errors import InvalidField, LoadError, OnError, RecordError, build_entry
from watchlists.loaders.fields import clean_text, country_codes, partial_date, truncate

_SEX = {"M": "M", "F": "F"}  # "U" (unknown) is no sex at all


def load_interpol(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Each notice as an `INTERPOL:<entity_id>` entry: arrest, issued by INTERPOL."""
    try:
        document = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: not a JSON document ({type(exc).__name__})") from None
    source = str(path)
    for position, notice in enumerate(_notices(path, document), 1):
        record = f"notice {position}"
        if not isinstance(notice, dict):
            on_error(RecordError(source, record, None, "not a JSON object"))
            continue
        entity_id = notice.get("entity_id")
        if isinstance(entity_id, str) and entity_id.strip():
            record = f"notice {entity_id.strip()}"
        entry = build_entry(source, record, on_error, partial(_notice, notice))
        if entry is not None:
            yield entry


def _notices(path: Path, document: Any) -> list[Any]:
    pages = document if isinstance(document, list) else [document]
    notices: list[Any] = []
    for page in pages:
        # A notice detail has an `_embedded` of its own (links); a page has no entity_id.
        if isinstance(page, dict) and "_embedded" in page and "entity_id" not in page:
            embedded = page["_embedded"]
            found = embedded.get("notices") if isinstance(embedded, dict) else None
            if not isinstance(found, list):
                raise LoadError(f"{path}: `_embedded.notices` is not a list")
            notices.extend(found)
        else:
            notices.append(page)
    return notices


def _notice(notice: dict[str, Any]) -> dict[str, Any]:
    entity_id = _text(notice, "entity_id")
    if entity_id is None:
        raise InvalidField("entity_id", "missing")
    full_name = " ".join(p for p in (_text(notice, "forename"), _text(notice, "name")) if p)
    if not full_name:
        raise InvalidField("name", "no forename or name")
    birth_dates = []
    if dob := _text(notice, "date_of_birth"):
        date = partial_date(dob)
        if date is None:
            raise InvalidField("date_of_birth", "expected YYYY/MM/DD, YYYY/MM or YYYY")
        birth_dates.append(date)
    warrants = _list(notice, "arrest_warrants")
    charges = []
    for number, warrant in enumerate(warrants):
        if not isinstance(warrant, dict):
            raise InvalidField(f"arrest_warrants.{number}", "not a JSON object")
        charge = _text(warrant, "charge") or "charge not published"
        country = _text(warrant, "issuing_country_id")
        charges.append(f"{charge} (warrant issued by {country})" if country else charge)
    sex = _text(notice, "sex_id")
    return {
        "entry_id": f"INTERPOL:{entity_id}",
        "list_id": "INTERPOL",
        "identity": {
            "names": [full_name],
            "birth_dates": birth_dates,
            "nationalities": country_codes(
                [c for c in _list(notice, "nationalities") if isinstance(c, str)], entity_id
            ),
            "sex": _SEX.get(sex.upper()) if sex else None,
        },
        "reason": truncate(("INTERPOL red notice: " + "; ".join(charges)) if charges else None),
        "action": RequestedAction.ARREST,
        "issuing_agency": "INTERPOL",
    }


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(key, "not a string")
    return clean_text(value)


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidField(key, "not a list")
    return value
