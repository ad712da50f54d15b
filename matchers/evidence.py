"""An upper bound on what the evidence besides names can add, for many listed names at once.

Nearly everyone on a real list has a date of birth (UN: 678 of 730 individuals), and so does
every traveller's passport. Two birth dates of different years take DOB_DIFFERENT off the
score, more than the best name can make up for, so most of the names a traveller's words
reach cannot alert whatever their similarity. This bound rules them out with a few integer
comparisons over flat arrays, before the costlier name bound (`matchers.bound`).

A name is held with the birth dates and nationalities of the entries that carry it: up to
SLOTS distinct dates (NATIONALITY_SLOTS nationalities) in flat arrays, and whether one of
its entries has none. Against those slots the date bound is exact (`score._date_pair` rule
for rule, in one compiled pass over the names: `kernels.evidence_bounds`): two full dates
of one year but different days take DOB_CONFLICT off. A common name on a large list is
carried by dozens of entries born all over the century; every date of such a name is filed
(`_by_date`, `_partial_years`), and the few that can be worth more than DOB_CONFLICT
against a traveller's full date (his date, a digit off, day and month swapped, his month or
year given alone) are looked up rather than scanned (pipeline data, 100,000 entries: 85 %
of the names a traveller's words reach are such names, and bounding them by DOB_EXACT left
25 names per traveller to score exactly, against under one). A listed nationality the
traveller does not hold takes NATIONALITY_DIFFERENT off. The bound never underestimates
`score._features`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np

from matchers import kernels
from matchers.bound import _Column
from matchers.kernels import FIRST_YEAR, NATIONALITY_SLOTS, SLOTS
from matchers.score import (
    DOB_EXACT,
    DOB_MONTH,
    DOB_NEAR,
    DOB_SWAP,
    DOB_TYPO,
    DOB_YEAR,
    Date,
    Prepared,
)

Array = np.ndarray[Any, Any]
ALWAYS = -1  # the block of names any traveller's dates may reach (see `blocks`)
BLOCK_DAY = 100_000
_NONE = np.zeros(0, dtype=np.int64)  # no names closer (a traveller without full dates)
_NO_VALUES = np.zeros(0, dtype=np.float64)


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
        # Every date of a name with more than SLOTS (a common name on a large list), and
        # those names under each date (month or day None: unknown).
        self._dates_of: dict[int, set[Date]] = {}
        self._codes_of: dict[int, Array] = {}  # ... their `entry_blocks`, once asked for
        self._by_date: dict[int, set[int]] = {}  # ... those given to the month at least (by
        # `_code`)
        # ... and the years of those given to the year or month only, as bits from FIRST_YEAR
        # (a year outside the 128 bits is filed in _by_date as the year alone).
        self._partial_years = (_Column(np.uint64), _Column(np.uint64))
        # The names of _by_date worth more than DOB_CONFLICT against the last traveller's
        # dates (sorted ids, an id once per date, and values): his names are bounded one
        # after another.
        self._special: tuple[tuple[Date, ...], Array, Array] | None = None
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
        self._codes_of.pop(fid, None)
        for date in self._dates_of.pop(fid, ()):
            code = _code(date)
            holders = self._by_date.get(code)
            if holders is not None:
                holders.discard(fid)
                if not holders:
                    del self._by_date[code]
                self._special = None
        for word in self._partial_years:
            word.set(fid, 0)

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
            if free is None:  # the slots are full: from now on every date is filed
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
        y, m, d = date
        self._dates_of[fid].add(date)
        self._codes_of.pop(fid, None)
        if m is not None:
            self._by_date.setdefault(_code(date), set()).add(fid)
            self._special = None
        if d is None:  # a partial date: its year in the masks
            bit = y - FIRST_YEAR
            if 0 <= bit < 128:
                word = self._partial_years[bit // 64]
                word.set(fid, int(word.get(fid)) | 1 << bit % 64)
            else:  # a year the bits do not hold: filed as the year alone
                self._dates_of[fid].add((y, None, None))
                self._by_date.setdefault(_code((y, None, None)), set()).add(fid)
                self._special = None

    def blocks(self, fids: Array) -> dict[int, Array]:
        """The names `fids` split by the dates of birth they carry: under each year, under
        each day and month of a full date (BLOCK_DAY + month * 100 + day), and, for a name with
        an undated entry, under ALWAYS. A name sits in a block per date it carries (see
        `query_blocks`)."""
        slots = (fids[:, None] * SLOTS + np.arange(SLOTS)).ravel()
        y, m, d = self._y.data[slots], self._m.data[slots], self._d.data[slots]
        owner = np.repeat(fids, SLOTS)
        many = self._many.data[fids]
        dated = (y > 0) & ~np.repeat(many, SLOTS)  # a name with more dates: all of them below
        full = dated & (m > 0) & (d > 0)
        always = self._undated.data[fids]
        # A name with many dates sits in many postings: its codes are worked out once.
        more = [self._block_codes(fid) for fid in fids[many].tolist()]
        codes = np.concatenate(
            [
                y[dated].astype(np.int64),
                BLOCK_DAY + m[full].astype(np.int64) * 100 + d[full],
                np.full(int(always.sum()), ALWAYS, dtype=np.int64),
                *more,
            ]
        )
        ids = np.concatenate(
            [
                owner[dated],
                owner[full],
                fids[always],
                np.repeat(fids[many], [len(c) for c in more]).astype(np.int64),
            ]
        )
        order = np.argsort(codes, kind="stable")
        codes, ids = codes[order], ids[order]
        cuts = (np.flatnonzero(np.diff(codes)) + 1).tolist()
        starts, ends = [0, *cuts], [*cuts, len(ids)]
        firsts = codes[starts].tolist()
        return {code: ids[a:b] for code, a, b in zip(firsts, starts, ends, strict=True)}

    def _block_codes(self, fid: int) -> Array:
        """The `entry_blocks` of a name with more dates than its slots, as an array."""
        codes = self._codes_of.get(fid)
        if codes is None:
            found = entry_blocks(self._dates_of[fid])
            codes = self._codes_of[fid] = np.fromiter(found, dtype=np.int64, count=len(found))
        return codes

    def upper_bounds(self, query: Prepared, fids: Array) -> Array:
        """For each name id, the most its entries' dates of birth and nationality can add.

        Against a full traveller date, a name with more dates than its slots is worth
        DOB_CONFLICT or less but for the dates `_closer` lists: those are looked up in
        `_by_date` (`_closer_names`), the partial years are bits. (A partial traveller date
        bounds such names by DOB_EXACT: passports carry full dates.)"""
        dates = query.dates
        if dates and all(m is not None and d is not None for _, m, d in dates):
            closer_ids, closer_values = self._closer_names(dates)
        else:
            closer_ids, closer_values = _NONE, _NO_VALUES
        bounds: Array = kernels.evidence_bounds(
            fids,
            np.array([(y, m or 0, d or 0) for y, m, d in dates], dtype=np.int64).reshape(-1, 3),
            np.array([self._country_ids.get(c, -1) for c in query.nationalities], dtype=np.int32),
            self._y.data,
            self._m.data,
            self._d.data,
            self._undated.data,
            self._many.data,
            self._partial_years[0].data,
            self._partial_years[1].data,
            closer_ids,
            closer_values,
            self._nat.data,
            self._many_nat.data,
            self._stateless.data,
        )
        return bounds

    def _closer_names(self, dates: tuple[Date, ...]) -> tuple[Array, Array]:
        """The names of `_by_date` with a date `_closer` to the traveller's, by id (an id
        once per such date), and the dates' values."""
        if self._special is not None and self._special[0] == dates:
            return self._special[1], self._special[2]
        by_date = self._by_date
        held: list[set[int]] = []
        worth: list[float] = []
        for date in dates:
            for code, value in zip(*_closer(date), strict=True):
                holders = by_date.get(code)
                if holders:
                    held.append(holders)
                    worth.append(value)
        count = sum(map(len, held))
        ids: Array = np.fromiter(chain.from_iterable(held), dtype=np.int64, count=count)
        values: Array = np.repeat(np.array(worth, dtype=np.float64), [len(h) for h in held])
        order = np.argsort(ids)
        self._special = (dates, ids[order], values[order])
        return ids[order], values[order]


def _code(date: Date) -> int:
    """A date as one integer, as `_by_date` files it (month or day 0: unknown)."""
    y, m, d = date
    return y * 10_000 + (m or 0) * 100 + (d or 0)


@lru_cache(maxsize=4096)
def _closer(date: Date) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The listed dates given to the month at least worth more than DOB_CONFLICT against a
    full traveller date, as `_code`s, with their value (`score._date_pair`): the same date,
    day and month swapped, a digit off, the same month (partial dates of the year or one
    apart are in `EvidenceTable._partial_years`). The traveller's own date is listed more
    than once: its best value counts."""
    y, m, d = date
    assert m is not None and d is not None  # (the caller's: a full date)
    year, day = y * 10_000, m * 100 + d
    codes = [  # a digit of the year, the month or the day off
        *(
            (y + (k - y // step % 10) * step) * 10_000 + day
            for step in (1000, 100, 10, 1)
            for k in range(10)
        ),
        *(year + month * 100 + d for month in _digit_off(m, 12)),
        *(year + m * 100 + other for other in _digit_off(d, 31)),
    ]
    values = [DOB_TYPO] * len(codes)
    codes += [year - 10_000, year + 10_000, year, year + m * 100, year + day]
    values += [DOB_NEAR, DOB_NEAR, DOB_YEAR, DOB_MONTH, DOB_EXACT]  # (years out of the bits)
    if d <= 12 and d != m:
        codes.append(year + d * 100 + m)
        values.append(DOB_SWAP)
    return tuple(codes), tuple(values)


@lru_cache(maxsize=64)
def _digit_off(n: int, top: int) -> tuple[int, ...]:
    """The numbers from 1 to `top` written with two digits one digit off `n` (and `n`)."""
    return tuple(
        sorted(
            {
                n + (k - n // step % 10) * step
                for step in (10, 1)
                for k in range(10)
                if 0 < n + (k - n // step % 10) * step <= top
            }
        )
    )


def query_blocks(dates: Iterable[Date]) -> frozenset[int]:
    """The blocks of `EvidenceTable.blocks` holding every name whose dates can add more than
    DOB_DIFFERENT against these: the same year or one apart, a full date one digit of the year
    apart (then day and month are equal), and ALWAYS."""
    out = {ALWAYS}
    for y, m, d in dates:
        out.update((y - 1, y, y + 1))
        if m is not None and d is not None:
            out.add(BLOCK_DAY + m * 100 + d)
    return frozenset(out)


@lru_cache(maxsize=65_536)
def dated_blocks(dates: tuple[Date, ...]) -> frozenset[int]:
    """`entry_blocks`, remembered: on a large list the hundreds of entries of a common name
    are split by date on first use (`Matcher._entries_reaching`), and birth dates repeat."""
    return entry_blocks(dates)


def entry_blocks(dates: Iterable[Date]) -> frozenset[int]:
    """The blocks of `query_blocks`'s codes one listed entry belongs to, by its own dates."""
    out = {
        code
        for y, m, d in dates
        for code in ((y, BLOCK_DAY + m * 100 + d) if m is not None and d is not None else (y,))
    }
    return frozenset(out) if out else frozenset((ALWAYS,))
