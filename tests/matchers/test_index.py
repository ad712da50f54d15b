"""The Matcher: the public API, and retrieval that loses nothing exhaustive scoring finds."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from matchers import Hit, Identity, Matcher, MatchStats, compare, evidence, index, kernels
from matchers.bound import NameTable
from matchers.index import _BlockStore, _Postings, _union
from matchers.kernels import SPARED, UNBACKED, YEAR
from matchers.names import NameForm, name_form
from matchers.score import (
    COMMON_PENALTY,
    CURVE,
    DEFAULT_THRESHOLD,
    DISTINCTIVE_INFO,
    NAME_MAX,
    SINGLE_WORD_FACTOR,
    UNDATED_NAME,
    NameMatch,
    _unit_similarity,
    match_forms,
    prepare,
    uncorroborated,
)


@dataclass(frozen=True)
class Entry:
    entry_id: str
    identity: Identity


WORDS = [
    "Ali",
    "Hassan",
    "Mohammed",
    "Ayman",
    "Zawahiri",
    "Kim",
    "Jong",
    "Un",
    "Park",
    "Lee",
    "Nguyen",
    "Van",
    "An",
    "Anh",
    "Tran",
    "Thi",
    "Lan",
    "Ivan",
    "Petrov",
    "Saddam",
    "Hussein",
    "Tikriti",
    "Abdul",
    "Rahman",
    "Khalid",
    "Omar",
    "Yusuf",
    "Musa",
    "Ahmed",
]


def _entries(n: int, seed: int = 3) -> list[Entry]:
    rng = random.Random(seed)
    return [
        Entry(f"e{i}", Identity(names=[" ".join(rng.sample(WORDS, rng.randint(2, 3)))]))
        for i in range(n)
    ]


def test_public_api() -> None:
    m = Matcher([Entry("a", Identity(names=["박의춘"]))])
    assert len(m) == 1 and "a" in m and "b" not in m
    hits = m.match(Identity(names=["PAK UI CHUN"]))
    assert [h.entry_id for h in hits] == ["a"] and isinstance(hits[0], Hit)
    m.upsert(Entry("a", Identity(names=["Kim Jong-un"])))
    assert len(m) == 1 and m.match(Identity(names=["PAK UI CHUN"])) == []
    assert [h.entry_id for h in m.match(Identity(names=["Kim Jong-un"]))] == ["a"]
    assert m.remove("a") and not m.remove("a") and len(m) == 0
    assert m.match(Identity(names=["Kim Jong-un"])) == []


def test_hits_equal_compare_and_are_sorted() -> None:
    entries = _entries(200)
    m = Matcher(entries)
    query = Identity(names=["Mohamed Hasan Ali"])
    hits = m.match(query)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        listed = next(e.identity for e in entries if e.entry_id == h.entry_id)
        assert h.score == compare(query, listed).score and h.alert


def test_index_loses_nothing_exhaustive_scoring_finds() -> None:
    entries = _entries(400)
    m = Matcher(entries)
    rng = random.Random(9)
    for _ in range(60):
        base = rng.choice(entries).identity.names[0].split()
        rng.shuffle(base)
        query = Identity(names=[" ".join(base).upper().replace("A", "E", 1)])
        exhaustive = {
            e.entry_id for e in entries if compare(query, e.identity).score >= DEFAULT_THRESHOLD
        }
        assert exhaustive <= {h.entry_id for h in m.match(query)}


def test_document_retrieval_without_name_match() -> None:
    listed = Identity.model_validate(
        {"names": ["Eric Badege"], "documents": [{"number": "OB0243318"}]}
    )
    m = Matcher([Entry("x", listed), *_entries(50)])
    q = Identity.model_validate(
        {"names": ["Somebody Else"], "documents": [{"number": "0B0243318"}]}
    )
    assert [h.entry_id for h in m.match(q)] == ["x"]


def test_an_entry_reached_by_name_and_document_alerts_once() -> None:
    listed = Identity.model_validate(
        {"names": ["Eric Badege"], "birth_dates": ["1971-05-02"],
         "documents": [{"number": "OB0243318"}]}
    )
    m = Matcher([Entry("x", listed), *_entries(50)])
    q = Identity.model_validate(
        {"names": ["Eric Badege"], "birth_dates": ["1971-05-02"],
         "documents": [{"number": "OB0243318"}]}
    )
    hits = m.match(q)
    assert [h.entry_id for h in hits] == ["x"]
    assert hits[0].score == compare(q, listed).score


def test_remove_unfiles_the_entry() -> None:
    entries = _entries(30)
    m = Matcher(entries)
    for e in entries:
        assert m.remove(e.entry_id)
    assert len(m) == 0
    assert not m._pairs and not m._other_pairs and not m._words and not m._documents
    assert not m._names and not m._vocabulary and not m._near


def test_a_large_posting_follows_upserts_and_removals() -> None:
    # 40 names share the pair NIKOLAI VOLKOV: its posting is large enough to be cached as an
    # array by the first look-up, and the cache must follow the entries filed after it.
    entries = [Entry(f"v{k}", Identity(names=[f"Nikolai Volkov {w}"]))
               for k, w in enumerate(_DISTINCT_WORDS)]
    m = Matcher(entries)
    q = Identity(names=["Nikolai Volkov Zamyatin"])
    assert "new" not in {h.entry_id for h in m.match(q)}
    m.upsert(Entry("new", Identity(names=["Nikolai Volkov Zamyatin"])))
    assert m.match(q)[0].entry_id == "new"
    assert m.remove("new")
    assert "new" not in {h.entry_id for h in m.match(q)}
    for e in entries:
        m.remove(e.entry_id)
    assert not m.match(q) and not m._pairs


def _alerts_as_compare(m: Matcher, entries: list[Entry], query: Identity) -> set[str]:
    """The entries `m` alerts on for `query`, checked against `compare` on every entry: the
    same scores, worded the same."""
    want = {e.entry_id: compare(query, e.identity) for e in entries}
    got = {h.entry_id: h for h in m.match(query)}
    alerts = {k: v.score for k, v in want.items() if v.score >= DEFAULT_THRESHOLD}
    assert {k: h.score for k, h in got.items()} == alerts
    for eid, hit in got.items():
        assert hit.model_dump(exclude={"entry_id"}) == want[eid].model_dump(), eid
    return set(got)


_DATE_CASES = [
    ["1985-03-02"],  # the traveller's own date
    ["1984-07-07"],  # a year apart (a conflict, still within reach of an alert)
    ["1984"],  # a year before, the year only
    ["1986"],  # a year after, the year only
    ["1945-03-02"],  # one digit of the year apart, day and month equal (a typo)
    ["1995-04-02"],  # one digit apart, another month: no typo
    ["1970-03-02"],  # two digits apart
    [],  # undated
    ["1960", "1961", "1985"],  # more dates than the slots hold (the traveller's year last)
]


def test_date_blocks_reach_every_name_the_dates_allow() -> None:
    # 40 listed names (ZHAKYP TURSUNBAEV in 40 letter cases: names are filed by what is written)
    # share one pair posting, split into date blocks. A traveller born 1985-03-02 must still
    # reach every name whose dates can alert, also after a name's dates change.
    spellings = [
        "".join(c.upper() if k >> i & 1 else c for i, c in enumerate("zhakyp tursunbaev"))
        for k in range(40)
    ]
    entries = [
        Entry(f"v{k}", Identity(names=[name], birth_dates=_DATE_CASES[k % len(_DATE_CASES)]))
        for k, name in enumerate(spellings)
    ]
    m = Matcher(entries)
    query = Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=["1985-03-02"])

    first = _alerts_as_compare(m, entries, query)
    case = {tuple(e.identity.birth_dates): e.entry_id for e in entries}
    assert {case[("1945-03-02",)], case[()], case[("1984",)], case[("1986",)],
            case[("1960", "1961", "1985")]} <= first
    assert case[("1970-03-02",)] not in first and case[("1995-04-02",)] not in first
    # A name in no block the traveller reaches gains an entry of the traveller's date.
    far = next(e for e in entries if e.entry_id == case[("1995-04-02",)])
    entries.append(Entry("late", Identity(names=far.identity.names, birth_dates=["1985-03-02"])))
    m.upsert(entries[-1])
    assert "late" in _alerts_as_compare(m, entries, query)


@pytest.mark.parametrize("born", ["1850-01-01", "2200-12-31"])
def test_the_first_and_last_dates_the_model_takes_are_blocked_in_32_bits(born: str) -> None:
    # The block store keeps (block, name id) pairs in 32 bits: the largest block, a full
    # date of the last year an Identity takes, must survive it, and so must the first.
    entries = [
        Entry(f"d{k}", Identity(names=[name], birth_dates=[born if k % 2 else "1970-05-05"]))
        for k, name in enumerate(_cases("zhakyp tursunbaev"))
    ]
    m = Matcher(entries)
    query = Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=[born])
    got = _alerts_as_compare(m, entries, query)
    assert m._block_store.codes.dtype == kernels.BLOCK_DTYPE == np.int32 and m._pairs._blocks
    assert {e.entry_id for e in entries if e.identity.birth_dates == [born]} <= got


@pytest.mark.parametrize("name", ["nguyen van an", "kim min jun", "zhakyp tursunbaev"])
def test_common_and_distinctive_names_in_date_blocks_lose_nothing(name: str) -> None:
    # The weight cap and the date blocks together: every alert `compare` finds is still
    # found, for common and distinctive names, with every date case and a nationality shared
    # (a perfect distinctive name still alerts against a conflicting full date).
    entries = [
        Entry(f"c{k}", Identity(names=[spelling], nationalities=["VNM"],
                                birth_dates=_DATE_CASES[k % len(_DATE_CASES)]))
        for k, spelling in enumerate(
            "".join(c.upper() if k >> i & 1 else c for i, c in enumerate(name)) for k in range(45)
        )
    ]
    m = Matcher(entries)
    for date in ["1985-03-02", "1985-02-03", "1985", "1985-03"]:
        query = Identity(names=[name.upper()], birth_dates=[date], nationalities=["VNM"])
        _alerts_as_compare(m, entries, query)


@pytest.mark.parametrize("spread", [0, 80])
@pytest.mark.parametrize("name", ["NGUYEN VAN AN", "ZHAKYP TURSUNBAEV"])
def test_the_entries_of_a_name_carried_by_many_lose_nothing(name: str, spread: int) -> None:
    # One name carried by 40 entries (and `spread` more born all over the century, so that
    # its blocks outnumber a traveller's): its entries are split by date as they are filed,
    # by the name's cap (a distinctive name still alerts against a full date of another day
    # or a year apart when the nationality agrees); removing entries takes them out.
    dates = [_DATE_CASES[k % len(_DATE_CASES)] for k in range(40)]
    dates += [[f"{1930 + k}-{k % 12 + 1:02d}-{k % 28 + 1:02d}"] for k in range(spread)]
    entries = [
        Entry(f"e{k}", Identity(names=[name], nationalities=["KAZ"], birth_dates=born))
        for k, born in enumerate(dates)
    ]
    m = Matcher(entries)
    assert len(m._names) == 1 and len(m._entry_blocks[0][1]) > spread
    query = Identity(names=[name], birth_dates=["1985-03-02"], nationalities=["KAZ"])
    got = _alerts_as_compare(m, entries, query)
    conflict = {e.entry_id for e in entries if e.identity.birth_dates == ["1984-07-07"]}
    assert conflict <= got if name.startswith("Z") else not conflict & got
    for entry in entries[:30]:
        m.remove(entry.entry_id)
    assert _alerts_as_compare(m, entries[30:], query) == got - {e.entry_id for e in entries[:30]}
    assert len(got) > 3


def _cases(text: str) -> list[str]:
    """`text` in 40 letter cases: as many names, one sound (one large pair posting)."""
    return ["".join(c.upper() if k >> i & 1 else c for i, c in enumerate(text)) for k in range(40)]


def _one_name_in_many_cases() -> list[Entry]:
    return [
        Entry(f"z{k}", Identity(names=[name], birth_dates=_DATE_CASES[k % len(_DATE_CASES)]))
        for k, name in enumerate(_cases("zhakyp tursunbaev"))
    ]


def test_warm_splits_every_large_posting_before_the_first_traveller() -> None:
    entries = _one_name_in_many_cases()
    m = Matcher(entries)
    large = {
        key
        for key, ids in m._pairs._ids.items()
        if not isinstance(ids, int) and len(ids) >= index.BIG_POSTING
    }
    assert large and not m._pairs._blocks
    m.warm()
    assert set(m._pairs._blocks) == large
    query = Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=["1985-03-02"])
    assert _alerts_as_compare(m, entries, query)
    assert set(m._pairs._blocks) == large  # nothing split again


def test_a_new_date_resplits_only_the_postings_of_its_name() -> None:
    # Two names in 40 letter cases each: both pair postings are split once travellers reach
    # them. A new entry of one name drops that name's blocks only; the other's stay.
    entries = [
        Entry(f"{text[:2]}{k}", Identity(names=[name], birth_dates=["1985-03-02"]))
        for text in ("zhakyp tursunbaev", "nurlan abdrakhmanov")
        for k, name in enumerate(_cases(text))
    ]
    m = Matcher(entries)
    for name in ("ZHAKYP TURSUNBAEV", "NURLAN ABDRAKHMANOV"):
        m.match(Identity(names=[name], birth_dates=["1985-03-02"]))
    split = set(m._pairs._blocks)
    assert len(split) >= 2
    entries.append(Entry("late", Identity(names=[entries[0].identity.names[0]],
                                          birth_dates=["1990-01-01"])))
    m.upsert(entries[-1])
    left = set(m._pairs._blocks)
    assert left and left < split  # the other name's blocks stay
    assert "late" in _alerts_as_compare(
        m, entries, Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=["1990-01-01"])
    )


def test_an_entry_changed_in_place_keeps_its_names_and_alerts_by_its_new_evidence() -> None:
    # 40 listed names (ZHAKYP TURSUNBAEV in 40 letter cases) share every posting, split by
    # date. An entry whose date, then nationality, change keeps its name's id, and alerts as
    # a list loaded with the new version would: found under its new date's block, its
    # evidence bounded by its new nationality (a year apart, only a shared one lifts it).
    spellings = [
        "".join(c.upper() if k >> i & 1 else c for i, c in enumerate("zhakyp tursunbaev"))
        for k in range(40)
    ]
    entries = [
        Entry(f"v{k}", Identity(names=[name], birth_dates=["1970-03-02"], nationalities=["FRA"]))
        for k, name in enumerate(spellings)
    ]
    m = Matcher(entries)
    m.warm()
    query = Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=["1985-03-02"],
                     nationalities=["KAZ"])
    assert "v3" not in _alerts_as_compare(m, entries, query)
    ids = dict(m._name_ids)
    for change, alerts in [({"birth_dates": ["1984-07-07"]}, False),
                           ({"nationalities": ["KAZ"]}, True),
                           ({"birth_dates": ["1970-03-02"]}, False),
                           ({"birth_dates": ["1985-03-02"]}, True)]:
        entries[3] = Entry("v3", entries[3].identity.model_copy(update=change))
        m.upsert(entries[3])
        assert ("v3" in _alerts_as_compare(m, entries, query)) is alerts, change
        assert m._name_ids == ids


def test_names_filed_after_a_match_are_found_by_the_same_traveller_name() -> None:
    """What a traveller name's keys reach is remembered from one crossing to the next (names
    repeat at a border); filing or unfiling a listed name must not leave it stale."""
    m = Matcher([Entry("a", Identity(names=["Zhakyp Tursunbaev"]))])
    query = Identity(names=["ZHAKYP TURSUNBAEV"])
    assert [h.entry_id for h in m.match(query)] == ["a"]
    m.upsert(Entry("b", Identity(names=["Zhakyp Tursunbayev"])))
    assert sorted(h.entry_id for h in m.match(query)) == ["a", "b"]
    m.remove("a")
    assert [h.entry_id for h in m.match(query)] == ["b"]


def test_a_traveller_name_met_again_scores_as_the_first_time() -> None:
    """The worths of a traveller name's few candidates are remembered, and each crossing by
    the name reaches other candidates (the date blocks of his own date of birth): every
    crossing gets the hits a matcher meeting him for the first time gives."""
    rng = random.Random(11)
    given = ["Abramov", "Belov", "Chernov", "Demidov", "Egorov", "Fomin", "Gusev", "Ilyin"]
    years = range(1970, 1990)
    entries = [
        Entry(
            f"e{k}",
            Identity(
                names=[f"Tursunbaev Zhakyp {rng.choice(given)}{rng.choice(['', 'a', 'ich'])}"],
                birth_dates=[f"{rng.choice(years)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"],
            ),
        )
        for k in range(120)
    ]
    m = Matcher(entries)
    fresh = Matcher(entries)
    seen: set[str] = set()
    for year in years:
        date = f"{year}-05-15"
        for name in ["TURSUNBAEV ZHAKYP BELOV", "TURSUNBAEV ZHAKYP"]:
            query = Identity(names=[name], birth_dates=[date])
            want = fresh.match(query)
            fresh.forget_travellers()  # (so that it meets the name for the first time)
            got = m.match(query)
            assert [(h.entry_id, h.score) for h in got] == [(h.entry_id, h.score) for h in want]
            seen.update(h.entry_id for h in got)
    assert len(seen) > 10  # the crossings reached many different entries
    m.forget_travellers()  # (what bench.matcher does between its name and passport runs)
    assert not (m._name_worths or m._query_cache or m._name_matches)
    assert m.match(query) == fresh.match(query)


def test_entries_of_a_common_name_split_by_date() -> None:
    # One name carried by 40 entries (as a common name is on a large list): a traveller born
    # 1985-03-02 reaches only the entries his dates allow, and the split follows the entries.
    entries = [
        Entry(f"e{k}", Identity(names=["Zhakyp Tursunbaev"],
                                birth_dates=_DATE_CASES[k % len(_DATE_CASES)]))
        for k in range(40)
    ]
    m = Matcher(entries)
    query = Identity(names=["TURSUNBAEV ZHAKYP"], birth_dates=["1985-03-02"])

    first = _alerts_as_compare(m, entries, query)
    assert {"e0", "e2", "e3", "e4", "e7", "e8"} <= first  # same, year before/after, typo, many
    assert not {"e5", "e6"} & first  # another month one digit apart; two digits apart
    entries.append(Entry("late", Identity(names=["Zhakyp Tursunbaev"], birth_dates=["1985"])))
    m.upsert(entries[-1])
    assert "late" in _alerts_as_compare(m, entries, query)
    m.remove("late")
    entries.pop()
    m.remove("e0")
    entries.pop(0)
    assert "e0" not in _alerts_as_compare(m, entries, query)


_DISTINCT_WORDS = [
    "Abramov", "Belov", "Chernov", "Demidov", "Egorov", "Fomin", "Gusev", "Ilyin", "Kozlov",
    "Lebedev", "Morozov", "Novikov", "Orlov", "Pavlov", "Romanov", "Sokolov", "Titov",
    "Ushakov", "Vasiliev", "Yakovlev", "Zaitsev", "Antonov", "Bogdanov", "Davydov", "Frolov",
    "Gromov", "Isaev", "Kiselev", "Lazarev", "Markov", "Nikitin", "Osipov", "Petrov",
    "Rodionov", "Savin", "Tarasov", "Uvarov", "Vinogradov", "Zhukov", "Belyaev",
]


_MORE = [
    "박",
    "의춘",
    "Zawahri",
    "Mohamed",
    "Hasan",
    "Yi",
    "A",
    "PAK<<UI<CHUN",
    "Rahmen",
    "Kimjongun",
]
_WORDS = st.lists(st.sampled_from([*WORDS, *_MORE]), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=120, deadline=None)
@given(_WORDS, st.lists(_WORDS, min_size=1, max_size=20))
@example("Minjun Park", ["Min Jun Park", "Park Min Jun"])  # joined words on either side
@example("Kim Jongun", ["Kimjongun", "Kim Jong Un"])
def test_name_bound_never_underestimates(query: str, listed: list[str]) -> None:
    table = NameTable()
    forms = [name_form(n) for n in listed]
    for fid, form in enumerate(forms):
        table.add(fid, form)
    q = name_form(query)
    ids = np.arange(len(forms))
    bounds = table.upper_bounds(q, ids)
    for fid, (form, bound) in enumerate(zip(forms, bounds.tolist(), strict=True)):
        m = match_forms(q, form)
        assert m.value + m.rarity <= bound, (query, form.source)
        # the weight cap keeps every name whose evidence and worth reach what is needed, and
        # gives the most its evidence adds (spared; an unbacked entry's less what it costs,
        # and a year entry's too unless the names are spelt the same)
        spared = np.linspace(-0.2, 0.2, len(forms))
        need = m.value + m.rarity + spared[fid]
        for kind, dated in ((SPARED, {}), (YEAR, {"same_year": True}), (UNBACKED, {})):
            evidence = np.full((len(forms), 3), -np.inf)
            evidence[:, kind] = spared
            cost = -uncorroborated(m, dated=True, **dated) if m.value > 0 and kind else 0.0
            kept, kept_evidence = table.hopeful(q, ids, evidence, need - cost, UNDATED_NAME)
            assert fid in kept.tolist(), (query, form.source, kind)
            assert (kept_evidence <= spared[kept]).all()
            if kind == SPARED or (kind == YEAR and m.identical):
                assert kept_evidence[kept.tolist().index(fid)] == spared[fid]


@settings(max_examples=200, deadline=None)
@given(_WORDS, st.lists(_WORDS, min_size=1, max_size=12), st.floats(-0.3, 1.0))
@example("MARIE WIMMER", ["Marie Wimmer"], -1.0)  # tied pairs never both free
@example("Kim Jongun", ["Kimjongun", "Kim Jong Un", "Jong Kim Un"], -1.0)
@example("Lee Min Ho", ["Yi Minho", "Rhee Min-ho"], -1.0)
@example("Hussein Ivan Hassan", ["An Husayn"], -1.0)  # letters break a sound-key tie
@example("Than, Ali Kim", ["Kim, Van"], -1.0)  # a family name only weakly alike is missed
@example(  # a word longer than kernels.indel takes: rapidfuzz compares it
    "Tanakakawaharayamamotoyoshidamatsumotoinoueyamaguchinakamurakobayashi Sato",
    ["Tanakakawaharayamamotoyoshidamatsumotoinoueyamaguchinakamurakobayasi Sato", "Sato"],
    -1.0,
)
def test_exact_worths_are_match_forms(query: str, listed: list[str], needed: float) -> None:
    """A name whose relaxed bound reaches `needed` is given `match_forms`' value + rarity
    exactly, or infinity where a tie only `match_forms` breaks decides; the others keep a
    bound that never underestimates."""
    table = NameTable()
    forms = [name_form(n) for n in listed]
    for fid, form in enumerate(forms):
        table.add(fid, form)
    q = name_form(query)
    got, detail = table.valued(q, np.arange(len(forms)), np.full(len(forms), needed))
    for form, value, row in zip(forms, got.tolist(), detail.tolist(), strict=True):
        m = match_forms(q, form)
        want = m.value + m.rarity
        assert value >= want, (query, form.source)
        exact = not np.isnan(row).any()  # (valued exactly: its relaxed bound reached needed)
        assert exact or value < needed or value == np.inf, (query, form.source)
        if exact:
            assert value == pytest.approx(want, abs=1e-8), (query, form.source)
            # what it came from, as match_forms has it (a stand-in for the match is built
            # from it: matchers.score.valued_match)
            assert row[:2] == pytest.approx([m.similarity, m.info], abs=1e-12), form.source
            assert row[2] == float(m.identical), (query, form.source)


def test_names_that_cannot_alert_are_not_aligned_in_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A name valued exactly by the kernels is scored from its similarity and information;
    # match_forms aligns it (to word the alert) only where it may alert. MOHAMMED ALI HASSAN
    # is worth an alert with a year of birth, but is not MUHAMMAD ALI HASAN spelt the same:
    # nothing backs it and it does not alert. NGUYEN VAN AN in Vietnamese does.
    calls: list[str] = []

    def counted(q: NameForm, listed: NameForm) -> NameMatch:
        calls.append(listed.source)
        return match_forms(q, listed)

    monkeypatch.setattr(index, "match_forms", counted)
    entries = [
        Entry("mohammed", Identity(names=["MOHAMMED ALI HASSAN"], birth_dates=["1985"])),
        Entry("nguyen", Identity(names=["Nguyễn Văn An"], birth_dates=["1985"])),
    ]
    m = Matcher(entries)
    query = Identity(names=["MUHAMMAD ALI HASAN"], birth_dates=["1985-03-02"])
    assert compare(query, entries[0].identity).score > 0.6  # (worth scoring)
    assert not _alerts_as_compare(m, entries, query)
    assert calls == []
    query = Identity(names=["NGUYEN VAN AN"], birth_dates=["1985-03-02"])
    assert _alerts_as_compare(m, entries, query) == {"nguyen"}
    assert calls == ["Nguyễn Văn An"]


def test_only_ties_match_forms_breaks_are_left_to_it() -> None:
    """Two pairs of units equally alike, both free and overlapping (ALI against either ALI
    of ALI HASSAN ALI): which one `match_forms` takes depends on the words' places, so the
    exact pass leaves the name to it. Pairs tied but never both free are decided."""
    table = NameTable()
    for fid, name in enumerate(["Ali Hassan Ali", "Ali Hassan", "Marie Wimmer", "Ali Musa Ali"]):
        table.add(fid, name_form(name))
    worths = table.upper_bounds(name_form("ALI"), np.arange(2), np.full(2, -1.0))
    assert worths[0] == np.inf
    m = match_forms(name_form("ALI"), name_form("Ali Hassan"))
    assert worths[1] == pytest.approx(m.value + m.rarity, abs=1e-8)
    for query, fid, name in [
        ("MARIE WIMMER", 2, "Marie Wimmer"),  # tied, never both free
        ("Ali Zawahiri Musa Ali", 3, "Ali Musa Ali"),  # tied with one already blocked
    ]:
        q = name_form(query)
        worth = table.upper_bounds(q, np.array([fid]), np.array([-1.0]))[0]
        m = match_forms(q, name_form(name))
        assert worth == pytest.approx(m.value + m.rarity, abs=1e-8), query


@settings(max_examples=150, deadline=None)
@given(_WORDS, _WORDS)
@example("J Smith", "J. Smith")  # the same initial
@example("J Smith", "John Smith")  # an initial and a word of its letter
@example("Lee Min Ho", "Yi Minho")  # a surname group
@example("Mohammed Ali", "Muhammad Aly")  # a shared sound key
def test_unit_similarities_are_the_scorers(query: str, listed: str) -> None:
    """What the name bound and the exact worth start from: each query unit's similarity with
    each listed spelling, the letters-only similarity that breaks its ties, and the
    letters-only similarity two joined units are compared by, all `score._unit_similarity`'s."""
    table = NameTable()
    form = name_form(listed)
    table.add(0, form)
    q = name_form(query)
    prepared = table._query(q)
    spellings, _, group_columns = table._columns(prepared, np.array([0]))
    best, letters, plain = table._similarities(prepared, spellings, group_columns)
    assert sorted(table._text.get(sid) for sid in spellings.tolist()) == sorted(
        {s for u in form.units for s in u.spellings}
    )
    for u, unit in enumerate(q.units):
        for c, sid in enumerate(spellings.tolist()):
            text = table._text.get(sid)
            want, want_letters, _, _ = _unit_similarity(unit.spellings, (text,), False)
            where = (query, listed, unit.spellings, text)
            assert best[u, c] == pytest.approx(want, abs=1e-12), where
            assert letters[u, c] == pytest.approx(want_letters, abs=1e-12), where
            joined = _unit_similarity(unit.spellings, (text,), True)[0]
            assert plain[u, c] == pytest.approx(joined, abs=1e-12), where


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=6), min_size=1, max_size=12),
    st.lists(st.integers(0, 50), max_size=6),
)
def test_columns_of_numbers_the_distinct_spellings(
    names: list[list[int]], members: list[int]
) -> None:
    """Each distinct spelling of the names gets one column, every listed spelling points at
    its own, a surname-group spelling at its column or -1 when no name holds it, and the
    scratch map is left as it came (the next query starts from it)."""
    # each name's record (kernels.NAME_HEADER) as one word of one spelling per id: its
    # spelling ids follow the header, the rest of the record after them
    records: list[float] = []
    at = []
    for name in names:
        at.append(len(records))
        header = [0.0] * kernels.NAME_HEADER
        header[kernels.NAME_TOKENS], header[kernels.NAME_SPELLINGS] = 1, len(name)
        records += [*header, *name, len(name), 1.0, 1.0]
    fids = np.arange(len(names))[::-1].copy()  # any order of names
    scratch = np.full(64, -1, dtype=np.int32)
    distinct, columns, found = kernels.columns_of(
        fids,
        np.array(at, dtype=np.int64),
        np.array(records),
        np.array(members, dtype=np.int64),
        scratch,
    )
    spelled = [sid for f in fids.tolist() for sid in names[f]]
    assert distinct.tolist() == list(dict.fromkeys(spelled))
    assert distinct[columns].tolist() == spelled
    assert found.tolist() == [distinct.tolist().index(m) if m in spelled else -1 for m in members]
    assert (scratch == -1).all()


def test_names_sharing_one_word_are_bounded_by_the_single_word_cap() -> None:
    """What makes the bound worth its cost: most names a traveller reaches share one word
    with him, and the bound must hold those to what one matched word can score."""
    table = NameTable()
    listed = ["Zawahri Ali", "Zawahri Mohamed", "Ali Zawahri", "Zawahri Hasan"]
    for fid, name in enumerate(listed):
        table.add(fid, name_form(name))
    bounds = table.upper_bounds(name_form("Zawahri Nguyen"), np.arange(len(listed)))
    single = NAME_MAX * max(0.0, 1.0 - ((1.0 - SINGLE_WORD_FACTOR) / 0.5) ** CURVE)
    assert 0.0 < bounds.max() <= single + 1e-9


def test_a_common_name_is_capped_under_name_max() -> None:
    """The weight cap: two common names cannot reach NAME_MAX (so a listed namesake born
    another day of the traveller's year, DOB_CONFLICT, is ruled out unscored); a
    distinctive one can."""
    table = NameTable()
    for fid, name in enumerate(["Nguyen Van An", "Zhakyp Tursunbaev Abdrakhmanovich"]):
        table.add(fid, name_form(name))
    # a name cut off by a full MRZ field is capped by NAME_MAX alone (its last word may be
    # the start of any longer one)
    field = "NGUYEN<<VAN<AN<" + "B" * 24  # 39 letters: the field is full, its end cut off
    assert name_form(field).truncated
    table.add(2, name_form(field))
    ids = np.arange(3)

    def hopeful(name: str, need: float, unbacked: bool = False) -> list[int]:
        nothing = np.full((3, 3), -np.inf)
        nothing[:, UNBACKED if unbacked else SPARED] = 0.0
        kept, _ = table.hopeful(name_form(name), ids, nothing, need, UNDATED_NAME)
        return kept.tolist()  # type: ignore[no-any-return]

    assert hopeful("NGUYEN VAN AN", NAME_MAX - 0.01) == [2]
    assert hopeful("ZHAKYP TURSUNBAEV ABDRAKHMANOVICH", NAME_MAX) == [1, 2]
    assert hopeful(field, NAME_MAX) == [0, 1, 2]
    assert hopeful(field, NAME_MAX + 0.001) == []
    # Dates that neither back nor spare a name cost a common one UNDATED_NAME times its
    # shortfall more (the lighter name's weight bounds the information matched, as for the
    # cap), a distinctive one nothing, a cut-off one nothing.
    short = 1 - name_form("NGUYEN VAN AN").total_weight / DISTINCTIVE_INFO
    cap = NAME_MAX - COMMON_PENALTY * short
    assert short > 0
    assert hopeful("NGUYEN VAN AN", cap - 0.001) == [0, 1, 2]
    assert hopeful("NGUYEN VAN AN", cap - 0.001, unbacked=True) == [2]
    assert hopeful("NGUYEN VAN AN", cap - UNDATED_NAME * short - 0.001, unbacked=True) == [0, 1, 2]
    assert hopeful("NGUYEN VAN AN", cap - UNDATED_NAME * short + 0.001, unbacked=True) == [2]
    assert hopeful("ZHAKYP TURSUNBAEV ABDRAKHMANOVICH", NAME_MAX, unbacked=True) == [1, 2]


def test_a_date_of_his_year_spares_a_name_only_if_it_may_be_spelt_the_same() -> None:
    """A listed date of the traveller's year that backs nothing spares the name only if the
    two are spelt the same (`score.uncorroborated`). A listed name with a word in no unit
    spelt as one of his cannot be, and loses UNDATED_NAME's share before it is compared
    (`kernels._may_be_identical`); the same words in another order or joined may be, and
    so, on this side, may a name of some of his words."""
    listed = ["Nguyen Van An", "An Van Nguyen", "Nguyenvan An", "Nguyen Van"]
    listed += ["Nguyen Van Anh", "Nguyen Anh", "Ng Van An", "Nguyen Van A"]
    table = NameTable()
    for fid, name in enumerate(listed):
        table.add(fid, name_form(name))
    q = name_form("NGUYEN VAN AN")
    ids = np.arange(len(listed))
    lightest = min(q.total_weight, *(name_form(n).total_weight for n in listed))
    need = NAME_MAX - COMMON_PENALTY * (1 - lightest / DISTINCTIVE_INFO) - 0.001
    assert UNDATED_NAME * (1 - q.total_weight / DISTINCTIVE_INFO) > COMMON_PENALTY
    year = np.full((len(listed), 3), -np.inf)
    year[:, YEAR] = 0.0
    kept, adds = table.hopeful(q, ids, year, need, UNDATED_NAME)
    assert kept.tolist() == [0, 1, 2, 3] and adds.tolist() == [0.0] * 4
    identical = [fid for fid, n in enumerate(listed) if match_forms(q, name_form(n)).identical]
    assert identical == [0, 1, 2]
    spared = np.full((len(listed), 3), -np.inf)
    spared[:, SPARED] = 0.0  # (an undated entry: nothing is lost)
    assert table.hopeful(q, ids, spared, need, UNDATED_NAME)[0].tolist() == ids.tolist()
    # a word spelt as one of his, yet covered by the pair joining it to the next
    joined, listed_name = name_form("MARIAELENA MARIA"), name_form("Maria Elena Maria")
    assert match_forms(joined, listed_name).identical
    table.add(len(listed), listed_name)
    one = np.array([len(listed)])
    assert table.hopeful(joined, one, year[:1], -np.inf, UNDATED_NAME)[1].tolist() == [0.0]


def test_entries_with_many_names_score_as_compare() -> None:
    rng = random.Random(4)
    entries = [
        Entry(
            f"m{i}",
            Identity(
                names=[
                    " ".join(rng.sample(WORDS, rng.randint(2, 3))) for _ in range(rng.randint(1, 4))
                ]
            ),
        )
        for i in range(150)
    ]
    m = Matcher(entries)
    for _ in range(40):
        words = rng.choice(entries).identity.names[-1].split()
        rng.shuffle(words)
        query = Identity(names=[" ".join(words).replace("a", "e", 1), rng.choice(WORDS)])
        want = {e.entry_id: compare(query, e.identity).score for e in entries}
        got = {h.entry_id: h.score for h in m.match(query)}
        assert got == {k: v for k, v in want.items() if v >= DEFAULT_THRESHOLD}


@pytest.mark.parametrize("big_posting", [index.BIG_POSTING, 2])
def test_dated_entries_score_as_compare(
    big_posting: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Birth dates prune most names before scoring (and split every posting into date blocks
    when postings of 2 count as large); what alerts is still what compare says, also after
    the dates of a name already split change."""
    monkeypatch.setattr(index, "BIG_POSTING", big_posting)
    rng = random.Random(9)

    def person(names: list[str]) -> Identity:
        year = rng.choice((1984, 1985, 1986, 1995))
        dates = [f"{year}-0{rng.randint(1, 3)}-0{rng.randint(1, 3)}"]
        return Identity(
            names=names,
            birth_dates=rng.choice([[], dates, [d[:4] for d in dates], [*dates, "1975"]]),
            nationalities=rng.choice([[], ["KHM"], ["VNM"]]),
        )

    entries = [
        Entry(f"d{i}", person([" ".join(rng.sample(WORDS, rng.randint(2, 3)))])) for i in range(200)
    ]
    m = Matcher(entries)
    # a name shared by two entries, then one of them removed
    twins = [Entry(e.entry_id + "x", person(e.identity.names)) for e in entries[:20]]
    for twin in twins:
        m.upsert(twin)
    for twin in twins[:10]:
        m.remove(twin.entry_id)
    held = [e for e in entries if e.entry_id in m] + twins[10:]

    def check(queries: int) -> None:
        for _ in range(queries):
            query = person([rng.choice(entries).identity.names[0]])
            want = {e.entry_id: compare(query, e.identity).score for e in held}
            got = {h.entry_id: h.score for h in m.match(query)}
            assert got == {k: v for k, v in want.items() if v >= DEFAULT_THRESHOLD}

    check(60)
    for entry in entries[20:40]:  # names already split by date gain entries of other dates
        added = Entry(entry.entry_id + "y", person(entry.identity.names))
        m.upsert(added)
        held.append(added)
    check(60)


def _namesakes(
    name: str, dates: list[list[str]], countries: list[list[str]], count: int, tag: str
) -> list[Entry]:
    """`count` entries of a name, each spelt in its own mix of upper and lower case (a
    distinct listed name each), with the dates and nationalities taken in turn."""
    return [
        Entry(
            f"{tag}{k}",
            Identity(
                names=["".join(c.lower() if k >> i & 1 else c for i, c in enumerate(name))],
                birth_dates=dates[k % len(dates)],
                nationalities=countries[k % len(countries)],
            ),
        )
        for k in range(count)
    ]


_POPULAR = ["NGUYEN VAN AN", "NGUYEN VAN ANH", "NGUYEN THI AN", "KIM MIN JUN", "KIM MIN JOON"]
_OTHER_YEARS = [
    ["1975-03-02"],  # his day, a digit of the year off: backs nothing, spares nothing
    ["1985-03-12"],  # his year, a digit of the day off: spares a name spelt the same
    ["1985-08-01", "1995-03-02"],  # an entry of two years: his, and a digit off
    ["1975-03-02", "1976"],
    ["1986"],
]


@pytest.mark.parametrize("big_posting", [index.BIG_POSTING, 2])
def test_names_popular_in_the_travellers_nationality_lose_nothing(
    big_posting: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Common names of Vietnam and Korea, listed with dates that back nothing (another year,
    a digit off) and nationalities shared or not: a nationality in which the traveller's
    name is popular backs no name, so such a name loses UNDATED_NAME's share before it is
    scored (`NameTable.hopeful`), unless a date of his year spares it. What alerts is still
    what compare says."""
    monkeypatch.setattr(index, "BIG_POSTING", big_posting)
    dates = _OTHER_YEARS + _DATE_CASES
    countries = [["VNM"], ["KOR"], ["KHM"], []]
    entries = [
        entry
        for n, name in enumerate(_POPULAR)
        for entry in _namesakes(name, dates, countries, 36, f"p{n}-")
    ]
    m = Matcher(entries)
    alerts: set[str] = set()
    for name in _POPULAR:
        for nationalities in (["VNM"], ["KOR"], ["KHM"], []):
            query = Identity(names=[name], birth_dates=["1985-03-02"], nationalities=nationalities)
            alerts |= _alerts_as_compare(m, entries, query)
    spared = {e.entry_id for e in entries if e.identity.birth_dates == _OTHER_YEARS[2]}
    assert alerts & spared  # (a name spelt the same: his year spares it)


@pytest.mark.parametrize(
    ("name", "alerts"),
    [("NGUYEN TRAN HUNG PAVLOV", True), ("NGUYEN PHAM HUNG LINH", False)],  # weights 1.427, 1.424
)
def test_a_traveller_gathers_other_years_only_where_they_may_alert(
    name: str, alerts: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name popular in the traveller's one nationality gathers the date blocks of his own
    years alone when its weight leaves an entry dated in other years no alert (`Matcher.
    _own_years`): at the edge, one name a little heavier still alerts on its namesakes born
    a digit of the year off, and one a little lighter gathers none of them; an entry of two
    years, his among them, is reached either way, and an entry of the year after with the
    year alone by neither (`Matcher._date_floors`: DOB_NEAR leaves even the heavier short)."""
    monkeypatch.setattr(index, "BIG_POSTING", 2)  # (every posting split into date blocks)
    typos = [["1975-03-02"], ["1984-03-02"]]  # a digit of the year off
    dates = [*typos, ["1986"], ["1985-08-01", "1995-03-02"], ["1985-03-02"], ["1960-01-01"]]
    entries = _namesakes(name, dates, [["VNM"]], 12, "n")
    m = Matcher(entries)
    query = Identity(names=[name], birth_dates=["1985-03-02"], nationalities=["VNM"])
    got = _alerts_as_compare(m, entries, query)
    apart = {e.entry_id for e in entries if e.identity.birth_dates in typos}
    assert (apart <= got) if alerts else not (apart & got)
    assert {e.entry_id for e in entries if len(e.identity.birth_dates) == 2} <= got
    # what is retrieved: those of his year, and those a digit off where they may alert
    own = [e for e in entries if any(d[:4] == "1985" for d in e.identity.birth_dates)]
    stats = MatchStats()
    m.match(query, stats)
    assert stats.retrieved == len(own) + (len(apart) if alerts else 0)


def test_each_name_of_a_traveller_gathers_the_years_it_needs() -> None:
    """A traveller of two names, one popular in his nationality and light (his own years
    suffice for it), one distinctive (every year a digit off may alert): each gathers its
    own date blocks, and the entries of a name carried by many (split by date) are those
    its blocks reach."""
    light, heavy = "NGUYEN PHAM HUNG LINH", "ZHAKYP TURSUNBAEV"
    dates = [["1975-03-02"], ["1984-03-02"], ["1985-03-02"], ["1960-01-01"]]
    entries = [
        Entry(f"{name[0]}{k}", Identity(names=[name], birth_dates=born, nationalities=["VNM"]))
        for name in (light, heavy)
        for k, born in enumerate(dates * (index.MANY_ENTRIES // 4 + 1))
    ]
    m = Matcher(entries)
    assert len(m._entry_blocks) == 2  # (both names' entries split by date)
    for names in ([light, heavy], [heavy, light]):
        query = Identity(names=names, birth_dates=["1985-03-02"], nationalities=["VNM"])
        got = _alerts_as_compare(m, entries, query)
        near = {e.entry_id for e in entries if e.identity.birth_dates != dates[3]}
        assert {eid for eid in near if eid[0] == "Z"} <= got
        # retrieved: the light name's namesakes of his year, the heavy one's of every year
        # a digit off
        own = {eid for eid in near if eid[0] == "Z" or int(eid[1:]) % 4 == 2}
        assert m.candidates(prepare(query)) == own


@pytest.mark.parametrize(
    ("name", "bears"),
    [("NGUYEN VAN AN ZHAKYP TURSUNBAEV", True), ("NGUYEN VAN AN", False)],  # 2.305, 0.305
)
def test_conflicting_dates_are_gathered_only_by_a_name_that_may_bear_them(
    name: str, bears: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A distinctive listed name may alert with a full date that conflicts with the
    traveller's (another day of his year, or a year apart: DOB_CONFLICT), so the full dates
    of such a name are filed by year apart from the others' (LOOSE_YEAR). A distinctive
    traveller name gathers them and alerts on them as compare does; one short of distinctive
    cannot bear a conflict, and gathers its namesakes born on his day alone."""
    monkeypatch.setattr(index, "BIG_POSTING", 2)  # (every posting split into date blocks)
    conflicts = [["1985-03-28"], ["1984-12-28"]]
    dates = [*conflicts, ["1985-03-02"], ["1960-01-01"]]
    entries = _namesakes("NGUYEN VAN AN ZHAKYP TURSUNBAEV", dates, [["FRA"]], 8, "z")
    m = Matcher(entries)
    query = Identity(names=[name], birth_dates=["1985-03-02"], nationalities=["FRA"])
    got = _alerts_as_compare(m, entries, query)
    conflicting = {e.entry_id for e in entries if e.identity.birth_dates in conflicts}
    assert (conflicting <= got) if bears else not (conflicting & got)
    his_day = {e.entry_id for e in entries if e.identity.birth_dates == ["1985-03-02"]}
    assert his_day <= got
    assert m.candidates(prepare(query)) == (his_day | conflicting if bears else his_day)


def test_a_name_of_no_value_loses_nothing_under_a_threshold_evidence_reaches() -> None:
    """A name matched with no value loses nothing for dates that do not back it
    (`score.uncorroborated`): under a threshold its evidence alone reaches, the matcher does
    not count UNDATED_NAME's share against it."""
    query = Identity(
        names=["NGUYEN VAN ZHAKYP TURSUNBAEV ABDRAKHMANOVICH"],
        birth_dates=["1985-03-02"],
        nationalities=["VNM"],
    )
    listed = Identity(
        names=["NGUYEN VAN KOZLOV LEBEDEV VINOGRADOV"],  # two common words alike of five
        birth_dates=["1975-03-02"],  # a digit off: it backs nothing
        nationalities=["VNM"],  # where NGUYEN is popular: it backs nothing
    )
    want = compare(query, listed, threshold=0.02)
    assert want.alert and want.features[0].value == 0.0  # (the name is worth nothing)
    hits = Matcher([Entry("a", listed)], threshold=0.02).match(query)
    assert [(h.entry_id, h.score) for h in hits] == [("a", want.score)]


@settings(deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2), st.integers(0, 40)), max_size=300))
@example(  # three large postings; two change until their garbage moves the third
    [(True, k, f) for k in range(3) for f in range(40)]
    + [(add, k, 50) for add in (True, False) for k in (0, 1)] * 2
)
@example(  # a tuple large enough to be split shrinks, then grows again with another id
    [(True, 0, f) for f in range(index.BIG_POSTING)] + [(False, 0, 0), (True, 0, 41)]
)
def test_postings_hold_what_was_filed(ops: list[tuple[bool, int, int]]) -> None:
    # One id, a tuple of a few, a set, the cached array, the date blocks in the store (here
    # a block per id's parity): every form answers as a set would, while postings change,
    # are split again and the store writes its garbage away (at any garbage, here).
    store = _BlockStore()
    postings, model = _Postings(store), {k: set() for k in range(3)}

    def split(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(ids % 2, kind="stable")
        return ids[order] % 2, ids[order]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "BLOCK_SLACK", 0)
        for add, changed, fid in ops:
            (postings.add if add else postings.discard)(changed, fid)
            (model[changed].add if add else model[changed].discard)(fid)
            store.compact()
            for key in model:  # (the others' blocks may have moved)
                small: list[int] = []
                large: list[tuple[_Postings, object]] = []
                postings.gather([key], small, large)
                arrays = [np.array(small, dtype=np.int64)]
                arrays += [posting.array(large_key) for posting, large_key in large]
                assert sorted(_union(arrays).tolist()) == sorted(model[key])
                spans = np.array([p.span(k, split) for p, k in large], dtype=np.int64)
                odd = kernels.names_in_blocks(
                    np.array([i for i in small if i % 2], dtype=np.int64), store.codes,
                    store.ids, spans.reshape(-1, 2), np.array([1]),
                )
                assert sorted(odd.tolist()) == sorted(i for i in model[key] if i % 2)
                assert postings.size(key) == len(model[key])
    assert len(postings) == sum(1 for ids in model.values() if ids)


# A small list shaped like a large one: few words, so pairs are shared by many names (large
# postings, split by date) and a few names are carried by many entries (split by date too).
# Undated entries and entries of several years are rare: they put a name in every block.
_LIVE_NAMES = ["Nguyen Van An", "Nguyen Thi Lan", "Kim Jong Un", "Park Min Jun",
               "Ali Hassan Omar", "Ivan Petrov", "Tran Van Anh", "Lee Min"]
_LIVE_DATES = [["1985"], ["1984"], ["1985-03-02"], ["1985-03-12"], ["1984-07-07"],
               ["1945-03-02"], ["1985-02-03"], ["1985-03"], ["1971-11-30"], ["1990"]]
_LIVE_COUNTRIES = [[], ["VNM"], ["KOR"], ["FRA"], ["VNM", "KHM"]]


def _live_identity(rng: random.Random) -> Identity:
    names = [rng.choice(_LIVE_NAMES) if rng.random() < 0.6
             else " ".join(rng.sample(WORDS, rng.randint(2, 3)))]
    if rng.random() < 0.2:
        names.append(" ".join(rng.sample(WORDS, 2)))  # an alias
    dates = rng.choice(_LIVE_DATES)
    roll = rng.random()
    if roll < 0.03:
        dates = []
    elif roll < 0.06:
        dates = ["1960", *dates]
    documents = [{"number": f"P{rng.randrange(40):07d}"}] if rng.random() < 0.1 else []
    return Identity.model_validate({
        "names": names,
        "birth_dates": dates,
        "nationalities": rng.choice(_LIVE_COUNTRIES),
        "documents": documents,
    })


def _live_change(rng: random.Random, identity: Identity) -> Identity:
    """A new version of a listed person, as lists change them: most often his dates, his
    nationalities or his aliases, the names he keeps left as they were; else anyone."""
    other = _live_identity(rng)
    roll = rng.random()
    if roll < 0.3:
        return identity.model_copy(update={"birth_dates": other.birth_dates})
    if roll < 0.45:
        return identity.model_copy(update={"nationalities": other.nationalities})
    if roll < 0.6:
        return identity.model_copy(update={"names": [*identity.names, *other.names][-4:]})
    if roll < 0.7:
        return identity.model_copy(update={"names": identity.names[-1:]})
    return other


def _snapshotted(matcher: Matcher) -> Matcher:
    """The matcher as a worker loads it from a snapshot (`streams.snapshot`)."""
    loaded = pickle.loads(pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded, Matcher)
    return loaded


def test_a_snapshotted_matcher_owns_its_arrays_and_aligns_its_records() -> None:
    matcher = Matcher(_entries(300))
    matcher.warm()
    loaded = _snapshotted(matcher)
    store, records = loaded._block_store, loaded._evidence._records.data
    assert store.codes.flags.owndata and store.ids.flags.owndata  # (grown in place)
    assert records.ctypes.data % evidence.CACHE_LINE == 0
    assert (records == matcher._evidence._records.data[: len(records)]).all()


def test_a_snapshot_holds_the_list_alone_without_room_or_garbage() -> None:
    # A list whose common name's postings are split by date, then changed (its blocks
    # dropped, left as garbage in the store) and met by travellers: the pickle holds each
    # array as long as its content, the store no garbage, and no traveller's name.
    entries = _one_name_in_many_cases()
    matcher = Matcher(entries)
    matcher.warm()
    entries[0] = Entry("z0", Identity(names=["Zhakyp Tursunbaev"], birth_dates=["1990-01-01"]))
    matcher.upsert(entries[0])
    travellers = [
        Identity(names=["Quentin Zyxwarble"], birth_dates=["1985-03-02"]),
        Identity(names=["ZHAKYP TURSUNBAEV"], birth_dates=["1990-01-01"]),
    ]
    before = [[h.model_dump() for h in matcher.match(t)] for t in travellers]
    store = matcher._block_store
    assert store._size > store._live  # (garbage to write away)
    pickled = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"zyxwarble" not in pickled.lower() and b"quentin" not in pickled.lower()
    loaded = pickle.loads(pickled)
    store = loaded._block_store
    assert len(store.codes) == len(store.ids) == store._size == store._live
    table, held = loaded._table, loaded._evidence
    columns = [table._names, table._name_at, table._spellings, table._spelling_at, table._text]
    for column in [*columns, held._pool, held._by_day]:
        assert len(column._data) == column._size == len(column)
    assert len(held._records.data) == held._records.size == loaded._next_id
    assert [[h.model_dump() for h in loaded.match(t)] for t in travellers] == before
    assert before[1] and before[1][0]["entry_id"] == "z0"


@pytest.mark.parametrize("snapshot", [False, True], ids=["built", "from-snapshot"])
@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_a_list_changed_live_matches_as_the_same_list_loaded_afresh(
    snapshot: bool, seed: int
) -> None:
    # A worker loads its list (or a snapshot of it), warms, then takes changes while it
    # matches (upserts that move dates, nationalities or aliases and keep the other names,
    # upserts of anyone, removals, new entries, entries back again).
    # Whatever it remembered before a change (its postings split by date, the entries of a
    # common name split by date, the traveller names' postings, name matches and worths),
    # it must alert exactly as a worker that loaded the list as it now stands.
    rng = random.Random(seed)
    held = {f"e{k}": _live_identity(rng) for k in range(160)}
    live = Matcher(Entry(k, v) for k, v in held.items())
    live.warm()
    if snapshot:  # (and again half-way, with changes and caches behind it)
        live = _snapshotted(live)
    travellers = [_live_identity(rng) for _ in range(8)]
    changed: list[Identity] = []
    for step in range(1, 121):
        if snapshot and step == 61:
            live = _snapshotted(live)
        roll = rng.random()
        eid = rng.choice(sorted(held))
        if roll < 0.55:
            held[eid] = _live_change(rng, held[eid])
        elif roll < 0.7:
            del held[eid]
            live.remove(eid)
            continue
        else:
            eid = f"n{rng.randrange(60)}"
            held[eid] = _live_identity(rng)
        live.upsert(Entry(eid, held[eid]))
        changed.append(held[eid])  # (the person it lists crosses next)
        live.match(rng.choice(travellers))
        if step % 20:
            continue
        fresh = Matcher(Entry(k, v) for k, v in held.items())
        fresh.warm()
        for traveller in travellers + changed[-10:]:
            got = [h.model_dump() for h in live.match(traveller)]
            assert got == [h.model_dump() for h in fresh.match(traveller)], (step, traveller)


_PICKLED_ELSEWHERE = """
import pickle, sys
from matchers import Identity, Matcher
from watchlists import load
from watchlists.loaders import packaged_un_list

entries = list(load(packaged_un_list()))
travellers = [
    Identity(names=e.identity.names[:1], birth_dates=e.identity.birth_dates) for e in entries[::9]
]
if sys.argv[1] == "write":
    matcher = Matcher(entries)
    matcher.warm()
    sys.stdout.buffer.write(pickle.dumps(matcher))
else:
    matcher = pickle.loads(sys.stdin.buffer.read()) if sys.argv[1] == "read" else Matcher(entries)
    hits = [[(h.entry_id, h.score, h.explanation) for h in matcher.match(t)] for t in travellers]
    sys.stdout.write(repr(hits))
"""


def test_a_matcher_pickled_in_one_process_matches_alike_in_another() -> None:
    """A snapshot of the index (`streams.snapshot`) is loaded by other processes, whose
    string hashes differ: nothing the index files may depend on them (pair keys did)."""

    def run(step: str, seed: str, given: bytes = b"") -> bytes:
        return subprocess.run(
            [sys.executable, "-c", _PICKLED_ELSEWHERE, step],
            input=given,
            capture_output=True,
            check=True,
            timeout=600,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout

    pickled = run("write", "1")
    loaded, fresh = run("read", "2", pickled), run("fresh", "3")
    assert loaded == fresh
    assert fresh.count(b"UN:") >= 730 // 9  # (each traveller finds at least himself)
