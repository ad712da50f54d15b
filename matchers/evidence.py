"""An upper bound on what the evidence besides names can add, for many listed names at once.

Nearly everyone on a real list has a date of birth (UN: 678 of 730 individuals), and so does
every traveller's passport. Two birth dates of different years take DOB_DIFFERENT off the
score, more than the best name can make up for, so most of the names a traveller's words
reach cannot alert whatever their similarity. This bound rules them out with a few integer
comparisons over flat arrays, before the costlier name bound (`matchers.bound`).

A name is held with the birth dates and nationalities of the entries that carry it: up to
SLOTS distinct dates (NATIONALITY_SLOTS nationalities) in flat arrays, and whether one of
its entries has none. A common name on a large list is carried by dozens of entries born all
over the century: all of its dates are held in a pool of date codes instead, a segment per
name, written again when its dates change (pipeline data, 100,000 entries: 62 % of the
names a traveller's words reach are such names, with 5 dates each on average). Against the
slots and the pool the date bound is exact (`score._date_pair` rule for rule, in one compiled
pass over the names: `kernels.evidence_bounds`): two full dates of one year but different
days take DOB_CONFLICT off. A listed nationality the traveller does not hold takes
NATIONALITY_DIFFERENT off. The bound never underestimates `score._features`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from matchers import kernels
from matchers.bound import _Column
from matchers.kernels import ALWAYS, DAY_WORDS, FULL_YEAR, NATIONALITY_SLOTS, ON_DAY, SLOTS
from matchers.score import Date, Prepared

Array = np.ndarray[Any, Any]
POOL_SLACK = 1_000_000  # garbage codes the pool may hold beyond its live ones (see _write_pool)


class EvidenceTable:
    """Birth dates and nationalities of each listed name's entries, in flat arrays addressed
    by name id (date slot s of name fid at fid * SLOTS + s; year 0 is an empty slot, month or
    day 0 unknown)."""

    def __init__(self) -> None:
        self._y = _Column(np.int32)
        self._m = _Column(np.int8)
        self._d = _Column(np.int8)
        self._undated = _Column(np.bool_)  # an entry carrying the name has no date of birth
        self._many = _Column(np.bool_)  # more distinct dates than SLOTS
        # Every date of a name with more than SLOTS (a common name on a large list) ...
        self._dates_of: dict[int, set[Date]] = {}
        # ... and as `_code`s in the pool, from _pool_start[fid], _pool_len[fid] of them. A
        # name whose dates changed is `_stale` until its segment is written again, at the end
        # of the pool (before the next bound: a list loads without writing a segment per date).
        self._pool = _Column(np.int64)
        self._by_day = _Column(np.int64)  # the same dates, as (month * 100 + day) * 10_000 + year
        # the days of the year (month and day) the segment holds, DAY_WORDS bit masks a name
        self._days = _Column(np.uint64)
        self._pool_start = _Column(np.int64)
        self._pool_len = _Column(np.int64)
        self._stale: set[int] = set()
        self._written: dict[int, int] = {}  # the length of each name's segment in the pool
        self._live = 0  # codes in segments still in use (the rest is garbage, see _write_pool)
        self._country_ids: dict[str, int] = {}  # nationality -> code (from 1; 0 an empty slot)
        self._nat = _Column(np.int32)  # slot s of name fid at fid * NATIONALITY_SLOTS + s
        self._stateless = _Column(np.bool_)  # an entry carrying the name has no nationality
        self._many_nat = _Column(np.bool_)  # more distinct nationalities than the slots

    def reset(self, fid: int) -> None:
        """Forget a name's dates and nationalities (before its entries' are added again)."""
        for slot in range(fid * SLOTS, (fid + 1) * SLOTS):
            for column in (self._y, self._m, self._d):
                column.set(slot, 0)
        for slot in range(fid * NATIONALITY_SLOTS, (fid + 1) * NATIONALITY_SLOTS):
            self._nat.set(slot, 0)
        for flag in (self._undated, self._many, self._stateless, self._many_nat):
            flag.set(fid, False)
        if self._dates_of.pop(fid, None) is not None:
            self._stale.discard(fid)
            self._live -= self._written.pop(fid, 0)

    def add(self, fid: int, entry: Prepared) -> None:
        """Add the birth dates and nationalities of one more entry carrying the name."""
        self._add_dates(fid, entry.dates)
        self._add_nationalities(fid, entry.nationalities)

    def _add_nationalities(self, fid: int, countries: Iterable[str]) -> None:
        codes = [self._country_ids.setdefault(c, len(self._country_ids) + 1) for c in countries]
        if not codes:
            self._stateless.set(fid, True)
        slots = range(fid * NATIONALITY_SLOTS, (fid + 1) * NATIONALITY_SLOTS)
        for code in codes:
            held = [int(self._nat.get(s)) for s in slots]
            if code in held:
                continue
            free = next((s for s, h in zip(slots, held, strict=True) if h == 0), None)
            if free is None:
                self._many_nat.set(fid, True)
            else:
                self._nat.set(free, code)

    def _add_dates(self, fid: int, dates: Iterable[Date]) -> None:
        given = list(dict.fromkeys(dates))
        if not given:
            self._undated.set(fid, True)
        slots = range(fid * SLOTS, (fid + 1) * SLOTS)
        for y, m, d in given:
            if fid in self._dates_of:
                self._file_date(fid, (y, m, d))
                continue
            held = [(int(self._y.get(s)), int(self._m.get(s)), int(self._d.get(s))) for s in slots]
            if (y, m or 0, d or 0) in held:
                continue
            free = next((s for s, h in zip(slots, held, strict=True) if h[0] == 0), None)
            if free is None:  # the slots are full: from now on every date is in the pool
                self._many.set(fid, True)
                self._dates_of[fid] = set()
                for hy, hm, hd in held:
                    self._file_date(fid, (hy, hm or None, hd or None))
                self._file_date(fid, (y, m, d))
                continue
            self._y.set(free, y)
            self._m.set(free, m or 0)
            self._d.set(free, d or 0)

    def _file_date(self, fid: int, date: Date) -> None:
        dates = self._dates_of[fid]
        if date not in dates:
            dates.add(date)
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
            codes = sorted(_code(date) for date in self._dates_of[fid])
            self._by_day.extend(sorted(c % 10_000 * 10_000 + c // 10_000 for c in codes))
            self._pool_start.set(fid, self._pool.extend(codes))
            for k, word in enumerate(_day_masks(codes)):
                self._days.set(fid * DAY_WORDS + k, word)
            self._pool_len.set(fid, len(codes))
            self._live += len(codes) - self._written.get(fid, 0)
            self._written[fid] = len(codes)

    def blocks(self, fids: Array, loose: Array) -> tuple[Array, Array]:
        """The names `fids` split by the dates of birth they carry, as (block, name id) pairs
        sorted by block (`kernels.date_blocks`, one compiled pass; `loose`: per name, whether
        it may alert with a full date a year apart or on another day, see `query_blocks`)."""
        ys, ms, ds, undated, many, pool, _, start, length, _ = self._dates()
        got: tuple[Array, Array] = kernels.date_blocks(
            fids, loose, ys, ms, ds, undated, many, pool, start, length
        )
        return got

    def _dates(self) -> tuple[Array, ...]:
        """The date columns the kernels read (slots, undated and many flags, the pool by year
        and by day, each name's segment and its days), the pool written first if a name's
        dates changed."""
        if self._stale:
            self._write_pool()
        return (
            self._y.data,
            self._m.data,
            self._d.data,
            self._undated.data,
            self._many.data,
            self._pool.data,
            self._by_day.data,
            self._pool_start.data,
            self._pool_len.data,
            self._days.data,
        )

    def upper_bounds(self, query: Prepared, fids: Array) -> Array:
        """For each name id, the most its entries' dates of birth and nationality can add."""
        dates = query.dates
        columns = (*self._dates(), self._nat.data, self._many_nat.data, self._stateless.data)
        bounds: Array = kernels.evidence_bounds(
            fids,
            date_rows(dates),
            np.array([self._country_ids.get(c, -1) for c in query.nationalities], dtype=np.int32),
            *columns,
        )
        return bounds


def _code(date: Date) -> int:
    """A date as one integer, as the pool holds it (month or day 0: unknown)."""
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


def date_rows(dates: Iterable[Date]) -> Array:
    """Dates as the kernels take them: (year, month, day) rows, 0 unknown."""
    return np.array([(y, m or 0, d or 0) for y, m, d in dates], dtype=np.int64).reshape(-1, 3)


def query_blocks(dates: Iterable[Date]) -> Array:
    """The date blocks a traveller's dates reach, sorted (`kernels.query_blocks`): every
    block holding a name whose dates can add more than DOB_DIFFERENT, except the full dates
    a year apart or of another day filed under FULL_YEAR, which take DOB_CONFLICT off a name
    whose cap cannot bear it."""
    got: Array = kernels.query_blocks(date_rows(dates))
    return got


@lru_cache(maxsize=65_536)
def dated_blocks(dates: tuple[Date, ...], loose: bool) -> frozenset[int]:
    """`entry_blocks`, remembered: on a large list the entries of a common name are split by
    date as they are filed (`Matcher._block_entry`), and birth dates repeat."""
    return entry_blocks(dates, loose)


def entry_blocks(dates: Iterable[Date], loose: bool) -> frozenset[int]:
    """The blocks of `query_blocks`'s codes one listed entry belongs to, by its own dates
    (`loose`: its name's cap bears DOB_CONFLICT, see `kernels.date_blocks`)."""
    out: set[int] = set()
    for y, m, d in dates:
        if m is not None and d is not None:
            out.update((ON_DAY + _code((y, m, d)), y if loose else FULL_YEAR + y))
        else:
            out.add(y)
    return frozenset(out) if out else frozenset((ALWAYS,))
