"""Native scripts read into the Latin spellings people really use, several per word.

A word read from Hangul, Han, Thai, Cyrillic or Arabic becomes one `Reading`: the Latin
spellings it is commonly written with, each labelled with the system that produced it, so
`박` matches PARK, PAK or BAK and the explanation can say which reading matched.
"""

# ruff: noqa: RUF001  (look-alike letters are this file's subject)

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from matchers import tables
from matchers.normalize import latin_words

MAX_SPELLINGS = 8


@dataclass(frozen=True, slots=True)
class Reading:
    """One written word read in Latin letters: spellings, best first, and their systems."""

    spellings: tuple[str, ...]
    systems: tuple[str, ...]
    family: bool = False


def _reading(pairs: list[tuple[str, str]], family: bool = False) -> Reading:
    seen: dict[str, str] = {}
    for spelling, system in pairs:
        spelling = re.sub(r"[^a-z]", "", spelling.lower())
        if spelling and spelling not in seen and len(seen) < MAX_SPELLINGS:
            seen[spelling] = system
    if not seen:
        seen["x"] = "unknown"
    return Reading(tuple(seen), tuple(seen.values()), family)


def script_of(text: str) -> str:
    """The dominant non-Latin script of a text, or Latin."""
    counts: dict[str, int] = {}
    for ch in text:
        cp = ord(ch)
        if cp < 0x250 or not ch.isalpha():
            continue
        name = _SCRIPT_RANGES.get(cp >> 7) or _script_slow(cp)
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Latin"


def _script_slow(cp: int) -> str:
    if 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "Hangul"
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FA1F:
        return "Han"
    if 0x3040 <= cp <= 0x30FF:
        return "Kana"
    if 0x0E00 <= cp <= 0x0E7F:
        return "Thai"
    if 0x0E80 <= cp <= 0x0EFF:
        return "Lao"
    if 0x1780 <= cp <= 0x17FF or 0x19E0 <= cp <= 0x19FF:
        return "Khmer"
    if 0x0400 <= cp <= 0x052F:
        return "Cyrillic"
    if 0x0370 <= cp <= 0x03FF:
        return "Greek"
    if 0x0600 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFEFF:
        return "Arabic"
    if 0x0590 <= cp <= 0x05FF:
        return "Hebrew"
    if 0x1E00 <= cp <= 0x1EFF:
        return "Latin"
    return "Other"


_SCRIPT_RANGES: dict[int, str] = {}


def read(text: str, script: str) -> list[Reading]:
    """The words of a non-Latin name, each read into Latin spellings."""
    if script == "Hangul":
        return _read_hangul(text)
    if script == "Han":
        return _read_han(text)
    if script == "Thai":
        return [_read_thai(w) for w in text.split()]
    if script == "Cyrillic":
        return [_read_cyrillic(w) for w in text.split()]
    if script == "Arabic":
        return _read_arabic(text)
    return [_reading([(w, "Unicode transliteration")]) for w in latin_words(text)]


# -- Hangul ---------------------------------------------------------------------------------
# Revised Romanization (2000) and McCune-Reischauer (apostrophes and breves dropped, as
# passports and lists drop them), jamo by jamo; names are romanized syllable by syllable.
_RR_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MR_INITIAL = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "-",
    "ch",
    "tch",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_RR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_MR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "o",
    "e",
    "yo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "u",
    "ui",
    "i",
]
_FINAL = [
    "-",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
# How the same vowels and consonants are written in real names (Shin, Young, Soon, Lee).
_POPULAR_VOWEL = {
    "eo": ["u", "o"],
    "yeo": ["you", "yo"],
    "u": ["oo"],
    "eu": ["u"],
    "i": ["ee"],
    "ui": ["eui", "ee"],
    "ae": ["ai"],
    "oe": ["oi"],
    "o": ["oh"],
}
_COMPOUND_SURNAMES = {"남궁", "황보", "제갈", "사공", "선우", "서문", "독고", "동방"}


def _jamo(syllable: str) -> tuple[int, int, int] | None:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


@lru_cache(maxsize=16_384)
def hangul_syllable(syllable: str, family: bool = False) -> Reading:
    """The spellings of one Hangul syllable: RR, McCune-Reischauer, real-world spellings."""
    parts = _jamo(syllable)
    if parts is None:
        return _reading([(anyascii(syllable), "Unicode transliteration")], family)
    i, v, f = parts
    fin = _FINAL[f].strip("-")
    rr = _RR_INITIAL[i].strip("-") + _RR_VOWEL[v] + fin
    mr = _MR_INITIAL[i].strip("-") + _MR_VOWEL[v] + fin
    pairs = [(rr, "Revised Romanization"), (mr, "McCune-Reischauer")]
    if family:
        pairs += [(s, "surname in use") for s in tables.native_surnames().get(syllable, ())]
    pairs += [(s, "spelling in use") for s in tables.hangul_spellings().get(syllable, ())]
    initial = _RR_INITIAL[i].strip("-")
    for popular in _POPULAR_VOWEL.get(_RR_VOWEL[v], ()):
        pairs.append((initial + popular + fin, "spelling in use"))
    if initial == "s" and _RR_VOWEL[v].startswith(("i", "y", "w")):
        pairs.append(("sh" + _RR_VOWEL[v] + fin, "spelling in use"))
    return _reading(pairs, family)


def _read_hangul(text: str) -> list[Reading]:
    words = text.split()
    out: list[Reading] = []
    for n, word in enumerate(words):
        # Korean order is family name first; a separate first word, or the first syllable
        # (two for the compound surnames) of a name written as one word.
        family_len = 0
        if n == 0:
            family_len = (
                len(word)
                if len(words) > 1
                else (2 if word[:2] in _COMPOUND_SURNAMES and len(word) > 2 else 1)
            )
        if family_len > 1:
            out.append(_merge([hangul_syllable(s) for s in word], family=True))
            continue
        for k, syllable in enumerate(word):
            out.append(hangul_syllable(syllable, family=(n == 0 and k < family_len)))
    return out


def _merge(readings: list[Reading], family: bool) -> Reading:
    """Several syllables written as one word (a two-syllable surname)."""
    spellings = [""]
    for r in readings:
        spellings = [a + b for a in spellings for b in r.spellings[:3]][:MAX_SPELLINGS]
    return _reading([(s, readings[0].systems[0]) for s in spellings], family)


# -- Han ------------------------------------------------------------------------------------
_COMPOUND_HAN = {
    "欧阳",
    "歐陽",
    "司马",
    "司馬",
    "诸葛",
    "諸葛",
    "上官",
    "东方",
    "東方",
    "皇甫",
    "令狐",
    "公孙",
    "公孫",
    "慕容",
    "尉迟",
    "尉遲",
    "长孙",
    "長孫",
    "夏侯",
}


@lru_cache(maxsize=16_384)
def han_character(char: str, family: bool = False) -> Reading:
    """Pinyin (every reading), Wade-Giles, and the Cantonese/other spellings of surnames."""
    from pypinyin import Style, pinyin

    pairs = [
        (s.replace("v", "u"), "Hanyu Pinyin")
        for s in pinyin(char, style=Style.NORMAL, heteronym=True)[0][:3]
    ]
    for s in pinyin(char, style=Style.WADEGILES, heteronym=True)[0][:2]:
        pairs.append((s.replace("v", "u").replace("ü", "u"), "Wade-Giles"))
    if family:
        pairs += [(s, "surname in use") for s in tables.native_surnames().get(char, ())]
    return _reading(pairs, family)


def _read_han(text: str) -> list[Reading]:
    chars = [c for c in text if not c.isspace() and c not in "·・"]
    family_len = 2 if "".join(chars[:2]) in _COMPOUND_HAN and len(chars) > 2 else 1
    if len(chars) == 1:
        family_len = 0
    out: list[Reading] = []
    if family_len == 2:
        out.append(_merge([han_character(c) for c in chars[:2]], family=True))
        chars = chars[2:]
        family_len = 0
    for k, char in enumerate(chars):
        out.append(han_character(char, family=k < family_len))
    return out


# -- Thai -----------------------------------------------------------------------------------
_THAI_INFORMAL = [("ph", "p"), ("th", "t"), ("kh", "k"), ("ch", "j"), ("o", "or"), ("u", "oo")]


@lru_cache(maxsize=16_384)
def _read_thai(word: str) -> Reading:
    from pythainlp.transliterate import romanize  # heavy; loaded on the first Thai name

    rtgs = romanize(word, engine="royin")
    pairs = [(rtgs, "RTGS"), (anyascii(word), "Unicode transliteration")]
    for a, b in _THAI_INFORMAL:
        if a in rtgs:
            pairs.append((rtgs.replace(a, b), "informal Thai spelling"))
    return _reading(pairs)


# -- Cyrillic -------------------------------------------------------------------------------
_CYR_ICAO = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ђ": "d",
    "ј": "j",
    "љ": "lj",
    "њ": "nj",
    "ћ": "c",
    "џ": "dz",
    "ѓ": "g",
    "ќ": "k",
    "ѕ": "dz",
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
}
# BGN/PCGN and the everyday spellings that differ from ICAO (Yuri, Yakovlev, Sergeyev).
_CYR_BGN = {
    **_CYR_ICAO,
    "е": "e",
    "ё": "yo",
    "й": "y",
    "ю": "yu",
    "я": "ya",
    "ъ": "",
    "є": "ye",
    "ї": "yi",
    "х": "kh",
    "щ": "shch",
}
_CYR_GERMANIC = {
    **_CYR_BGN,
    "х": "ch",
    "ш": "sch",
    "ж": "sh",
    "ч": "tsch",
    "в": "w",
    "ц": "z",
    "й": "j",
    "ю": "ju",
    "я": "ja",
}


def _cyr(word: str, table: dict[str, str]) -> str:
    out = []
    for n, ch in enumerate(word.lower()):
        if ch == "е" and table is _CYR_BGN and (n == 0 or word[n - 1].lower() in "аеиоуыэюяьъ"):
            out.append("ye")
        else:
            out.append(table.get(ch, anyascii(ch)))
    return "".join(out)


@lru_cache(maxsize=16_384)
def _read_cyrillic(word: str) -> Reading:
    return _reading(
        [
            (_cyr(word, _CYR_ICAO), "ICAO 9303"),
            (_cyr(word, _CYR_BGN), "BGN/PCGN"),
            (anyascii(word), "GOST/scientific"),
            (_cyr(word, _CYR_GERMANIC), "German-style spelling"),
        ]
    )


# -- Arabic ---------------------------------------------------------------------------------
_ARABIC_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_AL = "ال"
# The words every Arabic name is made of, in the spellings lists use for them.
_ARABIC_COMMON = {
    "عبد": ("abdul", "abd", "abdel"),
    "الله": ("allah", "ullah", "ollah"),
    "بن": ("bin", "ben", "ibn"),
    "ابن": ("ibn", "bin"),
    "بنت": ("bint", "binti"),
    "أبو": ("abu", "abou"),
    "ابو": ("abu", "abou"),
}


def _read_arabic(text: str) -> list[Reading]:
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text))
    out: list[Reading] = []
    for word in text.split():
        if word.startswith(_AL) and len(word) > 3 and word != "الله":
            out.append(_reading([("al", "Arabic article")]))
            word = word[2:]
        if word.startswith("عبد") and len(word) > 4:
            out.append(_arabic_word("عبد"))
            word = word[3:]
            if word.startswith(_AL) and len(word) > 3:
                word = word[2:]
        out.append(_arabic_word(word))
    return out


@lru_cache(maxsize=16_384)
def _arabic_word(word: str) -> Reading:
    pairs = [(s, "spelling in use") for s in _ARABIC_COMMON.get(word, ())]
    pairs += [(s, "spelling in use") for s in tables.arabic_spellings().get(word, ())]
    pairs.append((anyascii(word), "Unicode transliteration"))
    return _reading(pairs)
