"""Pairwise scoring of two identities, with the evidence for each point of the score.

The score is a sum of signed features an officer can read: how well the names match
(scaled by how much a match of such names proves), then date of birth, nationality, sex
and documents, each adding or taking away a fixed, documented amount. Every feature is
symmetric in its two identities, so `compare(a, b).score == compare(b, a).score`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from rapidfuzz.distance import Indel

from matchers import tables
from matchers.identity import Document, Identity
from matchers.names import NameForm, name_form
from matchers.normalize import fold_document, ocr_folded, sound_key
from matchers.records import pickled_as_arguments
from matchers.result import Band, Comparison, Hit

DEFAULT_THRESHOLD = 0.70
CONFIRMED, PROBABLE = 0.90, 0.80

# Name evidence: a perfect match of distinctive names is worth NAME_MAX on its own (probable,
# not confirmed: names alone never confirm). Names made only of common words lose up to
# COMMON_PENALTY, enough to keep NGUYEN VAN AN alone at a weak (possible) alert.
NAME_MAX = 0.86
NAME_FLOOR = 0.6  # unit similarity under which two words count as different
FULL_CREDIT = 0.92  # unit similarity from which two words count as the same
SOUND_FLOOR = 0.92  # similarity of two spellings sharing a sound key (Mohammed/Muhammad)
SOUND_MIN = 0.55  # ...provided they are that alike already (a long key says little)
SOUND_KEY_MIN = 2  # ...and their key has that many letters
COMMON_PENALTY = 0.16
DISTINCTIVE_INFO = 2.0  # summed word weights at which a name stops counting as common
SINGLE_WORD_FACTOR = 0.7  # both names have 2+ words but only one matched
FAMILY_MISS = 0.05
SHORT_SIDE = 0.8  # weight of the better-covered name (a dropped middle name costs little)
CURVE = 1.5
# A name whose matched words carry less information than CORROBORATED_INFO (a word of weight w
# is borne by about 10**(-4 w) of people: info 1.1 is a name about 1 in 25,000 people share,
# so several per 10,000 crossings against a list of thousands) loses up to UNCORROBORATED
# more unless a birth date (to the month), the nationality or a document agrees, or the
# two names are spelt the same throughout (the common name itself stays a weak alert, as
# COMMON_PENALTY intends): a merely similar common name alone does not alert.
# Chosen on the tune split: false alerts 72.5 -> 8.5 per 10,000 there, korean recall -0.007.
CORROBORATED_INFO = 1.1
UNCORROBORATED = 0.25
# When both people carry a date of birth and the dates do not agree to the month, the date
# had its chance to back the name and did not: the name must then be distinctive
# (DISTINCTIVE_INFO, a name about 1 in 10**8 people share) to stand alone, or it loses up to
# UNDATED_NAME more. A listed year met by chance is 1 in ~55: on a list of 100,000, a name
# of info 1.5 (1 in 10**6) and a year still meet a random traveller every few thousand
# crossings (pipeline data). Names without dates to compare keep the CORROBORATED_INFO bar.
UNDATED_NAME = 0.5
# (Counting a shared year, 1 in 55, as info -log10(1/55)/4 = 0.43 towards that bar keeps the
# planted people a list knows by year only, but triples the false alerts: pipeline data.)

# A listed year alone, or a full date one digit off, is met by chance by 1 traveller in
# about 60 and 1,200: a tie-breaker, not corroboration (both were 0.05; tune split).
DOB_EXACT, DOB_MONTH, DOB_YEAR = 0.12, 0.08, 0.03
DOB_SWAP, DOB_TYPO = 0.07, 0.03
DOB_NEAR, DOB_DIFFERENT = -0.05, -0.22
DOB_CONFLICT = -0.20  # two full dates a year or a month apart: rarely one person
DATE_BACKS = min(DOB_EXACT, DOB_MONTH, DOB_SWAP)  # a date value that backs a name
NATIONALITY_SAME, NATIONALITY_DIFFERENT = 0.04, -0.06
# The nationality shared by two people whose name is a popular one there (Nguyen and VNM,
# Kim and KOR: name_countries.tsv) is what most bearers of the name hold: no evidence of one
# person, and no backing for a common name (pipeline data: the shared nationality backed
# nearly every false alert of a common name).
NATIONALITY_TYPICAL = 0.0
SEX_DIFFERENT = -0.10
DOCUMENT_SAME, DOCUMENT_OCR = 0.35, 0.28
DOCUMENT_FLOOR = 0.75  # a shared long document number alerts whatever the names say


def band_for(score: float, threshold: float) -> Band:
    """The band of a score; anything under the alert threshold is no band at all."""
    if score < threshold:
        return Band.NONE
    if score >= CONFIRMED:
        return Band.CONFIRMED
    if score >= PROBABLE:
        return Band.PROBABLE
    return Band.POSSIBLE


# -- words ----------------------------------------------------------------------------------


@lru_cache(maxsize=1_048_576)
def word_similarity(a: str, b: str) -> float:
    """Similarity of two spellings: edit similarity, floored by a shared sound key or
    surname group (Lee/Yi/Rhee), initials matching the word they abbreviate."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.75 if a[0] == b[0] else 0.0
    group = tables.surname_groups().get(a)
    if group is not None and b in group:
        return 0.95
    sim = Indel.normalized_similarity(a, b)
    if SOUND_MIN <= sim < SOUND_FLOOR and min(len(a), len(b)) >= 3:
        ka = sound_key(a)
        if len(ka) >= SOUND_KEY_MIN and ka == sound_key(b):
            sim = max(sim, SOUND_FLOOR)
    return sim


def _spelled_similarity(a: str, b: str) -> float:
    """Similarity of two words both joined from two: letters only, since the sound key of
    such a word says little (HASAN ISLAM is not HOSEYN SALAMI)."""
    return float(Indel.normalized_similarity(a, b))


@lru_cache(maxsize=1_048_576)
def _unit_similarity(
    xs: tuple[str, ...], ys: tuple[str, ...], joined: bool
) -> tuple[float, float, int, int]:
    """Best similarity of two units' spellings, the letters-only similarity of the spellings
    that gave it (what breaks a tie between two pairs floored alike by a sound key), and
    which spellings gave it (cached: the aliases of one entry share most of their words)."""
    best, letters, bi, bj = 0.0, 0.0, 0, 0
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            if x == y:
                return 1.0, 1.0, i, j
            s = (
                _spelled_similarity(x, y)
                if joined
                else word_similarity(x, y)
                if x < y
                else word_similarity(y, x)
            )
            if s >= best:
                raw = s if joined or s < SOUND_FLOOR else _spelled_similarity(x, y)
                if s > best or raw > letters:
                    best, letters, bi, bj = s, raw, i, j
    return best, letters, bi, bj


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The best alignment of two name forms and what it is worth."""

    value: float  # contribution to the score
    rarity: float  # penalty (<= 0) for names made of common words
    similarity: float
    info: float
    query: NameForm
    listed: NameForm
    pairs: tuple[tuple[str, str, float], ...]  # (query spelling, listed spelling, similarity)
    # (query mask, query spelling, listed mask, listed spelling) of each matched pair
    units: tuple[tuple[int, str, int, str], ...]
    identical: bool  # similarity 1 and every pair alike 1: the same name spelt the same

    def systems(self, form: NameForm) -> tuple[str, ...]:
        """How the matched words of one side (`query` or `listed`) were read (worded only for
        a hit's explanation, so worked out only then)."""
        listed = form is self.listed and form is not self.query
        return tuple(
            s
            for qm, qs, lm, ls in self.units
            for s in _systems(form, lm if listed else qm, ls if listed else qs)
        )

    def better_than(self, other: NameMatch) -> bool:
        """The better pair of names by worth, then by the names' text (a total order: of
        two pairs scoring alike, `Scored.beats` takes the better)."""
        mine, theirs = self.value + self.rarity, other.value + other.rarity
        return mine > theirs or (
            mine == theirs
            and (self.query.source, self.listed.source) < (other.query.source, other.listed.source)
        )


def _credit(sim: float) -> float:
    return min(1.0, max(0.0, (sim - NAME_FLOOR) / (FULL_CREDIT - NAME_FLOOR)))


def match_forms(q: NameForm, l_: NameForm) -> NameMatch:
    """Align the words of two names (any order, joined or split) and score the alignment."""
    swapped = q.order_key > l_.order_key  # align in one canonical orientation: symmetric
    a, b = (l_, q) if swapped else (q, l_)
    cands = []
    cut = a.truncated or b.truncated
    b_units = [(j, ub.spellings, ub.mask & (ub.mask - 1) != 0) for j, ub in enumerate(b.units)]
    for i, ua in enumerate(a.units):
        xs, a_joined = ua.spellings, ua.mask & (ua.mask - 1) != 0
        for j, ys, b_joined in b_units:
            sim, letters, si, sj = _unit_similarity(xs, ys, a_joined and b_joined)
            if sim < NAME_FLOOR and cut:
                ub = b.units[j]
                sim = _truncated(a, ua.mask, xs, b, ub.mask, ys, sim)
            if sim > NAME_FLOOR:
                # equally similar: the pair of more words first (a joined word before its
                # halves), then the pair spelt more alike (HUSAYN is HUSSEIN rather than
                # HASSAN, though all three share a sound key; tune split: ofac-variant
                # +1 true pair, nothing else moves), then the pair covering more weight
                ub = b.units[j]
                cands.append(
                    (
                        -sim,
                        -(ua.mask.bit_count() + ub.mask.bit_count()),
                        -letters,
                        -(ua.weight + ub.weight),
                        i,
                        j,
                        si,
                        sj,
                    )
                )
    cands.sort()
    used_a = used_b = 0
    got_a = got_b = info = 0.0
    words_a = words_b = 0
    pairs: list[tuple[str, str, float]] = []
    units: list[tuple[int, str, int, str]] = []
    for neg_sim, _, _, _, i, j, si, sj in cands:
        ua, ub = a.units[i], b.units[j]
        if ua.mask & used_a or ub.mask & used_b:
            continue
        used_a |= ua.mask
        used_b |= ub.mask
        credit = _credit(-neg_sim)
        got_a += credit * ua.weight
        got_b += credit * ub.weight
        info += credit * min(ua.weight, ub.weight)
        if credit >= 0.5:
            words_a += (a.content & ua.mask).bit_count()
            words_b += (b.content & ub.mask).bit_count()
        pa, pb = ua.spellings[si], ub.spellings[sj]
        if swapped:
            pairs.append((pb, pa, -neg_sim))
            units.append((ub.mask, pb, ua.mask, pa))
        else:
            pairs.append((pa, pb, -neg_sim))
            units.append((ua.mask, pa, ub.mask, pb))
    cov_a = got_a / a.total_weight if a.total_weight else 0.0
    cov_b = got_b / b.total_weight if b.total_weight else 0.0
    similarity = SHORT_SIDE * max(cov_a, cov_b) + (1 - SHORT_SIDE) * min(cov_a, cov_b)
    if min(a.content.bit_count(), b.content.bit_count()) >= 2 and min(words_a, words_b) < 2:
        similarity *= SINGLE_WORD_FACTOR
    if a.family & ~used_a or b.family & ~used_b:  # a family name left unmatched
        similarity -= FAMILY_MISS
    similarity = max(0.0, min(1.0, similarity))
    identical = similarity > 1.0 - 1e-9 and all(sim >= 1.0 for _, _, sim in pairs)
    return valued_match(q, l_, similarity, info, identical, tuple(pairs), tuple(units))


def valued_match(
    q: NameForm,
    l_: NameForm,
    similarity: float,
    info: float,
    identical: bool,
    pairs: tuple[tuple[str, str, float], ...] = (),
    units: tuple[tuple[int, str, int, str], ...] = (),
) -> NameMatch:
    """The match of two names of this similarity and information: its value and rarity
    (without `pairs`, the words matched, it scores as `match_forms`' but cannot be worded)."""
    value = NAME_MAX * curve(similarity)
    rarity = -COMMON_PENALTY * max(0.0, 1.0 - info / DISTINCTIVE_INFO) if value > 0 else 0.0
    return NameMatch(value, rarity, similarity, info, q, l_, pairs, units, identical)


def curve(similarity: float) -> float:
    """Name similarity to evidence: flat near 1, falling fast below 0.8."""
    return max(0.0, 1.0 - float(((1.0 - similarity) / 0.5) ** CURVE))


def _systems(form: NameForm, mask: int, spelling: str) -> list[str]:
    out = []
    for n, t in enumerate(form.tokens):
        if mask >> n & 1:
            for s, system in zip(t.spellings, t.systems, strict=True):
                if spelling.startswith(s) or spelling.endswith(s):
                    out.append(system)
                    break
    return out


def _truncated(
    a: NameForm,
    ma: int,
    sa: tuple[str, ...],
    b: NameForm,
    mb: int,
    sb: tuple[str, ...],
    sim: float,
) -> float:
    """The last word of a name cut off by a full MRZ field matches any word it begins."""
    last_a, last_b = 1 << (len(a.tokens) - 1), 1 << (len(b.tokens) - 1)
    if a.truncated and ma == last_a and any(y.startswith(x) for x in sa for y in sb):
        return 0.95
    if b.truncated and mb == last_b and any(x.startswith(y) for x in sa for y in sb):
        return 0.95
    return sim


# -- identities -----------------------------------------------------------------------------

Date = tuple[int, int | None, int | None]


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything about an identity the scorer needs, computed once."""

    forms: tuple[NameForm, ...]
    dates: tuple[Date, ...]
    raw_dates: tuple[str, ...]
    nationalities: frozenset[str]
    sex: str | None
    documents: frozenset[str]
    documents_ocr: frozenset[str]


_NONE: frozenset[str] = frozenset()


def _frozen(items: Iterable[str]) -> frozenset[str]:
    """A frozenset, the shared empty one when empty (a large list holds millions)."""
    return frozenset(items) or _NONE


def prepare(identity: Identity) -> Prepared:
    """Read an identity's names and attributes into comparable form."""
    raw_dates, dates = _dates(tuple(identity.birth_dates))
    documents, documents_ocr = _documents(identity.documents) if identity.documents else _NO_DOCS
    return Prepared(
        # distinct names, not distinct forms: a form's source is its name, so the two agree,
        # and hashing a whole NameForm costs more than reading the name (a large list: 7%)
        forms=tuple(map(name_form, dict.fromkeys(identity.names))),
        dates=dates,
        raw_dates=raw_dates,
        nationalities=_nationalities(tuple(identity.nationalities)),
        sex=identity.sex if identity.sex in {"M", "F"} else None,
        documents=documents,
        documents_ocr=documents_ocr,
    )


_NO_DOCS = (_NONE, _NONE)


def _documents(documents: Sequence[Document]) -> tuple[frozenset[str], frozenset[str]]:
    """Folded document numbers, and their OCR-folded forms (of those long enough)."""
    if len(documents) == 1:  # most entries that have any: no lists, no generators
        one = fold_document(documents[0].number)
        if len(one) >= 5:
            return frozenset((one,)), frozenset((ocr_folded(one),))
        return (frozenset((one,)) if one else _NONE), _NONE
    docs = [fold_document(d.number) for d in documents]
    return (
        _frozen(d for d in docs if d),
        _frozen(ocr_folded(d) for d in docs if len(d) >= 5),
    )


@lru_cache(maxsize=65_536)
def _dates(texts: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Date, ...]]:
    """Birth dates as written and parsed (cached: a large list holds a few days per year of
    birth each, and the entries born the same day then share the tuples)."""
    return texts, tuple(_date(d) for d in texts)


@lru_cache(maxsize=4_096)
def _nationalities(codes: tuple[str, ...]) -> frozenset[str]:
    """Nationalities as alpha-3 codes (cached: lists hold a few hundred sets of them)."""
    return _frozen(_alpha3(c) for c in codes)


def _date(text: str) -> Date:
    parts = [int(p) for p in text.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


_ICAO_CODES = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR"}


@cache
def _alpha3(code: str) -> str:
    code = code.rstrip("<")
    if code in _ICAO_CODES:
        return _ICAO_CODES[code]
    if len(code) == 2:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
        return str(country.alpha_3) if country is not None else code
    return code


def _date_pair(a: Date, b: Date) -> tuple[float, str]:
    (ya, ma, da), (yb, mb, db) = a, b
    if ma is None or mb is None or da is None or db is None:
        full = False
    else:
        full = True
        if (ya, ma, da) == (yb, mb, db):
            return DOB_EXACT, "same date of birth"
        if ya == yb and (ma, da) == (db, mb):
            return DOB_SWAP, "date of birth with day and month swapped"
        if _digits_apart(ya, yb) + _digits_apart(ma, mb) + _digits_apart(da, db) == 1:
            return DOB_TYPO, "date of birth one digit apart"
    if ya == yb:
        if ma is not None and mb is not None:
            if ma == mb and full:  # two full dates a day apart or more (not a typo)
                return DOB_CONFLICT, "same year and month, different day of birth"
            if ma == mb:
                return DOB_MONTH, "same year and month of birth"
            if da is None or db is None or (ma, da) != (db, mb):
                return DOB_CONFLICT if full else DOB_NEAR, "same year, different month of birth"
        return DOB_YEAR, "same year of birth"
    if abs(ya - yb) == 1:
        return DOB_CONFLICT if full else DOB_NEAR, "year of birth one apart"
    return DOB_DIFFERENT, "different date of birth"


def _digits_apart(a: int, b: int) -> int:
    """In how many decimal digits two numbers differ, both written with as many digits
    (YYYY, MM, DD: the one-digit typo of `_date_pair`, without formatting them)."""
    apart = 0
    while a != b:
        apart += a % 10 != b % 10
        a //= 10
        b //= 10
    return apart


def _best_date(query: tuple[Date, ...], listed: tuple[Date, ...]) -> tuple[float, str]:
    """The `_date_pair` of highest value among two identities' dates (the first such)."""
    best: tuple[float, str] | None = None
    for a in query:
        for b in listed:
            got = _date_pair(a, b)
            if best is None or got[0] > best[0]:
                best = got
    if best is None:
        raise ValueError("no dates to compare")
    return best


def _features(
    pq: Prepared, pl: Prepared, name: NameMatch | None, worded: bool = True
) -> list[tuple[str, float, str]]:
    """The evidence of a score: (feature, value, detail). Without `worded`, the details
    that take formatting are left empty, the values the same (the index scores most
    entries only to rule them out, and words the few that may alert)."""
    out: list[tuple[str, float, str]] = []
    if name is not None:
        out.append(("name", name.value, ""))  # worded only for hits: see Scored.comparison
        if name.rarity < -0.005:
            detail = f"common name ({', '.join(p[1] for p in name.pairs[:4])})" if worded else ""
            out.append(("name_rarity", name.rarity, detail))
    named = len(out)
    if pq.dates and pl.dates:
        value, detail = _best_date(pq.dates, pl.dates)
        out.append(("birth_date", value, detail))
    if pq.nationalities and pl.nationalities:
        shared = pq.nationalities & pl.nationalities
        telling = [c for c in shared if name is None or not typical_of(name, c)]
        if telling:
            detail = f"same nationality {min(telling)}" if worded else ""
            out.append(("nationality", NATIONALITY_SAME, detail))
        elif shared:
            detail = (
                f"same nationality {min(shared)}, where the name is a popular one: no evidence"
                if worded
                else ""
            )
            out.append(("nationality", NATIONALITY_TYPICAL, detail))
        else:
            out.append(("nationality", NATIONALITY_DIFFERENT, "different nationality"))
    if pq.sex and pl.sex and pq.sex != pl.sex:
        out.append(("sex", SEX_DIFFERENT, "different sex"))
    shared_docs = pq.documents & pl.documents
    if shared_docs:
        detail = f"same document number {min(shared_docs)}" if worded else ""
        out.append(("document", DOCUMENT_SAME, detail))
    elif pq.documents_ocr & pl.documents_ocr:
        out.append(("document", DOCUMENT_OCR, "document number equal up to OCR confusions"))
    if name is not None and not _corroborated(out[named:]):
        dated = bool(pq.dates and pl.dates)
        same_year = dated and any(a[0] == b[0] for a in pq.dates for b in pl.dates)
        alone = uncorroborated(name, dated=dated, same_year=same_year)
        if alone < -0.005:
            out.insert(named, ("name_uncorroborated", alone, _ALONE))
        elif name.info < DISTINCTIVE_INFO:  # a common name: a weak alert at most
            over = sum([v for _, v, _ in out]) - WEAK_CAP
            if over > 0:
                out.append(("name_weak", -over, _WEAK))
    if out and out[-1][0] == "document" and max(map(len, pq.documents | pl.documents)) >= 6:
        rest = sum(v for _, v, _ in out[:-1])
        name_, value, detail = out[-1]
        out[-1] = (name_, max(value, DOCUMENT_FLOOR - rest), detail)
    return out


def typical_of(m: NameMatch, country: str) -> bool:
    """Whether a word of either name is a popular name in `country` (then most people so
    named hold its nationality: sharing it says little about being one person)."""
    return popular_in(m.query, country) or popular_in(m.listed, country)


def popular_in(form: NameForm, country: str) -> bool:
    """Whether a word of the name is a popular name in `country` (`typical_of` one name: a
    traveller's name popular in his nationality makes it typical against any listed name)."""
    return country in form.popular


_ALONE = "similar common name, no date of birth, nationality or document to back it"
_WEAK = "common name backed by nothing but a year of birth: a weak alert at most"
# A common name with nothing more than a year of birth to back it stays in the weak band
# (the issue: "a common full name alone gives at most a weak alert").
WEAK_CAP = PROBABLE - 0.0001


def uncorroborated(m: NameMatch, dated: bool = False, same_year: bool = False) -> float:
    """What a name match loses when nothing else backs it (<= 0): nothing for a distinctive
    name, up to UNCORROBORATED for a merely similar one; when `dated` (both carry dates that
    did not back it), up to UNDATED_NAME more for any name short of distinctive. The same
    name spelt the same keeps its weak alert without dates, or with the same year of birth
    (a list that knows only the year can give nothing more: the listed person must still
    alert when he crosses under his own name)."""
    if m.value <= 0:
        return 0.0
    if m.identical and (not dated or same_year):
        return 0.0  # the caller keeps it a weak alert at most (see _features)
    out = -UNDATED_NAME * max(0.0, 1.0 - m.info / DISTINCTIVE_INFO) if dated else 0.0
    if m.identical:
        return out
    return out - UNCORROBORATED * max(0.0, 1.0 - m.info / CORROBORATED_INFO)


def _corroborated(evidence: list[tuple[str, float, str]]) -> bool:
    """Whether a birth date of the same month or day, the nationality or a document agrees
    (a year of birth alone is too often shared to back a common name)."""
    for kind, value, _ in evidence:
        if (
            kind == "document"
            or (kind == "nationality" and value > 0)
            or (kind == "birth_date" and value >= DATE_BACKS)
        ):
            return True
    return False


def _name_detail(m: NameMatch) -> str:
    q, listed = m.query, m.listed
    words = " ".join([f"{a}={b}" if a != b else a for a, b, _ in m.pairs]) or "no words in common"
    read = []
    for form in (q, listed):
        if form.script not in {"Latin"}:
            systems = ", ".join(dict.fromkeys(s for s in m.systems(form) if s != "as written"))
            read.append(
                f"{form.how} {form.source} read as {form.reading().upper()}"
                + (f" ({systems})" if systems else "")
            )
    text = f"name {q.source!r} ~ {listed.source!r} similarity {m.similarity:.2f} [{words}]"
    return text + ("; " + "; ".join(read) if read else "")


@dataclass(frozen=True, slots=True)
class Scored:
    """A comparison before it becomes a pydantic model (built only for hits)."""

    score: float
    features: tuple[tuple[str, float, str], ...]
    name: NameMatch | None

    def beats(self, other: Scored) -> bool:
        """Whether this scores above `other`, or as much with the better pair of names
        (`NameMatch.better_than`: a total order, so the pair chosen never depends on the
        order the pairs are met in)."""
        if self.score != other.score:
            return self.score > other.score
        if self.name is None or other.name is None:
            return other.name is None and self.name is not None
        return self.name.better_than(other.name)

    def comparison(self, threshold: float) -> Comparison:
        """The model an officer reads."""
        return Comparison(**self._worded(threshold))

    def hit(self, entry_id: str, threshold: float) -> Hit:
        """The hit of a scored entry: its comparison with the entry's id, one model built
        (validating in pydantic-core costs less than `model_construct`'s Python loop)."""
        return Hit(entry_id=entry_id, **self._worded(threshold))

    def _worded(self, threshold: float) -> dict[str, Any]:
        """The fields of the comparison, its evidence worded."""
        band = band_for(self.score, threshold)
        name = self.name
        worded = [
            (n, v, _name_detail(name) if n == "name" and name is not None else d)
            for n, v, d in self.features
        ]
        explanation = "; ".join([f"{d} ({v:+.2f})" for _, v, d in worded])
        return {
            "score": self.score,
            "band": band,
            "alert": band is not Band.NONE,
            # (as dicts: pydantic-core builds the Feature models in one pass with the rest)
            "features": [{"name": n, "value": round(v, 4), "detail": d} for n, v, d in worded],
            "explanation": f"{explanation} => {self.score:.2f} {band.value}",
            "matched_name": name.listed.source if name else None,
            "query_name": name.query.source if name else None,
        }


def max_bonus() -> float:
    """The most the evidence besides names and documents can add (the index prunes by it)."""
    return max(DOB_EXACT, DOB_MONTH, DOB_YEAR, DOB_SWAP, DOB_TYPO) + NATIONALITY_SAME


def evidence_bound(pq: Prepared, pl: Prepared) -> float:
    """The most the dates of birth and nationality of two identities can add to their score
    (the index skips scoring an entry this cannot lift to an alert)."""
    dates = _best_date(pq.dates, pl.dates)[0] if pq.dates and pl.dates else 0.0
    return dates + nationality_bound(pq.nationalities, pl.nationalities)


def nationality_bound(query: frozenset[str], listed: frozenset[str]) -> float:
    """The most two sets of nationalities can add (`_features`: a shared one adds at most
    NATIONALITY_SAME, none shared takes NATIONALITY_DIFFERENT off, an unknown side nothing)."""
    if not query or not listed:
        return 0.0
    return NATIONALITY_SAME if query & listed else NATIONALITY_DIFFERENT


def score_with(pq: Prepared, pl: Prepared, name: NameMatch | None, worded: bool = True) -> Scored:
    """Score two prepared identities by one pair of their names (without
    `worded`, the same score with details left out: see `_features`)."""
    features = _features(pq, pl, name, worded)
    total = sum([v for _, v, _ in features])
    return Scored(round(min(1.0, max(0.0, total)), 4), tuple(features), name)


def score_prepared(pq: Prepared, pl: Prepared) -> Scored:
    """Score two prepared identities by the pair of their names that scores best (of equal
    scores, the better pair of names: `Scored.beats`).

    Every pair is scored, not only the most alike: the evidence weighs names differently.
    A listed person crossing under one of his names spelt the same keeps a weak alert on
    his year of birth, which an alias a little more alike by weight but spelt otherwise
    would lose (`uncorroborated`); a nationality backs a name unless it is popular there.
    And a name that cannot alert whatever it meets cannot hide one that does, so the index
    may rule names out by bounds alone (`matchers.index`)."""
    best: Scored | None = None
    for fq in pq.forms:
        for fl in pl.forms:
            scored = score_with(pq, pl, match_forms(fq, fl), worded=False)
            if best is None or scored.beats(best):
                best = scored
    return score_with(pq, pl, None if best is None else best.name)


def hit_for(entry_id: str, scored: Scored, threshold: float) -> Hit:
    """The hit of a scored entry."""
    return scored.hit(entry_id, threshold)


def compare(query: Identity, listed: Identity, threshold: float = DEFAULT_THRESHOLD) -> Comparison:
    """Compare a traveller with a listed identity; symmetric in everything but wording."""
    return score_prepared(prepare(query), prepare(listed)).comparison(threshold)
