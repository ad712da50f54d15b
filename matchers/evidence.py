"""An upper bound on what the evidence besides names can add, for many listed names at once.

Nearly everyone on a real list has a date of birth (UN: 678 of 730 individuals), and so does
every traveller's passport. Two birth dates of different years take DOB_DIFFERENT off the
score, more than the best name can make up for, so most of the names a traveller's words
reach cannot alert whatever their similarity. This bound rules them out with a few integer
comparisons over flat arrays, before the costlier name bound (`matchers.bound`).

A name is held with the birth dates of the entries that carry it: up to SLOTS distinct dates,
whether one of its entries has none, and whether it has more dates than the slots hold (then
it is bounded by the best any date can add). It never underestimates `score._features`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from matchers.bound import _Column
from matchers.score import (
    DOB_CONFLICT,
    DOB_DIFFERENT,
    DOB_EXACT,
    DOB_NEAR,
    DOB_TYPO,
    NATIONALITY_SAME,
    Date,
    Prepared,
    _date_pair,
)

Array = np.ndarray[Any, Any]
SLOTS = 2
ALWAYS = -1  # the block of names any traveller's dates may reach (see `blocks`)
BLOCK_DAY = 100_000
SMALL = 64  # fewer names than this are bounded one by one (numpy's per-call cost dominates)
_BEST_DATE = DOB_EXACT  # the most a pair of dates can add (score.max_bonus)


class EvidenceTable:
    """Birth dates of each listed name's entries, in flat arrays addressed by name id (slot s
    of name fid at fid * SLOTS + s; year 0 is an empty slot, month or day 0 unknown)."""

    def __init__(self) -> None:
        self._y = _Column(np.int32)
        self._m = _Column(np.int8)
        self._d = _Column(np.int8)
        self._undated = _Column(np.bool_)  # an entry carrying the name has no date of birth
        self._many = _Column(np.bool_)  # more distinct dates than SLOTS

    def reset(self, fid: int) -> None:
        """Forget a name's dates (before its entries' dates are added again)."""
        for slot in range(fid * SLOTS, (fid + 1) * SLOTS):
            for column in (self._y, self._m, self._d):
                column.set(slot, 0)
        self._undated.set(fid, False)
        self._many.set(fid, False)

    def add(self, fid: int, dates: Iterable[Date]) -> None:
        """Add the birth dates of one more entry carrying the name (none: undated)."""
        given = list(dict.fromkeys(dates))
        if not given:
            self._undated.set(fid, True)
        slots = range(fid * SLOTS, (fid + 1) * SLOTS)
        for y, m, d in given:
            held = [(int(self._y.get(s)), int(self._m.get(s)), int(self._d.get(s))) for s in slots]
            if (y, m or 0, d or 0) in held:
                continue
            free = next((s for s, h in zip(slots, held, strict=True) if h[0] == 0), None)
            if free is None:
                self._many.set(fid, True)
                continue
            self._y.set(free, y)
            self._m.set(free, m or 0)
            self._d.set(free, d or 0)

    def blocks(self, fids: Array) -> dict[int, Array]:
        """The names `fids` split by the dates of birth they carry: under each year, under
        each day and month of a full date (BLOCK_DAY + month * 100 + day), and, for a name with
        an undated entry or more dates than its slots, under ALWAYS. A name sits in a block
        per date it carries (see `query_blocks`)."""
        slots = (fids[:, None] * SLOTS + np.arange(SLOTS)).ravel()
        y, m, d = self._y.data[slots], self._m.data[slots], self._d.data[slots]
        owner = np.repeat(fids, SLOTS)
        dated = y > 0
        full = dated & (m > 0) & (d > 0)
        always = self._undated.data[fids] | self._many.data[fids]
        codes = np.concatenate(
            [
                y[dated].astype(np.int64),
                BLOCK_DAY + m[full].astype(np.int64) * 100 + d[full],
                np.full(int(always.sum()), ALWAYS, dtype=np.int64),
            ]
        )
        ids = np.concatenate([owner[dated], owner[full], fids[always]])
        order = np.argsort(codes, kind="stable")
        codes, ids = codes[order], ids[order]
        cuts = np.flatnonzero(np.diff(codes)) + 1
        firsts = np.concatenate([[0], cuts]).astype(np.int64)
        return dict(zip(codes[firsts].tolist(), np.split(ids, cuts), strict=True))

    def upper_bounds(self, query: Prepared, fids: Array) -> Array:
        """For each name id, the most its entries' dates of birth and nationality can add."""
        nationality = NATIONALITY_SAME if query.nationalities else 0.0
        if not query.dates:
            return np.full(len(fids), nationality)
        slots = (fids[:, None] * SLOTS + np.arange(SLOTS)).ravel()
        ys, ms, ds = self._y.data[slots], self._m.data[slots], self._d.data[slots]
        undated, many = self._undated.data[fids], self._many.data[fids]
        if len(fids) < SMALL:
            found = self._one_by_one(query.dates, ys, ms, ds, undated, many)
            return np.array(found) + nationality
        best = np.where(many, _BEST_DATE, np.where(undated, 0.0, -np.inf))
        for date in query.dates:
            got = np.where(ys > 0, _date_bound(date, ys, ms, ds), -np.inf)
            best = np.maximum(best, got.reshape(-1, SLOTS).max(axis=1))
        return np.where(np.isfinite(best), best, 0.0) + nationality

    @staticmethod
    def _one_by_one(
        dates: tuple[Date, ...], ys: Array, ms: Array, ds: Array, undated: Array, many: Array
    ) -> list[float]:
        """The exact best date value of each name (what `score._date_pair` gives)."""
        y_, m_, d_ = ys.tolist(), ms.tolist(), ds.tolist()
        out = []
        for i, (none, more) in enumerate(zip(undated.tolist(), many.tolist(), strict=True)):
            best = _BEST_DATE if more else 0.0 if none else -1.0
            for s in range(i * SLOTS, (i + 1) * SLOTS):
                y = y_[s]
                if not y:
                    continue
                for date in dates:
                    qy, qm, qd = date
                    if abs(y - qy) <= 1 or (m_[s] == qm and d_[s] == qd):
                        best = max(best, _date_value(date, (y, m_[s] or None, d_[s] or None)))
                    else:  # years apart, day or month different: no typo either
                        best = max(best, DOB_DIFFERENT)
            out.append(best if best > -1.0 else 0.0)
        return out


@lru_cache(maxsize=65_536)
def _date_value(a: Date, b: Date) -> float:
    return _date_pair(a, b)[0]


def _date_bound(date: Date, ys: Array, ms: Array, ds: Array) -> Array:
    """The most `score._date_pair` can give one traveller date against listed dates."""
    qy, qm, qd = date
    apart = (
        np.where((ms > 0) & (ds > 0), DOB_CONFLICT, DOB_NEAR)
        if qm is not None and qd is not None
        else DOB_NEAR
    )
    out: Array = np.where(ys == qy, DOB_EXACT, np.where(np.abs(ys - qy) == 1, apart, DOB_DIFFERENT))
    if qm is not None and qd is not None:  # one digit of the year apart, day and month equal
        maybe = np.flatnonzero((ms == qm) & (ds == qd) & (ys != qy))
        if len(maybe):
            y = ys[maybe]
            differing = sum((y // 10**k % 10 != qy // 10**k % 10).astype(np.int8) for k in range(4))
            typo = maybe[differing == 1]
            out[typo] = np.maximum(out[typo], DOB_TYPO)
    return out


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


def entry_blocks(dates: Iterable[Date]) -> frozenset[int]:
    """The blocks of `query_blocks`'s codes one listed entry belongs to, by its own dates."""
    out = {
        code
        for y, m, d in dates
        for code in ((y, BLOCK_DAY + m * 100 + d) if m is not None and d is not None else (y,))
    }
    return frozenset(out) if out else frozenset((ALWAYS,))
