"""The loader contract: stream entries, report each bad record by file, record and field."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from watchlists.entry import WatchlistEntry

log = logging.getLogger(__name__)


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
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


OnError = Callable[[RecordError], None]


def _log_error(error: RecordError) -> None:
    log.warning("skipped watchlist record: %s", error)


def validation_errors(source: str, record: str, exc: ValidationError) -> list[RecordError]:
    """A pydantic error as record errors naming each field, without the offending values."""
    return [
        RecordError(source, record, ".".join(str(p) for p in err["loc"]) or None, err["msg"])
        for err in exc.errors(include_input=False, include_url=False)
    ]


def load_jsonl(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    """Native format: one `WatchlistEntry` JSON object per line."""
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield WatchlistEntry.model_validate_json(line)
            except ValidationError as exc:
                for err in validation_errors(str(path), f"line {lineno}", exc):
                    on_error(err)


_LOADERS: dict[str, Callable[[Path, OnError], Iterator[WatchlistEntry]]] = {
    "jsonl": load_jsonl,
}


def detect_format(path: Path) -> str:
    """Guess a file's format from its name, then from its first bytes."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise LoadError(f"{path}: cannot tell the watchlist format; pass format= one of {sorted(_LOADERS)}")


def load(
    path: str | Path, format: str | None = None, *, on_error: OnError | None = None
) -> Iterator[WatchlistEntry]:
    """Stream the entries of a watchlist file; bad records go to `on_error` and are skipped."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    fmt = format or detect_format(path)
    try:
        loader = _LOADERS[fmt]
    except KeyError:
        raise LoadError(f"{path}: unknown format {fmt!r}; known: {sorted(_LOADERS)}") from None
    return loader(path, on_error or _log_error)


