"""Native scripts read into the spellings people use, with the system named."""

from __future__ import annotations

import pytest

from matchers import Identity, compare
from matchers.names import name_form
from matchers.normalize import sound_key
from matchers.transliterate import (
    fold_arabic,
    hangul_syllable,
    read,
    read_japanese,
    script_of,
    vocalized,
)


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


def test_lao_falls_back_to_transliteration() -> None:
    assert spellings("ສົມສັກ") == [("somsak",)]


def alerts(query: str, listed: str) -> bool:
    return compare(Identity(names=[query]), Identity(names=[listed])).alert


# -- Arabic script: vowels are not written, so they are supplied ---------------------------


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("محمود", "mahmoud"),
        ("حسن", "hassan"),
        ("طارق", "tariq"),
        ("علي", "ali"),
        ("عمر", "omar"),
        ("عثمان", "uthman"),
        ("مصطفى", "mustafa"),
        ("منصور", "mansur"),
        ("يوسف", "yusuf"),
        ("غازي", "ghazi"),
    ],
)
def test_arabic_word_gets_a_spelling_with_the_sound_of_the_listed_one(
    arabic: str, latin: str
) -> None:
    # Names of the UN list (TARIQ AZIZ, OMAR MAHMOUD UTHMAN, GHAZI HAMMUD AL-UBAIDI ...).
    assert sound_key(latin) in {sound_key(s) for s in vocalized(arabic)}


def test_waw_and_yeh_are_vowels_after_a_consonant_and_consonants_before_one() -> None:
    assert "mahmud" in vocalized("محمود")  # و after a consonant: u
    assert vocalized("عواد")[0] == "awad"  # و before alef: w
    assert vocalized("ايوب")[0] == "ayub"  # ی after a vowel: y


def test_arabic_marks_hamza_seats_and_tatweel_do_not_change_the_reading() -> None:
    assert fold_arabic("مُحَمَّد") == fold_arabic("محمد")
    assert fold_arabic("أحمد") == fold_arabic("احمد") == fold_arabic("إحمد")
    assert spellings("أديب شعبـان العانــي") == spellings("اديب شعبان العاني")  # UN list


def test_persian_letters_read_as_persian_says_them() -> None:
    (zia,) = spellings("ضیا")
    assert "zaya" in zia  # Zia-ur-Rahman Madani
    (zakir,) = spellings("ذاکر")
    assert any(s.startswith("zak") for s in zakir)


def test_arabic_article_joins_the_word_after_a_name() -> None:
    jalal, din, _ = spellings("جلال الدين حقانى")
    assert "jalal" in jalal and "uddin" in din[:3] and "din" in din
    (_, tikriti) = spellings("صدام التكريتي")
    assert tikriti[0] == "tikriti" or "tikriti" in tikriti


def test_abd_compound_keeps_the_bare_second_word() -> None:
    assert spellings("عبدالحی")[1][0] == "hi"


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("TARIQ AZIZ", "طارق عزيز"),
        ("JALALUDDIN HAQQANI", "جلال الدين حقانى"),
        ("SHAMSUDDIN", "شمس الدین"),
        ("OMAR MAHMOUD UTHMAN", "عمر محمود عثمان"),
        ("NIDAL AL-RABI'I", "نضال الربيعي"),
    ],
)
def test_listed_arabic_script_names_match_their_latin_entry(latin: str, arabic: str) -> None:
    assert alerts(latin, arabic)


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [("Tariq Ahmad", "طارق عزيز"), ("Omar Hassan", "عمر محمود عثمان")],
)
def test_arabic_script_name_does_not_match_another_person(latin: str, arabic: str) -> None:
    assert not alerts(latin, arabic)


def test_arabic_word_with_stray_characters_still_reads() -> None:
    form = name_form("محمد3 (علي)")
    assert form.script == "Arabic" and len(form.tokens) >= 2


# -- Japanese: kanji names read as Japanese, Chinese names left Chinese ----------------------


def test_japanese_family_name_is_one_word_and_given_name_has_its_readings() -> None:
    readings = read_japanese("藤井颯真")
    assert readings is not None
    fujii, soma = readings
    assert fujii.family and fujii.spellings[0] == "fujii"
    assert "soma" in soma.spellings  # 颯真 Sōma (popular-names table)


def test_japanese_long_vowels_as_passports_write_them() -> None:
    (sato,) = [r.spellings for r in read("サトウ", "Kana")]
    assert {"satou", "sato", "satoh"} <= set(sato)


def test_japanese_repeat_mark_and_kana_given_name() -> None:
    assert spellings("佐々木悠真")[0][0] == "sasaki"
    assert spellings("山崎さくら") == [("yamazaki", "yamasaki"), ("sakura",)]


def test_chinese_names_stay_chinese() -> None:
    assert read_japanese("张学友") is None  # simplified characters Japanese does not use
    assert read_japanese("王伟") is None  # one-character family name
    assert alerts("Lin Chia-hao", "林家豪")  # 林家 is also a Japanese word: pinyin kept too


@pytest.mark.parametrize(
    ("latin", "kanji"),
    [("Fujii Soma", "藤井颯真"), ("SASAKI YUMA", "佐々木悠真"), ("Nakajima Haruna", "中島陽菜")],
)
def test_japanese_names_match_their_romanization(latin: str, kanji: str) -> None:
    assert alerts(latin, kanji)


def test_japanese_name_with_another_given_name_does_not_match() -> None:
    assert not alerts("Fujii Haruto", "藤井颯真")
    assert not alerts("Tanaka Soma", "藤井颯真")


def test_japanese_name_with_zero_width_joiner_reads_the_same() -> None:
    assert spellings("藤井\u200d颯真") == spellings("藤井颯真")


# -- Khmer: the popular spelling, by consonant series ---------------------------------------


@pytest.mark.parametrize(
    ("khmer", "known_as"),
    [
        ("អ៊ុំ", "um"),  # triisap: second series
        ("កែវ", "keo"),
        ("មាស", "meas"),  # second-series aa
        ("ជ័យ", "chey"),
        ("ចន្ទ", "chan"),  # subscript under the final is silent
        ("តាំង", "taing"),
        ("ឯក", "ek"),  # independent vowel
        ("ប៉ែន", "pen"),  # muusikatoan: BA read P
        ("សុខ", "sok"),
        ("ទី", "ty"),
    ],
)
def test_khmer_popular_spellings(khmer: str, known_as: str) -> None:
    (reading,) = spellings(khmer)
    assert known_as in reading


def test_khmer_names_match_and_differ() -> None:
    assert alerts("Keo Chhet", "កែវ ឈិត")
    assert alerts("Um Phan", "អ៊ុំ ផាន")
    assert not alerts("Keo Sok", "កែវ ឈិត")


def test_khmer_written_without_space_or_with_zero_width_space_still_matches() -> None:
    assert alerts("Keo Chhet", "កែវ\u200bឈិត")  # Khmer separates words with ZWSP


def test_khmer_syllable_split_at_a_subscript_that_opens_the_next_syllable() -> None:
    (bopha,) = spellings("បុប្ផា")
    assert "boppha" in bopha


def test_warm_loads_every_reader_before_the_first_traveller() -> None:
    from matchers import transliterate

    transliterate.warm()
    assert transliterate._kakasi.cache_info().currsize == 1  # pykakasi's dictionaries loaded
    assert transliterate.read_japanese.cache_info().currsize >= 1
