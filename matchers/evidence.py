"""An upper bound on what the evidence besides names can add, for many listed names at once.

Nearly everyone on a real list has a date of birth (UN: 678 of 730 individuals), and so does
every traveller's passport. Two birth dates of different years take DOB_DIFFERENT off the
score, more than the best name can make up for, so most of the names a traveller's words
reach cannot alert whatever their similarity. This bound rules them out with a few integer
comparisons per name, before the costlier name bound (`matchers.bound`).

A name is held with the birth dates and nationalities of the entries that carry it, as one
record of 64 bytes (`kernels.EVIDENCE`): a traveller's candidates are scattered over the
table, and with a dozen flat arrays each name cost a dozen cache misses; now it costs one.
The record holds up to SLOTS distinct dates (NATIONALITY_SLOTS nationalities), and whether
one of its entries has none. A common name on a large list is carried by dozens of entries
born all over the century: all of its dates are held in a pool of date codes instead, a
segment per name, written again when its dates change (pipeline data, 100,000 entries: 62 %
of the names a traveller's words reach are such names, with 5 dates each on average); its
record then holds where its segment lies and the days of the year it covers. Against the
slots and the pool the date bound is exact (`score._date_pair` rule for rule, in one compiled
pass over the names: `kernels.evidence_bounds`): two full dates of one year but different
days take DOB_CONFLICT off. A listed nationality the traveller does not hold takes
NATIONALITY_DIFFERENT off. The bound never underestimates `score._features`.

A name's entries are bounded in three kinds: those whose evidence may back the name (a
date of its month or closer, a nationality in which the traveller's name is not a popular
one) or that have no date; those with a date of the traveller's year, which spares the
name only if the two are spelt the same; and the rest, whose name also loses UNDATED_NAME's
share of its shortfall when it is scored (`score.uncorroborated`), as a year entry's does
when the names are spelt otherwise. On a large list most of a traveller's candidates are
namesakes born in other years or spelt a little differently, and that share rules out most
of them before their names are compared (`NameTable.hopeful`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from matchers import kernels
from matchers.bound import _Column
from matchers.kernels import (
    ALWAYS,
    DAY_WORDS,
    EVIDENCE,
    FULL_YEAR,
    LOOSE_YEAR,
    MANY,
    MANY_NATIONALITIES,
    MIXED_YEARS,
    ON_DAY,
    STATELESS,
    UNDATED,
)
from matchers.score import Date, Prepared

Array = np.ndarray[Any, Any]
POOL_SLACK = 1_000_000  # garbage codes the pool may hold beyond its live ones (see _write_pool)
CACHE_LINE = 64  # bytes


class EvidenceTable:
    """Birth dates and nationalities of each listed name's entries, an EVIDENCE record per
    name id (a date as `_code`, 0 an empty slot; a nationality as a code from 1, 0 empty)."""

    def __init__(self) -> None:
        self._records = _Records()
        # Every date of a name with more than SLOTS (a common name on a large list), as
        # `_code`s, ...
        self._dates_of: dict[int, set[int]] = {}
        # ... and in the pool, sorted, from the start its record holds, as many as its length.
        # A name whose dates changed is `_stale` until its segment is written again, at the
        # end of the pool (before the next bound: a list loads without writing a segment per
        # date).
        self._pool = _Column(np.int64)
        self._by_day = _Column(np.int64)  # the same dates, as (month * 100 + day) * 10_000 + year
        self._stale: set[int] = set()
        self._written: dict[int, int] = {}  # the length of each name's segment in the pool
        self._live = 0  # codes in segments still in use (the rest is garbage, see _write_pool)
        self._country_ids: dict[str, int] = {}  # nationality -> code (from 1; 0 an empty slot)

    def reset(self, fid: int) -> None:
        """Forget a name's dates and nationalities (before its entries' are added again)."""
        self._records.clear(fid)
        if self._dates_of.pop(fid, None) is not None:
            self._stale.discard(fid)
            self._live -= self._written.pop(fid, 0)

    def add(self, fid: int, entry: Prepared) -> None:
        """Add the birth dates and nationalities of one more entry carrying the name."""
        record = self._records.row(fid)
        if len({year for year, _, _ in entry.dates}) > 1:
            record["flags"] |= MIXED_YEARS
        self._add_dates(fid, record, entry.dates)
        self._add_nationalities(record, entry.nationalities)

    def _add_nationalities(self, record: Any, countries: Iterable[str]) -> None:
        codes = [self._country_ids.setdefault(c, len(self._country_ids) + 1) for c in countries]
        if not codes:
            record["flags"] |= STATELESS
        slots = record["nationalities"]  # (a view of the record: written through)
        for code in codes:
            held = slots.tolist()
            if code in held:
                continue
            if 0 in held:
                slots[held.index(0)] = code
            else:
                record["flags"] |= MANY_NATIONALITIES

    def _add_dates(self, fid: int, record: Any, dates: Iterable[Date]) -> None:
        given = list(dict.fromkeys(_code(date) for date in dates))
        if not given:
            record["flags"] |= UNDATED
        slots = record["dates"]
        for code in given:
            if fid in self._dates_of:
                self._file_date(fid, code)
                continue
            held = slots.tolist()
            if code in held:
                continue
            free = next((s for s, h in enumerate(held) if h // 10_000 == 0), None)  # year 0
            if free is None:  # the slots are full: from now on every date is in the pool
                record["flags"] |= MANY
                self._dates_of[fid] = set()
                for h in [*held, code]:
                    self._file_date(fid, h)
                continue  # (the slots are the segment's place once it is written)
            slots[free] = code

    def _file_date(self, fid: int, code: int) -> None:
        dates = self._dates_of[fid]
        if code not in dates:
            dates.add(code)
            self._stale.add(fid)

    def _write_pool(self) -> None:
        """Write the segments of the names whose dates changed. Their old segments become
        garbage; once garbage is most of the pool, every segment is written anew."""
        stale, self._stale = self._stale, set()
        if len(self._pool) - self._live > max(self._live, POOL_SLACK):
            self._pool, self._by_day = _Column(np.int64), _Column(np.int64)
            self._written, self._live = {}, 0
            stale = set(self._dates_of)
        for fid in sorted(stale):  # (in the order of ids, as candidates are bounded)
            codes = sorted(self._dates_of[fid])
            self._by_day.extend(sorted(c % 10_000 * 10_000 + c // 10_000 for c in codes))
            record = self._records.row(fid)
            record["dates"][:2] = self._pool.extend(codes), len(codes)  # start, length
            record["days"] = _day_masks(codes)
            self._live += len(codes) - self._written.get(fid, 0)
            self._written[fid] = len(codes)

    def blocks(self, fids: Array, loose: Array) -> tuple[Array, Array]:
        """The names `fids` split by the dates of birth they carry, as (block, name id) pairs
        sorted by block (`kernels.date_blocks`, one compiled pass; `loose`: per name, whether
        it may alert with a full date a year apart or on another day, see `query_blocks`)."""
        records, pool, _ = self._arrays()
        got: tuple[Array, Array] = kernels.date_blocks(fids, loose, records, pool)
        return got

    def _arrays(self) -> tuple[Array, Array, Array]:
        """What the kernels read: the records, the pool by year and by day (written first
        if a name's dates changed)."""
        if self._stale:
            self._write_pool()
        return self._records.data, self._pool.data, self._by_day.data

    def upper_bounds(self, query: Prepared, fids: Array, typical: Iterable[str] = ()) -> Array:
        """For each name id, the most its entries' dates of birth and nationality can add,
        as a row (spared, year, unbacked): by the entries whose evidence backs the name or
        that have no date, by those with a date of the traveller's year, and by the rest,
        which cost it UNDATED_NAME's share (`kernels.evidence_bounds`; -inf: no such entry).
        `typical`: the traveller's nationalities in which his name is a popular one
        (`score.popular_in`: shared, they back nothing)."""
        countries = sorted(query.nationalities)
        codes = [self._country_ids.get(c, -1) for c in countries]
        telling = [c not in typical for c in countries]
        bounds: Array = kernels.evidence_bounds(
            fids,
            date_rows(query.dates),
            np.array(codes, dtype=np.int32),
            np.array(telling, dtype=np.bool_),
            *self._arrays(),
        )
        return bounds


class _Records:
    """EVIDENCE records by name id, growable, the array aligned to a cache line (numpy only
    aligns to 16 bytes, and a record across two lines would cost two misses)."""

    def __init__(self) -> None:
        self.data: Array = _aligned(1024)
        self.size = 0  # records in use (the rest is room to grow)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a snapshot, `streams.snapshot`) without the room to grow."""
        return {"data": self.data[: self.size], "size": self.size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Loaded from a pickle (a snapshot, `streams.snapshot`): the records are copied
        onto a cache line again (a pickle's array lies wherever its buffer does)."""
        loaded = state["data"]
        self.data = _aligned(len(loaded))
        self.data[:] = loaded
        self.size = state["size"]

    def row(self, fid: int) -> Any:
        """A name's record, to read and write in place (a view of `data`, until it grows)."""
        if fid >= self.size:
            self.size = fid + 1
            if fid >= len(self.data):
                grown = _aligned(max(fid + 1, 2 * len(self.data)))
                grown[: len(self.data)] = self.data
                self.data = grown
        return self.data[fid]

    def clear(self, fid: int) -> None:
        self.row(fid)
        self.data[fid] = 0  # (every field)


def _aligned(size: int) -> Array:
    """`size` zeroed EVIDENCE records starting on a cache line."""
    raw = np.zeros(size * EVIDENCE.itemsize + CACHE_LINE, dtype=np.uint8)
    skip = -raw.ctypes.data % CACHE_LINE
    return raw[skip : skip + size * EVIDENCE.itemsize].view(EVIDENCE)


def _code(date: Date) -> int:
    """A date as one integer, as the record and the pool hold it (month or day 0: unknown)."""
    y, m, d = date
    return y * 10_000 + (m or 0) * 100 + (d or 0)


def _day_masks(codes: Iterable[int]) -> list[int]:
    """The days of the year (month and day known) among date codes, as DAY_WORDS bit masks:
    bit (month - 1) * 31 + day - 1 (`kernels._pool_value` looks a traveller's day up there
    before it searches the segment for it)."""
    words = [0] * DAY_WORDS
    for code in codes:
        month, day = code // 100 % 100, code % 100
        if month and day:
            bit = (month - 1) * 31 + day - 1
            words[bit >> 6] |= 1 << (bit & 63)
    return words


@lru_cache(maxsize=4_096)
def date_rows(dates: tuple[Date, ...]) -> Array:
    """Dates as the kernels take them: (year, month, day) rows, 0 unknown (remembered: a
    traveller's dates are read for his date blocks and again for his names' evidence; the
    kernels only read them)."""
    return np.array([(y, m or 0, d or 0) for y, m, d in dates], dtype=np.int64).reshape(-1, 3)


def query_blocks(
    dates: tuple[Date, ...], floor: float = -np.inf, floor_unbacked: float = -np.inf
) -> Array:
    """The date blocks a traveller's dates reach, sorted (`kernels.query_blocks`): every
    block holding a name whose dates can add more than DOB_DIFFERENT and at least `floor`
    (`floor_unbacked` for a date that neither backs nor is of his year), except the full
    dates of a name whose cap cannot bear DOB_CONFLICT (FULL_YEAR) against his full date."""
    got: Array = kernels.query_blocks(date_rows(dates), floor, floor_unbacked)
    return got


@lru_cache(maxsize=65_536)
def dated_blocks(dates: tuple[Date, ...], loose: bool) -> frozenset[int]:
    """`entry_blocks`, remembered: on a large list the entries of a common name are split by
    date as they are filed (`Matcher._block_entry`), and birth dates repeat."""
    return entry_blocks(dates, loose)


def entry_blocks(dates: Iterable[Date], loose: bool) -> frozenset[int]:
    """The blocks of `query_blocks`'s codes one listed entry belongs to, by its own dates
    (`loose`: its name's cap bears DOB_CONFLICT, see `kernels.date_blocks`), and ALWAYS when
    it has none or dates of several years: a date of the traveller's year spares its name
    (`kernels.evidence_bounds`) whichever of its dates is worth most, and a traveller
    gathers only the blocks whose own dates may alert (`Matcher._date_floors`)."""
    out: set[int] = set()
    years = set()
    for y, m, d in dates:
        years.add(y)
        if m is not None and d is not None:
            out.update((ON_DAY + _code((y, m, d)), (LOOSE_YEAR if loose else FULL_YEAR) + y))
        else:
            out.add(y)
    if len(years) != 1:
        out.add(ALWAYS)
    return frozenset(out)
