"""The evidence bound: what birth dates and nationality can add, never underestimated."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import Identity
from matchers.evidence import SMALL, EvidenceTable
from matchers.score import DOB_DIFFERENT, NATIONALITY_SAME, _features, prepare

# Years near each other and one digit apart (1985/1975/1986), months and days that swap.
_DATES = st.builds(
    lambda y, m, d, width: f"{y}-{m:02d}-{d:02d}"[:width],
    st.sampled_from([1975, 1984, 1985, 1986, 1995, 2085]),
    st.sampled_from([1, 3, 12]),
    st.sampled_from([1, 3, 12, 28]),
    st.sampled_from([4, 7, 10]),
)
_PEOPLE = st.builds(
    lambda dates, nats: Identity(names=["X Y"], birth_dates=dates, nationalities=nats),
    st.lists(_DATES, max_size=3),
    st.lists(st.sampled_from(["KHM", "KOR", "VNM"]), max_size=2),
)


def _evidence(query: Identity, listed: Identity) -> float:
    features = _features(prepare(query), prepare(listed), None)
    return sum(v for name, v, _ in features if name in {"birth_date", "nationality"})


@settings(max_examples=300, deadline=None)
@given(_PEOPLE, st.lists(_PEOPLE, min_size=1, max_size=3), st.lists(_PEOPLE, max_size=3))
def test_bound_never_underestimates(
    query: Identity, entries: list[Identity], gone: list[Identity]
) -> None:
    """One name carried by several entries (some since removed): the bound is at least what
    any remaining entry's dates and nationality add."""
    table = EvidenceTable()
    table.reset(0)
    for person in gone + entries:
        table.add(0, prepare(person).dates)
    table.reset(0)
    for person in entries:
        table.add(0, prepare(person).dates)
    one = float(table.upper_bounds(prepare(query), np.array([0]))[0])  # one by one
    many = table.upper_bounds(prepare(query), np.zeros(SMALL, dtype=np.int64))  # vectorized
    assert len(set(many.tolist())) == 1
    for person in entries:
        assert _evidence(query, person) <= min(one, float(many[0])) + 1e-9, (query, person)


def test_dates_years_apart_rule_a_name_out() -> None:
    table = EvidenceTable()
    for fid, dates in enumerate([["1962-04-01"], ["1985-03-02"], [], ["1975-03-02"]]):
        table.reset(fid)
        table.add(fid, prepare(Identity(names=["A B"], birth_dates=dates)).dates)
    traveller = prepare(Identity(names=["A B"], birth_dates=["1985-03-02"], nationalities=["KHM"]))
    bounds = table.upper_bounds(traveller, np.arange(4)).tolist()
    assert bounds[0] == DOB_DIFFERENT + NATIONALITY_SAME  # 23 years apart
    assert bounds[1] > bounds[3] > bounds[0]  # same date; one digit of the year apart
    assert bounds[2] == NATIONALITY_SAME  # no date on the list: nothing to hold against him
