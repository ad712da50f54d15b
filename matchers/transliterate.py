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
from typing import Any

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
    if _LATIN_ONLY.fullmatch(text):  # most names: no letter worth counting (one C pass)
        return "Latin"
    counts: dict[str, int] = {}
    for ch in text:
        cp = ord(ch)
        if cp < 0x250 or not ch.isalpha():
            continue
        name = _SCRIPT_RANGES.get(cp >> 7) or _script_slow(cp)
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Latin"


# Text of these code points only is Latin: `script_of` counts letters from U+0250 on.
_LATIN_ONLY = re.compile(r"[\x00-\u024f]*")


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
        return read_japanese(text) or _read_han(text)
    if script == "Kana":
        return read_japanese(text) or [_reading([(_hepburn(w), "Hepburn")]) for w in text.split()]
    if script == "Thai":
        return [_read_thai(w) for w in text.split()]
    if script == "Cyrillic":
        return [_read_cyrillic(w) for w in text.split()]
    if script == "Arabic":
        return _read_arabic(text)
    if script == "Khmer":
        return [_read_khmer(w) for w in text.split()]
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


# -- Japanese -------------------------------------------------------------------------------
# A Japanese name in kanji is read word by word: the family name (two or three kanji that
# pykakasi's dictionary knows as one word: 藤井 Fujii) and the given name, whose readings
# are many (颯真 Sōma or Fūma), so the given name also gets each kanji's dictionary readings
# combined. Long vowels are written as passports and lists write them (Gotō, Goto, Gotoh).
_KANA = re.compile("[\u3040-\u30ff]")
_JAPANESE_MARKS = "々〆ヶ"


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # heavy; loaded on the first Japanese name

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def _kanwa(char: str) -> dict[str, list[tuple[str, Any]]]:
    """pykakasi's dictionary entries starting with one kanji: word -> [(reading, context)]."""
    from pykakasi.kanji import Kanwa

    table = Kanwa().load(char)  # type: ignore[no-untyped-call]
    return table if isinstance(table, dict) else {}


@lru_cache(maxsize=65_536)
def _hepburn(kana: str) -> str:
    """Hepburn of kana or kanji (cached: `read_japanese` asks it of every character of a
    name, and each pykakasi conversion costs tens of microseconds)."""
    return "".join(str(seg["hepburn"]) for seg in _kakasi().convert(kana))


def _long_vowels(spelling: str) -> list[str]:
    """Hepburn as written (satou, yuuma), as passports write it (sato), and with OH (satoh)."""
    short = re.sub(r"ou|oo", "o", spelling).replace("uu", "u")
    return [spelling, short, re.sub(r"o$", "oh", short) if spelling.endswith("ou") else short]


def _word_readings(word: str) -> list[str]:
    """A word's readings in pykakasi's dictionary (hiragana), if it is an entry."""
    return [reading for reading, _ in _kanwa(word[0]).get(word, [])] if word else []


def _family_length(chars: str) -> int:
    """Kanji in the family name: the longest dictionary word of 2-3 kanji leaving a given name."""
    for n in (3, 2):
        if len(chars) > n and _word_readings(chars[:n]):
            return n
    return 0


def _japanese_word(word: str, family: bool, chinese: bool) -> Reading:
    pairs: list[tuple[str, str]] = []
    whole = _hepburn(word)
    pairs += [(s, "Hepburn") for s in _long_vowels(whole)]
    for kana in _word_readings(word):
        pairs += [(s, "Hepburn (dictionary reading)") for s in _long_vowels(_hepburn(kana))]
    if not family and 1 < len(word) <= 3:
        combined = [""]
        for char in word:
            readings = [_hepburn(k) for k in _word_readings(char)[:4]] or [_hepburn(char)]
            combined = [a + b for a in combined for b in readings]
        for spelling in combined:
            pairs += [(s, "Hepburn (kanji readings)") for s in _long_vowels(spelling)[1:2]]
    if chinese:  # kanji only: it may be a Chinese name after all (林家豪 Lin Chia-hao)
        spellings = [""]
        for char in word:
            spellings = [a + b for a in spellings for b in han_character(char).spellings[:2]]
        pairs += [(s, "Hanyu Pinyin") for s in spellings[:2]]
    return _reading(pairs, family)


@lru_cache(maxsize=16_384)
def read_japanese(text: str) -> list[Reading] | None:
    """A name read as Japanese, family name first; None when it does not look Japanese."""
    words = text.split()
    chars = "".join(words)
    if len(chars) < 2 or not all(_hepburn(ch) for ch in chars if ch not in _JAPANESE_MARKS):
        return None  # a character Japanese does not use (simplified Chinese 张, 泽)
    if len(words) > 1:
        family, given = words[0], words[1:]
    else:
        n = _family_length(chars)
        family, given = chars[:n], [chars[n:]]
    kanji_only = not (_KANA.search(text) or any(m in text for m in _JAPANESE_MARKS))
    if kanji_only and (len(family) < 2 or family in _COMPOUND_HAN):
        return None  # one-kanji family name: read as Chinese
    readings = [_japanese_word(family, True, kanji_only)] if family else []
    return readings + [_japanese_word(w, False, kanji_only) for w in given if w]


def warm() -> None:
    """Load every reader's dictionaries now (pykakasi's take seconds), so that the first
    traveller whose name needs one does not wait for it."""
    for name in ("山田太郎", "张伟", "김민준", "สมชาย ใจดี", "សុខ ជា", "Иван", "محمد"):
        read(name, script_of(name))


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


# -- Khmer ----------------------------------------------------------------------------------
# Cambodian names as passports and lists spell them (the French-based popular spelling: Sok,
# Keo, Chhay, Meas, Um), syllable by syllable. A Khmer vowel sign is read one way after the
# first-series consonants and another after the second series (មាស Meas, សារ Sar), and
# lists waver between the two readings and between aspirated and plain letters (Chhan/Chan,
# Dith/Dit), so each syllable keeps its likely spellings.
# Consonant -> (onset spellings, final spellings, series).
_KHMER_CONSONANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "ក": (("k",), ("k",), 1),
    "ខ": (("kh", "k"), ("k",), 1),
    "គ": (("k",), ("k",), 2),
    "ឃ": (("kh", "k"), ("k",), 2),
    "ង": (("ng",), ("ng",), 2),
    "ច": (("ch",), ("ch",), 1),
    "ឆ": (("chh", "ch"), ("ch",), 1),
    "ជ": (("ch", "j"), ("ch",), 2),
    "ឈ": (("chh", "ch"), ("ch",), 2),
    "ញ": (("nh", "n"), ("nh", "n"), 2),
    "ដ": (("d",), ("t", "d"), 1),
    "ឋ": (("th", "t"), ("t",), 1),
    "ឌ": (("d",), ("t", "d"), 1),
    "ឍ": (("th", "t"), ("t",), 2),
    "ណ": (("n",), ("n",), 1),
    "ត": (("t",), ("t", "th"), 1),
    "ថ": (("th", "t"), ("t", "th"), 1),
    "ទ": (("t",), ("t", "th"), 2),
    "ធ": (("th", "t"), ("t", "th"), 2),
    "ន": (("n",), ("n",), 2),
    "ប": (("b", "p"), ("p", "b"), 1),
    "ផ": (("ph", "p"), ("p",), 1),
    "ព": (("p",), ("p",), 2),
    "ភ": (("ph", "p"), ("p",), 2),
    "ម": (("m",), ("m",), 2),
    "យ": (("y",), ("y", ""), 2),
    "រ": (("r",), ("r", ""), 2),
    "ល": (("l",), ("l",), 2),
    "វ": (("v", "w"), ("v", "o"), 2),
    "ស": (("s",), ("s", "h"), 1),
    "ហ": (("h",), ("h",), 1),
    "ឡ": (("l",), ("l",), 1),
    "អ": (("",), ("",), 1),
}
# Vowel signs (with nikahit ំ and reahmuk ះ) -> (first-series, second-series) spellings;
# "" is the inherent vowel.
_KHMER_VOWELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "": (("a", "o"), ("o", "a")),
    "ា": (("a",), ("ea", "a")),
    "ិ": (("e", "i"), ("i", "e")),
    "ី": (("ei", "i", "y"), ("i", "y", "ei")),
    "ឹ": (("oe", "e", "i"), ("ue", "i", "eu")),
    "ឺ": (("eu", "oe"), ("eu", "ue")),
    "ុ": (("o", "u"), ("u", "o")),
    "ូ": (("ou", "o", "u"), ("u", "ou", "o")),
    "ួ": (("uo", "ou"), ("uo", "ou")),
    "ើ": (("aeu", "eu", "oe"), ("eu", "oe")),
    "ឿ": (("oea", "eua"), ("oea", "eua")),
    "ៀ": (("ie", "ia", "i"), ("ie", "ia", "i")),
    "េ": (("e", "ei"), ("e",)),
    "ែ": (("ae", "e"), ("ae", "e")),
    "ៃ": (("ai", "ay"), ("ey", "ei", "ai")),
    "ោ": (("ao", "o"), ("o", "ou")),
    "ៅ": (("au", "ao"), ("ov", "ou", "au")),
    "ំ": (("am", "om"), ("um", "om")),
    "ុំ": (("om", "um"), ("um", "om")),
    "ាំ": (("am", "aim"), ("oam", "eam", "am")),
    "ះ": (("ah", "eah"), ("eah", "ah")),
    "េះ": (("eh",), ("eh",)),
    "ោះ": (("aoh", "oh"), ("uoh", "oh")),
    "ុះ": (("oh", "uh"), ("uh", "oh")),
    "័": (("a", "e"), ("e", "a", "oa")),
    "ាំង": (("aing", "ang"), ("eang", "oang", "ang")),
}
# Independent vowels: the syllable's onset and vowel in one letter (ឯក Ek, ឱម Om).
_KHMER_INDEPENDENT = {
    "ឥ": ("e", "i"),
    "ឦ": ("ei", "i"),
    "ឧ": ("o", "u"),
    "ឩ": ("u", "ou"),
    "ឪ": ("ov", "au"),
    "ឫ": ("rue", "ru"),
    "ឬ": ("rue", "ru"),
    "ឭ": ("lue",),
    "ឮ": ("lue",),
    "ឯ": ("ae", "e"),
    "ឰ": ("ai",),
    "ឱ": ("ao", "o"),
    "ឳ": ("au", "ao"),
}
_KHMER_SERIES_1, _KHMER_SERIES_2 = "\u17c9", "\u17ca"  # muusikatoan, triisap
_KHMER_COENG = "\u17d2"
_KHMER_SIGNS = frozenset("ាិីឹឺុូួើឿៀេែៃោៅំះ័")
_KHMER_SILENT = frozenset("\u17cb\u17cc\u17cd\u17ce\u17cf\u17d1\u17dd")


def _khmer_syllables(word: str) -> list[list[str]]:
    """Each syllable of a Khmer word as its likely Latin spellings, likeliest first."""
    chars = [c for c in word if c not in _KHMER_SILENT]
    syllables: list[list[str]] = []
    n = 0
    while n < len(chars):
        ch = chars[n]
        n += 1
        if ch in _KHMER_INDEPENDENT:
            onsets: tuple[str, ...] = ("",)
            vowels = _KHMER_INDEPENDENT[ch]
        elif ch in _KHMER_CONSONANTS:
            onsets, _, series = _KHMER_CONSONANTS[ch]
            if ch == "ប" and n < len(chars) and chars[n] == _KHMER_SERIES_1:
                onsets = ("p", "b")
            while n < len(chars) and chars[n] in (_KHMER_SERIES_1, _KHMER_SERIES_2, _KHMER_COENG):
                if chars[n] == _KHMER_COENG and n + 1 < len(chars):
                    sub = _KHMER_CONSONANTS.get(chars[n + 1])
                    onsets = tuple(o + sub[0][0] for o in onsets) if sub else onsets
                    n += 2
                    continue
                series = 1 if chars[n] == _KHMER_SERIES_1 else 2
                n += 1
            sign = ""
            while n < len(chars) and chars[n] in _KHMER_SIGNS:
                sign += chars[n]
                n += 1
            if sign == "ាំ" and n < len(chars) and chars[n] == "ង":
                sign += chars[n]  # Taing, Chheang: the nasal is one with the vowel
                n += 1
            table = _KHMER_VOWELS.get(sign) or _KHMER_VOWELS.get(sign[:1]) or (("a",), ("a",))
            vowels = table[series - 1]
        else:
            continue
        finals: tuple[str, ...] = ("",)
        # A consonant closes the syllable unless a vowel sign follows it (it opens the next).
        if n < len(chars) and chars[n] in _KHMER_CONSONANTS:
            after = chars[n + 1] if n + 1 < len(chars) else ""
            if after not in _KHMER_SIGNS and after not in (_KHMER_SERIES_1, _KHMER_SERIES_2):
                finals = _KHMER_CONSONANTS[chars[n]][1]
                n += 1
                while n + 1 < len(chars) and chars[n] == _KHMER_COENG:
                    if n + 2 < len(chars) and chars[n + 2] in _KHMER_SIGNS:
                        n += 1  # it opens the next syllable (បុប្ផា Bop-pha)
                        break
                    n += 2  # a subscript under a final letter is not pronounced (ចន្ទ Chan)
                if n < len(chars) and chars[n] in "ំះ":
                    n += 1
        spellings = [o + v + f for v in vowels for o in onsets for f in finals]
        syllables.append(list(dict.fromkeys(spellings))[:6])
    return syllables


@lru_cache(maxsize=16_384)
def _read_khmer(word: str) -> Reading:
    spellings = [""]
    for syllable in _khmer_syllables(word):
        spellings = [a + b for a in spellings for b in syllable][:24]
    pairs = [(s, "Khmer popular spelling") for s in spellings if s]
    pairs.append((anyascii(word), "Unicode transliteration"))
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
# One letter per sound: hamza seats, Persian and Urdu forms of yeh, kaf and heh.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ة": "ه",
    }
)
# The words every Arabic name is made of, in the spellings lists use for them.
_ARABIC_COMMON = {
    "عبد": ("abdul", "abd", "abdel"),
    "الله": ("allah", "ullah", "ollah"),
    "بن": ("bin", "ben", "ibn"),
    "ابن": ("ibn", "bin"),
    "بنت": ("bint", "binti"),
    "ابو": ("abu", "abou"),
    "ولد": ("ould", "walad", "wuld"),
}
# Consonants as English-language lists write them (Arabic, Persian, Urdu and Pashto letters).
# Ain and hamza are written as no letter: lists drop them (Ali, Saad, Jafar).
_ARABIC_CONSONANTS = {
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ء": "",
    "ئ": "",
    "ؤ": "",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ٹ": "t",
    "ڈ": "d",
    "ڑ": "r",
    "ں": "n",
    "ځ": "z",
    "څ": "s",
    "ټ": "t",
    "ډ": "d",
    "ړ": "r",
    "ږ": "zh",
    "ښ": "kh",
    "ګ": "g",
    "ڼ": "n",
}
_ARABIC_LONG = {"ا": "a", "و": "u", "ي": "i", "ى": "a", "ے": "e", "ۍ": "ai"}


def _arabic_letters(word: str) -> list[tuple[str, bool]]:
    """(Latin letters, is a vowel) per letter: waw and yeh are consonants (w, y) at the start
    of a word and next to a vowel, long vowels (u, i) after a consonant."""
    out: list[tuple[str, bool]] = []
    for n, ch in enumerate(word):
        nxt = word[n + 1] if n + 1 < len(word) else ""
        after_vowel = not out or out[-1][1] or word[n - 1] in "عءئؤ"
        if ch in "وي" and (after_vowel or nxt == "ا"):
            out.append(("w" if ch == "و" else "y", False))
        elif ch in _ARABIC_LONG:
            out.append((_ARABIC_LONG[ch], True))
        elif ch in "عءئؤ":
            # Ain and hamza carry a vowel lists write (Ali, Omar, Saad): a vowel of its own.
            out.append(("a", True) if n == 0 or nxt not in _ARABIC_LONG else ("", True))
        elif ch in _ARABIC_CONSONANTS:
            out.append((_ARABIC_CONSONANTS[ch], False))
    return out


def vocalized(word: str) -> list[str]:
    """Latin spellings of an unvowelled Arabic-script word, with the short vowels the script
    leaves out put back: after every consonant that another consonant follows (محمود ->
    mahamud), and the leaner syllable shape consonant-vowel-consonant (mahmud). Both spell
    the consonants lists write, so a listed spelling shares their sound key."""
    letters = _arabic_letters(word)
    full, lean = [], []
    lean_vowel = False  # the lean spelling so far ends in a vowel
    for n, (latin, vowel) in enumerate(letters):
        full.append(latin)
        lean.append(latin)
        nxt = letters[n + 1] if n + 1 < len(letters) else None
        if vowel or nxt is None or nxt[1]:
            lean_vowel = vowel or (lean_vowel and not latin)
            continue
        full.append("a")
        if not lean_vowel or n == 0:  # an onset: a vowel follows it; else it closes a syllable
            lean.append("a")
            lean_vowel = True
        else:
            lean_vowel = False
    out = ["".join(full), "".join(lean)]
    if word.endswith("ه") and len(letters) > 1 and not letters[-2][1]:
        out.append(out[0] + "a")  # Taha, Talha
    if word.endswith("ى"):
        out.append(out[1][:-1] + "i")  # written for Persian final yeh too (Haqqani)
    if letters and not letters[0][1] and len(letters) > 1:
        out.append(out[1].replace("a", "u", 1))  # Muhammad, Husayn, Yusuf: u first
    return list(dict.fromkeys(s for s in out if s))


# Letters Persian, Urdu and Pashto say otherwise than Arabic does (Zia, Zakir, Sanaullah).
_PERSIAN_VALUES = str.maketrans({"ث": "س", "ذ": "ز", "ض": "ز", "ظ": "ز"})
_SUN_LETTERS = frozenset("تثدذرزسشصضطظلن")


def fold_arabic(text: str) -> str:
    """Arabic-script text without vowel marks and with one letter per sound (أحمد = احمد)."""
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text))
    return text.translate(_ARABIC_FOLD)


def _read_arabic(text: str) -> list[Reading]:
    text = fold_arabic(text)
    out: list[Reading] = []
    for word in text.split():
        article = word.startswith(_AL) and len(word) > 3 and word != "الله"
        if article:
            word = word[2:]
        if word.startswith("عبد") and len(word) > 4:
            out.append(_arabic_word("عبد", False, False))
            word = word[3:]
            article = False  # Abd al-Rahman: lists write Abdul Rahman, Abdulrahman
            if word.startswith(_AL) and len(word) > 3:
                word = word[2:]
        # Nur al-Din, Zia ur-Rahman: the article joins the word it precedes, so a list's
        # Noureddine or Shamsuddin matches the two words written together.
        joined = article and bool(out) and out[-1].spellings[0] not in {"bin", "ibn", "bint"}
        out.append(_arabic_word(word, article, joined))
    return out


@lru_cache(maxsize=16_384)
def _arabic_word(word: str, article: bool = False, joined: bool = False) -> Reading:
    known = [*_ARABIC_COMMON.get(word, ()), *tables.arabic_spellings().get(word, ())]
    pairs = [(s, "spelling in use") for s in known]
    supplied = vocalized(word)
    persian = word.translate(_PERSIAN_VALUES)
    if persian != word:
        supplied = [supplied[0], *vocalized(persian)[:2], *supplied[1:]]
    pairs += [(s, "Arabic script, vowels supplied") for s in supplied]
    if article:
        base = pairs[0][0]
        sun = word[0] in _SUN_LETTERS and base[:1] not in "aeiou"
        assimilated = [v + (base[0] if sun else "l") + base for v in "ue"]
        prefixed = ["al" + base, *assimilated] if not joined else [*assimilated, "al" + base]
        pairs = pairs[:1] + [(s, "Arabic article joined") for s in prefixed] + pairs[1:]
    pairs.append((anyascii(word), "Unicode transliteration"))
    return _reading(pairs)
