"""Names folded to comparable Latin words, whatever disguise they arrive in.

Every rule here is about writing, not about people: Unicode compatibility forms, invisible
format characters, Cyrillic and Greek look-alikes slipped into Latin names (the Unicode
TR39 idea of a confusable skeleton), diacritics, ICAO 9303 machine-readable-zone spellings.
"""

# ruff: noqa: RUF003  (look-alike letters are this file's subject)

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_LETTER = re.compile(r"[^a-z]+")

# Cyrillic and Greek letters drawn like Latin ones (the Latin-target subset of Unicode TR39
# confusables.txt). Only applied to names that already contain Latin letters, where such a
# letter is a disguise rather than a Russian or Greek name.
_CONFUSABLE = str.maketrans(
    "АВЕЅІЈКМНОРСТХУԁаеѕіјорсхуԛԝһӏѵҮӀԚԜҺԌΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχϹϲͿϳϺ",
    "ABESIJKMHOPCTXYdaesijopcxyqwhlvYIQWHGABEZHIKMNOPTYXabeikvoptuxCcJjM",
)
_CYRILLIC_GREEK = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

# ICAO Doc 9303 part 3, section 6: national characters in the machine-readable zone.
_ICAO = {
    "ä": "ae",
    "æ": "ae",
    "ǽ": "ae",
    "ö": "oe",
    "ø": "oe",
    "œ": "oe",
    "ü": "ue",
    "å": "aa",
    "ß": "ss",
    "þ": "th",
    "ĳ": "ij",
    "ð": "d",
    "đ": "d",
    "ł": "l",
    "ŀ": "l",
}
_ICAO_TABLE = str.maketrans(_ICAO)
_MRZ_NAME = re.compile(r"^[A-Z0-9<]+$")
# A TD3 passport name field holds 39 characters; a name that fills it was cut short.
MRZ_NAME_FIELD = 39


_ASCII_CONTROLS = {n: " " for n in [*range(0x20), 0x7F]}


@lru_cache(maxsize=65_536)
def clean(text: str) -> str:
    """NFKC, format characters (zero-width joiners, bidi marks) dropped, look-alikes folded."""
    if text.isascii():  # NFKC leaves ASCII alone, and it has no format characters
        if not text.isprintable():  # (only the controls are unprintable in ASCII)
            text = text.translate(_ASCII_CONTROLS)
        return " ".join(text.split())
    if _LATIN.search(text) and _CYRILLIC_GREEK.search(text):
        text = text.translate(_CONFUSABLE)  # before NFKC too: it turns lunate Ϲ into Σ
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if unicodedata.category(ch) in {"Zs", "Zl", "Zp", "Cc"} else ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
    )
    if _LATIN.search(text) and _CYRILLIC_GREEK.search(text):
        text = text.translate(_CONFUSABLE)
    return " ".join(text.split())


def has_confusables(text: str) -> bool:
    """True when a Latin name carries Cyrillic or Greek look-alike letters."""
    text = unicodedata.normalize("NFKC", text)
    return bool(_LATIN.search(text) and _CYRILLIC_GREEK.search(text))


def latin_words(text: str) -> list[str]:
    """Lower-case ASCII words of a Latin-script text, diacritics removed (Nguyễn -> nguyen)."""
    return [w for w in _NON_LETTER.split(anyascii(text).lower()) if w]


def icao_words(text: str) -> list[str]:
    """The same words spelt as an ICAO 9303 zone spells them (Müller -> mueller)."""
    return latin_words(text.lower().translate(_ICAO_TABLE))


def parse_mrz(text: str) -> tuple[list[str], list[str], bool] | None:
    """(family words, given words, truncated) of an MRZ name field such as PAK<<UI<CHUN."""
    text = text.strip()
    if "<" not in text or not _MRZ_NAME.match(text):
        return None
    truncated = len(text) >= MRZ_NAME_FIELD and not text.endswith("<")
    family, _, given = text.rstrip("<").partition("<<")
    return (
        [w.lower() for w in family.split("<") if w],
        [w.lower() for w in given.split("<") if w],
        truncated,
    )


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """A name as one lower-case ASCII string of words (for display and quick comparisons)."""
    return " ".join(latin_words(clean(text).replace("<", " ")))


def fold_document(number: str) -> str:
    """A document number as compared: upper case, separators and MRZ fillers removed."""
    if number.isascii() and number.isalnum():  # most numbers: NFKC and the filter keep them
        return number.upper()
    return _NOT_DOCUMENT.sub("", unicodedata.normalize("NFKC", number).upper())


_NOT_DOCUMENT = re.compile(r"[^0-9A-Z]")


# Characters OCR and tired officers swap in document numbers.
_OCR = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
)


def ocr_document(number: str) -> str:
    """A folded document number with OCR-confusable characters mapped to one symbol."""
    return ocr_folded(fold_document(number))


def ocr_folded(folded: str) -> str:
    """`ocr_document` of a number `fold_document` already folded (folding twice changes
    nothing, so this skips the second pass)."""
    return folded.translate(_OCR)


_KEY_RULES = [
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"^rh"), "r"),
    (re.compile(r"(?<=[aeiouy])h$"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"[kg]h"), "k"),
    (re.compile(r"[td]h"), "t"),
    (re.compile(r"tsch|sch|tch|sh|ch|zh|dj|dz|tz|ts|j"), "j"),
    (re.compile(r"ck|q|c|g"), "k"),
]
# Then letter for letter, at once (none of these produces a letter another one rewrites).
_KEY_LETTERS = str.maketrans({"x": "ks", "z": "s", "w": "v", "b": "p", "d": "t"})
_KEY_RULES_AFTER = [
    (re.compile(r"r(?=[^aeiouy]|$)"), ""),
    (re.compile(r"r"), "l"),
    (re.compile(r"[aeiouy]+"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
]


@lru_cache(maxsize=262_144)
def sound_key(word: str) -> str:
    """A coarse sound key: consonant skeleton with voicing and spelling variants merged.

    Muhammad, Mohammed and Mohamad share one key, so do Park/Pak/Bak and Chung/Jung; it is
    used for retrieval and as a floor on similarity, never alone as proof of a match.
    """
    if not word:
        return ""
    body = word
    for pattern, repl in _KEY_RULES:
        body = pattern.sub(repl, body)
    body = body.translate(_KEY_LETTERS)
    for pattern, repl in _KEY_RULES_AFTER:
        body = pattern.sub(repl, body)
    return ("a" + body) if word[0] in "aeiouy" else (body or "a")
