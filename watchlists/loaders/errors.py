"""What every format reports through: `LoadError` for a file, `RecordError` for one record."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from watchlists.entry import WatchlistEntry

log = logging.getLogger("watchlists.loaders")


class LoadError(Exception):
    """The file as a whole cannot be read (missing, unknown format, truncated)."""


@dataclass(frozen=True)
class RecordError:
    """One record skipped: where it is and what is wrong with it (never its personal data)."""

    source: str
    record: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: record {self.record}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


OnError = Callable[[RecordError], None]
Loader = Callable[[Any, OnError], Iterator[WatchlistEntry]]


def log_error(error: RecordError) -> None:
    """The default policy: a warning per skipped record."""
    log.warning("skipped watchlist record: %s", error)


class InvalidField(Exception):
    """Raised while reading one record; becomes a `RecordError` and the record is skipped.

    The message must describe the problem, never repeat the value (it may be personal data).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def validation_errors(source: str, record: str, exc: ValidationError) -> list[RecordError]:
    """A pydantic error as record errors naming each field, without the offending values."""
    return [
        RecordError(source, record, ".".join(str(p) for p in err["loc"]) or None, err["msg"])
        for err in exc.errors(include_input=False, include_url=False)
    ]


def build_entry(
    source: str, record: str, on_error: OnError, read: Callable[[], Mapping[str, Any]]
) -> WatchlistEntry | None:
    """Read one record into a whole entry, or report every problem and return None.

    `read` returns the entry's fields as Python values (enums, dates); it raises
    `InvalidField` for what the format's own parsing rejects.
    """
    try:
        return WatchlistEntry.model_validate(read())
    except InvalidField as exc:
        on_error(RecordError(source, record, exc.field, exc.message))
    except ValidationError as exc:
        for err in validation_errors(source, record, exc):
            on_error(err)
    return None
