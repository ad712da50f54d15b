"""The package data in matchers/data/, read once on first use and never changed.

The files are derived from public name tables and the tune half of the reference
watchlists by `python -m bench.eval_data`; each says in its header where it comes from.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources


def _rows(name: str) -> list[list[str]]:
    text = resources.files("matchers").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def name_frequencies() -> dict[str, float]:
    """Name word -> estimated share of people bearing it (highest over countries)."""
    return {row[0]: float(row[1]) for row in _rows("name_frequencies.tsv")}


@cache
def name_countries() -> dict[str, frozenset[str]]:
    """Name word -> the countries (ISO alpha-3) where it is a popular name."""
    return {row[0]: frozenset(row[1].split()) for row in _rows("name_countries.tsv")}


@cache
def surname_groups() -> dict[str, frozenset[str]]:
    """Spelling -> every spelling of the same surname (Lee -> Lee, Yi, Rhee, Li...)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for _, spellings in _rows("surname_groups.tsv"):
        members = spellings.split()
        for member in members:
            groups[member].update(members)
    return {k: frozenset(v) for k, v in groups.items()}


@cache
def native_surnames() -> dict[str, tuple[str, ...]]:
    """Hangul or Han surname -> the Latin spellings it is known by."""
    return {native: tuple(spellings.split()) for native, spellings in _rows("native_surnames.tsv")}


def _counted(name: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for native, spelling, count in _rows(name):
        found[native].append((-int(count), spelling))
    return {k: tuple(s for _, s in sorted(v)[:4]) for k, v in found.items()}


@cache
def hangul_spellings() -> dict[str, tuple[str, ...]]:
    """Hangul syllable -> how real people spell it, most frequent first."""
    return _counted("hangul_spellings.tsv")


@cache
def arabic_spellings() -> dict[str, tuple[str, ...]]:
    """Arabic name word -> how listed names spell it, most frequent first."""
    return _counted("arabic_spellings.tsv")
