"""A written name turned into the comparable form the scorer and the index work on.

A `NameForm` is a tuple of `Token`s; a token holds every Latin spelling its word is written
with (one for most Latin words, several for a Hangul syllable or a Han character), a weight
that says how much matching it proves (rare words weigh more), and whether it is the family
name. Built once per distinct name and cached: names repeat across entries and crossings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from matchers import tables
from matchers.normalize import clean, icao_words, latin_words, parse_mrz, sound_key
from matchers.records import pickled_as_arguments
from matchers.transliterate import Reading, read, script_of

MAX_TOKENS = 12
PARTICLE_WEIGHT = 0.1
# Words that join names rather than name anyone: Arabic, Malay, Dutch/German, Romance, and
# the Vietnamese middle names that mark sex (Văn, Thị) and are often dropped.
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "ur",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "an",
        "ash",
        "bin",
        "ben",
        "bint",
        "binti",
        "bte",
        "ibn",
        "ibni",
        "ould",
        "ag",
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "du",
        "del",
        "della",
        "la",
        "le",
        "y",
        "e",
        "ter",
        "ten",
        "thi",
    ]
)
# Titles and ranks lists put before names; they name no one.
HONORIFICS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mme",
        "prof",
        "professor",
        "colonel",
        "col",
        "general",
        "gen",
        "lt",
        "captain",
        "capt",
        "major",
        "maj",
        "sgt",
        "sheikh",
        "shaykh",
        "sheik",
        "haji",
        "hajji",
        "alhaji",
        "mullah",
        "mulla",
        "maulana",
        "mawlawi",
        "maulawi",
        "mawlavi",
        "molvi",
        "moulvi",
        "mufti",
        "doctor",
        "hajj",
        "maulvi",
        "qari",
        "commander",
        "cmdr",
        "brigadier",
        "admiral",
        "sir",
        "lord",
    ]
)
_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Token:
    """One word of a name: its spellings (best first), their systems, and its weight."""

    spellings: tuple[str, ...]
    systems: tuple[str, ...]
    weight: float
    family: bool
    particle: bool


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Unit:
    """A token, or two adjacent tokens written as one word (Min Jun = Minjun)."""

    mask: int
    spellings: tuple[str, ...]
    weight: float


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: tokens, their units, and how it was read."""

    source: str
    script: str
    how: str
    tokens: tuple[Token, ...]
    units: tuple[Unit, ...]
    total_weight: float
    truncated: bool
    order_key: tuple[str, ...]
    content: int  # bit mask of the tokens that are not particles
    family: int  # bit mask of the family-name tokens
    popular: frozenset[str]  # the countries where a word of it is a popular name (`popular_in`)

    def reading(self) -> str:
        """The Latin words the name was read as (first spelling of each token)."""
        return " ".join(t.spellings[0] for t in self.tokens)


def word_weight(spellings: tuple[str, ...]) -> float:
    """How much a word proves: -log10 of its commonest spelling's share, scaled to 0.1..1."""
    freq = tables.name_frequencies()
    share = max((freq.get(s, 0.0) for s in spellings[:2]), default=0.0)
    weight = 1.0 if share <= 0 else min(1.0, max(0.1, -math.log10(share) / 4))
    length = len(spellings[0])
    if length == 1:
        return 0.3
    if length == 2:
        return min(weight, 0.5)
    return weight


@lru_cache(maxsize=65_536)
def _token(reading: Reading) -> Token:
    """A word's token (cached: words repeat across names, and the tokens are then shared)."""
    particle = reading.spellings[0] in PARTICLES
    weight = PARTICLE_WEIGHT if particle else word_weight(reading.spellings)
    if reading.family and not particle:
        weight = min(1.25, weight * 1.25)
    return Token(reading.spellings, reading.systems, weight, reading.family, particle)


_ABD = frozenset(
    ["abd", "abdu", "abdul", "abdel", "abdal", "abdoul", "abdol", "abdool", "abdur", "abdus"]
)
_ABD_JOINED = re.compile(r"^abd(?:ul|el|al|oul|ool|ol|ur|us|u|e|a)?([a-z]{3,})$")
_ARTICLE = frozenset(["al", "el", "ul", "ar", "ur", "as", "us", "ad", "an", "ash", "at", "az"])


_GLUED_ABD = re.compile(r"^([a-z]{3,})(abd[a-z]{4,})$")


def _unglue_abd(word: str) -> tuple[str, ...]:
    glued = _GLUED_ABD.match(word)
    return (glued.group(1), glued.group(2)) if glued else (word,)


def _arabic_compounds(words: list[str]) -> list[str]:
    """Abd al-Rahman, Abdul Rahman, Abdulrahman, Abdurrahman: one shape, [abdul, rahman]
    (also when the name before it is glued on: FITIWIABDELRAZAK)."""
    out: list[str] = []
    skip = False
    words = [part for w in words for part in _unglue_abd(w)]
    for n, w in enumerate(words):
        if skip:
            skip = False
            continue
        joined = _ABD_JOINED.match(w)
        if w in _ABD:
            out.append("abdul")
            skip = n + 1 < len(words) - 0 and words[n + 1] in _ARTICLE
        elif joined and not joined.group(1).startswith(("lah", "llah", "ulla", "alla", "ella")):
            out += ["abdul", re.sub(r"^(.)\1", r"\1", joined.group(1))]
        else:
            out.append(w)
    return out


# How lists abbreviate Muhammad (MHD AMER, Md. Hossain).
_ABBREVIATIONS = {
    "mhd": ("muhammad",),
    "md": ("mohammad",),
    "mohd": ("mohammad",),
    "muhd": ("muhammad",),
}
# Generational suffixes: "LAVILLA, JR" is not a family name followed by a given name.
SUFFIXES = frozenset(["jr", "sr", "junior", "senior", "ii", "iii"])


@lru_cache(maxsize=65_536)
def _latin_spellings(word: str, icao: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A Latin word's spellings: as written, the ICAO zone form, a known abbreviation's
    full word, and X spelt KS as Slavic and Arabic transliterations write it (Alex, Aleks)."""
    pairs = [(word, "as written"), (icao, "ICAO 9303")]
    pairs += [(full, "abbreviation") for full in _ABBREVIATIONS.get(word, ())]
    if "x" in word:
        pairs.append((word.replace("x", "ks"), "X written KS"))
    seen = dict(pairs[:1])
    for spelling, system in pairs[1:]:
        seen.setdefault(spelling, system)
    return tuple(seen), tuple(seen.values())


# An apostrophe inside a word marks a letter (the Arabic ayn or hamza: Sa'id, Wa'el) or a
# McCune-Reischauer aspiration (Ch'o'l), not a word break: one word, written without it,
# unless the case turns from lower to upper there (Abdallah'ABDU: two words run together).
# (Tune split: ofac-variant recall 0.712 -> 0.716, nothing else moves.)
_APOSTROPHE = re.compile("(?<=[^\\W\\d_])['\u2018\u2019\u02bc\u02bb`\u00b4](?=[^\\W\\d_])")


def _apostrophe(m: re.Match[str]) -> str:
    before, after = m.string[m.start() - 1], m.string[m.end()]
    return " " if before.islower() and after.isupper() else ""


def _latin_readings(text: str, family_first: bool) -> list[Reading]:
    ascii_ = text.isascii()
    if not ascii_ or "'" in text or "`" in text:  # the only apostrophes ASCII has
        text = _APOSTROPHE.sub(_apostrophe, text)
    plain = latin_words(text)
    # ICAO respells only letters outside ASCII, and the words are lower-cased anyway
    icao = plain if ascii_ else icao_words(text)
    if len(icao) != len(plain):
        icao = plain
    if any("abd" in w for w in plain):
        plain = icao = _arabic_compounds(plain)
    return [
        _latin_reading(p, i, family_first and n == 0)
        for n, (p, i) in enumerate(zip(plain, icao, strict=True))
    ]


@lru_cache(maxsize=65_536)
def _latin_reading(word: str, icao: str, family: bool) -> Reading:
    return Reading(*_latin_spellings(word, icao), family)


# Honorifics that transliteration glues to the name they precede (HAJIMUHAMMAD) or, less
# often, follow (MUSTAFAHAJJI).
_TITLES = "alhaji|hajji|haji|sheikh|shaykh|mullah|mulla|maulana"
_GLUED_HONORIFIC = re.compile(rf"^(?:{_TITLES})([a-z]{{4,}})$|^([a-z]{{4,}})(?:{_TITLES})$")


def _unglued(reading: Reading) -> Reading:
    """A word with an honorific glued on also reads as the bare name (kept first)."""
    glued = _GLUED_HONORIFIC.match(reading.spellings[0])
    if glued is None:
        return reading
    return Reading(
        (glued.group(1) or glued.group(2), *reading.spellings),
        ("honorific dropped", *reading.systems),
        reading.family,
    )


def _title(word: str, text: str) -> bool:
    """An honorific, or a generational suffix written as a word of its own (the SR of
    NA-SR is half of a name cut by a hyphen, not Senior)."""
    if word in HONORIFICS:
        return True
    return (
        word in SUFFIXES
        and re.search(rf"(?:^|[\s,.<]){word}(?:$|[\s,.<])", text, re.IGNORECASE) is not None
    )


def _joined(a: Token, b: Token) -> tuple[str, ...]:
    """Two adjacent words written as one (Min Jun = Minjun), in their first spellings."""
    xs, ys = a.spellings, b.spellings
    if len(xs) == 1 and len(ys) == 1:  # most Latin words: cheaper than a cache look-up
        return (xs[0] + ys[0],)
    return _joined_spellings(xs[:3], ys[:3])


@lru_cache(maxsize=65_536)
def _joined_spellings(xs: tuple[str, ...], ys: tuple[str, ...]) -> tuple[str, ...]:
    """Every spelling of x followed by every spelling of y, once each (cached by spellings,
    which hash faster than whole tokens: Hangul and Han words have several)."""
    return tuple(dict.fromkeys(x + y for x in xs for y in ys))


def _read_runs(text: str, script: str) -> list[Reading]:
    """A name in a native script, with any words written in Latin letters read as Latin
    (車 Ha-joon: the family name in Hanja, the given name romanized), not letter by letter
    by the native reader; consecutive native words are read together (a Japanese reading
    needs the whole name)."""
    words = text.split()
    latin = [script_of(w) == "Latin" for w in words]
    if not any(latin) or all(latin):
        return read(text, script)
    out: list[Reading] = []
    for is_latin, run in groupby(zip(latin, words, strict=True), key=lambda x: x[0]):
        part = " ".join(w for _, w in run)
        out += _latin_readings(part, False) if is_latin else read(part, script_of(part))
    return out


# The distinct sets of countries where a name is popular: a few hundred, shared by the
# million names of a large list (`NameForm.popular`).
_POPULAR: dict[frozenset[str], frozenset[str]] = {}


@lru_cache(maxsize=131_072)
def name_form(name: str) -> NameForm:
    """The comparable form of one written name (cached: names repeat)."""
    text = clean(name)
    truncated = False
    mrz = parse_mrz(text.upper()) if "<" in text else None
    if mrz is not None:
        family, given, truncated = mrz
        readings = [Reading((w,), ("MRZ",), True) for w in family]
        readings += [Reading((w,), ("MRZ",), False) for w in given]
        script, how = "MRZ", "machine-readable zone (surname<<given names)"
    else:
        text = text.replace("<", " ")
        script = script_of(text)
        if script == "Latin":
            family_part, _, given_part = text.partition(",")
            if not given_part:  # no comma, or nothing after it (then the text drops it)
                text = family_part
            elif set(latin_words(given_part)) <= SUFFIXES:  # "RUBEN PESTANO LAVILLA, JR"
                text, given_part = family_part, ""
            if given_part:  # "FAMILY, Given" as lists write it
                readings = [
                    Reading(r.spellings, r.systems, True)
                    for r in _latin_readings(family_part, False)
                ]
                readings += _latin_readings(given_part, False)
            else:
                readings = _latin_readings(text, bool(_VIETNAMESE.search(text)))
            how = "Latin"
        else:
            readings = _read_runs(text, script)
            how = script
    kept = [_unglued(r) for r in readings if not _title(r.spellings[0], text)]
    readings = (kept or readings)[:MAX_TOKENS] or [Reading(("x",), ("unknown",), False)]
    tokens = tuple(map(_token, readings))
    units = [Unit(1 << n, t.spellings, t.weight) for n, t in enumerate(tokens)]
    content_mask = family_mask = 0
    popular: frozenset[str] = frozenset()
    countries = tables.name_countries()
    for n, t in enumerate(tokens):  # (one pass: a traveller's new name is built as he waits)
        if n:
            a = tokens[n - 1]
            units.append(Unit((1 << (n - 1)) | (1 << n), _joined(a, t), a.weight + t.weight))
        if not t.particle:
            content_mask |= 1 << n
            for s in t.spellings[:2]:
                got = countries.get(s)
                if got is not None:
                    popular |= got
        if t.family:
            family_mask |= 1 << n
    return NameForm(
        source=name,
        script=script,
        how=how,
        tokens=tokens,
        units=tuple(units),
        total_weight=sum([t.weight for t in tokens]),
        truncated=truncated,
        order_key=tuple([t.spellings[0] for t in tokens]),
        content=content_mask,
        family=family_mask,
        popular=_POPULAR.setdefault(popular, popular),  # (a few distinct sets, shared)
    )


def index_keys(form: NameForm) -> set[str]:
    """Sound keys of every spelling of every unit of a name (what the index files it under)."""
    keys = set()
    for unit in form.units:
        for spelling in unit.spellings:
            key = sound_key(spelling)
            if len(key) >= 2:
                keys.add(key)
    return keys
