"""Native scripts read into the spellings people use, with the system named."""

from __future__ import annotations

import pytest

from matchers.names import name_form
from matchers.transliterate import hangul_syllable, read, script_of


def spellings(name: str) -> list[tuple[str, ...]]:
    return [t.spellings for t in name_form(name).tokens]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("박의춘", "Hangul"),
        ("张学友", "Han"),
        ("สมชาย", "Thai"),
        ("ສົມສັກ", "Lao"),
        ("សុខ ហេង", "Khmer"),
        ("Путин", "Cyrillic"),
        ("محمد", "Arabic"),
        ("Nguyễn", "Latin"),
    ],
)
def test_script_detection(text: str, script: str) -> None:
    assert script_of(text) == script


def test_hangul_revised_and_mccune_reischauer() -> None:
    r = hangul_syllable("정")
    assert r.spellings[:2] == ("jeong", "chong")
    assert r.systems[:2] == ("Revised Romanization", "McCune-Reischauer")


@pytest.mark.parametrize(
    ("syllable", "known_as"),
    [
        ("이", {"lee", "yi", "rhee"}),
        ("박", {"park", "pak", "bak"}),
        ("최", {"choi", "choe"}),
        ("김", {"kim", "gim"}),
        ("정", {"jung", "jeong", "chung"}),
    ],
)
def test_korean_surnames_have_their_real_spellings(syllable: str, known_as: set[str]) -> None:
    assert known_as <= set(hangul_syllable(syllable, family=True).spellings)


def test_hangul_name_is_family_first() -> None:
    form = name_form("박의춘")
    assert [t.family for t in form.tokens] == [True, False, False]
    assert "pak" in form.tokens[0].spellings and "ui" in form.tokens[1].spellings


def test_han_pinyin_wade_giles_and_surname_spellings() -> None:
    zhang, xue, _you = spellings("张学友")
    assert {"zhang", "chang", "cheung"} <= set(zhang)
    assert {"xue", "hsueh"} <= set(xue)


def test_han_heteronyms_are_kept() -> None:
    assert {"zeng", "ceng"} <= set(read("曾", "Han")[0].spellings)


def test_thai_rtgs() -> None:
    (somchai,) = spellings("สมชาย")
    assert "somchai" in somchai


def test_cyrillic_icao_and_bgn() -> None:
    (_, yuri), _ = spellings("Гагарин Юрий"), None
    assert {"iurii", "yuriy"} <= set(yuri)
    (shch,) = spellings("Щербаков")
    assert "shcherbakov" in shch


def test_arabic_common_words_and_article() -> None:
    form = name_form("محمد عبد الله")
    assert "muhammad" in form.tokens[0].spellings or "mohammed" in form.tokens[0].spellings
    assert "abdul" in form.tokens[1].spellings
    assert "allah" in form.tokens[2].spellings


def test_lao_and_khmer_fall_back_to_transliteration() -> None:
    assert spellings("ສົມສັກ") == [("somsak",)]
    assert [s[0] for s in spellings("សុខ ហេង")] == ["sokh", "heng"]
