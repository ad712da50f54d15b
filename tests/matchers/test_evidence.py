"""The evidence bound: what birth dates and nationality can add, never underestimated."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from matchers import Identity, evidence
from matchers.evidence import ALWAYS, CACHE_LINE, EvidenceTable, entry_blocks, query_blocks
from matchers.identity import FIRST_YEAR, LAST_YEAR
from matchers.kernels import (
    EVIDENCE,
    NATIONALITY_SLOTS,
    ON_DAY,
    SLOTS,
    SPARED,
    UNBACKED,
    YEAR,
    date_value,
)
from matchers.score import (
    DATE_BACKS,
    DOB_CONFLICT,
    DOB_DIFFERENT,
    DOB_EXACT,
    DOB_MONTH,
    DOB_NEAR,
    DOB_YEAR,
    NATIONALITY_DIFFERENT,
    NATIONALITY_SAME,
    Date,
    Prepared,
    _corroborated,
    _date_pair,
    _features,
    match_forms,
    popular_in,
    prepare,
)

# Years near each other and one digit apart (1985/1975/1986), months and days that swap.
_DATES = st.builds(
    lambda y, m, d, width: f"{y}-{m:02d}-{d:02d}"[:width],
    st.sampled_from([1975, 1984, 1985, 1986, 1995, 2085]),
    st.sampled_from([1, 3, 12]),
    st.sampled_from([1, 3, 12, 28]),
    st.sampled_from([4, 7, 10]),
)
_MANY = 12  # dates of a name with many (its dates are searched, see kernels._pool_value)
_FAR = [f"1960-{month:02d}-01" for month in range(1, _MANY + 1)]  # a name's many other dates
_PEOPLE = st.builds(
    lambda dates, nats: Identity(names=["X Y"], birth_dates=dates, nationalities=nats),
    st.lists(_DATES, max_size=3),
    st.lists(st.sampled_from(["KHM", "KOR", "VNM"]), max_size=2),
)


def _blocks(table: EvidenceTable, fids: list[int], loose: bool = False) -> dict[int, list[int]]:
    """`EvidenceTable.blocks` as {block: name ids}, every name `loose` or none."""
    ids = np.array(fids, dtype=np.int64)
    codes, names = table.blocks(ids, np.full(len(ids), loose))
    assert (np.diff(codes) >= 0).all()  # sorted by block
    out: dict[int, list[int]] = {}
    for code, fid in zip(codes.tolist(), names.tolist(), strict=True):
        out.setdefault(code, []).append(fid)
    return out


def _apart(dates: list[Date], loose: bool) -> set[int]:
    """The blocks of entries of one date each."""
    return set().union(*(entry_blocks([date], loose) for date in dates))


def _evidence(query: Identity, listed: Identity) -> float:
    features = _features(prepare(query), prepare(listed), None)
    return sum(v for name, v, _ in features if name in {"birth_date", "nationality"})


def _most(table: EvidenceTable, traveller: Prepared, fids: list[int]) -> list[float]:
    """The most each name's entries can add, of any kind (the bound before the split)."""
    rows = table.upper_bounds(traveller, np.array(fids, dtype=np.int64))
    return rows.max(axis=1).tolist()  # type: ignore[no-any-return]


def _what_an_entry_adds(query: Identity, listed: Identity) -> tuple[float, int]:
    """What an entry's dates and nationality add to its score, as the scorer counts them
    against the two names (a nationality in which either name is popular backs nothing),
    and its kind (`score.uncorroborated`): SPARED when they back the name or either is
    undated; else YEAR when a date shares his year (it spares the same name spelt the
    same), UNBACKED when none does."""
    pq, pl = prepare(query), prepare(listed)
    features = _features(pq, pl, match_forms(pq.forms[0], pl.forms[0]))
    kept = [f for f in features if f[0] in {"birth_date", "nationality"}]
    kind = SPARED
    if pq.dates and pl.dates and not _corroborated(kept):
        same_year = any(a[0] == b[0] for a in pq.dates for b in pl.dates)
        kind = YEAR if same_year else UNBACKED
    return sum(v for _, v, _ in kept), kind


_NAMES = st.sampled_from(["X Y", "Nguyen Van An", "Kim Min Jun"])  # popular in VNM, KOR


@settings(max_examples=400, deadline=None)
@given(
    _PEOPLE,
    _NAMES,
    st.lists(st.tuples(_PEOPLE, _NAMES), min_size=1, max_size=3),
    st.lists(_PEOPLE, max_size=3),
)
@example(  # an entry of two years: his year spares the name, another year's typo adds
    Identity(names=["X Y"], birth_dates=["1985-03-12"]),
    "X Y",
    [(Identity(names=["X Y"], birth_dates=["1985-08-01", "1995-03-12"]), "X Y")],
    [],
)
def test_bound_never_underestimates(
    query: Identity, name: str, entries: list[tuple[Identity, str]], gone: list[Identity]
) -> None:
    """One name carried by several entries (some since removed): the bound is at least what
    any remaining entry's dates and nationality add, in the column of its kind (see
    `_what_an_entry_adds`) or of one that spares the name more, with the traveller's name
    popular in some of his nationalities or not."""
    table = EvidenceTable()
    table.reset(0)
    for person in gone + [person for person, _ in entries]:
        table.add(0, prepare(person))
    table.reset(0)
    for person, _ in entries:
        table.add(0, prepare(person))
    traveller = prepare(query.model_copy(update={"names": [name]}))
    typical = [c for c in traveller.nationalities if popular_in(traveller.forms[0], c)]
    rows = table.upper_bounds(traveller, np.zeros(3, dtype=np.int64), typical).tolist()
    assert rows[0] == rows[1] == rows[2]  # the same name thrice: one bound
    adds, kinds = [], []
    for person, listed_name in entries:
        listed = person.model_copy(update={"names": [listed_name]})
        value, kind = _what_an_entry_adds(query.model_copy(update={"names": [name]}), listed)
        adds.append(value)
        kinds.append(kind)
        # (an entry's value may be counted in a kind that spares more: it costs the name less)
        assert value <= max(rows[0][: kind + 1]) + 1e-9, (query, person)
    # exact for one entry whose nationalities fit in the slots and whose name is popular
    # nowhere (a listed name popular in a shared nationality makes it typical too), and in
    # its own column when its dates fit in the slots (a pool's unsearched dates are counted
    # as DOB_DIFFERENT, unbacked)
    one = len(entries) == 1 and entries[0][1] == "X Y"
    if one and len(set(entries[0][0].nationalities)) <= NATIONALITY_SLOTS:
        assert max(rows[0]) == pytest.approx(adds[0], abs=1e-12), (query, entries)
        if len(set(prepare(entries[0][0]).dates)) <= SLOTS:  # the first column it is in
            assert [v > -np.inf for v in rows[0]].index(True) == kinds[0], (query, entries)


@settings(max_examples=500, deadline=None)
@given(_DATES, st.lists(_DATES, min_size=1, max_size=20))
def test_the_compiled_date_value_is_the_scorers_rule_for_rule(
    query: str, listed: list[str]
) -> None:
    q = prepare(Identity(names=["X"], birth_dates=[query])).dates[0]
    dates = [prepare(Identity(names=["X"], birth_dates=[d])).dates[0] for d in listed]
    got = [date_value(q[0], q[1] or 0, q[2] or 0, y, m or 0, d or 0) for y, m, d in dates]
    assert got == [_date_pair(q, d)[0] for d in dates]


def test_dates_years_apart_rule_a_name_out() -> None:
    table = EvidenceTable()
    for fid, dates in enumerate([["1962-04-01"], ["1985-03-02"], [], ["1975-03-02"]]):
        table.reset(fid)
        table.add(fid, prepare(Identity(names=["A B"], birth_dates=dates)))
    traveller = prepare(Identity(names=["A B"], birth_dates=["1985-03-02"], nationalities=["KHM"]))
    bounds = _most(table, traveller, [0, 1, 2, 3])
    assert bounds[0] == DOB_DIFFERENT  # 23 years apart (no listed nationality: nothing)
    assert bounds[1] > bounds[3] > bounds[0]  # same date; one digit of the year apart
    assert bounds[2] == 0.0  # no date on the list: nothing to hold against him


def test_a_full_date_of_the_same_year_is_a_conflict_and_a_foreign_nationality_costs() -> None:
    """The bound is as tight as the scorer: another day of the traveller's year is
    DOB_CONFLICT, not the same date; a listed nationality he does not hold is
    NATIONALITY_DIFFERENT."""
    table = EvidenceTable()
    people = [(["1985-07-19"], ["VNM"]), (["1985-07-19"], []), (["1985"], ["KHM"])]
    for fid, (dates, nats) in enumerate(people):
        table.reset(fid)
        table.add(fid, prepare(Identity(names=["A B"], birth_dates=dates, nationalities=nats)))
    traveller = prepare(Identity(names=["A B"], birth_dates=["1985-03-02"], nationalities=["KHM"]))
    bounds = _most(table, traveller, list(range(len(people))))
    assert bounds == [
        DOB_CONFLICT + NATIONALITY_DIFFERENT,
        DOB_CONFLICT,
        pytest.approx(0.03 + NATIONALITY_SAME),
    ]


def test_a_name_with_more_dates_than_slots_is_bounded_by_its_closest_date() -> None:
    """A common name carried by many entries: each of its dates is filed, the bound is what
    its closest date gives a full traveller date (never DOB_EXACT for a name born elsewhere in
    the year), and removing the entries forgets their dates."""
    table = EvidenceTable()
    traveller = prepare(Identity(names=["A B"], birth_dates=["1985-03-02"]))
    many = ["1960-01-01", "1971-05-05", "1985-11-30", "1999-09-09"]

    def bounds(extra: list[str]) -> list[float]:
        table.reset(0)
        for date in many + extra:
            table.add(0, prepare(Identity(names=["A B"], birth_dates=[date])))
        return _most(table, traveller, [0, 0])

    assert bounds([]) == [DOB_CONFLICT, DOB_CONFLICT]  # 1985-11-30: same year, another day
    assert bounds(["1985-03"]) == [0.08, 0.08]  # the same month
    assert bounds(["1975-03-02"]) == [0.03, 0.03]  # a digit off
    assert bounds(["1985-02-03"]) == [0.07, 0.07]  # day and month swapped
    assert bounds(["1985-03-02"]) == [0.12, 0.12]
    # It sits in the blocks of each of its dates (not in ALWAYS: it has no undated entry).
    dates = [prepare(Identity(names=["A"], birth_dates=[d])).dates[0] for d in many]
    for loose in (False, True):
        assert set(_blocks(table, [0], loose)) == _apart([*dates, (1985, 3, 2)], loose)
    assert ALWAYS not in _apart(dates, False)
    table.reset(0)
    table.add(0, prepare(Identity(names=["A B"], birth_dates=["1940-01-01"])))
    assert _most(table, traveller, [0]) == [DOB_DIFFERENT]
    assert set(_blocks(table, [0])) == entry_blocks([(1940, 1, 1)], False)


def test_the_blocks_of_a_name_with_many_dates_follow_its_dates() -> None:
    """Such a name sits in many postings, so its block codes are worked out once; they must
    change when its dates do (a new entry, or its entries filed again)."""
    table = EvidenceTable()

    def file(dates: list[str]) -> list[tuple[int, int | None, int | None]]:
        people = [prepare(Identity(names=["A B"], birth_dates=[d])) for d in dates]
        for person in people:
            table.add(0, person)
        return [person.dates[0] for person in people]

    table.reset(0)
    filed = file(["1960-01-01", "1971-05-05", "1985-11-30"])
    assert set(_blocks(table, [0])) == _apart(filed, False)
    filed += file(["1999-09-09"])
    assert set(_blocks(table, [0])) == _apart(filed, False)
    table.reset(0)
    filed = file(["1940-01-01", "1941-02-02", "1942-03-03"])
    assert set(_blocks(table, [0])) == _apart(filed, False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.lists(_DATES, max_size=2), min_size=1, max_size=8), st.booleans()),
        max_size=5,
    )
)
def test_each_name_sits_in_the_blocks_of_its_entries(
    names: list[tuple[list[list[str]], bool]],
) -> None:
    """`blocks` (one compiled pass over the slots and the pool) puts each name under exactly
    the blocks of its entries' dates, as loose or not, and under ALWAYS when an entry has
    none; once in each."""
    table = EvidenceTable()
    want: dict[int, list[int]] = {}
    for fid, (entries, loose) in enumerate(names):
        table.reset(fid)
        codes: set[int] = set()
        for dates in entries:
            person = prepare(Identity(names=["A B"], birth_dates=dates))
            table.add(fid, person)
            codes |= entry_blocks(person.dates, loose)
        for code in codes:
            want.setdefault(code, []).append(fid)
    fids = np.arange(len(names), dtype=np.int64)
    codes_, ids = table.blocks(fids, np.array([loose for _, loose in names], dtype=np.bool_))
    got: dict[int, list[int]] = {}
    for code, fid in zip(codes_.tolist(), ids.tolist(), strict=True):
        got.setdefault(code, []).append(fid)
    assert got == want


def test_the_records_grow_whole_each_on_one_cache_line() -> None:
    """A name's record is one cache line (`kernels.EVIDENCE`), and stays on one as the
    records are copied into larger arrays while names are filed; no name loses its dates
    or nationality in the copy."""
    assert EVIDENCE.itemsize == CACHE_LINE
    table = EvidenceTable()
    people = [
        Identity(
            names=["A B"],
            birth_dates=[f"{1900 + n % 97}-0{1 + n % 9}-1{n % 10}"],
            nationalities=[("KHM", "VNM", "KOR")[n % 3]],
        )
        for n in range(3_000)
    ]
    for fid, person in enumerate(people):
        table.reset(fid)
        table.add(fid, prepare(person))
        assert table._records.data.ctypes.data % CACHE_LINE == 0
    traveller = Identity(names=["A B"], birth_dates=["1950-05-15"], nationalities=["KHM"])
    bounds = _most(table, prepare(traveller), list(range(len(people))))
    assert bounds == [_evidence(traveller, person) for person in people]


def test_the_pool_of_dates_is_rewritten_and_compacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name with many dates filed again and again (a list updated live): its bound follows
    its latest dates, and the segments left behind are dropped once they outweigh the rest."""
    monkeypatch.setattr(evidence, "POOL_SLACK", 0)
    table = EvidenceTable()
    traveller = prepare(Identity(names=["A B"], birth_dates=["1985-03-02"]))
    for year in range(1950, 1990):
        for fid in (0, 1):
            table.reset(fid)
            for day in (1, 2, 3, 4):
                date = f"{year + fid}-03-0{day}"
                table.add(fid, prepare(Identity(names=["A B"], birth_dates=[date])))
        bounds = _most(table, traveller, [0, 1])
        expected = [
            max(_date_pair((1985, 3, 2), (year + fid, 3, day))[0] for day in (1, 2, 3, 4))
            for fid in (0, 1)
        ]
        assert bounds == expected, year
        assert len(table._pool) <= 2 * 8  # two names of four dates, and as much garbage


@settings(max_examples=300, deadline=None)
@given(_DATES, st.lists(_DATES, min_size=SLOTS + 1, max_size=_MANY))
@example("1985-02-28", ["1985-12-28", "1960-01-01", "1970-01-01"])  # the last month a digit off
@example("1985-03-21", ["1985-03-31", "1960-01-01", "1970-01-01"])  # the last day a digit off
def test_the_closest_date_of_a_name_with_many_is_found(query: str, listed: list[str]) -> None:
    """The bound of a name with more dates than its slots is the scorer's best value of any
    of its dates, for a full or a partial traveller date."""
    _assert_the_best_date_is_found(query, listed)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_DATES, min_size=1, max_size=2, unique=True),
    st.lists(_DATES, min_size=_MANY + 1, max_size=4 * _MANY, unique=True),
)
@example(["1985-03-12"], [*_FAR, "1984-07"])  # the year before, partial
@example(["1985-03-12"], [*_FAR, "1986-11-30"])  # the year after
@example(["1985-03-12"], [*_FAR, "1995-03-12"])  # his day, a digit of the year off
@example(["1985-03-12", "1960-05-01"], [*_FAR, "1985-03", "1960-05-01"])  # his second date
@example(["1985-03-02"], [*_FAR, "1995-03-02"])  # his day is the top bit of its mask
@example(["1985-12-31"], [*_FAR, "1975-12-31"])  # the last day of the year
@example(["1985-03-12", "1995-05-01"], [*_FAR, "1995-03-12"])  # his day, his second year
def test_the_closest_date_of_a_name_with_more_dates_is_searched(
    query: list[str], listed: list[str]
) -> None:
    """The same with many dates: the dates of his years and of his day are searched for,
    and nothing else is worth more than DOB_DIFFERENT; a traveller with two dates of birth
    is given the best of either."""
    _assert_the_best_date_is_found(query, listed)


def _assert_the_best_date_is_found(query: str | list[str], listed: list[str]) -> None:
    table = EvidenceTable()
    table.reset(0)
    for date in listed:
        table.add(0, prepare(Identity(names=["A"], birth_dates=[date])))
    traveller = prepare(
        Identity(names=["A"], birth_dates=[query] if isinstance(query, str) else query)
    )
    values = {
        date: max(_date_pair(q, date)[0] for q in traveller.dates)
        for date in (prepare(Identity(names=["A"], birth_dates=[d])).dates[0] for d in listed)
    }
    spared, year, unbacked = table.upper_bounds(traveller, np.array([0]))[0].tolist()
    assert max(spared, year, unbacked) == max(values.values())
    years = {q[0] for q in traveller.dates}  # (a date of his year spares the name)
    for date, value in values.items():
        assert value <= (max(spared, year) if date[0] in years else max(spared, year, unbacked)), (
            date
        )


# Floors a traveller's name may set on what a listed date must add (`Matcher._date_floors`)
_FLOORS = st.sampled_from(
    [-np.inf, DOB_CONFLICT, DOB_NEAR, -0.01, DOB_YEAR, 0.05, DOB_MONTH, DOB_EXACT, 0.2]
)


@settings(max_examples=800, deadline=None)
@given(_DATES, _DATES, _FLOORS, _FLOORS)
@example("1985-03-12", "1985-12-03", -np.inf, -np.inf)  # day and month swapped
@example("1985-03-12", "1985-08-12", -np.inf, -np.inf)  # a digit of the month off
@example("1985-03-12", "1995-03-12", -np.inf, -np.inf)  # a digit of the year off
@example("1985-03-12", "1985-03-28", -np.inf, -np.inf)  # the same month, another day
@example("1985-03-12", "1984-12-28", -np.inf, -np.inf)  # a year apart: a conflict
@example("1985-03-12", "1984", -np.inf, -np.inf)  # a year apart, the year only
@example("1985", "1984-03-12", -np.inf, -np.inf)  # the traveller's year only
@example("1985-03-12", "1984-12-28", DOB_CONFLICT, DOB_NEAR)  # a conflict his name bears
@example("1985-03-12", "1985-03-28", -0.01, -0.01)  # one it does not bear
@example("1985-03-12", "1975-03-12", 0.0, DOB_MONTH)  # a typo of another year: unbacked
def test_the_blocks_reach_exactly_the_dates_worth_reaching(
    query: str, listed: str, floor: float, floor_unbacked: float
) -> None:
    """A traveller's date reaches a block of a listed date exactly when the date adds more
    than DOB_CONFLICT, or, for a loose name, more than DOB_DIFFERENT, and at least its floor
    (`floor` if it backs a name or is of his year, else `floor_unbacked`): where both dates
    are full, exactly so, but for the block of a loose name's full dates of a year, which
    holds its conflicts; otherwise at least so (a block of dates short of a day holds the
    best such date of its year). And a name's blocks are its entries' blocks."""
    q = prepare(Identity(names=["A"], birth_dates=[query])).dates[0]
    d = prepare(Identity(names=["A"], birth_dates=[listed])).dates[0]
    value = _date_pair(q, d)[0]
    table = EvidenceTable()
    table.reset(0)
    table.add(0, prepare(Identity(names=["A"], birth_dates=[listed])))
    full = None not in q and None not in d

    def worth(value: float, year: int) -> bool:
        spares = value >= DATE_BACKS or year == q[0]
        return value >= (floor if spares else floor_unbacked)

    for loose in (False, True):
        assert set(_blocks(table, [0], loose)) == entry_blocks([d], loose)
        reached = bool(
            entry_blocks([d], loose) & set(query_blocks((q,), floor, floor_unbacked).tolist())
        )
        level = DOB_DIFFERENT if loose else DOB_CONFLICT
        wanted = value > level and worth(value, d[0])
        if not full:
            assert reached >= wanted, (query, listed, value, loose)
            continue
        conflicts = loose and abs(d[0] - q[0]) <= 1 and worth(DOB_CONFLICT, d[0])
        assert reached == (wanted or conflicts), (query, listed, value, loose)
    if floor == floor_unbacked == -np.inf:  # every block: exactly the dates worth more
        assert reached == (value > DOB_DIFFERENT), (query, listed, value)


@pytest.mark.parametrize(
    ("born", "within", "outside"),
    [
        ((1968, 10, 25), {1868, 1908, 1958, 1967, 1969, 1978}, {968, 1068, 1768, 2968, 9968}),
        ((1850, 3, 2), {1850, 1851, 1860, 1950}, {850, 1750, 1840, 2850}),
        ((2200, 3, 2), {2000, 2100, 2200}, {1200, 2201, 2210, 2290, 2300, 3200}),
    ],
)
def test_no_block_names_a_year_no_date_of_birth_can_hold(
    born: tuple[int, int, int], within: set[int], outside: set[int]
) -> None:
    """The full dates a digit off a traveller's are sought only in the years an `Identity`
    takes: a listed date of any other year cannot exist."""
    years = {(c - ON_DAY) // 10_000 for c in query_blocks((born,)).tolist() if c >= ON_DAY}
    assert years and all(FIRST_YEAR <= y <= LAST_YEAR for y in years), years
    assert within <= years
    assert not outside & years
