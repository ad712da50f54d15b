"""Name structure of Latin-script names: suffixes, titles, particles, abbreviations."""

from __future__ import annotations

import pytest

from matchers import Identity, compare, tables
from matchers.names import name_form


def spellings(name: str) -> list[tuple[str, ...]]:
    return [t.spellings for t in name_form(name).tokens]


def alerts(query: str, listed: str) -> bool:
    return compare(Identity(names=[query]), Identity(names=[listed])).alert


def test_generational_suffix_after_a_comma_is_not_a_given_name() -> None:
    form = name_form("RUBEN PESTANO LAVILLA, JR")  # UN list
    assert [t.spellings[0] for t in form.tokens] == ["ruben", "pestano", "lavilla"]
    assert not any(t.family for t in form.tokens)
    assert alerts("Ruben Pestano LAVILLA", "RUBEN PESTANO LAVILLA, JR")


def test_family_comma_given_is_still_read_family_first() -> None:
    form = name_form("LAVILLA, Ruben")
    assert [(t.spellings[0], t.family) for t in form.tokens] == [
        ("lavilla", True),
        ("ruben", False),
    ]


def test_suffix_alone_or_without_comma() -> None:
    assert spellings("Smith Jr") == [("smith",)]
    assert spellings("Jr.") == [("jr",)]  # nothing else to read: kept rather than empty


def test_a_suffix_cut_off_by_a_hyphen_is_part_of_the_name() -> None:
    # The evasion suite's hyphen disguise of the UN name Isa NASR (NA-SR is not "Senior").
    assert [s[0] for s in spellings("Isa NA-SR")] == ["isa", "na", "sr"]
    assert [s[0] for s in spellings("LAVILLA<<RUBEN<JR")] == ["lavilla", "ruben"]
    assert alerts("Isa NA-SR", "Isa NASR")


def test_titles_are_dropped() -> None:
    assert spellings("Doctor Muthanna al-Dari") == spellings("Muthanna al-Dari")
    assert spellings("Maulawi Ahmed SHAH") == spellings("Ahmed SHAH")


def test_ur_is_a_particle() -> None:
    form = name_form("Zia-ur-Rahman MADANI")
    assert [t.particle for t in form.tokens] == [False, True, False, False]


def test_muhammad_abbreviation_reads_as_the_full_name() -> None:
    (mhd, _, _) = spellings("Mhd Amer ALCHWIKI")  # OFAC alias
    assert mhd == ("mhd", "muhammad")
    assert alerts("Mhd Amer ALCHWIKI", "Mohammad Amer AL-CHWIKI")
    assert not alerts("Mhd Amer ALCHWIKI", "Mohammad Omar ALKHATIB")


def test_x_is_also_spelt_ks() -> None:
    (alex, _) = spellings("Alex KRIVORUCHKO")  # OFAC alias of Aleksey KRIVORUCHKO
    assert alex == ("alex", "aleks")
    assert alerts("Alex KRIVORUCHKO", "Aleksey KRIVORUCHKO")
    assert not alerts("Alex KRIVORUCHKO", "Alexei NAVALNY")


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("ABDULHAI MOTMAEN", ["abdul", "hai", "motmaen"]),  # UN list
        ("Abdurrahman BASHIR", ["abdul", "rahman", "bashir"]),
        ("Abdullah SENUSSI", ["abdullah", "senussi"]),  # Abd-Allah: one name, kept whole
    ],
)
def test_joined_abd_names_split(written: str, words: list[str]) -> None:
    assert [t.spellings[0] for t in name_form(written).tokens] == words


def test_a_name_glued_before_an_abd_compound_is_read_apart() -> None:
    """FITIWIABDELRAZAK is Fitiwi Abdelrazak, whose Abd compound is two words of its own."""
    glued = [t.spellings[0] for t in name_form("FITIWIABDELRAZAK").tokens]
    assert glued == [t.spellings[0] for t in name_form("Fitiwi Abdelrazak").tokens]
    assert glued == ["fitiwi", "abdul", "razak"]
    assert [t.spellings[0] for t in name_form("Zabdiel Lopez").tokens] == ["zabdiel", "lopez"]


def test_an_honorific_glued_after_a_name_reads_as_the_bare_name_too() -> None:
    assert name_form("MUSTAFAHAJJI").tokens[0].spellings == ("mustafa", "mustafahajji")
    assert name_form("HAJIMUHAMMAD").tokens[0].spellings == ("muhammad", "hajimuhammad")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Sa'id Wa\u2019el", ["said", "wael"]),  # the ayn written as an apostrophe
        ("Ch\u2019o\u2019l Ku Cha-hyo'ng", ["chol", "ku", "cha", "hyong"]),  # McCune-Reischauer
        ("ABD'RABBAH", ["abdul", "rabbah"]),
    ],
)
def test_an_apostrophe_inside_a_word_does_not_split_it(name: str, words: list[str]) -> None:
    assert [t.spellings[0] for t in name_form(name).tokens] == words


def test_an_apostrophe_between_words_still_separates_them() -> None:
    assert [t.spellings[0] for t in name_form("Abu 'Ali").tokens] == ["abu", "ali"]


def test_latin_words_in_a_native_script_name_are_read_as_latin() -> None:
    # The family name in Hanja, the given name romanized (pipeline data): the Latin words
    # are words, not letters for the Han reader to spell one by one.
    assert [s[0] for s in spellings("車 Ha-joon")] == ["che", "ha", "joon"]
    assert [s[0] for s in spellings("Kim 민준")] == ["kim", "min", "jun"]
    assert alerts("CHE HA JOON", "車 Ha-joon")


@pytest.mark.parametrize(
    ("name", "countries"),
    [
        ("NGUYEN VAN AN", {"VNM"}),  # (van: a particle, popular nowhere by itself)
        ("김민준", {"KOR"}),  # read as Kim Min Jun
        ("ZHAKYP TURSUNBAEV", set()),  # (popular nowhere: the empty set)
    ],
)
def test_a_name_knows_the_countries_where_a_word_of_it_is_popular(
    name: str, countries: set[str]
) -> None:
    """`NameForm.popular` (what `score.popular_in` asks): the countries of the first two
    spellings of each word that is not a particle, in the popular-names table."""
    form = name_form(name)
    common = tables.name_countries()
    expected = {
        c for t in form.tokens if not t.particle for s in t.spellings[:2] for c in common.get(s, ())
    }
    assert form.popular == expected
    assert countries <= form.popular
