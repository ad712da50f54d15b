"""The person compared: the same model for a traveller at a checkpoint and a listed person.

Strict pydantic models so a publisher in any language gets a clear, field-named error
(and the JSON Schema printed by `borderwatch schema`) instead of a silent coercion.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_NAMES = 32
MAX_NAME_LENGTH = 200

FIRST_YEAR, LAST_YEAR = 1850, 2200  # the years a date of birth may name
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_name(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("name must not be blank")
    if any(unicodedata.category(ch) == "Cc" for ch in stripped):
        raise ValueError("name must not contain control characters")
    if not any(ch.isalpha() for ch in stripped):
        raise ValueError("name must contain at least one letter")
    return stripped


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if match is None:
        raise ValueError("date must be ISO YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(f"year must be between {FIRST_YEAR} and {LAST_YEAR}")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError("month must be between 01 and 12")
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"not a calendar date: {exc}") from None
    return value


Name = Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH), AfterValidator(_check_name)]
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z<]{1,2}$"),
    Field(description="ISO 3166-1 alpha-2/alpha-3 or ICAO 9303 code, upper case (e.g. KOR, D<<)."),
]
DocumentKind = Literal["passport", "id_card", "visa", "travel_document", "other"]


class Document(BaseModel):
    """An identity or travel document; its number is the strongest evidence there is."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    kind: DocumentKind = "passport"
    country: CountryCode | None = None


class Identity(BaseModel):
    """Who a person is, as written in a passport, an MRZ or a watchlist, in any script."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    names: Annotated[list[Name], Field(min_length=1, max_length=MAX_NAMES)] = Field(
        description="Full names as written, any script, primary first."
    )
    birth_dates: Annotated[list[PartialDate], Field(max_length=16)] = Field(
        default_factory=list, description="ISO partial dates: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    nationalities: Annotated[list[CountryCode], Field(max_length=16)] = Field(default_factory=list)
    sex: Literal["M", "F", "X"] | None = None
    documents: Annotated[list[Document], Field(max_length=32)] = Field(default_factory=list)
