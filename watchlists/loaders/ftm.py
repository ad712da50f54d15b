"""FollowTheMoney entities as JSON Lines (OpenSanctions exports): `Person` entities.

One entity per line, `{"id", "schema", "properties": {prop: [values]}, ...}`. The
`followthemoney` library reads each line (schema lookup, property cleaning: country names
to codes, dates to ISO prefixes); other schemas (companies, sanctions, addresses) are
passed over. A birth date the library cannot read is an error in the record, not a value
to drop silently. Identification documents nested in the entity (the "nested" export) are
read too; separate `Identification` lines are not joined to their holder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders.errors import InvalidField, OnError, RecordError, build_entry
from watchlists.loaders.fields import (
    country_code,
    country_codes,
    truncate,
    unique,
    unique_documents,
    unique_names,
)

_PERSON = model.get("Person")
_IDENTIFICATION = model.get("Identification")
_PASSPORT = model.get("Passport")
_LIST_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_COUNTRY_PROPS = ("nationality", "citizenship", "country")
_GENDER = {"male": "M", "female": "F", "other": "X"}
# Topics (OpenSanctions) that mean law enforcement is looking for the person.
_WANTED = {"wanted", "crime.fugitive"}


def load_ftm(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Each `Person` entity as an `FTM:<id>` entry, its list the first of its datasets."""
    source = str(path)
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = f"line {lineno}"
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                on_error(RecordError(source, record, None, "not a JSON object"))
                continue
            if not isinstance(data, dict):
                on_error(RecordError(source, record, None, "not a JSON object"))
                continue
            schema = model.get(data.get("schema") or "")
            if schema is None:
                on_error(RecordError(source, record, "schema", "not a FollowTheMoney schema"))
                continue
            if _PERSON is None or not schema.is_a(_PERSON):
                continue
            entry = build_entry(source, record, on_error, partial(_person, data))
            if entry is not None:
                yield entry


def _person(data: dict[str, Any]) -> dict[str, Any]:
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise InvalidField("id", "missing")
    raw = data.get("properties")
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise InvalidField("properties", "expected an object of lists")
    raw = dict(raw)
    # Countries are read by `country_code` like every other format's: the library's own
    # country cleaning loads a territory table for seconds on the first country name.
    countries = {p: _strings(raw.pop(p, [])) for p in _COUNTRY_PROPS if p in raw}
    try:
        proxy = model.get_proxy(
            {**data, "properties": {k: _strings(v) for k, v in raw.items()}}, cleaned=False
        )
    except InvalidData:
        raise InvalidField("properties", "not a valid FollowTheMoney entity") from None
    nationality = [*countries.get("nationality", []), *countries.get("citizenship", [])]
    names = proxy.get("name") or [
        " ".join(proxy.get(p)[0] for p in ("firstName", "middleName", "lastName") if proxy.get(p))
    ]
    names = unique_names(
        [*names, *proxy.get("alias"), *proxy.get("previousName"), *proxy.get("weakAlias")],
        entity_id,
    )
    if not names:
        raise InvalidField("properties.name", "no name")
    topics = set(proxy.get("topics"))
    return {
        "entry_id": f"FTM:{entity_id.strip()}",
        "list_id": _list_id(data.get("datasets")),
        "identity": {
            "names": names,
            "birth_dates": _birth_dates(raw.get("birthDate") or []),
            "nationalities": country_codes(nationality or countries.get("country", []), entity_id)[
                :16
            ],
            "sex": next((_GENDER[g] for g in proxy.get("gender") if g in _GENDER), None),
            "documents": _documents(proxy, raw),
        },
        "reason": truncate(
            "; ".join(proxy.get("program") or proxy.get("notes") or sorted(topics)) or None
        ),
        "action": RequestedAction.LOCATE if topics & _WANTED else RequestedAction.MONITOR,
    }


def _strings(values: list[Any]) -> list[str]:
    # Nested entities (the "nested" export) are objects, read separately by _documents.
    return [v for v in values if isinstance(v, str)]


def _birth_dates(values: list[Any]) -> list[str]:
    dates = []
    for value in values:
        cleaned = registry.date.clean(value) if isinstance(value, str) else None
        if cleaned is None:
            raise InvalidField("properties.birthDate", "not an ISO date")
        dates.append(cleaned[:10])
    return unique(dates)[:16]


def _documents(proxy: EntityProxy, raw: dict[str, Any]) -> list[Mapping[str, Any]]:
    docs = [{"number": n, "kind": "passport", "country": None} for n in proxy.get("passportNumber")]
    docs += [{"number": n, "kind": "id_card", "country": None} for n in proxy.get("idNumber")]
    for key in ("identification", "passport"):
        for nested in raw.get(key) or []:
            if not isinstance(nested, dict):
                continue
            schema = model.get(nested.get("schema") or "")
            props = nested.get("properties")
            if schema is None or _IDENTIFICATION is None or not schema.is_a(_IDENTIFICATION):
                continue
            if not isinstance(props, dict):
                continue
            kind = "passport" if _PASSPORT is not None and schema.is_a(_PASSPORT) else "id_card"
            countries = [c for c in props.get("country") or [] if isinstance(c, str)]
            code = next((c for c in map(country_code, countries) if c), None)
            for number in props.get("number") or []:
                if isinstance(number, str) and number.strip():
                    docs.append({"number": number.strip()[:64], "kind": kind, "country": code})
    return list(unique_documents(docs))


def _list_id(datasets: Any) -> str:
    if isinstance(datasets, list):
        for dataset in datasets:
            if isinstance(dataset, str) and _LIST_ID.match(dataset):
                return dataset
    return "FTM"
