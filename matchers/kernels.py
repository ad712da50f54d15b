"""The matcher's inner loops, compiled (numba): one pass over a traveller's candidate names.

The evidence and name bounds (`matchers.evidence`, `matchers.bound`) rule out nearly every
name a traveller's words reach before any is scored. Written as numpy expressions they cost
some forty array operations per traveller name, and on a few hundred candidates each
operation's fixed cost, not the arithmetic, was most of a crossing's time (bench/RESULTS.md).
Here each bound is one loop per candidate, compiled on first use and cached on disk. So is
the exact value of the few names the bounds leave (`_aligned`: `match_forms` in Python cost
tens of microseconds a name), the split of a large posting by date (`date_blocks`), the
gathering of a traveller name's date blocks (`names_in_blocks`), and the Indel similarities
the name bounds start from (`indel`).

The rules are `score._date_pair` and `score.match_forms`' arithmetic, restated; the tests
hold them to the scorer (tests/matchers/test_evidence.py, test_index.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from matchers.identity import FIRST_YEAR, LAST_YEAR
from matchers.score import (
    COMMON_PENALTY,
    CURVE,
    DATE_BACKS,
    DISTINCTIVE_INFO,
    DOB_CONFLICT,
    DOB_DIFFERENT,
    DOB_EXACT,
    DOB_MONTH,
    DOB_NEAR,
    DOB_SWAP,
    DOB_TYPO,
    DOB_YEAR,
    FAMILY_MISS,
    FULL_CREDIT,
    NAME_FLOOR,
    NAME_MAX,
    NATIONALITY_DIFFERENT,
    NATIONALITY_SAME,
    NATIONALITY_TYPICAL,
    SHORT_SIDE,
    SINGLE_WORD_FACTOR,
    SOUND_FLOOR,
    SOUND_MIN,
)

Array = np.ndarray[Any, Any]
SLOTS = 2  # birth-date slots per listed name (see matchers.evidence)
NATIONALITY_SLOTS = 2  # nationality slots per listed name
SURE = 1e-9  # float slack: a bound must never fall under the exact score
DAY_WORDS = 6  # 64-bit words of a name's days of the year (12 months of up to 31 days)
# Date blocks (see date_blocks): ALWAYS, years as they are, FULL_YEAR + year, LOOSE_YEAR +
# year, ON_DAY + a date.
ALWAYS = -1  # names any traveller's dates may reach (an entry has no date of birth)
FULL_YEAR = 100_000
LOOSE_YEAR = 200_000
ON_DAY = 100_000_000  # + year * 10,000 + month * 100 + day
# The block store's (block, name id) pairs (`date_blocks`): a block is under ON_DAY + 10**8
# and a name id under 2**31, so 32 bits hold both, in half the memory and cache lines of 64
BLOCK_DTYPE = np.int32
# A listed name's record in `NameTable`'s names (float64; its fields never leave the range
# a float holds exactly), from where it starts: its total weight, 1.0 if it is cut off, its
# content words, its family-name words (a bit mask), its words n, its units' spellings; then
# the units' spelling ids one after the other (`columns_of` reads them with the header), the
# spellings of each unit (2n - 1: n words, n - 1 pairs of neighbours), the words' weights
# (n) and 1.0 for each content word (n). A name's data is read together, so it lies
# together: a few neighbouring cache lines, where a column for each field cost a cache miss
# for each field on a list of 1,000,000 entries (bench/RESULTS.md, session 10).
NAME_TOTAL, NAME_CUT, NAME_WORDS, NAME_FAMILY, NAME_TOKENS, NAME_SPELLINGS = range(6)
NAME_HEADER = 6
# A listed spelling's record in `NameTable`'s spellings (int32): its sound key id (-1: it
# floors nothing), its length, then its code points.
SPELLING_KEY, SPELLING_LEN, SPELLING_HEADER = 0, 1, 2
# A listed name's evidence as one record (`EvidenceTable`): 64 bytes, one cache line, so
# bounding a name misses the cache once, not once an array (a dozen times before). `dates`
# holds SLOTS date codes year * 10,000 + month * 100 + day (year 0: empty) or, for a name
# with MANY, its pool segment's start and length (so SLOTS is at least 2). int32 is enough:
# the pool holds a pooled name's dates once (16 an entry at most) and garbage no larger
# than that or POOL_SLACK (`EvidenceTable._write_pool`), far below 2**31 on any list that
# fits in memory. A validated nationality is one of under 20,000 codes of 2 or 3 letters:
# a uint16 holds it (numpy refuses a larger one). `days` is a pooled name's (`_pool_value`).
EVIDENCE = np.dtype(
    [
        ("days", np.uint64, DAY_WORDS),
        ("dates", np.int32, SLOTS),
        ("nationalities", np.uint16, NATIONALITY_SLOTS),
        ("flags", np.uint8),
    ],
    align=True,
)
UNDATED = 1  # flags: an entry carrying the name has no date of birth
MANY = 2  # more distinct dates than SLOTS (all of them in the pool)
STATELESS = 4  # an entry carrying the name has no nationality
MANY_NATIONALITIES = 8  # more distinct nationalities than NATIONALITY_SLOTS
MIXED_YEARS = 16  # an entry carrying the name has dates of several years
SPARED, YEAR, UNBACKED = 0, 1, 2  # the columns of evidence_bounds' rows


@njit(cache=True, nogil=True)
def date_value(qy: int, qm: int, qd: int, y: int, m: int, d: int) -> float:
    """`score._date_pair`'s value for two dates (month or day 0: unknown)."""
    full = qm > 0 and m > 0 and qd > 0 and d > 0
    if full:
        if qy == y and qm == m and qd == d:
            return DOB_EXACT
        if qy == y and qm == d and qd == m:
            return DOB_SWAP
        if qy != y and (qm != m or qd != d):
            return DOB_DIFFERENT if abs(qy - y) > 1 else DOB_CONFLICT  # two digits off or more
        apart = 0
        a, b = qy, y
        for _ in range(4):  # the year's four digits
            apart += a % 10 != b % 10
            a //= 10
            b //= 10
        apart += (qm // 10 != m // 10) + (qm % 10 != m % 10)
        apart += (qd // 10 != d // 10) + (qd % 10 != d % 10)
        if apart == 1:
            return DOB_TYPO
    if qy == y:
        if qm > 0 and m > 0:
            if qm == m:
                return DOB_CONFLICT if full else DOB_MONTH
            return DOB_CONFLICT if full else DOB_NEAR
        return DOB_YEAR
    if abs(qy - y) == 1:
        return DOB_CONFLICT if full else DOB_NEAR
    return DOB_DIFFERENT


@njit(cache=True, nogil=True)
def evidence_bounds(
    fids: Array,
    dates: Array,
    countries: Array,
    telling: Array,
    records: Array,
    pool: Array,
    by_day: Array,
) -> Array:
    """For each name id, the most its entries' birth dates and nationality can add: as a
    row (spared, year, unbacked; columns SPARED, YEAR, UNBACKED), each -inf where no entry
    is of its kind.

    An entry whose evidence backs the name (a date of its month or closer, a telling
    nationality: `score._corroborated`), or that has no date (its name loses nothing for
    dates, `score.uncorroborated`), counts in `spared`. One with a date of the traveller's
    year that does not back it counts in `year`: it spares the name only if the two names
    are spelt the same (`hopeful` tells when they cannot be). One whose dates neither back
    nor spare it counts in `unbacked`: its name loses UNDATED_NAME's share too (`hopeful`).
    The rows' largest value is the old bound, the most any entry adds.

    `dates` holds the traveller's dates as (year, month, day) rows, 0 unknown; `countries`
    his nationality codes, `telling[k]` False for a nationality in which his name is a
    popular one (shared, it adds NATIONALITY_TYPICAL and backs nothing: `score.typical_of`).
    A name's evidence is its EVIDENCE record, `records[f]`: its dates are its SLOTS date
    codes, or, for a name with more (MANY), its segment of the pool: `length` codes
    year * 10,000 + month * 100 + day from `start` (its `dates`), sorted, and the same dates
    as (month * 100 + day) * 10,000 + year, sorted, in `by_day`, and the days of the year
    among them as bit masks, its `days` (see `EvidenceTable._write_pool` and `_pool_value`).
    A name one of whose entries has dates of several years (MIXED_YEARS) counts every
    unbacked date in `year` once one of its dates is of the traveller's year: that entry
    may hold it.

    Nationalities first, in a pass of their own: it is short, so the cache misses of many
    records are under way at once, and the dates' pass finds them cached. The same pass
    touches each pooled name's segment of the pool, for the same reason (a cold pool cost
    the dates' pass a third of its time).
    """
    out = np.empty((len(fids), 3))
    nationality = np.empty(len(fids))
    backed = np.empty(len(fids), dtype=np.bool_)
    touched = 0  # (summed, and added times 0, so that the touches are not compiled away)
    for i in range(len(fids)):
        r = records[fids[i]]  # (one cache line: all the passes read of a name but its pool)
        value, backs = 0.0, False
        if len(countries):
            tells = typical = False
            many = (r.flags & MANY_NATIONALITIES) != 0
            for k in range(len(countries)):
                shared = many
                for s in range(NATIONALITY_SLOTS):
                    shared |= r.nationalities[s] == countries[k]
                if shared and telling[k]:
                    tells = True
                elif shared:
                    typical = True
            if tells:
                value, backs = NATIONALITY_SAME, NATIONALITY_SAME > 0
            elif typical:
                value, backs = NATIONALITY_TYPICAL, NATIONALITY_TYPICAL > 0
                if r.flags & STATELESS:
                    value = max(value, 0.0)
            elif not r.flags & STATELESS:
                value = NATIONALITY_DIFFERENT
        nationality[i], backed[i] = value, backs
        if r.flags & MANY and len(dates):
            start = r.dates[0]
            for k in range(start, start + r.dates[1], 8):  # (a cache line: 8 codes)
                touched += pool[k]
    if len(dates) == 0:  # nothing dated: nothing backs a name, and nothing costs it
        out[:, SPARED] = nationality
        out[:, YEAR] = out[:, UNBACKED] = -np.inf
        return out
    for i in range(len(fids)):
        r = records[fids[i]]
        kinds = (0.0 if r.flags & UNDATED else -np.inf, -np.inf, -np.inf)
        if r.flags & MANY:
            start = r.dates[0]
            kinds, same_year = _pool_value(
                dates, pool, by_day, r.days, start, start + r.dates[1], kinds
            )
        else:
            same_year = False
            for s in range(SLOTS):
                code = r.dates[s]
                if code < 10_000:
                    continue  # year 0: an empty slot
                y, m, d = code // 10_000, code // 100 % 100, code % 100
                best = -np.inf
                for k in range(len(dates)):
                    best = max(best, date_value(dates[k, 0], dates[k, 1], dates[k, 2], y, m, d))
                year = _his_year(dates, y)
                same_year |= year
                kinds = _counted(kinds, best, year)
        spared, year_, unbacked = kinds
        if backed[i]:
            spared, year_, unbacked = max(spared, year_, unbacked), -np.inf, -np.inf
        elif same_year and r.flags & MIXED_YEARS:
            year_, unbacked = max(year_, unbacked), -np.inf
        out[i, SPARED] = spared + nationality[i] + 0.0 * touched  # (-inf stays -inf)
        out[i, YEAR] = year_ + nationality[i]
        out[i, UNBACKED] = unbacked + nationality[i]
    return out


@njit(cache=True, nogil=True, inline="always")
def _his_year(dates: Array, year: int) -> bool:
    """Whether `year` is the year of one of the traveller's `dates` (a listed date of it
    spares a name: `evidence_bounds`)."""
    found = False
    for k in range(len(dates)):
        found |= dates[k, 0] == year
    return found


@njit(cache=True, nogil=True, inline="always")
def _counted(
    kinds: tuple[float, float, float], value: float, his_year: bool
) -> tuple[float, float, float]:
    """(spared, year, unbacked) with one listed date's value counted in its kind: spared
    if it backs the name, else year if it is of the traveller's year, else unbacked."""
    spared, year, unbacked = kinds
    if value >= DATE_BACKS:
        return max(spared, value), year, unbacked
    if his_year:
        return spared, max(year, value), unbacked
    return spared, year, max(unbacked, value)


@njit(cache=True, nogil=True)
def _pool_value(
    dates: Array,
    pool: Array,
    by_day: Array,
    days: Array,
    start: int,
    end: int,
    kinds: tuple[float, float, float],
) -> tuple[tuple[float, float, float], bool]:
    """`evidence_bounds`' (spared, year, unbacked) of the traveller's `dates` against a
    name's dates, `pool[start:end]` sorted by year and the same dates in `by_day` sorted by
    day (`kinds`: what its undated entries give), and whether one is of his year.

    Only a date of his year or one apart, or of his day and month (a year one digit off),
    is worth more than DOB_DIFFERENT (unbacked: another year): those are searched for, the
    second only while the first leave the best under DOB_TYPO and the name's days (`days`:
    its bit masks) hold his, and neither once his own date is found.
    """
    kinds = (kinds[0], kinds[1], DOB_DIFFERENT)
    same_year = False
    for k in range(len(dates)):
        qy, qm, qd = dates[k, 0], dates[k, 1], dates[k, 2]
        p, last = _first_at_least(pool, start, end, (qy - 1) * 10_000), (qy + 2) * 10_000
        while p < end and pool[p] < last:
            y, m, d = pool[p] // 10_000, pool[p] // 100 % 100, pool[p] % 100
            value = date_value(qy, qm, qd, y, m, d)
            year = _his_year(dates, y)
            same_year |= year
            kinds = _counted(kinds, value, year)
            p += 1
        if kinds[SPARED] >= DOB_EXACT:
            return (kinds[SPARED], -np.inf, -np.inf), same_year  # (nothing is worth more)
        best = max(kinds[SPARED], kinds[YEAR], kinds[UNBACKED])
        if qm > 0 and qd > 0 and best < DOB_TYPO:  # (a date of his day is worth DOB_TYPO at most)
            bit = (qm - 1) * 31 + qd - 1
            if 0 <= bit < 64 * DAY_WORDS and not (days[bit >> 6] >> np.uint64(bit & 63)) & 1:
                continue  # none of the name's dates falls on his day
            day = (qm * 100 + qd) * 10_000
            p = _first_at_least(by_day, start, end, day)
            while p < end and by_day[p] < day + 10_000:
                y = by_day[p] % 10_000
                value = date_value(qy, qm, qd, y, qm, qd)
                # (his year: of another date of his; else a year one digit off, DOB_TYPO,
                # which backs nothing)
                kinds = _counted(kinds, value, _his_year(dates, y))
                p += 1
    return kinds, same_year


@njit(cache=True, nogil=True)
def date_blocks(fids: Array, loose: Array, records: Array, pool: Array) -> tuple[Array, Array]:
    """The names `fids` under the date blocks of `EvidenceTable.blocks`, as (block, name id)
    pairs sorted by block: each full date a name carries (ON_DAY + its code) and its year
    (FULL_YEAR + year; LOOSE_YEAR + year for a name `loose`, see `query_blocks`), the year
    of each date short of a day (year alone), and ALWAYS for a name with an undated entry
    or an entry dated in several years (see `evidence.entry_blocks`). A name with more
    dates than its slots has them sorted in the pool, so each of its year blocks is written
    once. Both as BLOCK_DTYPE."""
    total = 0
    for f in fids:
        r = records[f]
        total += 1 + 2 * (r.dates[1] if r.flags & MANY else SLOTS)
    codes = np.empty(total, dtype=BLOCK_DTYPE)
    ids = np.empty(total, dtype=BLOCK_DTYPE)
    n = 0
    for i in range(len(fids)):
        f = fids[i]
        r = records[f]
        if r.flags & (UNDATED | MIXED_YEARS):
            codes[n], ids[n] = ALWAYS, f
            n += 1
        many = (r.flags & MANY) != 0
        start, end = (r.dates[0], r.dates[0] + r.dates[1]) if many else (0, SLOTS)
        full_years = LOOSE_YEAR if loose[i] else FULL_YEAR
        last_year = last_full = -1  # (equal years are neighbours: the pool is sorted)
        for p in range(start, end):
            code = pool[p] if many else r.dates[p]
            year = code // 10_000
            if year == 0:
                continue  # an empty slot
            if code // 100 % 100 > 0 and code % 100 > 0:
                codes[n], ids[n] = ON_DAY + code, f
                n += 1
                if year != last_full:
                    codes[n], ids[n] = full_years + year, f
                    n += 1
                    last_full = year
            elif year != last_year:
                codes[n], ids[n] = year, f
                n += 1
                last_year = year
    order = np.argsort(codes[:n], kind="mergesort")
    return codes[:n][order], ids[:n][order]


@njit(cache=True, nogil=True)
def query_blocks(dates: Array, floor: float, floor_unbacked: float) -> Array:
    """The blocks of `date_blocks` holding a name whose dates may add more than
    DOB_DIFFERENT against the traveller's `dates` ((year, month, day) rows, 0 unknown) and
    at least `floor` (`floor_unbacked` for a date that neither backs a name nor is of his
    year: its name also loses UNDATED_NAME's share, `evidence_bounds`), sorted: ALWAYS; for
    each date, the years one apart or equal (a date short of a day there adds DOB_MONTH at
    most in his year, DOB_NEAR in the others); for a full date, itself, its day and month
    swapped and every valid date one digit apart (a typo), each adding what `date_value`
    says, and the full dates of those years of a name whose cap bears DOB_CONFLICT
    (LOOSE_YEAR: against his full date they add DOB_CONFLICT, or are found on their day);
    for a date short of a day, the full dates of those years (FULL_YEAR, LOOSE_YEAR), which
    add what a date short of a day does. With both floors at -inf, every block worth more
    than DOB_DIFFERENT (see `Matcher._date_floors`)."""
    out = np.empty(1 + len(dates) * (9 + 2 + 9 * 8), dtype=np.int64)
    out[0] = ALWAYS
    n = 1
    for k in range(len(dates)):
        y, m, d = dates[k, 0], dates[k, 1], dates[k, 2]
        full = m > 0 and d > 0
        for year in (y - 1, y, y + 1):
            short = (DOB_MONTH if m > 0 else DOB_YEAR) if year == y else DOB_NEAR
            if _reaches(dates, short, year, floor, floor_unbacked):
                out[n] = year
                n += 1
                if not full:
                    out[n], out[n + 1] = FULL_YEAR + year, LOOSE_YEAR + year
                    n += 2
            if full and _reaches(dates, DOB_CONFLICT, year, floor, floor_unbacked):
                out[n] = LOOSE_YEAR + year
                n += 1
        if not full:
            continue
        n = _on_day(out, n, dates, y, m, d, y, m, d, floor, floor_unbacked)
        if d <= 12 and d != m:
            n = _on_day(out, n, dates, y, m, d, y, d, m, floor, floor_unbacked)
        for place in (1, 10, 100, 1000):
            digit = y // place % 10
            for v in range(10):
                if v != digit:
                    year = y + (v - digit) * place
                    n = _on_day(out, n, dates, y, m, d, year, m, d, floor, floor_unbacked)
        for place in (1, 10):
            for v in range(10):
                month = m + (v - m // place % 10) * place
                if month != m and 1 <= month <= 12:
                    n = _on_day(out, n, dates, y, m, d, y, month, d, floor, floor_unbacked)
                day = d + (v - d // place % 10) * place
                if day != d and 1 <= day <= 31:
                    n = _on_day(out, n, dates, y, m, d, y, m, day, floor, floor_unbacked)
    return np.unique(out[:n])


@njit(cache=True, nogil=True, inline="always")
def _reaches(dates: Array, value: float, year: int, floor: float, floor_unbacked: float) -> bool:
    """Whether a listed date of `year` adding `value` reaches its floor (`query_blocks`)."""
    spares = value >= DATE_BACKS or _his_year(dates, year)
    return value >= (floor if spares else floor_unbacked)


@njit(cache=True, nogil=True, inline="always")
def _on_day(
    out: Array,
    n: int,
    dates: Array,
    qy: int,
    qm: int,
    qd: int,
    y: int,
    m: int,
    d: int,
    floor: float,
    floor_unbacked: float,
) -> int:
    """Write the block of the full date (y, m, d) if it reaches its floor against the
    traveller's (qy, qm, qd) (`query_blocks`); the blocks written so far. A year no
    `Identity` takes is in no block (a typo in the first digits of his year: a third of the
    blocks a full date reached, each sought in every posting)."""
    if FIRST_YEAR <= y <= LAST_YEAR and _reaches(
        dates, date_value(qy, qm, qd, y, m, d), y, floor, floor_unbacked
    ):
        out[n] = ON_DAY + y * 10_000 + m * 100 + d
        n += 1
    return n


@njit(cache=True, nogil=True)
def names_in_blocks(small: Array, codes: Array, ids: Array, spans: Array, wanted: Array) -> Array:
    """The ids of `small` and of the blocks `wanted` (sorted) of each posting, one after the
    other (repeats and all: numpy sorts faster than a compiled loop): posting p's (block, id)
    pairs are `codes[a:b]`, `ids[a:b]` sorted by block, (a, b) = `spans[p]`. One call
    gathers a traveller name's postings.

    Each posting's wanted blocks are sought in order, each from where the last one ended (a
    galloping search: a traveller's 60-odd blocks are a few of a large posting's thousands,
    and a binary search over the whole posting for each cost more than the copy)."""
    lo = np.empty((len(spans), len(wanted)), dtype=np.int64)
    hi = np.empty((len(spans), len(wanted)), dtype=np.int64)
    size = len(small)
    for p in range(len(spans)):
        at, end = spans[p, 0], spans[p, 1]
        for k in range(len(wanted)):
            at = _gallop(codes, at, end, wanted[k])
            lo[p, k] = at
            while at < end and codes[at] == wanted[k]:
                at += 1
            hi[p, k] = at
            size += hi[p, k] - lo[p, k]
    out = np.empty(size, dtype=np.int64)
    out[: len(small)] = small
    n = len(small)
    for p in range(len(spans)):
        for k in range(len(wanted)):
            out[n : n + hi[p, k] - lo[p, k]] = ids[lo[p, k] : hi[p, k]]
            n += hi[p, k] - lo[p, k]
    return out


@njit(cache=True, nogil=True, inline="always")
def _gallop(sorted_: Array, lo: int, hi: int, value: int) -> int:
    """`_first_at_least` for a value likely near `lo`: steps of 1, 2, 4... then a binary
    search within the last step."""
    step = 1
    while lo + step < hi and sorted_[lo + step - 1] < value:
        lo += step
        step *= 2
    return _first_at_least(sorted_, lo, min(lo + step, hi), value)


@njit(cache=True, nogil=True, inline="always")
def _first_at_least(sorted_: Array, lo: int, hi: int, value: int) -> int:
    """The first place in sorted_[lo:hi] holding `value` or more (hi if none): a binary
    search without the cost of slicing."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True, inline="always")
def _cap(q_total: float, total: float, cut: float) -> float:
    """A cap on a name's value + rarity from the two names' total weights (see `hopeful`)."""
    if q_total < np.inf and cut == 0:
        return NAME_MAX - COMMON_PENALTY * _short(min(q_total, total)) + SURE
    return NAME_MAX + SURE


@njit(cache=True, nogil=True, inline="always")
def _short(info: float) -> float:
    """How far the information matched falls short of a distinctive name's, 0 to 1 (the
    share of COMMON_PENALTY and UNDATED_NAME a name loses)."""
    return max(0.0, 1.0 - info / DISTINCTIVE_INFO)


@njit(cache=True, nogil=True)
def hopeful(
    fids: Array,
    evidence: Array,
    q_total: float,
    q_spellings: Array,
    name_at: Array,
    names: Array,
    need: float,
    undated_name: float,
) -> tuple[Array, Array]:
    """The names of `fids`, and the most their evidence can add, whose evidence plus a cap
    on their name's value + rarity reaches `need` (see `NameTable.hopeful`; q_total
    infinite: a cut-off traveller name, capped only by NAME_MAX, as is a cut-off listed
    name). `evidence` is `evidence_bounds`' (spared, year, unbacked) rows: an unbacked
    entry's name also loses `undated_name` times its shortfall (`score.uncorroborated`), at
    least the share the lighter name's weight leaves, as the cap's common-name penalty is;
    so does a year entry's, when the names cannot be spelt the same (`_may_be_identical`,
    `q_spellings`: the listed spelling ids of the traveller name's units, sorted). A name's
    record starts at `names[name_at[f]]` (see NAME_HEADER).

    In two passes: the first finds each name's cap and loss, and the names to compare (only
    where it may matter: the comparison reads the rest of the record), and touches the
    part of their records the comparison reads, so that those cache misses are under way
    together (from a cold cache the comparisons cost three times what they cost warm); the
    second compares them and keeps the names."""
    keep = np.empty(len(fids), dtype=np.int64)
    adds = np.empty(len(fids))
    starts = np.empty(len(fids), dtype=np.int64)
    caps = np.empty(len(fids))
    losses = np.zeros(len(fids))
    compared = np.zeros(len(fids), dtype=np.bool_)
    q_mask = 0
    for k in range(len(q_spellings)):
        q_mask |= 1 << (q_spellings[k] & 63)
    touched = 0.0  # (summed, and added times 0, so that the touches are not compiled away)
    for i in range(len(fids)):
        at = starts[i] = name_at[fids[i]]
        total, cut = names[at + NAME_TOTAL], names[at + NAME_CUT]
        caps[i] = _cap(q_total, total, cut)
        if q_total < np.inf and cut == 0:
            losses[i] = undated_name * _short(min(q_total, total))
            year, unbacked = evidence[i, YEAR], evidence[i, UNBACKED] - losses[i]
            compared[i] = year > max(evidence[i, SPARED], unbacked) and year + caps[i] >= need
            if compared[i]:
                words = int(names[at + NAME_TOKENS])
                end = at + NAME_HEADER + int(names[at + NAME_SPELLINGS]) + 2 * words
                for k in range(at + 8, min(end, len(names)), 8):  # (a cache line: 8 floats)
                    touched += names[k]
    n = 0
    for i in range(len(fids)):
        at, cap = starts[i], caps[i]
        spared, year = evidence[i, SPARED], evidence[i, YEAR]
        unbacked = evidence[i, UNBACKED] - losses[i]
        if compared[i] and not _may_be_identical(names, at, q_spellings, q_mask):
            year -= losses[i]
        most = max(spared, year, unbacked) + 0.0 * touched
        if most + cap >= need:
            keep[n] = i
            adds[n] = most
            n += 1
    return fids[keep[:n]], adds[:n]


@njit(cache=True, nogil=True)
def _may_be_identical(names: Array, at: int, q_spellings: Array, q_mask: int) -> bool:
    """Whether the listed name whose record starts at `at` may be spelt as the traveller's
    (`score.NameMatch.identical`: `match_forms` similarity 1 with every pair of units taken
    alike 1, which two spellings are only when they are equal): False when one of its
    words lies in no unit with a spelling among `q_spellings` (the listed spelling ids of
    the traveller name's units, sorted; `q_mask`: their bits, see `_spelt_as`), so its name
    cannot be covered whole (every word weighs something: `names.word_weight`). Its words
    alone first (units 0 to n - 1), then only the joined pairs that could cover a word
    left. A name of more words than a bit mask holds may be."""
    words = int(names[at + NAME_TOKENS])
    if words > 62:
        return True
    sizes = at + NAME_HEADER + int(names[at + NAME_SPELLINGS])
    s = at + NAME_HEADER
    left = 0  # bit t: word t is in no unit spelt as his, so far
    for t in range(words):
        end = s + int(names[sizes + t])
        if not _spelt_as(names, s, end, q_spellings, q_mask):
            left |= 1 << t
        s = end
    for p in range(words - 1):  # the pair joining words p and p + 1
        end = s + int(names[sizes + words + p])
        if (left >> p) & 3 and _spelt_as(names, s, end, q_spellings, q_mask):
            left &= ~(3 << p)
        elif (left >> p) & 1:
            return False  # (no later unit holds word p)
        s = end
    return left == 0


@njit(cache=True, nogil=True, inline="always")
def _spelt_as(names: Array, start: int, end: int, q_spellings: Array, q_mask: int) -> bool:
    """Whether one of the spelling ids `names[start:end]` is among `q_spellings` (sorted);
    `q_mask` has bit id % 64 of each, so that most ids are ruled out by one test."""
    for j in range(start, end):
        sid = int(names[j])
        if (q_mask >> (sid & 63)) & 1:
            k = _first_at_least(q_spellings, 0, len(q_spellings), sid)
            if k < len(q_spellings) and q_spellings[k] == sid:
                return True
    return False


@njit(cache=True, nogil=True)
def capped_above(fids: Array, name_at: Array, names: Array, need: float) -> Array:
    """Whether the cap of `hopeful` on each name of `fids` reaches `need` against some
    traveller name that is not cut off (his total weight is then at least the name's)."""
    out = np.empty(len(fids), dtype=np.bool_)
    for i in range(len(fids)):
        at = name_at[fids[i]]
        total = names[at + NAME_TOTAL]
        out[i] = _cap(total, total, names[at + NAME_CUT]) >= need
    return out


@njit(cache=True, nogil=True)
def name_bounds(
    fids: Array,
    needed: Array,
    similarity: Array,
    letters: Array,
    plain: Array,
    columns: Array,
    q_weight: Array,
    q_content: Array,
    q_family: int,
    q_total: float,
    name_at: Array,
    names: Array,
) -> tuple[Array, Array]:
    """For each name id, a bound on `match_forms(query, name)`'s value + rarity: the exact
    value (within SURE) for a name whose relaxed bound reaches `needed[i]`, else that bound;
    and, for the exact ones, `_aligned`'s row of the name similarity, the information and
    whether the names are identical (NaN for the others).

    `similarity[q, c]` is query unit q's similarity with the listed spelling of column c,
    `letters[q, c]` the letters-only similarity of the spellings that gave it, `plain[q, c]`
    the letters-only similarity alone (two joined units are compared so: see
    `unit_similarities`); `columns` gives, name after name and unit after unit, each listed
    spelling's column; a name's record starts at `names[name_at[f]]` (see NAME_HEADER). The
    relaxed bound credits each word with the best any unit holding it
    gets (see `matchers.bound`); the exact value is `_aligned`'s.
    """
    qn = len(q_weight)
    q_units = similarity.shape[0]
    q_words = 0.0
    for k in range(qn):
        q_words += q_content[k]
    out = np.empty(len(fids))
    detail = np.full((len(fids), 3), np.nan)
    # each listed spelling's credit against each query unit, a row per spelling (the best
    # credit of a unit is the credit of its best similarity: `_credit` never decreases)
    credit = np.empty((similarity.shape[1], q_units))
    for c in range(similarity.shape[1]):
        for q in range(q_units):
            credit[c, q] = _credit(similarity[q, c])
    per_query = np.empty(q_units)
    most = 1
    for f in fids:
        most = max(most, int(names[name_at[f] + NAME_TOKENS]))
    best_unit = np.empty(2 * most - 1)  # (one buffer: an allocation per name cost more)
    pairs = np.empty((q_units * (2 * most - 1), 6))  # see _aligned
    at = 0  # the next listed spelling's place in `columns`
    for i in range(len(fids)):
        record = name_at[fids[i]]
        n = int(names[record + NAME_TOKENS])
        start = record + NAME_HEADER + int(names[record + NAME_SPELLINGS])
        units = names[start : start + max(0, 2 * n - 1)]
        lw = names[start + len(units) :][:n]
        lc = names[start + len(units) + n :][:n]
        total, words = names[record + NAME_TOTAL], names[record + NAME_WORDS]
        first = at
        per_query[:] = 0.0
        for u in range(len(units)):
            size = int(units[u])
            got = 0.0
            for s in range(at, at + size):
                row = credit[columns[s]]
                for q in range(q_units):
                    got = max(got, row[q])
                    per_query[q] = max(per_query[q], row[q])
            best_unit[u] = got
            at += size
        if names[record + NAME_CUT] > 0:
            out[i] = np.inf
            continue
        got_l, words_l = _covered(best_unit, lw, lc)
        got_q, words_q = _covered(per_query, q_weight, q_content)
        sim = _similarity(got_q, got_l, q_total, total, q_words, words, words_q, words_l)
        bound = max(0.0, _worth(sim, min(got_q, got_l))) + SURE
        if bound < needed[i]:
            out[i] = bound
            continue
        out[i] = _aligned(
            detail[i],
            pairs,
            similarity,
            letters,
            plain,
            columns[first:at],
            units,
            q_weight,
            q_content,
            q_family,
            q_total,
            q_words,
            lw,
            lc,
            int(names[record + NAME_FAMILY]),
            total,
            words,
        )
    return out, detail


@njit(cache=True, nogil=True)
def _aligned(
    detail: Array,
    pairs: Array,
    similarity: Array,
    letters: Array,
    plain: Array,
    columns: Array,
    unit_size: Array,
    q_weight: Array,
    q_content: Array,
    q_family: int,
    q_total: float,
    q_words: float,
    weight: Array,
    content: Array,
    family: int,
    total: float,
    words: float,
) -> float:
    """`match_forms(query, name)`'s value + rarity, plus SURE: its pairs of units alike
    enough, taken greedily from the most alike, neither unit overlapping one taken before.

    `match_forms` breaks ties of similarity, words, letters and weight by the units' places
    in the canonical orientation of the two names; so when two such tied pairs are both free
    when their turn comes and overlap, the one taken could change the value, and this
    returns infinity instead (the caller scores the name in Python, which decides).
    Rows of `pairs`: similarity, words in the two units, letters, weight of the two units,
    query unit, listed unit. `detail` is given `match_forms`' similarity, information and
    whether the names are identical (1.0: similarity 1, every pair taken alike 1).
    """
    qn, n = len(q_weight), len(weight)
    k = 0
    at = 0
    for u in range(len(unit_size)):
        size = int(unit_size[u])
        joined_l = u >= n
        for q in range(similarity.shape[0]):
            joined = joined_l and q >= qn
            sim = let = 0.0
            for s in range(at, at + size):
                c = columns[s]
                if joined:  # two joined units: letters only (see score.match_forms)
                    v = lv = plain[q, c]
                else:
                    v, lv = similarity[q, c], letters[q, c]
                if v > sim:
                    sim, let = v, lv
                elif v == sim:
                    let = max(let, lv)
            if sim > NAME_FLOOR:
                pairs[k, 0] = sim
                pairs[k, 1] = (2 if q >= qn else 1) + (2 if joined_l else 1)
                pairs[k, 2] = let
                pairs[k, 3] = _unit_weight(q_weight, q) + _unit_weight(weight, u)
                pairs[k, 4] = q
                pairs[k, 5] = u
                # insertion sort, most alike first (match_forms' order)
                j = k
                while j > 0 and _before(pairs, j, j - 1):
                    for col in range(6):
                        pairs[j, col], pairs[j - 1, col] = pairs[j - 1, col], pairs[j, col]
                    j -= 1
                k += 1
        at += size
    used_q = used_l = 0
    got_q = got_l = info = 0.0
    words_q = words_l = 0.0
    alike = True  # every pair taken has similarity 1
    for r in range(k):
        q, u = int(pairs[r, 4]), int(pairs[r, 5])
        mq, ml = _mask(q, qn), _mask(u, n)
        if mq & used_q or ml & used_l:
            continue
        # a pair tied with this one that is still free and overlaps it: which is taken
        # depends on the units' places (see above)
        for t in range(r + 1, k):
            if _before(pairs, r, t):
                break
            tq, tu = _mask(int(pairs[t, 4]), qn), _mask(int(pairs[t, 5]), n)
            free = not (tq & used_q or tu & used_l)
            if free and (tq & mq or tu & ml):
                return np.inf
        used_q |= mq
        used_l |= ml
        alike = alike and pairs[r, 0] >= 1.0
        credit = _credit(pairs[r, 0])
        wq, wl = _unit_weight(q_weight, q), _unit_weight(weight, u)
        got_q += credit * wq
        got_l += credit * wl
        info += credit * min(wq, wl)
        if credit >= 0.5:
            words_q += _unit_weight(q_content, q)
            words_l += _unit_weight(content, u)
    sim = _similarity(got_q, got_l, q_total, total, q_words, words, words_q, words_l)
    if q_family & ~used_q or family & ~used_l:  # a family name left unmatched
        sim -= FAMILY_MISS
    sim = min(max(sim, 0.0), 1.0)
    detail[0], detail[1], detail[2] = sim, info, 1.0 if alike and sim > 1.0 - 1e-9 else 0.0
    return _worth(sim, info) + SURE


@njit(cache=True, nogil=True, inline="always")
def _before(pairs: Array, a: int, b: int) -> bool:
    """Whether pair a comes strictly before pair b: more alike, then more words, then more
    alike in letters, then more weight (`match_forms`' order, short of the units' places)."""
    for col in range(4):
        if pairs[a, col] != pairs[b, col]:
            return pairs[a, col] > pairs[b, col]  # type: ignore[no-any-return]
    return False


@njit(cache=True, nogil=True, inline="always")
def _mask(unit: int, n: int) -> int:
    """The words of unit `unit` of a name of n words: its n words, then the n - 1 pairs of
    neighbours (see names.name_form)."""
    return 1 << unit if unit < n else 3 << (unit - n)


@njit(cache=True, nogil=True, inline="always")
def _unit_weight(per_word: Array, unit: int) -> float:
    """A unit's sum of a per-word column (its weight: `names.Unit.weight`, a + b)."""
    n = len(per_word)
    if unit < n:
        return per_word[unit]  # type: ignore[no-any-return]
    return per_word[unit - n] + per_word[unit - n + 1]  # type: ignore[no-any-return]


@njit(cache=True, nogil=True, inline="always")
def _credit(similarity: float) -> float:
    """`score._credit`: a unit similarity's credit, 0 at NAME_FLOOR to 1 at FULL_CREDIT."""
    return min(1.0, max(0.0, (similarity - NAME_FLOOR) / (FULL_CREDIT - NAME_FLOOR)))


@njit(cache=True, nogil=True, inline="always")
def _similarity(
    got_q: float,
    got_l: float,
    q_total: float,
    l_total: float,
    q_words: float,
    l_words: float,
    words_q: float,
    words_l: float,
) -> float:
    """`match_forms`' name similarity from the weight each name has covered and its content
    words matched with credit 0.5 or more (before the family-name rule)."""
    cov_q = got_q / q_total if q_total else 0.0
    cov_l = got_l / l_total if l_total else 0.0
    sim = SHORT_SIDE * max(cov_q, cov_l) + (1 - SHORT_SIDE) * min(cov_q, cov_l)
    if min(q_words, l_words) >= 2 and min(words_q, words_l) < 2:
        sim *= SINGLE_WORD_FACTOR
    return sim


@njit(cache=True, nogil=True, inline="always")
def _worth(sim: float, info: float) -> float:
    """`match_forms`' value + rarity of a name similarity and the information matched."""
    if sim <= 0.5:
        return 0.0  # (the curve's value is 0 from here down, and so is the rarity)
    value: float = NAME_MAX * (1.0 - ((1.0 - min(sim, 1.0)) / 0.5) ** CURVE)
    return value - COMMON_PENALTY * _short(info)


@njit(cache=True, nogil=True, inline="always")
def _covered(best_unit: Array, weight: Array, content: Array) -> tuple[float, float]:
    """(weight covered, content words matched with credit 0.5 or more) of one name, from the
    best credit of each of its units: its n words, then the n - 1 pairs of neighbours (a
    word's credit is the best of its own unit and the two joined units holding it)."""
    n = len(weight)
    got = words = 0.0
    for t in range(n):
        word = best_unit[t]
        if t > 0:
            word = max(word, best_unit[n + t - 1])
        if t < n - 1:
            word = max(word, best_unit[n + t])
        got += word * weight[t]
        words += content[t] if word >= 0.5 else 0.0
    return got, words


@njit(cache=True, nogil=True)
def columns_of(
    fids: Array, name_at: Array, names: Array, members: Array, scratch: Array
) -> tuple[Array, Array, Array]:
    """The distinct spellings of the names `fids` (their units' spelling ids, after each
    name's header: see NAME_HEADER), each in order of first appearance; each of
    those spellings' column among them; and the column of each spelling id in `members`,
    -1 for one the names do not hold. `scratch` (one -1 per spelling id) is handed back as
    it came: it maps an id to its column while the pass runs, with no sort and no hashing."""
    total = 0
    for f in fids:
        total += int(names[name_at[f] + NAME_SPELLINGS])
    distinct = np.empty(total, dtype=np.int64)
    columns = np.empty(total, dtype=np.int64)
    n = 0
    at = 0
    for f in fids:
        start = name_at[f] + NAME_HEADER
        for s in range(start, start + int(names[name_at[f] + NAME_SPELLINGS])):
            sid = int(names[s])
            if scratch[sid] < 0:
                scratch[sid] = n
                distinct[n] = sid
                n += 1
            columns[at] = scratch[sid]
            at += 1
    found = np.empty(len(members), dtype=np.int64)
    for k in range(len(members)):
        found[k] = scratch[members[k]]
    for k in range(n):
        scratch[distinct[k]] = -1
    return distinct[:n], columns, found


LONGEST = 64  # letters of a query spelling `indel` compares (one machine word of bits)


@njit(cache=True, nogil=True, inline="always")
def _ones(x: np.uint64) -> int:
    """The bits set in x (a popcount, numba having none)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def indel(
    q_chars: Array, q_start: Array, q_len: Array, spelling_at: Array, spellings: Array, ids: Array
) -> Array:
    """rapidfuzz's `Indel.normalized_similarity` of each query spelling (row: its code points
    `q_chars[q_start[r]:][:q_len[r]]`, at most LONGEST) with each listed spelling `ids[c]`
    (its record at `spellings[spelling_at[i]]`: see SPELLING_HEADER), the same float to the
    last bit.

    The longest common subsequence is counted a machine word at a time (Hyyroe's bit-parallel
    algorithm, as rapidfuzz does); the listed spellings are read where they lie, so no
    Python string is gathered for the call."""
    rows, cols = len(q_start), len(ids)
    out = np.empty((rows, cols))
    # each row's letters as bit masks: code points under 128 by table (a row per letter, the
    # query's rows side by side), the others listed
    table = np.zeros((128, rows), dtype=np.uint64)
    other_char = np.empty(max(1, len(q_chars)), dtype=np.int64)
    other_mask = np.empty(max(1, len(q_chars)), dtype=np.uint64)
    other_start = np.zeros(rows + 1, dtype=np.int64)
    n_other = 0
    for r in range(rows):
        for i in range(q_len[r]):
            ch = q_chars[q_start[r] + i]
            bit = np.uint64(1) << np.uint64(i)
            if ch < 128:
                table[ch, r] |= bit
                continue
            for k in range(other_start[r], n_other):
                if other_char[k] == ch:
                    other_mask[k] |= bit
                    break
            else:
                other_char[n_other], other_mask[n_other] = ch, bit
                n_other += 1
        other_start[r + 1] = n_other
    ones = ~np.uint64(0)
    used = np.empty(rows, dtype=np.uint64)
    for r in range(rows):
        m = np.uint64(q_len[r])
        used[r] = ones if q_len[r] == LONGEST else (np.uint64(1) << m) - np.uint64(1)
    # The rows advance together, letter by letter of the listed spelling: each row's state
    # depends on its last, and side by side the processor works on several at once.
    state = np.empty(rows, dtype=np.uint64)
    for c in range(cols):
        record = spelling_at[ids[c]]
        at, n = record + SPELLING_HEADER, spellings[record + SPELLING_LEN]
        state[:] = ones
        for j in range(at, at + n):
            ch = spellings[j]
            if ch < 128:
                for r in range(rows):
                    s = state[r]
                    u = s & table[ch, r]
                    state[r] = (s + u) | (s - u)
                continue
            for r in range(rows):
                match = np.uint64(0)
                for k in range(other_start[r], other_start[r + 1]):
                    if other_char[k] == ch:
                        match = other_mask[k]
                s = state[r]
                u = s & match
                state[r] = (s + u) | (s - u)
        for r in range(rows):
            common = _ones(~state[r] & used[r])
            total = q_len[r] + n
            out[r, c] = 1.0 - (total - 2 * common) / total if total else 1.0
    return out


@njit(cache=True, nogil=True)
def unit_similarities(
    sim: Array,
    group_rows: Array,
    group_columns: Array,
    q_keys: Array,
    keys: Array,
    q_first: Array,
    q_one: Array,
    first: Array,
    one: Array,
    row_starts: Array,
) -> tuple[Array, Array, Array]:
    """`score._unit_similarity` of each query unit (rows `row_starts[u]` to the next unit's
    of `sim`, its spellings' Indel similarities with each listed spelling) and each listed
    spelling, as three matrices (unit x listed spelling):
    - the best similarity by `score.word_similarity`'s rules: an initial matches a word of
      its letter (0.75) or the same initial (1.0), two spellings of one surname 0.95 (each
      query spelling in `group_rows` with the listed spelling in `group_columns`, -1 for
      none), and a shared sound key floors two alike spellings at SOUND_FLOOR;
    - the letters-only similarity of the spellings that gave it (what breaks ties);
    - the best letters-only similarity (how two joined words are compared)."""
    groups = np.zeros(sim.shape, dtype=np.bool_)
    for k in range(len(group_rows)):
        if group_columns[k] >= 0:
            groups[group_rows[k], group_columns[k]] = True
    units = len(row_starts)
    best = np.zeros((units, sim.shape[1]))
    letters = np.zeros((units, sim.shape[1]))
    plain = np.zeros((units, sim.shape[1]))
    for u in range(units):
        end = row_starts[u + 1] if u + 1 < units else sim.shape[0]
        for r in range(row_starts[u], end):
            for c in range(sim.shape[1]):
                raw = v = sim[r, c]
                if q_one[r] or one[c]:
                    v = 0.0 if q_first[r] != first[c] else 1.0 if q_one[r] and one[c] else 0.75
                elif groups[r, c]:
                    v = 0.95
                elif q_keys[r] == keys[c] and SOUND_MIN <= v < SOUND_FLOOR:
                    v = SOUND_FLOOR
                spelled = v if v < SOUND_FLOOR else raw
                if v > best[u, c]:
                    best[u, c], letters[u, c] = v, spelled
                elif v == best[u, c]:
                    letters[u, c] = max(letters[u, c], spelled)
                plain[u, c] = max(plain[u, c], raw)
    return best, letters, plain


@njit(cache=True, nogil=True)
def spelling_facts(spelling_at: Array, spellings: Array, ids: Array) -> tuple[Array, Array, Array]:
    """Each listed spelling's sound key id, first letter (0 for none) and whether it is an
    initial, from its record (see SPELLING_HEADER), as `unit_similarities` takes them."""
    keys = np.empty(len(ids), dtype=np.int64)
    first = np.empty(len(ids), dtype=np.int32)
    one = np.empty(len(ids), dtype=np.bool_)
    for c in range(len(ids)):
        record = spelling_at[ids[c]]
        length = spellings[record + SPELLING_LEN]
        keys[c] = spellings[record + SPELLING_KEY]
        first[c] = spellings[record + SPELLING_HEADER] if length else 0
        one[c] = length == 1
    return keys, first, one


@njit(cache=True, nogil=True)
def similarities(
    q_chars: Array,
    q_start: Array,
    q_len: Array,
    spelling_at: Array,
    spellings: Array,
    ids: Array,
    group_rows: Array,
    group_columns: Array,
    q_keys: Array,
    q_first: Array,
    q_one: Array,
    row_starts: Array,
) -> tuple[Array, Array, Array]:
    """`unit_similarities` of the query (its spellings no longer than LONGEST) with the
    listed spellings `ids`, from their `indel` similarities: one call, and each listed
    spelling's record read once, while it is in the caches."""
    keys, first, one = spelling_facts(spelling_at, spellings, ids)
    return unit_similarities(
        indel(q_chars, q_start, q_len, spelling_at, spellings, ids),
        group_rows,
        group_columns,
        q_keys,
        keys,
        q_first,
        q_one,
        first,
        one,
        row_starts,
    )
