"""The raw reference files read as published, and the matcher's package data derived from them.

Parses the UN consolidated XML, the OFAC legacy CSVs, the Korean Hangul/Latin pairs and the
popular-names tables under ../shared/data without the `watchlists` loaders, so the benchmark
does not move when they do. Every source is split by entity (`is_tune`): tables the matcher
learns from use the tune half only, the accuracy report uses the other half.

`python -m bench.eval_data [SHARED_DATA_DIR]` rewrites matchers/data/ from the tune half.
"""

from __future__ import annotations

import csv
import math
import re
import sys
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from anyascii import anyascii

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MATCHERS_DATA = Path(__file__).resolve().parents[1] / "matchers" / "data"

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def is_tune(key: str) -> bool:
    """The entity-level split: half the entities tune the matcher, the rest are reported."""
    return zlib.crc32(key.encode("utf-8")) % 2 == 0


@dataclass
class Person:
    """One listed individual as published: primary name, aliases and the other attributes."""

    source: str
    key: str
    primary: str
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, quality or type)
    native: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    sex: str | None = None
    documents: list[str] = field(default_factory=list)


def _country_code(name: str) -> str | None:
    import pycountry  # only the benchmark maps country names

    name = name.strip().rstrip(".")
    if not name:
        return None
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(name)
    except LookupError:
        return None
    return str(found[0].alpha_3) if found else None


def read_un(data: Path = DEFAULT_DATA) -> list[Person]:
    """Individuals of the UN consolidated list."""
    root = ElementTree.parse(data / "watchlists/un/consolidated_2026-02-27.xml").getroot()
    people = []
    for ind in root.iter("INDIVIDUAL"):
        def text(tag: str, node: ElementTree.Element = ind) -> str:
            found = node.find(tag)
            return _no_controls(found.text or "") if found is not None else ""

        parts = [text(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        primary = " ".join(p for p in parts if p)
        if not primary:
            continue
        person = Person("un", text("DATAID"), primary)
        for alias in ind.iter("INDIVIDUAL_ALIAS"):
            name = text("ALIAS_NAME", alias)
            if name:
                person.aliases.append((name, text("QUALITY", alias) or "Good"))
        for native in ind.iter("NAME_ORIGINAL_SCRIPT"):
            if native.text and _no_controls(native.text):
                person.native.append(_no_controls(native.text))
        for dob in ind.iter("INDIVIDUAL_DATE_OF_BIRTH"):
            if text("DATE", dob):
                person.birth_dates.append(text("DATE", dob)[:10])
            elif text("YEAR", dob):
                person.birth_dates.append(text("YEAR", dob))
        for nat in ind.iter("NATIONALITY"):
            for value in nat.iter("VALUE"):
                code = _country_code(value.text or "")
                if code:
                    person.nationalities.append(code)
        gender = text("GENDER")
        person.sex = {"Male": "M", "Female": "F"}.get(gender)
        for doc in ind.iter("INDIVIDUAL_DOCUMENT"):
            if text("NUMBER", doc):
                person.documents.append(text("NUMBER", doc))
        people.append(person)
    return people


def _no_controls(text: str) -> str:
    """Published names carry stray control characters (a line feed inside an Arabic name)."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


_DOB = re.compile(r"DOB (?:circa )?(\d{1,2} )?([A-Z][a-z]{2} )?(\d{4})")
_PASSPORT = re.compile(r"Passport ([A-Z0-9][A-Z0-9 -]{3,20}?)(?: \(|;|\.|$)")
_NATIONALITY = re.compile(r"nationality ([A-Za-z ,]+?)[;.]")
_SEX = re.compile(r"Gender (Male|Female)")


def read_ofac(data: Path = DEFAULT_DATA) -> list[Person]:
    """Individuals of the OFAC SDN legacy CSV, aliases from alt.csv, attributes from remarks."""
    folder = data / "watchlists/ofac_sdn_2021"
    people: dict[str, Person] = {}
    with open(folder / "sdn.csv", encoding="latin-1", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 12 or row[2].strip().strip('"') != "individual":
                continue
            key, name, remarks = row[0].strip(), row[1].strip(), row[11]
            person = Person("ofac", key, _ofac_name(name))
            for day, mon, year in _DOB.findall(remarks):
                if day and mon:
                    person.birth_dates.append(
                        f"{year}-{_MONTHS[mon.strip().lower()]:02d}-{int(day):02d}")
                else:
                    person.birth_dates.append(year)
            person.documents += [p.strip() for p in _PASSPORT.findall(remarks)]
            for nat in _NATIONALITY.findall(remarks):
                code = _country_code(nat)
                if code:
                    person.nationalities.append(code)
            sex = _SEX.search(remarks)
            person.sex = {"Male": "M", "Female": "F"}[sex.group(1)] if sex else None
            people[key] = person
    with open(folder / "alt.csv", encoding="latin-1", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) >= 4 and row[0].strip() in people:
                people[row[0].strip()].aliases.append((_ofac_name(row[3]), row[2].strip()))
    return list(people.values())


def _ofac_name(name: str) -> str:
    """OFAC writes `SURNAME, Given Names`; the comparison wants the words, not the comma."""
    name = name.strip().strip('"').strip()
    if ", " in name:
        family, _, given = name.partition(", ")
        return f"{given} {family}".strip()
    return name


def read_korean(data: Path = DEFAULT_DATA) -> list[tuple[str, str]]:
    """(Hangul, Latin) pairs of real Korean people."""
    with open(data / "names/korean_names_hangul_latin_dev.tsv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return [(h.strip(), latin.strip()) for h, latin in rows[1:] if h.strip() and latin.strip()]


def read_surname_table(data: Path = DEFAULT_DATA) -> list[dict[str, str]]:
    with open(data / "names/common-surnames-by-country.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def read_forename_table(data: Path = DEFAULT_DATA) -> list[dict[str, str]]:
    with open(data / "names/common-forenames-by-country.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def words(latin: str) -> list[str]:
    """Lower-case ASCII words, diacritics removed: the shape the tables are keyed on."""
    return [w for w in re.split(r"[^a-z]+", anyascii(latin).lower()) if w]


# -- package data for matchers/ -----------------------------------------------------------

_HANGUL_INITIAL_LETTERS = [
    "kg", "kg", "n", "td", "td", "rlny", "m", "pb", "pb", "s", "s", "aeiouyw", "jcz", "jcz",
    "cjz", "k", "t", "pb", "h",
]


def _plausible(syllable: str, word: str) -> bool:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172 or not word:
        return False
    return word[0] in _HANGUL_INITIAL_LETTERS[code // 588]


def hangul_spellings(pairs: list[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """(syllable, spelling) counts from names whose Latin words align one-to-one."""
    counts: Counter[tuple[str, str]] = Counter()
    for hangul, latin in pairs:
        syllables = hangul.replace(" ", "")
        ws = words(latin)
        if len(ws) != len(syllables):
            continue
        for order in (ws, ws[-1:] + ws[:-1]):
            if all(_plausible(s, w) for s, w in zip(syllables, order, strict=True)):
                counts.update(zip(syllables, order, strict=True))
                break
    return counts


def surname_groups(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Romanization groups of the same East/South-East Asian surname (Lee/Yi/Rhee)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["Country"] not in {"KR", "CN", "TW", "VN", "JP"}:
            continue
        for spelling in re.split(r"[/,]", row["Romanized Name"]):
            ws = words(spelling)
            if len(ws) == 1:
                groups[row["Name Group"]].add(ws[0])
    return {g: s for g, s in groups.items() if len(s) > 1}


def native_surname_readings(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Hangul/Han surname -> the Latin spellings of its group."""
    groups = surname_groups(rows)
    readings: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        native = row["Localized Name"].strip()
        if native and row["Name Group"] in groups and len(native) <= 2:
            readings[native] |= groups[row["Name Group"]]
    return readings


def name_frequencies(
    surnames: list[dict[str, str]], forenames: list[dict[str, str]], listed: list[Person]
) -> dict[str, float]:
    """Estimated share of people bearing a name word, the highest over countries.

    Published percentages where the table has them, a Zipf estimate from the rank otherwise,
    and, for the populations the tables miss, the word's share among listed names.
    """
    share: dict[str, float] = defaultdict(float)
    for row in surnames:
        pct = row.get("Percent") or ""
        try:
            rank = int(row["Rank"] or 50)
        except ValueError:
            rank = 50
        value = float(pct) if pct else 0.08 / rank
        for spelling in [*re.split(r"[/,]", row["Romanized Name"]), row["Localized Name"]]:
            for w in words(spelling):
                share[w] = max(share[w], value)
    for row in forenames:
        try:
            rank = int(row["Index"] or 100)
        except ValueError:
            rank = 100
        value = 0.03 / rank
        for w in words(row["Romanized Name"]) + words(row["Localized Name"]):
            share[w] = max(share[w], value)
    for _, names in supplementary_names().items():
        for rank, name in enumerate(names, 1):
            for w in words(name):
                share[w] = max(share[w], 0.03 / rank)
    counts: Counter[str] = Counter()
    for person in listed:
        for w in set(words(person.primary)):
            counts[w] += 1
    total = max(1, len(listed))
    for w, n in counts.items():
        if n >= 3:
            share[w] = max(share[w], 0.5 * n / total)
    return {w: v for w, v in share.items() if v >= 1e-4}


def supplementary_names() -> dict[str, list[str]]:
    """Common names the popular-names tables lack (Vietnamese, Khmer, Thai and Malay given
    names or surnames), most common first, by ISO alpha-2 country: streams.demo's list of
    them. Without it MINH or SOPHEA would weigh as rare words."""
    from streams.demo import _EXTRA  # the one list of them in the project

    return {country: list(names) for country, names in _EXTRA.items()}


def name_countries(
    surnames: list[dict[str, str]], forenames: list[dict[str, str]]
) -> dict[str, set[str]]:
    """Name word -> the countries (ISO 3166 alpha-3) whose popular-names tables list it.

    Every word of a listed name, its Latin and its home-script spelling (in ASCII), and the
    words of a two-word given name written as one (Seo-jun: seo, jun, seojun), as the
    matcher's tokens and joined units spell them."""
    import pycountry  # only the benchmark maps country codes

    found: dict[str, set[str]] = defaultdict(set)
    for row in [*surnames, *forenames]:
        country = pycountry.countries.get(alpha_2=row["Country"])
        if country is None:
            continue
        spellings = [*re.split(r"[/,]", row["Romanized Name"]), row["Localized Name"]]
        for spelling in spellings:
            ws = words(spelling)
            for w in [*ws, "".join(ws)] if len(ws) > 1 else ws:
                if len(w) >= 2:
                    found[w].add(str(country.alpha_3))
    for code, names in supplementary_names().items():
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            raise ValueError(f"supplementary names: {code!r} is no ISO 3166 country code")
        for name in names:
            for w in words(name):
                found[w].add(str(country.alpha_3))
    return found


_ARABIC = re.compile(r"^[\u0600-\u06FF]+$")
_LATIN_ARTICLES = {"al", "el", "ul", "ur", "ar", "as", "ad", "an", "at", "az", "ash", "ud", "ed"}


def arabic_spellings(people: list[Person]) -> Counter[tuple[str, str]]:
    """(Arabic word, Latin spelling) counts from listed names written in both scripts.

    Arabic words are folded as the reader folds them (hamza seats, Persian letters), the
    article and a joined Abd are split off, and a native name is aligned word by word with
    the primary name or the first good alias with as many words whose consonants agree.
    """
    from matchers.transliterate import fold_arabic

    counts: Counter[tuple[str, str]] = Counter()
    for person in people:
        latins = [person.primary] + [a for a, q in person.aliases if q != "Low"]
        for native in person.native:
            arabic = _arabic_words(fold_arabic(native))
            if not arabic or not all(_ARABIC.match(w) for w in arabic):
                continue
            for name in latins:
                latin = _latin_words(name)
                if len(arabic) == len(latin) and all(
                    _consonant_compatible(a, w) for a, w in zip(arabic, latin, strict=True)
                ):
                    counts.update(zip(arabic, latin, strict=True))
                    break
    return counts


def _arabic_words(native: str) -> list[str]:
    out = []
    for word in native.split():
        word = _strip_al(word)
        if word.startswith("عبد") and len(word) > 4:
            out.append("عبد")
            word = _strip_al(word[3:])
        out.append(word)
    return out


def _latin_words(name: str) -> list[str]:
    out: list[str] = []
    for w in words(name):
        if w in _LATIN_ARTICLES:
            continue
        joined = re.match(r"^abd(?:ul|el|al|u|e|a)?([a-z]{3,})$", w)
        if w in {"abd", "abdul", "abdel", "abdal", "abdu"}:
            out.append("abdul")
        elif joined and not joined.group(1).startswith(("lah", "llah", "ulla", "alla")):
            out += ["abdul", re.sub(r"^(.)\1", r"\1", joined.group(1))]
        else:
            out.append(w)
    return out


def _strip_al(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 and word != "الله" else word


def _consonant_compatible(arabic: str, latin: str) -> bool:
    skeleton = re.sub(r"[aeiouy']", "", anyascii(arabic).lower())
    return bool(skeleton) and bool(latin) and skeleton[0] == re.sub(r"[aeiouy]", "", latin)[:1]


def build(data: Path = DEFAULT_DATA, out: Path = MATCHERS_DATA) -> None:
    """Write the matcher's tables from the tune half of every source."""
    out.mkdir(parents=True, exist_ok=True)
    surnames, forenames = read_surname_table(data), read_forename_table(data)
    listed = [p for p in read_un(data) + read_ofac(data) if is_tune(f"{p.source}:{p.key}")]
    korean = [pair for pair in read_korean(data) if is_tune(f"ko:{pair[0]}")]

    with open(out / "name_frequencies.tsv", "w", encoding="utf-8") as fh:
        fh.write("# word\tshare (highest estimated share of people in one country)\n")
        for w, v in sorted(name_frequencies(surnames, forenames, listed).items()):
            fh.write(f"{w}\t{v:.6f}\n")
    write_name_countries(surnames, forenames, out)
    with open(out / "surname_groups.tsv", "w", encoding="utf-8") as fh:
        fh.write("# group\tspellings of one surname (common-surnames-by-country.csv)\n")
        for g, spellings in sorted(surname_groups(surnames).items()):
            fh.write(f"{g}\t{' '.join(sorted(spellings))}\n")
    with open(out / "native_surnames.tsv", "w", encoding="utf-8") as fh:
        fh.write("# native surname\tLatin spellings in use\n")
        for native, spellings in sorted(native_surname_readings(surnames).items()):
            fh.write(f"{native}\t{' '.join(sorted(spellings))}\n")
    with open(out / "hangul_spellings.tsv", "w", encoding="utf-8") as fh:
        fh.write("# syllable\tspelling\tcount (Wikidata names, tune half)\n")
        for (syl, spelling), n in sorted(hangul_spellings(korean).items()):
            if n >= 2:
                fh.write(f"{syl}\t{spelling}\t{n}\n")
    with open(out / "arabic_spellings.tsv", "w", encoding="utf-8") as fh:
        fh.write("# Arabic word\tLatin spelling\tcount (UN list, tune half)\n")
        for (word, spelling), n in sorted(arabic_spellings(listed).items()):
            fh.write(f"{unicodedata.normalize('NFC', word)}\t{spelling}\t{n}\n")


def write_name_countries(
    surnames: list[dict[str, str]], forenames: list[dict[str, str]], out: Path = MATCHERS_DATA
) -> None:
    """Write name_countries.tsv (see `name_countries`)."""
    with open(out / "name_countries.tsv", "w", encoding="utf-8") as fh:
        fh.write(
            "# word\tcountries (ISO alpha-3) where it is a popular name: every word of the rows"
            " of ../shared/data/names/common-surnames-by-country.csv and"
            " common-forenames-by-country.csv (CC0) and streams.demo's common names the tables"
            " lack (supplementary_names); regenerate with"
            " `python -m bench.eval_data --name-countries`\n"
        )
        for w, countries in sorted(name_countries(surnames, forenames).items()):
            fh.write(f"{w}\t{' '.join(sorted(countries))}\n")


def iter_names(person: Person) -> Iterator[str]:
    yield person.primary
    for name, _ in person.aliases:
        yield name


def entropy_bits(share: float) -> float:
    return -math.log2(max(share, 1e-9))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--name-countries"]:  # only the table of where names are common
        data = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_DATA
        write_name_countries(read_surname_table(data), read_forename_table(data))
    else:
        build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA)
    print(f"wrote {MATCHERS_DATA}")
