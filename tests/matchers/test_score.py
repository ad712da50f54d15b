"""Scoring: the cases the issue names, the evidence rules, and properties that must hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import Band, Comparison, Document, Identity, compare
from matchers.names import name_form
from matchers.result import Feature, Hit
from matchers.score import (
    DEFAULT_THRESHOLD,
    DOB_TYPO,
    Date,
    _best_date,
    _date_pair,
    hit_for,
    match_forms,
    prepare,
    score_prepared,
    score_with,
)


def score(a: str, b: str, **kw: list[str]) -> float:
    q = {k[2:]: v for k, v in kw.items() if k.startswith("q_")}
    ls = {k[2:]: v for k, v in kw.items() if k.startswith("l_")}
    return compare(Identity(names=[a], **q), Identity(names=[b], **ls)).score  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("NGUYEN VAN AN", "Nguyễn Văn Ân"),
        ("PAK UI CHUN", "박의춘"),
        ("PAK<<UI<CHUN", "박의춘"),
        ("김정은", "Kim Jong-un"),
        ("KIM JONGUN", "Kim Jong Un"),
        ("J\u043ehn Sm\u0456th", "John Smith"),
        ("Vladimir Putin", "Владимир Путин"),
        ("Zhang Xueyou", "张学友"),
        ("Abdulrahman Khalid Ahmed", "Abd al-Rahman Khalid Ahmed"),
        ("MUELLER<<HANS<PETER", "Hans Peter Müller"),
        ("Shin Youngok", "신영옥"),
        ("Somchai Wongsawat", "สมชาย วงศ์สวัสดิ์"),
        ("Ayman al-Zawahiri", "Ayman Zawahiri"),
        ("HABASH GEORGE", "George Habbash"),
    ],
)
def test_names_the_issue_requires_to_match(query: str, listed: str) -> None:
    result = compare(Identity(names=[query]), Identity(names=[listed]))
    assert result.alert, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Mohammed Ali", "Mohammed Hassan"),
        ("Andres Perez", "Andrea Gomez"),
        ("Kim Jong-un", "Kim Jong-il"),
        ("Eric Badege", "Frank Kakolele Bwambale"),
    ],
)
def test_different_people_do_not_alert(query: str, listed: str) -> None:
    assert not compare(Identity(names=[query]), Identity(names=[listed])).alert


def test_common_name_alone_is_at_most_a_weak_alert() -> None:
    exact = compare(Identity(names=["NGUYEN VAN AN"]), Identity(names=["Nguyễn Văn Ân"]))
    assert exact.band in {Band.POSSIBLE, Band.NONE}
    near = compare(Identity(names=["NGUYEN VAN ANH"]), Identity(names=["NGUYEN VAN AN"]))
    assert near.band is Band.NONE
    assert compare(Identity(names=["김민준"]), Identity(names=["KIM MINJUN"])).band in {
        Band.POSSIBLE,
        Band.NONE,
    }


@pytest.mark.parametrize(
    ("traveller", "aliases", "born", "his"),
    [
        # the alias spelt otherwise sorts first among names of equal worth
        ("NURUL YUSOF", ["Nurul Yusof", "Naura Yusof"], "2003", "Nurul Yusof"),
        # a Hangul name read as he spells it, beside an alias more alike by weight
        ("PHAK SEO JUN", ["Baek Seo-jun", "백서준"], "1974", "백서준"),
    ],
)
def test_a_listed_person_under_his_own_name_is_not_hidden_by_an_alias(
    traveller: str, aliases: list[str], born: str, his: str
) -> None:
    """A listed person known by his year of birth alone crosses under one of his names,
    spelt the same: a weak alert, whatever his other names (the entry scores by its pair
    of names that scores best, not by the most alike, which his year does not back)."""
    query = Identity(names=[traveller], birth_dates=[f"{born}-04-13"])
    alone = {n: compare(query, Identity(names=[n], birth_dates=[born])) for n in aliases}
    assert [n for n, c in alone.items() if c.alert] == [his]
    assert alone[his].band is Band.POSSIBLE
    for names in (aliases, aliases[::-1]):
        result = compare(query, Identity(names=names, birth_dates=[born]))
        assert result == alone[his], names


def test_common_name_is_lifted_by_date_of_birth() -> None:
    alone = score("NGUYEN VAN AN", "Nguyễn Văn Ân")
    with_dob = score(
        "NGUYEN VAN AN", "Nguyễn Văn Ân", q_birth_dates=["1970-03-02"], l_birth_dates=["1970-03-02"]
    )
    assert with_dob > alone + 0.1
    assert compare(
        Identity(names=["NGUYEN VAN AN"], birth_dates=["1970-03-02"]),
        Identity(names=["Nguyễn Văn Ân"], birth_dates=["1970-03-02"]),
    ).band in {Band.PROBABLE, Band.CONFIRMED}


def test_distinctive_name_outranks_common_name() -> None:
    assert score("Ayman al-Zawahiri", "Ayman al-Zawahiri") > score("Nguyen Van An", "Nguyen Van An")


@pytest.mark.parametrize(
    ("q", "ls", "direction"),
    [
        ("1970-03-02", "1970-03-02", 1),
        ("1970-03-02", "1970-02-03", 1),  # day and month swapped
        ("1970-03-02", "1970-03-05", 1),  # one digit
        ("1970", "1970-03-02", 1),  # year only
        ("1970-03-02", "1985-11-20", -1),
    ],
)
def test_birth_date_rules(q: str, ls: str, direction: int) -> None:
    # The date's own feature; a date short of the month also leaves a name short of
    # distinctive unbacked (test_dates_that_do_not_back_a_name).
    result = compare(
        Identity(names=["Ayman al-Zawahiri"], birth_dates=[q]),
        Identity(names=["Ayman al-Zawahiri"], birth_dates=[ls]),
    )
    (date,) = [f.value for f in result.features if f.name == "birth_date"]
    assert date * direction > 0


def test_two_full_dates_of_one_month_are_a_conflict() -> None:
    def date(q: str, ls: str) -> float:
        result = compare(
            Identity(names=["Ayman al-Zawahiri"], birth_dates=[q]),
            Identity(names=["Ayman al-Zawahiri"], birth_dates=[ls]),
        )
        return next(f.value for f in result.features if f.name == "birth_date")

    from matchers.score import DOB_CONFLICT, DOB_MONTH

    assert date("1970-03-02", "1970-03-27") == DOB_CONFLICT  # two digits: not a typo
    assert date("1970-03", "1970-03-27") == DOB_MONTH  # the list does not know the day


def test_dates_that_do_not_back_a_name() -> None:
    # Both carry dates that do not agree to the month: a merely similar common name does not
    # alert, nor does the same common name a year apart; the same name spelt the same with
    # the same year stays a weak alert (a list that knows only the year can give no more, and
    # the listed person must alert under his own name); a distinctive name stands alone.
    def compared(a: str, q: list[str], b: str, ls: list[str]) -> Comparison:
        return compare(Identity(names=[a], birth_dates=q), Identity(names=[b], birth_dates=ls))

    same_year = compared("Richard Oravec", ["1989-02-21"], "Richard Oravec", ["1989"])
    assert same_year.alert and same_year.band is Band.POSSIBLE
    year_apart = compared("Richard Oravec", ["1989-02-21"], "Richard Oravec", ["1990"])
    assert not year_apart.alert
    assert any(f.name == "name_uncorroborated" for f in year_apart.features)
    assert not compared("Rikard Oravec", ["1989-02-21"], "Richard Oravec", ["1989"]).alert
    assert compared("Richard Oravec", [], "Richard Oravec", []).alert
    assert compared("Richard Oravec", ["1989-02-21"], "Richard Oravec", ["1989-02-21"]).alert
    assert compared("Ayman al-Zawahiri", ["1951-06-19"], "Ayman al-Zawahiri", ["1951"]).alert


def test_a_nationality_where_the_name_is_popular_is_no_evidence() -> None:
    from matchers import tables
    from matchers.score import NATIONALITY_SAME, NATIONALITY_TYPICAL

    assert "VNM" in tables.name_countries()["nguyen"]
    assert "KOR" in tables.name_countries()["seojun"]  # a given name written as one word
    typical = compare(
        Identity(names=["NGUYEN VAN AN"], nationalities=["VNM"]),
        Identity(names=["Nguyễn Văn Ân"], nationalities=["VNM"]),
    )
    nationality = next(f for f in typical.features if f.name == "nationality")
    assert nationality.value == NATIONALITY_TYPICAL and "popular" in nationality.detail
    telling = compare(
        Identity(names=["NGUYEN VAN AN"], nationalities=["DEU"]),
        Identity(names=["Nguyễn Văn Ân"], nationalities=["DEU"]),
    )
    assert next(f for f in telling.features if f.name == "nationality").value == NATIONALITY_SAME
    # A typical nationality backs no similar common name; an unexpected one does.
    at_home = compare(
        Identity(names=["Muhammad Islam"], nationalities=["BGD"]),
        Identity(names=["MOHAMMAD ESLAMI"], nationalities=["BGD"]),
    )
    assert not at_home.alert
    abroad = compare(
        Identity(names=["Muhammad Islam"], nationalities=["KOR"]),
        Identity(names=["MOHAMMAD ESLAMI"], nationalities=["KOR"]),
    )
    assert abroad.alert


def test_exact_date_beats_fuzzy_date() -> None:
    args = ("Ayman al-Zawahiri", "Ayman al-Zawahiri")
    exact = score(*args, q_birth_dates=["1951-06-19"], l_birth_dates=["1951-06-19"])
    swapped = score(*args, q_birth_dates=["1951-06-19"], l_birth_dates=["1951-19-06"[:5] + "06-19"])
    year = score(*args, q_birth_dates=["1951"], l_birth_dates=["1951-06-19"])
    assert exact >= swapped and exact > year


def test_nationality_and_sex() -> None:
    base = score("Ayman al-Zawahiri", "Ayman al-Zawahiri")
    same = score(
        "Ayman al-Zawahiri", "Ayman al-Zawahiri", q_nationalities=["EG"], l_nationalities=["EGY"]
    )
    other = score(
        "Ayman al-Zawahiri", "Ayman al-Zawahiri", q_nationalities=["FRA"], l_nationalities=["EGY"]
    )
    assert other < base < same
    a = Identity(names=["Ayman al-Zawahiri"], sex="M")
    b = Identity(names=["Ayman al-Zawahiri"], sex="F")
    assert compare(a, b).score < base


def test_document_is_the_strongest_evidence() -> None:
    q = Identity.model_validate(
        {"names": ["Unrelated Person"], "documents": [{"number": "OB0243318"}]}
    )
    listed = Identity.model_validate(
        {"names": ["Eric Badege"], "documents": [{"number": "OB 0243318"}]}
    )
    assert compare(q, listed).alert
    ocr = Identity.model_validate(
        {"names": ["Eric Badege"], "documents": [{"number": "0B0243318"}]}
    )
    result = compare(ocr, listed)
    assert result.alert and any(f.name == "document" for f in result.features)


def test_explanation_names_the_reading_and_features() -> None:
    result = compare(
        Identity(names=["PAK UI CHUN"], birth_dates=["1944-10-10"]),
        Identity(names=["박의춘"], birth_dates=["1944-10-10"]),
    )
    assert "박의춘" in result.explanation and "PAK UI CHUN" in result.explanation
    assert "McCune-Reischauer" in result.explanation
    assert {f.name for f in result.features} >= {"name", "birth_date"}
    assert result.matched_name == "박의춘" and result.query_name == "PAK UI CHUN"
    assert abs(sum(f.value for f in result.features) - result.score) < 0.01


def test_threshold_and_bands() -> None:
    r = compare(
        Identity(names=["Ayman al-Zawahiri"]), Identity(names=["Ayman al-Zawahiri"]), threshold=0.99
    )
    assert not r.alert and r.band is Band.NONE
    assert DEFAULT_THRESHOLD == 0.70


_NAME = st.lists(
    st.sampled_from(
        [
            "Ali",
            "Kim",
            "Nguyễn",
            "Mohammed",
            "Park",
            "Jong",
            "Un",
            "Van",
            "Hassan",
            "Zawahiri",
            "Ayman",
            "박",
            "의춘",
            "Иван",
            "Müller",
            "al",
            "Abd",
            "Lee",
        ]
    ),
    min_size=1,
    max_size=4,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_NAME, _NAME)
def test_compare_is_symmetric_in_score(a: str, b: str) -> None:
    x, y = Identity(names=[a]), Identity(names=[b])
    assert compare(x, y).score == compare(y, x).score


_SELF = st.sampled_from(
    [
        "박의춘",
        "김정은",
        "张学友",
        "สมชาย วงศ์สวัสดิ์",
        "Владимир Путин",
        "صدام حسين التكريتي",
        "Nguyễn Văn Ân",
        "Hans Peter Müller",
        "Ayman al-Zawahiri",
        "ສົມສັກ ພົມມະ",
    ]
)


@settings(max_examples=60, deadline=None)
@given(_SELF, st.integers(0, 3))
def test_a_name_matches_itself_in_every_form_we_produce(name: str, which: int) -> None:
    from matchers.names import name_form

    form = name_form(name)
    spellings = [t.spellings[min(which, len(t.spellings) - 1)] for t in form.tokens]
    for text in (
        name,
        " ".join(spellings).upper(),
        " ".join(reversed(spellings)),
        spellings[0].upper() + "<<" + "<".join(spellings[1:]).upper(),
    ):
        assert compare(Identity(names=[text]), Identity(names=[name])).alert, text


def test_joined_words_do_not_match_by_sound_alone() -> None:
    # HASANISLAM and HOSEYNSALAMI share a sound key; as one word each they say nothing.
    assert not compare(Identity(names=["Hasan Islam"]), Identity(names=["Hoseyn SALAMI"])).alert


def test_two_full_dates_a_year_apart_count_against() -> None:
    base = score("Ayman al-Zawahiri", "Ayman al-Zawahiri")
    full = score(
        "Ayman al-Zawahiri",
        "Ayman al-Zawahiri",
        q_birth_dates=["1951-06-19"],
        l_birth_dates=["1952-02-03"],
    )
    years = score(
        "Ayman al-Zawahiri", "Ayman al-Zawahiri", q_birth_dates=["1951"], l_birth_dates=["1952"]
    )
    assert full < years < base


def test_a_glued_honorific_and_joined_words_still_match() -> None:
    for disguised, listed in [
        ("HAJIMUHAMMAD ASHRAF", "HAJI MUHAMMAD ASHRAF"),
        ("NIK MOHAMMADDOST MOHAMMAD", "NIK MOHAMMAD DOST MOHAMMAD"),
    ]:
        result = compare(Identity(names=[disguised]), Identity(names=[listed]))
        assert result.alert, (disguised, result.explanation)


def test_a_similar_common_name_alone_needs_corroboration() -> None:
    # The issue: a common full name alone gives at most a weak alert unless the date of
    # birth, nationality or a document corroborates it; a merely similar one gives none.
    traveller = Identity(names=["Muhammad Islam"], birth_dates=["1988-12-14"])
    listed = Identity(names=["MOHAMMAD ESLAMI"])
    alone = compare(traveller, listed)
    assert not alone.alert and any(f.name == "name_uncorroborated" for f in alone.features)
    dated = Identity(names=["MOHAMMAD ESLAMI"], birth_dates=["1988-12-14"])
    assert compare(traveller, dated).band in {Band.PROBABLE, Band.CONFIRMED}
    same_country = compare(  # a nationality the name is not typical of
        Identity(names=["Muhammad Islam"], nationalities=["KOR"]),
        Identity(names=["MOHAMMAD ESLAMI"], nationalities=["KOR"]),
    )
    assert same_country.alert
    spelt_the_same = compare(Identity(names=["Muhammad Islam"]), Identity(names=["MUHAMMAD ISLAM"]))
    assert spelt_the_same.band is Band.POSSIBLE


def test_a_distinctive_name_needs_no_corroboration() -> None:
    result = compare(Identity(names=["Aiman al-Zawahri"]), Identity(names=["Ayman al-Zawahiri"]))
    assert result.alert and all(f.name != "name_uncorroborated" for f in result.features)


def test_equally_floored_words_pair_by_spelling() -> None:
    # HUSAYN shares a sound key with both HUSSEIN and HASSAN; pairing it with HASSAN left
    # HASAN unmatched (OFAC aliases of one person).
    m = match_forms(
        name_form("Husayn Kamil Hasan AL-MAJID"), name_form("Hussein Kamel Hassan AL-MAJID")
    )
    assert ("husayn", "hussein") in {(a, b) for a, b, _ in m.pairs}
    assert compare(
        Identity(names=["Husayn Kamil Hasan AL-MAJID"]),
        Identity(names=["Hussein Kamel Hassan AL-MAJID"]),
    ).alert


def _date_pair_as_text(a: Date, b: Date) -> tuple[float, str] | None:
    """The one-digit typo rule as `_date_pair` first wrote it: the two full dates formatted
    YYYYMMDD and compared character by character (None: not a typo by this rule)."""
    (ya, ma, da), (yb, mb, db) = a, b
    if ma is None or mb is None or da is None or db is None or a == b:
        return None
    if ya == yb and (ma, da) == (db, mb):
        return None  # swapped, tested first
    sa, sb = f"{ya:04d}{ma:02d}{da:02d}", f"{yb:04d}{mb:02d}{db:02d}"
    if sum(x != y for x, y in zip(sa, sb, strict=True)) == 1:
        return DOB_TYPO, "date of birth one digit apart"
    return None


_PART = st.one_of(st.none(), st.integers(0, 99))
_ANY_DATE = st.tuples(st.integers(0, 9999), _PART, _PART)


@st.composite
def _near_dates(draw: st.DrawFn) -> tuple[Date, Date]:
    """Two dates, the second often the first with a digit or two changed (as text)."""
    a = draw(_ANY_DATE)
    if draw(st.booleans()):
        return a, draw(_ANY_DATE)
    y, m, d = a
    digits = list(f"{y:04d}{m or 0:02d}{d or 0:02d}")
    for place in draw(st.lists(st.integers(0, 7), max_size=3)):
        digits[place] = str(draw(st.integers(0, 9)))
    text = "".join(digits)
    b = (int(text[:4]), None if m is None else int(text[4:6]), None if d is None else int(text[6:]))
    return a, b


@settings(max_examples=1500, deadline=None)
@given(_near_dates())
def test_the_one_digit_typo_is_the_one_character_the_text_differs_in(
    pair: tuple[Date, Date],
) -> None:
    """`_date_pair` counts the digits two dates differ in on integers: as the text would."""
    a, b = pair
    typo = _date_pair_as_text(a, b)
    got = _date_pair(a, b)
    assert got == typo if typo is not None else got[1] != "date of birth one digit apart"


# Dates near each other: pairs of one value but other words (a year apart, another month).
_CLOSE_DATE = st.tuples(
    st.sampled_from([1984, 1985, 1986, 1995]),
    st.sampled_from([None, 2, 3, 12]),
    st.sampled_from([None, 2, 3, 12]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLOSE_DATE, min_size=1, max_size=4), st.lists(_CLOSE_DATE, min_size=1, max_size=4))
def test_the_best_date_pair_is_the_first_of_highest_value(
    query: list[Date], listed: list[Date]
) -> None:
    """Ties of value (a conflict a year apart, or in the month) keep the first pair's words."""
    pairs = [_date_pair(a, b) for a in query for b in listed]
    assert _best_date(tuple(query), tuple(listed)) == max(pairs, key=lambda p: p[0])


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        (
            Identity(names=["Nguyen Van An"], birth_dates=["1985-03-02"], nationalities=["VNM"]),
            Identity(names=["NGUYEN VAN AN"], birth_dates=["1985-03-02"], nationalities=["VNM"]),
        ),
        (
            Identity(names=["PAK UI CHUN"], birth_dates=["1932-06-22"], sex="M"),
            Identity(names=["박의춘"], birth_dates=["1932-06-22"], sex="M"),
        ),
        (
            Identity(names=["Ivan Petrov"], documents=[Document(number="AB1234567")]),
            Identity(names=["John Smith"], documents=[Document(number="AB1234567")]),
        ),
    ],
)
def test_a_hit_is_its_comparison_with_the_entry_id(query: Identity, listed: Identity) -> None:
    """A hit holds Feature models, not the dicts it is built from, and what `compare` says."""
    scored = score_prepared(prepare(query), prepare(listed))
    hit = hit_for("e1", scored, DEFAULT_THRESHOLD)
    comparison = compare(query, listed)
    assert hit == Hit(entry_id="e1", **dict(comparison))
    assert all(type(f) is Feature for f in hit.features) and hit.features
    assert hit.model_dump(exclude={"entry_id"}) == comparison.model_dump()


_PERSON = st.builds(
    lambda name, dates, nats, sex, docs: Identity(
        names=[name],
        birth_dates=dates,
        nationalities=nats,
        sex=sex,
        documents=[Document(number=d) for d in docs],
    ),
    _NAME,
    st.lists(st.sampled_from(["1985-03-02", "1985-02-03", "1985", "1986-03-02"]), max_size=2),
    st.lists(st.sampled_from(["VNM", "KOR", "PAK", "KHM"]), max_size=2),
    st.sampled_from([None, "M", "F"]),
    st.lists(st.sampled_from(["AB1234567", "A8I234567", "X1"]), max_size=1),
)


@settings(max_examples=300, deadline=None)
@given(_PERSON, _PERSON)
def test_a_score_without_its_words_is_the_same_score(query: Identity, listed: Identity) -> None:
    """The index rules entries out on scores left unworded: the same values, in order."""
    pq, pl = prepare(query), prepare(listed)
    for name in [match_forms(fq, fl) for fq in pq.forms for fl in pl.forms] or [None]:
        worded, bare = score_with(pq, pl, name), score_with(pq, pl, name, worded=False)
        assert bare.score == worded.score and bare.name is worded.name
        assert [f[:2] for f in bare.features] == [f[:2] for f in worded.features]
