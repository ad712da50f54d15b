"""The loader contract: stream entries, report each bad record by file, record and field.

`load` picks the format (given, or detected from the name and then the first bytes) and
returns the entries lazily. A file that cannot be read as a whole raises `LoadError`; a bad
record is given to `on_error` (default: a warning) and skipped, never half-loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import ValidationError

from watchlists.entry import WatchlistEntry
from watchlists.loaders.csv_list import COLUMNS as CSV_COLUMNS
from watchlists.loaders.csv_list import load_csv
from watchlists.loaders.errors import (
    LoadError,
    OnError,
    RecordError,
    log_error,
    validation_errors,
)
from watchlists.loaders.interpol import load_interpol
from watchlists.loaders.ofac import load_ofac
from watchlists.loaders.un import ROOT_TAG as UN_ROOT_TAG
from watchlists.loaders.un import load_un

__all__ = ["LoadError", "OnError", "RecordError", "detect_format", "load", "load_jsonl"]

_SNIFF_BYTES = 64 * 1024


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


def _load_ftm(path: Path, on_error: OnError) -> Iterator[WatchlistEntry]:
    # Imported on use: the followthemoney library takes a second to import, and only this
    # format needs it.
    try:
        from watchlists.loaders.ftm import load_ftm
    except ImportError as exc:
        raise LoadError(f"{path}: reading FollowTheMoney needs the {exc.name} package") from None
    return load_ftm(path, on_error)


_LOADERS: dict[str, Callable[[Path, OnError], Iterator[WatchlistEntry]]] = {
    "jsonl": load_jsonl,
    "un": load_un,
    "ofac": load_ofac,
    "ftm": _load_ftm,
    "interpol": load_interpol,
    "csv": load_csv,
}


def detect_format(path: Path) -> str:
    """Guess a file's format from its name, then from its first bytes.

    A directory holding `sdn.csv` is the OFAC trio. JSON Lines are native entries or
    FollowTheMoney entities (told apart by the first line's keys); XML must be the UN list;
    a CSV is the OFAC `sdn.csv` (no header) or a national list (`entry_id,...` header).
    """
    if path.is_dir():
        if (path / "sdn.csv").is_file():
            return "ofac"
        raise LoadError(f"{path}: a directory, and not an OFAC one (no sdn.csv)")
    name = path.name.lower()
    head = _head(path)
    if name.endswith((".jsonl", ".ndjson")):
        return _jsonl_kind(path, head)
    if name.endswith(".xml"):
        if _is_un(head):
            return "un"
        raise LoadError(f"{path}: XML, but not a UN consolidated list")
    if name == "sdn.csv":
        return "ofac"
    if name.endswith(".csv"):
        return _csv_kind(path, head)
    if name.endswith(".json"):
        return _json_kind(path, head)
    # No telling extension: the first bytes alone.
    start = head.lstrip()
    if start.startswith("<") and _is_un(head):
        return "un"
    if start.startswith("{") and "\n{" in start.rstrip():
        return _jsonl_kind(path, head)
    if start.startswith(("{", "[")):
        return _json_kind(path, head)
    if start.startswith("entry_id,"):  # the national list's header, as written by us
        return "csv"
    raise LoadError(f"{path}: cannot tell the watchlist format; pass format= one of {_known()}")


def _known() -> str:
    return ", ".join(sorted(_LOADERS))


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            data = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def _is_un(head: str) -> bool:
    return f"<{UN_ROOT_TAG}" in head


def _jsonl_kind(path: Path, head: str) -> str:
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        return "jsonl"  # the loader reports the bad line by number
    if isinstance(obj, dict) and "schema" in obj and "properties" in obj:
        return "ftm"
    return "jsonl"


def _json_kind(path: Path, head: str) -> str:
    if '"entity_id"' in head or '"_embedded"' in head:
        return "interpol"
    raise LoadError(f"{path}: JSON, but not INTERPOL notices; pass format= one of {_known()}")


def _csv_kind(path: Path, head: str) -> str:
    first = head.splitlines()[0] if head else ""
    cells = {cell.strip().strip('"') for cell in first.split(",")}
    if {"entry_id", "name"} <= cells:
        return "csv"
    if first.split(",", 1)[0].strip().isdigit():
        return "ofac"
    raise LoadError(
        f"{path}: CSV without the national-list header ({','.join(CSV_COLUMNS)}) "
        "and not an OFAC sdn.csv"
    )


def load(
    path: str | Path, format: str | None = None, *, on_error: OnError | None = None
) -> Iterator[WatchlistEntry]:
    """Stream the entries of a watchlist file; bad records go to `on_error` and are skipped.

    The file is checked to exist and its format chosen now; its records are read lazily,
    so a `LoadError` about its content (a truncated XML file) comes from the first `next`.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    if path.is_dir() and format not in (None, "ofac"):
        raise LoadError(f"{path}: a directory; only the OFAC trio is read from a directory")
    fmt = format or detect_format(path)
    try:
        loader = _LOADERS[fmt]
    except KeyError:
        raise LoadError(f"{path}: unknown format {fmt!r}; known: {sorted(_LOADERS)}") from None
    return loader(path, on_error or log_error)
