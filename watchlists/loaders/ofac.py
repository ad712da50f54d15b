"""OFAC Specially Designated Nationals, legacy CSV trio (`sdn.csv`, `alt.csv`, `add.csv`).

No header; `-0- ` stands for null. Only rows whose type is `individual` become entries.
Dates of birth, documents, nationality and gender are written in the free-text remarks
(`DOB 10 Dec 1948; Passport 123 (Egypt); nationality Iran; Gender Male.`); aliases are the
`alt.csv` rows keyed by the entry number, then the weak `a.k.a. '...'` of the remarks.
Addresses (`add.csv`) are not needed to identify a traveller and are not read.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders.errors import (
    InvalidField,
    LoadError,
    OnError,
    RecordError,
    build_entry,
)
from watchlists.loaders.fields import (
    birth_dates,
    clean_text,
    country_code,
    country_codes,
    truncate,
    unique,
    unique_documents,
    unique_names,
)

SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)  # fmt: skip
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
_DOS_EOF = "\x1a"

# Document labels as OFAC writes them, longest first where one starts another.
_DOCUMENT_LABELS: tuple[tuple[str, str], ...] = (
    ("Diplomatic Passport", "passport"),
    ("British National Overseas Passport", "passport"),
    ("Stateless Person Passport", "passport"),
    ("Passport Booklet", "passport"),
    ("Passport No.", "passport"),
    ("Passport", "passport"),
    ("Travel Document Number", "travel_document"),
    ("VisaNumberID", "visa"),
    ("National Foreign ID Number", "id_card"),
    ("National ID No.", "id_card"),
    ("Cedula No.", "id_card"),
    ("D.N.I.", "id_card"),
    ("Identification Number", "id_card"),
    ("Turkish Identification Number", "id_card"),
    ("Citizen's Card Number", "id_card"),
    ("Kenyan ID No.", "id_card"),
    ("Moroccan Personal ID No.", "id_card"),
    ("Bosnian Personal ID No.", "id_card"),
    ("Electoral Registry No.", "id_card"),
    ("LE Number", "id_card"),
    ("Residency Number", "other"),
    ("Driver's License No.", "other"),
    ("Tax ID No.", "other"),
    ("Birth Certificate Number", "other"),
)
_DOCUMENT = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(label) for label, _ in _DOCUMENT_LABELS)
    + r")\s*:?\s*#?(?P<rest>.*)$"
)
_DOCUMENT_KIND = dict(_DOCUMENT_LABELS)
# The number runs up to the country in brackets, an "issued"/"expires" note or a comma.
_NUMBER_END = re.compile(r"\s*(?:\(|\bissued\b|\bexpire[sd]?\b|,|\s-\s|$)", re.IGNORECASE)
_COUNTRY_IN_BRACKETS = re.compile(r"\(([^()]+)\)")
_WEAK_ALIAS = re.compile(r"a\.k\.a\.\s+'([^']+)'")


def sdn_path(path: Path) -> Path:
    """`sdn.csv` itself, or inside the directory given."""
    return path / "sdn.csv" if path.is_dir() else path


def load_ofac(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Each individual as an `OFAC:<ent_num>` entry: monitor, issued by OFAC."""
    sdn = sdn_path(path)
    if not sdn.is_file():
        raise LoadError(f"{path}: no sdn.csv")
    aliases = _aliases(sdn.with_name("alt.csv"), on_error)
    source = str(sdn)
    for line, row in _rows(sdn, SDN_COLUMNS, on_error):
        ent_num = row[0].strip()
        record = f"ent_num {ent_num}" if ent_num.isdigit() else f"line {line}"
        if _null(row[2]) != "individual":
            continue
        entry = build_entry(
            source, record, on_error, partial(_individual, row, aliases.get(row[0].strip(), []))
        )
        if entry is not None:
            yield entry


def _rows(
    path: Path, columns: tuple[str, ...], on_error: OnError, *, empty_ok: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """The rows of a headerless OFAC CSV with their line numbers; a first row of the wrong
    width means the wrong file (LoadError), a later one is a bad record."""
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        first = True
        try:
            for row in reader:
                line = reader.line_num
                if not row or row == [_DOS_EOF]:
                    continue
                if len(row) != len(columns):
                    if first:
                        raise LoadError(
                            f"{path}: line {line}: {len(row)} columns, expected the "
                            f"{len(columns)} OFAC columns {', '.join(columns)}"
                        )
                    message = f"{len(row)} columns, expected {len(columns)}"
                    on_error(RecordError(str(path), f"line {line}", None, message))
                    continue
                first = False
                yield line, row
        except csv.Error as exc:
            raise LoadError(f"{path}: line {reader.line_num}: malformed CSV: {exc}") from None
    if first and not empty_ok:
        raise LoadError(f"{path}: no rows")


def _encoding(path: Path) -> str:
    # Older OFAC files are Windows-1252; newer ones UTF-8. Decide once for the whole file.
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None
    return "utf-8"


def _aliases(path: Path, on_error: OnError) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = defaultdict(list)
    if not path.is_file():
        return aliases
    for _line, row in _rows(path, ALT_COLUMNS, on_error, empty_ok=True):
        name = _null(row[3])
        if name:
            aliases[row[0].strip()].append(person_name(name))
    return aliases


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-0-") else value


def person_name(name: str) -> str:
    """`LAST, First` as `First LAST` (and `LAST, First, Jr.` as `First LAST Jr.`)."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) < 2 or not all(parts[:2]):
        return name.strip()
    last, first, *suffix = parts
    return " ".join([first, last, *suffix])


def _individual(row: list[str], aliases: list[str]) -> dict[str, Any]:
    ent_num = row[0].strip()
    if not ent_num.isdigit():
        raise InvalidField("ent_num", "not a number")
    name = _null(row[1])
    if name is None:
        raise InvalidField("SDN_Name", "missing")
    remarks = _remarks(_null(row[11]) or "", f"OFAC:{ent_num}")
    # A weak alias may be a bare number ("a.k.a. '07'"): no use for name matching.
    weak = [a for a in remarks["weak_aliases"] if any(ch.isalpha() for ch in a)]
    names = unique_names([person_name(name), *aliases, *weak], ent_num)
    programs = [p.strip(" []") for p in (_null(row[3]) or "").split("] [")]
    reason = f"OFAC SDN sanctions programme {', '.join(p for p in programs if p) or 'unspecified'}"
    title = _null(row[4])
    return {
        "entry_id": f"OFAC:{ent_num}",
        "list_id": "OFAC",
        "identity": {
            "names": names,
            "birth_dates": remarks["birth_dates"],
            "nationalities": remarks["nationalities"],
            "sex": remarks["sex"],
            "documents": remarks["documents"],
        },
        "reason": truncate(f"{reason}; {title}" if title else reason),
        "action": RequestedAction.MONITOR,
        "issuing_agency": "OFAC",
    }


def _remarks(text: str, record: str) -> dict[str, Any]:
    dates: list[str] = []
    countries: list[str] = []
    documents: list[dict[str, Any]] = []
    sex: str | None = None
    for part in _split_remarks(text):
        part = re.sub(r"^alt\.\s+", "", part)
        if part.startswith("DOB "):
            found = birth_dates(part[4:])
            if found is None:
                raise InvalidField("Remarks.DOB", "not a date, year or range of years")
            dates.extend(found)
        elif match := re.match(r"^(?:nationality|citizen)\s+(.+)$", part):
            countries.append(match.group(1))
        elif part in ("Gender Male", "Gender Female"):
            sex = "M" if part.endswith("Male") else "F"
        elif (match := _DOCUMENT.match(part)) and (
            doc := _document(match.group("label"), match.group("rest"))
        ):
            documents.append(doc)
    return {
        "birth_dates": unique(dates)[:16],
        "nationalities": country_codes(countries, record)[:16],
        "sex": sex,
        "documents": unique_documents(documents),
        "weak_aliases": _WEAK_ALIAS.findall(text),
    }


def _split_remarks(text: str) -> Iterator[str]:
    # Remarks are "; "-separated and end with a full stop; none of the parts read here holds
    # a semicolon of its own.
    for part in text.split(";"):
        part = " ".join(part.split()).rstrip(".").strip()
        if part:
            yield part


def _document(label: str, rest: str) -> dict[str, Any] | None:
    end = _NUMBER_END.search(rest)
    cut = end.start() if end else len(rest)
    number = rest[:cut].strip().lstrip("#").strip()
    if not any(ch.isdigit() for ch in number):
        return None  # "Passport issued in Sarajevo": no number given
    brackets = _COUNTRY_IN_BRACKETS.search(rest[cut:])
    country = clean_text(brackets.group(1)) if brackets else None
    return {
        "number": number[:64],
        "kind": _DOCUMENT_KIND[label],
        "country": country_code(country) if country else None,
    }
