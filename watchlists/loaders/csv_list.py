"""A simple CSV with a header, for national lists kept in a spreadsheet.

Columns (any order, all required, no others): see `COLUMNS`. `aliases`, `birth_date` and
`nationality` may hold several values separated by `;`. Dates are ISO (`1980`, `1980-05`,
`1980-05-17`); nationality is an ISO code or a country name; `action` is arrest, locate or
monitor (monitor when empty). An agency's own list is held to its own columns: an unknown
nationality is an error to fix, not a value to drop.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders.errors import InvalidField, LoadError, OnError, build_entry
from watchlists.loaders.fields import clean_text, country_code, unique, unique_names

COLUMNS = (
    "entry_id", "list_id", "name", "aliases", "birth_date", "nationality", "sex",
    "document_number", "document_country", "reason", "action", "issuing_agency", "valid_until",
)  # fmt: skip
_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "x": "X"}


def load_csv(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Each data row as an entry; errors name the row by its line in the file."""
    source = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            _check_header(path, reader.fieldnames)
            for row in reader:
                line = reader.line_num
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue
                entry = build_entry(source, f"line {line}", on_error, partial(_row, row))
                if entry is not None:
                    yield entry
    except UnicodeDecodeError:
        raise LoadError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise LoadError(f"{path}: malformed CSV: {exc}") from None


def _check_header(path: Path, header: Sequence[str] | None) -> None:
    if header is None:
        raise LoadError(f"{path}: empty file")
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    if missing or unknown or len(names) != len(set(names)):
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(repr(u) for u in unknown)}")
        if len(names) != len(set(names)):
            problems.append("repeated columns")
        raise LoadError(
            f"{path}: wrong CSV columns ({'; '.join(problems)}); expected {','.join(COLUMNS)}"
        )


def _row(row: dict[str | Any, Any]) -> dict[str, Any]:
    if None in row:  # csv.DictReader puts the cells past the header under the key None
        raise InvalidField("row", f"{len(row[None])} more cells than columns")
    if any(v is None for v in row.values()):  # and the missing cells it fills with None
        raise InvalidField("row", "fewer cells than columns")
    cell = {k.strip(): clean_text(v) for k, v in row.items()}
    entry_id = cell["entry_id"]
    if entry_id is None:
        raise InvalidField("entry_id", "missing")
    name = cell["name"]
    if name is None:
        raise InvalidField("name", "missing")
    names = unique_names([name, *_split(cell["aliases"])], entry_id)
    nationalities = []
    for value in _split(cell["nationality"]):
        code = country_code(value)
        if code is None:
            raise InvalidField("nationality", "not a known country code or name")
        nationalities.append(code)
    documents = []
    if cell["document_number"]:
        country = cell["document_country"]
        code = country_code(country) if country else None
        if country and code is None:
            raise InvalidField("document_country", "not a known country code or name")
        documents.append({"number": cell["document_number"], "kind": "passport", "country": code})
    elif cell["document_country"]:
        raise InvalidField("document_number", "missing while document_country is given")
    sex = cell["sex"]
    if sex is not None and sex.casefold() not in _SEX:
        raise InvalidField("sex", "expected M, F or X")
    return {
        "entry_id": entry_id,
        "list_id": cell["list_id"],
        "identity": {
            "names": names,
            "birth_dates": unique(_split(cell["birth_date"])),
            "nationalities": unique(nationalities),
            "sex": _SEX[sex.casefold()] if sex else None,
            "documents": documents,
        },
        "reason": cell["reason"],
        "action": _action(cell["action"]),
        "issuing_agency": cell["issuing_agency"].upper() if cell["issuing_agency"] else None,
        "valid_until": _date(cell["valid_until"], "valid_until"),
    }


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _action(value: str | None) -> RequestedAction:
    if value is None:
        return RequestedAction.MONITOR
    try:
        return RequestedAction(value.casefold())
    except ValueError:
        raise InvalidField("action", "expected arrest, locate or monitor") from None


def _date(value: str | None, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidField(field, "expected an ISO date YYYY-MM-DD") from None
