"""The watchlist held in memory, matched against one traveller at a time.

Candidate retrieval never scans the list. Every entry is filed, at upsert, under:
- pairs of sound keys of two of its name's words (or joined words): a traveller whose name
  shares two words with a listed name, in any order and spelling, reaches it through one
  dictionary look-up per pair of his own words;
- the sound key of each word, used only while that key is rare in the list (a one-word
  match on a rare word, or a typo in all but one word);
- the sound key of one-word names;
- document numbers, as written and with OCR look-alikes folded.
The candidates are then scored exactly as `compare` scores them, so the index can only lose
a hit (one whose words all differ in sound key, save one common word), never invent one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from typing import TypeVar

from matchers.identity import Identity
from matchers.names import NameForm
from matchers.normalize import sound_key
from matchers.result import Band, Feature, Hit, Listed
from matchers.score import DEFAULT_THRESHOLD, Prepared, band_for, prepare, score_prepared

K = TypeVar("K")
KEYS_PER_UNIT = 4
MAX_PAIR_UNITS = 8
RARE_KEY_MIN = 64  # a word key is rare under max(RARE_KEY_MIN, len(list) / RARE_KEY_SHARE)
RARE_KEY_SHARE = 2_000


def _unit_keys(form: NameForm) -> list[tuple[int, tuple[str, ...]]]:
    out = []
    for unit in form.units[: MAX_PAIR_UNITS * 2]:
        keys = tuple(dict.fromkeys(
            k for k in (sound_key(s) for s in unit.spellings) if k))[:KEYS_PER_UNIT]
        if keys:
            out.append((unit.mask, keys))
    return out


def _pair_key(a: str, b: str) -> int:
    return hash((a, b) if a <= b else (b, a))


def name_keys(forms: Iterable[NameForm]) -> tuple[set[int], set[str], set[str]]:
    """(pair keys, word keys, one-word-name keys) a set of names is filed or looked up by."""
    pairs: set[int] = set()
    words: set[str] = set()
    solo: set[str] = set()
    for form in forms:
        units = _unit_keys(form)
        content = [t for t in form.tokens if not t.particle]
        for mask, keys in units:
            words.update(keys)
            if len(content) <= 1 and mask & (mask - 1) == 0:
                solo.update(keys)
        for i, (mask_a, keys_a) in enumerate(units):
            for mask_b, keys_b in units[i + 1:]:
                if mask_a & mask_b:
                    continue
                for a, b in product(keys_a, keys_b):
                    if a != b:
                        pairs.add(_pair_key(a, b))
    return pairs, words, solo


@dataclass(frozen=True, slots=True)
class _Filed:
    entry: Listed
    prepared: Prepared
    pairs: frozenset[int]
    words: frozenset[str]
    solo: frozenset[str]
    documents: frozenset[str]


def _unfile(table: dict[K, set[str]], keys: Iterable[K], entry_id: str) -> None:
    for key in keys:
        ids = table.get(key)
        if ids is not None:
            ids.discard(entry_id)
            if not ids:
                del table[key]


class Matcher:
    """Holds listed identities by entry id; `match` returns the hits, best first."""

    def __init__(self, entries: Iterable[Listed] = (), threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._filed: dict[str, _Filed] = {}
        self._pairs: dict[int, set[str]] = {}
        self._words: dict[str, set[str]] = {}
        self._solo: dict[str, set[str]] = {}
        self._documents: dict[str, set[str]] = {}
        for entry in entries:
            self.upsert(entry)

    def __len__(self) -> int:
        return len(self._filed)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._filed

    def upsert(self, entry: Listed) -> None:
        """Add an entry or replace the one with the same id."""
        self.remove(entry.entry_id)
        prepared = prepare(entry.identity)
        pairs, words, solo = name_keys(prepared.forms)
        filed = _Filed(entry, prepared, frozenset(pairs), frozenset(words), frozenset(solo),
                       prepared.documents | prepared.documents_ocr)
        eid = entry.entry_id
        self._filed[eid] = filed
        for pk in filed.pairs:
            self._pairs.setdefault(pk, set()).add(eid)
        for table, keys in ((self._words, filed.words), (self._solo, filed.solo),
                            (self._documents, filed.documents)):
            for key in keys:
                table.setdefault(key, set()).add(eid)

    def remove(self, entry_id: str) -> bool:
        """Forget an entry; False if it was not there."""
        filed = self._filed.pop(entry_id, None)
        if filed is None:
            return False
        _unfile(self._pairs, filed.pairs, entry_id)
        for table, keys in ((self._words, filed.words), (self._solo, filed.solo),
                            (self._documents, filed.documents)):
            _unfile(table, keys, entry_id)
        return True

    def get(self, entry_id: str) -> Listed | None:
        """The entry with this id, if held."""
        filed = self._filed.get(entry_id)
        return filed.entry if filed is not None else None

    def candidates(self, prepared: Prepared) -> set[str]:
        """Entry ids worth scoring for a prepared traveller (a small superset of the hits)."""
        pairs, words, _solo = name_keys(prepared.forms)
        found: set[str] = set()
        for pk in pairs:
            ids = self._pairs.get(pk)
            if ids:
                found |= ids
        rare = max(RARE_KEY_MIN, len(self._filed) // RARE_KEY_SHARE)
        for key in words:
            ids = self._words.get(key)
            if ids and len(ids) <= rare:
                found |= ids
            ids = self._solo.get(key)
            if ids:
                found |= ids
        if len(words) <= 2 and not pairs:  # a one-word traveller name
            for key in words:
                found |= self._words.get(key, set())
        for doc in prepared.documents | prepared.documents_ocr:
            found |= self._documents.get(doc, set())
        return found

    def match(self, identity: Identity) -> list[Hit]:
        """Every entry scoring at or above the threshold, best first."""
        prepared = prepare(identity)
        hits = []
        for eid in self.candidates(prepared):
            scored = score_prepared(prepared, self._filed[eid].prepared)
            if scored.score >= self.threshold:
                band = band_for(scored.score, self.threshold)
                comparison = scored.comparison(self.threshold)
                hits.append(Hit(
                    entry_id=eid,
                    score=comparison.score,
                    band=band,
                    alert=band is not Band.NONE,
                    features=[Feature(name=f.name, value=f.value, detail=f.detail)
                              for f in comparison.features],
                    explanation=comparison.explanation,
                    matched_name=comparison.matched_name,
                    query_name=comparison.query_name,
                ))
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        return hits
