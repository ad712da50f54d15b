"""The watchlist held in memory, matched against one traveller at a time.

Candidate retrieval never scans the list. It rests on one property of the score (see
`score.match_forms`): when both names have two or more words, a pair that reaches the alert
threshold has at least two words of each name matched (one word alone is capped at
SINGLE_WORD_FACTOR, far under any useful threshold). So every distinct listed name is filed,
at upsert, under:
- pairs of sound keys of two of its words (or joined words), particles left out: a traveller
  whose name shares two words with a listed name, in any order and spelling, reaches it
  through one dictionary look-up per pair of his own words. A traveller's word is looked up
  under its own sound key and under those of the listed words it is alike enough to match
  (one typo apart, found through a deletion index of the listed words, or the same surname:
  Lee/Yi/Rhee), so a typo that changes a sound key loses nothing. Pairs holding one of the
  name's anchor words (its heaviest, see `_anchors`) are filed apart from the others: an
  alert needs the anchors of the listed name or of the traveller's matched, so a traveller's
  pairs are looked up among the anchored ones, and only his anchored pairs among the rest;
- the sound key of one-word names; a one-word traveller name looks up every name with that
  word;
- (only under a threshold low enough for one matched word to alert) the sound key of each
  word, while that key is rare in the list;
- document numbers, as written and with OCR look-alikes folded (every name of such an entry
  is scored).
Names are filed once however many entries carry them. A posting of many names is split by
the birth dates its names carry (`matchers.evidence` blocks: at `warm`, or on first use
after a name's dates change), and so are the entries of a name carried by many: a traveller
with a full date of birth gathers only the names and entries born that day, a digit apart,
or within a year, and of those only the blocks whose dates could still lift a namesake to an
alert against his name (`_date_floors`: the dates of another year than his, which back
nothing, are of no use to a name too common; the full dates a year apart or of another day,
which conflict with his, to any name short of a distinctive one). The
candidate names of a traveller name are valued all at once (`matchers.bound`: a bound, then
the exact name worth where the bound leaves a chance, compiled; a few names' worths are
remembered); only those whose worth and evidence can reach an alert are scored, as
`compare` scores them, from the similarity and information the exact worth came from;
`match_forms` aligns the words only of a name that may alert, to word the alert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from matchers import kernels, tables
from matchers.bound import NameTable
from matchers.evidence import EvidenceTable, dated_blocks, query_blocks
from matchers.identity import Identity
from matchers.names import NameForm
from matchers.normalize import sound_key
from matchers.records import pickled_as_arguments
from matchers.result import Hit, Listed
from matchers.score import (
    COMMON_PENALTY,
    CURVE,
    DEFAULT_THRESHOLD,
    DISTINCTIVE_INFO,
    DOB_CONFLICT,
    DOB_DIFFERENT,
    FULL_CREDIT,
    NAME_FLOOR,
    NAME_MAX,
    NATIONALITY_SAME,
    NATIONALITY_TYPICAL,
    SHORT_SIDE,
    SINGLE_WORD_FACTOR,
    UNDATED_NAME,
    Date,
    NameMatch,
    Prepared,
    Scored,
    curve,
    evidence_bound,
    hit_for,
    match_forms,
    max_bonus,
    popular_in,
    prepare,
    score_prepared,
    score_with,
    valued_match,
    word_similarity,
)

KEYS_PER_UNIT = 4
MAX_PAIR_UNITS = 8
RARE_KEY_MIN = 64  # a word key is rare under max(RARE_KEY_MIN, len(list) / RARE_KEY_SHARE)
RARE_KEY_SHARE = 2_000
ALIKE_CACHE = 65_536
QUERY_CACHE = 16_384  # traveller names whose postings are remembered (see _query_postings)
NAME_MATCHES = 65_536  # exact name scores remembered (see _name_match)
MANY_ENTRIES = 16  # a name carried by this many entries keeps them split by date once matched
REMEMBERED = 8  # so few candidate names are looked up among the remembered worths first
SLACK = 1e-4  # scores are rounded to 4 places: a bound this close to the threshold may alert
# The similarity at which a word counts as matched (credit 0.5, see score.match_forms).
WORD_MATCH = NAME_FLOOR + 0.5 * (FULL_CREDIT - NAME_FLOOR)

# A posting this large is split by date block (and kept as a numpy array while it is looked
# up): a traveller's name gathers only the blocks that may alert (`Matcher._date_floors`),
# and that pays from a handful of names on (pipeline data, 1,000,000 entries: 8 against 32,
# 5 % of a crossing's matching; the 22,000 more postings split at start-up take 0.4 s).
BIG_POSTING = 8
BLOCK_SLACK = 1_000_000  # garbage pairs the block store may hold beyond its live ones

Array = np.ndarray[Any, Any]


class _BlockStore:
    """The date blocks of every split posting (see `_Postings.span`): its (block, name id)
    pairs sorted by block, posting after posting in two arrays, so that a traveller name's
    postings are gathered in one compiled call (`kernels.names_in_blocks`). A posting split
    again leaves its old pairs behind as garbage, written away (`compact`) once it outweighs
    the rest."""

    GROWTH = 1.25  # (a list of 1,000,000 entries holds some 13 million pairs: no doubling)
    DTYPE = kernels.BLOCK_DTYPE  # (bench/RESULTS.md, session 21)

    def __init__(self) -> None:
        self.codes: Array = np.empty(0, dtype=self.DTYPE)
        self.ids: Array = np.empty(0, dtype=self.DTYPE)
        self._size = 0  # pairs written, garbage included
        self._live = 0
        self._owners: list[dict[object, tuple[int, int]]] = []  # the spans of each _Postings
        self.version = 0  # moved on whenever a span is dropped or moved (not when one is added)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a snapshot, `streams.snapshot`) without the arrays' room to grow."""
        state = self.__dict__.copy()
        state["codes"], state["ids"] = self.codes[: self._size], self.ids[: self._size]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Loaded from a pickle (a snapshot, `streams.snapshot`): its arrays may be views of
        the pickle's buffer, and `add` grows them in place: each gets memory of its own."""
        self.__dict__.update(state)
        self.codes, self.ids = np.array(self.codes), np.array(self.ids)

    def owner(self) -> dict[object, tuple[int, int]]:
        """A new posting table's spans, by key (the store moves them when it compacts)."""
        spans: dict[object, tuple[int, int]] = {}
        self._owners.append(spans)
        return spans

    def add(self, codes: Array, ids: Array) -> tuple[int, int]:
        """Write a posting's (block, id) pairs at the end; their span."""
        start, end = self._size, self._size + len(codes)
        if end > len(self.codes):
            # grown where they lie (a large block is remapped, not copied: no second copy of
            # the pairs at start-up); nothing keeps a view of them between calls
            room = max(end, int(len(self.codes) * self.GROWTH))
            self.codes.resize(room, refcheck=False)
            self.ids.resize(room, refcheck=False)
        self.codes[start:end] = codes
        self.ids[start:end] = ids
        self._size = end
        self._live += end - start
        return start, end

    def drop(self, span: tuple[int, int]) -> None:
        """A posting's pairs became garbage."""
        self._live -= span[1] - span[0]
        self.version += 1

    def compact(self, whole: bool = False) -> None:
        """Write the live pairs anew once garbage outweighs them, or (`whole`) if there is
        any (not while spans are being gathered: every span moves)."""
        garbage = self._size - self._live
        if garbage <= (0 if whole else max(self._live, BLOCK_SLACK)):
            return
        codes, ids = self.codes, self.ids
        self.version += 1
        self.codes = np.empty(self._live, dtype=self.DTYPE)
        self.ids = np.empty(self._live, dtype=self.DTYPE)
        self._size = 0
        for spans in self._owners:
            for key, (start, end) in spans.items():
                at, self._size = self._size, self._size + end - start
                self.codes[at : self._size] = codes[start:end]
                self.ids[at : self._size] = ids[start:end]
                spans[key] = (at, self._size)


class _Postings:
    """Name ids filed under keys. A key holds one id (most keys of a large list name one
    name), a tuple of a few (a set costs four times the memory), or a set. A large set is
    also cached as a numpy array once looked up, so that a query gathering thousands of
    candidates concatenates arrays instead of looping over ids in Python; the cache entry
    of a key is dropped when the key changes."""

    __slots__ = ("_arrays", "_blocks", "_ids", "_store")

    FEW = 8  # ids held in a tuple

    def __init__(self, store: _BlockStore) -> None:
        self._ids: dict[object, int | tuple[int, ...] | set[int]] = {}
        self._arrays: dict[object, Array] = {}
        self._store = store
        self._blocks = store.owner()  # a large posting's span in the store, once split

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, key: object, fid: int) -> None:
        have = self._ids.get(key)
        if have is None:
            self._ids[key] = fid
        elif isinstance(have, int):
            if have != fid:
                self._ids[key] = (have, fid)
        elif isinstance(have, tuple):
            if fid not in have:
                self._ids[key] = (*have, fid) if len(have) < self.FEW else {*have, fid}
                if len(have) >= BIG_POSTING:  # (a tuple as large has its array and blocks)
                    self._forget(key)
        else:
            have.add(fid)
            self._forget(key)

    def discard(self, key: object, fid: int) -> None:
        have = self._ids.get(key)
        if have is None:
            return
        if isinstance(have, int):
            if have == fid:
                del self._ids[key]
            return
        if isinstance(have, tuple):
            rest = tuple(i for i in have if i != fid)
            self._ids[key] = rest[0] if len(rest) == 1 else rest
            if len(have) >= BIG_POSTING:
                self._forget(key)
            return
        have.discard(fid)
        self._forget(key)
        if len(have) == 1:
            self._ids[key] = next(iter(have))

    def _forget(self, key: object) -> None:
        self._arrays.pop(key, None)
        self.forget_blocks((key,))

    def forget_blocks(self, keys: Iterable[object]) -> None:
        """Drop the date blocks of these postings (a name of theirs has other dates now)."""
        for key in keys:
            span = self._blocks.pop(key, None)
            if span is not None:
                self._store.drop(span)

    @property
    def split(self) -> bool:
        """Whether any posting is split into date blocks now."""
        return bool(self._blocks)

    def size(self, key: object) -> int:
        have = self._ids.get(key)
        return 0 if have is None else 1 if isinstance(have, int) else len(have)

    def gather(self, keys: Iterable[object], small: list[int], large: list[Large]) -> None:
        """Put the ids under each of `keys` into `small` (a few), or the posting into `large`
        (gathered by date block, see `span`). One call for all of a traveller's keys:
        most name one or two ids, and a call per key cost more than the look-ups."""
        ids = self._ids
        for key in keys:
            have = ids.get(key)
            if have is None:
                continue
            if isinstance(have, int):
                small.append(have)
            elif len(have) < BIG_POSTING:
                small.extend(have)
            else:
                large.append((self, key))

    def array(self, key: object) -> Array:
        """A large posting's ids."""
        got = self._arrays.get(key)
        if got is None:
            have = self._ids[key]
            assert not isinstance(have, int)  # (a large posting)
            got = self._arrays[key] = np.fromiter(have, dtype=np.int64, count=len(have))
        return got

    def span(self, key: object, split: Callable[[Array], tuple[Array, Array]]) -> tuple[int, int]:
        """Where a large posting's names lie in the block store, split by date block first
        if they are not yet."""
        got = self._blocks.get(key)
        if got is None:
            got = self._blocks[key] = self._store.add(*split(self.array(key)))
        return got

    def split_large(self, split: Callable[[Array], tuple[Array, Array]]) -> None:
        """Split every large posting not split yet by date block (see `span`)."""
        for key, have in self._ids.items():
            if not isinstance(have, int) and len(have) >= BIG_POSTING:
                self.span(key, split)


# The date blocks a query reaches (sorted), and how to split a posting into blocks: (block,
# name id) pairs sorted by block.
Blocks = tuple[Array, Callable[[Array], tuple[Array, Array]]]
Large = tuple[_Postings, object]  # a large posting, by its key


class _Gathered:
    """What a traveller name's keys reach before date blocks (`Matcher._query_postings`):
    the ids of its small postings, its large postings, and where those lie in the block
    store (as of the store's `version`: its spans move when it changes)."""

    __slots__ = ("large", "small", "spans", "version")

    def __init__(self, small: Array, large: list[Large]) -> None:
        self.small = small
        self.large = tuple(large)
        self.spans: Array | None = None
        self.version = -1


def _union(arrays: list[Array]) -> Array:
    """The distinct ids of all, as one sorted array (see `_distinct`)."""
    return _distinct(np.concatenate(arrays))


def _distinct(ids: Array) -> Array:
    """The distinct ids, sorted (sorted in place and masked: `np.unique` costs three times as
    much on the few hundred ids of a traveller)."""
    ids.sort()
    keep = np.empty(len(ids), dtype=np.bool_)
    keep[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=keep[1:])
    return ids[keep]


class _Reach:
    """The date blocks a traveller's dates reach, as a set made on first use: only a name
    whose entries are split by date needs it (`_entries_reaching`), and most travellers
    reach none (pipeline data, 100,000 entries: at most 6 in 100 do)."""

    __slots__ = ("_codes", "_set")

    def __init__(self, codes: Array) -> None:
        self._codes = codes
        self._set: frozenset[int] | None = None

    def set(self) -> frozenset[int]:
        """The blocks as a set, made once per traveller."""
        if self._set is None:
            self._set = frozenset(self._codes.tolist())
        return self._set


def _typical(prepared: Prepared) -> list[list[str]]:
    """For each name of a traveller, his nationalities in which it is a popular name (they
    back no listed name: `score.typical_of`)."""
    return [[c for c in sorted(prepared.nationalities) if popular_in(q, c)] for q in prepared.forms]


def _reach(codes: Array | None) -> _Reach | None:
    """Date blocks, for the entries of a name split by date (`_entries_reaching`)."""
    return None if codes is None else _Reach(codes)


@dataclass(slots=True)
class MatchStats:
    """How much work one `Matcher.match` did: names retrieved by the index, names scored."""

    retrieved: int = 0
    scored: int = 0


@lru_cache(maxsize=131_072)
def _spelling_keys(spellings: tuple[str, ...]) -> tuple[str, ...]:
    """The first KEYS_PER_UNIT distinct sound keys of a unit's spellings (cached: words and
    pairs of words repeat across names)."""
    return tuple(dict.fromkeys(k for k in map(sound_key, spellings) if k))[:KEYS_PER_UNIT]


def _unit_keys(form: NameForm) -> list[tuple[int, bool, tuple[str, ...]]]:
    """(mask, has a content word, sound keys) of each unit of a name."""
    content = 0
    for n, t in enumerate(form.tokens):
        if not t.particle:
            content |= 1 << n
    out = []
    for unit in form.units[: MAX_PAIR_UNITS * 2]:
        keys = _spelling_keys(unit.spellings)
        if keys:
            out.append((unit.mask, bool(unit.mask & content), keys))
    return out


def _pairs(
    units: list[tuple[int, bool, tuple[str, ...]]], key_ids: dict[str, int], anchors: int = -1
) -> tuple[set[int], set[int]]:
    """Pair keys of two disjoint units with content words: (anchored, the rest).

    A pair is anchored when one of its units holds a word of `anchors` (a bit mask). A pair
    key is its two sound keys' ids in `key_ids` (`Matcher._key_ids`), the smaller in the
    high bits: the same in every process (a snapshot of the index is loaded in another,
    where `hash` of a string differs). A key without an id is in no listed name's pairs.
    """
    ids = [[key_ids[k] for k in keys if k in key_ids] for _, _, keys in units]
    anchored: set[int] = set()
    rest: set[int] = set()
    for i, (mask_a, content_a, _) in enumerate(units):
        if not content_a:
            continue
        for j in range(i + 1, len(units)):
            mask_b, content_b, _ = units[j]
            if mask_a & mask_b or not content_b:
                continue
            into = anchored if (mask_a | mask_b) & anchors else rest
            into.update(a << 32 | b if a <= b else b << 32 | a for a in ids[i] for b in ids[j])
    return anchored, rest


def _anchors(form: NameForm, share: float) -> int:
    """The heaviest words of a name holding more than `share` of its weight (a bit mask).

    A name whose anchor words are all matched weakly (credit under 0.5) keeps at most
    1 - share / 2 of its weight covered, under what an alert needs (see Matcher.__init__).
    """
    order = sorted(range(len(form.tokens)), key=lambda n: (-form.tokens[n].weight, n))
    mask, got = 0, 0.0
    for n in order:
        if got > share * form.total_weight:
            break
        mask |= 1 << n
        got += form.tokens[n].weight
    return mask


def _content_count(form: NameForm) -> int:
    return sum(1 for t in form.tokens if not t.particle)


def _deletions(word: str) -> set[str]:
    return {word[:n] + word[n + 1 :] for n in range(len(word))} if len(word) >= 3 else set()


@dataclass(frozen=True, slots=True)
class _FiledName:
    form: NameForm
    pairs: frozenset[int]  # anchored pair keys (filed in Matcher._pairs)
    other_pairs: frozenset[int]  # the rest (filed in Matcher._other_pairs)
    words: frozenset[str]  # sound keys of every unit
    solo: frozenset[str]  # sound keys of a one-word name
    spellings: frozenset[str]  # single-word spellings (the typo vocabulary)


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class _Filed:
    prepared: Prepared
    names: tuple[int, ...]
    documents: frozenset[str]


class Matcher:
    """Files listed identities by entry id; `match` returns the hits, best first. The
    entries themselves stay with the caller (`watchlists.Watchlist` keeps a worker's): an
    alert names its entry by id, and the index needs only what it read of each identity."""

    def __init__(self, entries: Iterable[Listed] = (), threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        # Can one matched word (of names of two words or more) reach the threshold?
        self._one_word_alerts = NAME_MAX * curve(SINGLE_WORD_FACTOR) + max_bonus() >= threshold
        # An alert needs the name similarity `least` (names count at most NAME_MAX * curve),
        # so one of the two names covered at least `cover` (similarity weighs the better
        # covered name SHORT_SIDE): its anchor words cannot all be matched weakly.
        need = max(0.0, min(1.0, (threshold - max_bonus()) / NAME_MAX))
        least = 1.0 - 0.5 * (1.0 - need) ** (1.0 / CURVE)
        cover = (least - (1.0 - SHORT_SIDE)) / SHORT_SIDE
        self._anchor_share = max(0.0, min(1.0, 2.0 * (1.0 - cover)))
        # Can a listed person whose birth dates are all years apart from a traveller's still
        # alert? If not, large postings are split by date (matchers.evidence blocks) and a
        # traveller with a date of birth only reaches the blocks of his dates.
        self._date_blocks = threshold > NAME_MAX + DOB_DIFFERENT + NATIONALITY_SAME + SLACK
        # Against a traveller's full date a listed full date a year apart or of another day
        # takes DOB_CONFLICT off: a name alerts so only if its cap reaches this (`_loose`).
        self._conflict_need = threshold - SLACK - DOB_CONFLICT - NATIONALITY_SAME
        # A name whose entries' dates neither back nor spare it loses UNDATED_NAME's share
        # (`NameTable.hopeful`), unless it is matched with no value at all, when its evidence
        # alone, which cannot reach the threshold here, is the score.
        self._undated_name = UNDATED_NAME if threshold - SLACK > max_bonus() else 0.0
        self._filed: dict[str, _Filed] = {}
        self._name_ids: dict[str, int] = {}  # by source: a name's form is a function of it
        self._names: dict[int, NameForm] = {}
        self._name_entries: dict[int, str | set[str]] = {}  # one entry id, or several
        # A name's entries by date block, once it has MANY_ENTRIES (see _entries_reaching),
        # and whether the name is `_loose`.
        self._entry_blocks: dict[int, tuple[bool, dict[int, list[str]]]] = {}
        self._next_id = 0
        self._table = NameTable()
        self._evidence = EvidenceTable()
        self._block_store = _BlockStore()
        self._pairs = _Postings(self._block_store)
        self._other_pairs = _Postings(self._block_store)
        self._words = _Postings(self._block_store)
        self._solo = _Postings(self._block_store)
        self._documents: dict[str, set[str]] = {}
        self._key_ids: dict[str, int] = {}  # sound key -> its id in pair keys (see _pairs)
        self._vocabulary: dict[str, int] = {}  # spelling -> names using it
        self._near: dict[str, set[str]] = {}  # a spelling or one deletion of it -> spellings
        self._alike_cache: dict[str, frozenset[str]] = {}
        # What a traveller name's keys gather before date blocks (see _query_postings), by
        # name: names repeat at a border, and any change to the postings empties it.
        self._query_cache: dict[str, _Gathered] = {}
        self._name_matches: dict[tuple[str, int], NameMatch] = {}  # see _name_match
        # See _worths: a worth, and the similarity, information and identity it came from.
        self._name_worths: dict[tuple[str, int], tuple[float, float, float, float]] = {}
        # Under this a name's worth is only bounded: no evidence lifts it to an alert.
        self._bonus = max_bonus()
        self._worth_floor = threshold - SLACK - self._bonus
        for entry in entries:
            self.upsert(entry)

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle of the index holds (a snapshot, `streams.snapshot`): the listed
        side, its date blocks' garbage written away first, and nothing remembered about
        travellers (their names stay out of the file; a loaded index meets others)."""
        self._block_store.compact(whole=True)
        state = self.__dict__.copy()
        for cache in ("_alike_cache", "_query_cache", "_name_matches", "_name_worths"):
            state[cache] = {}
        return state

    def __len__(self) -> int:
        return len(self._filed)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._filed

    # -- filing -------------------------------------------------------------------------------

    def _keys(self, form: NameForm) -> _FiledName:
        """Everything a name is filed under (computed again to unfile it: nothing kept)."""
        units = _unit_keys(form)
        words = {k for _, _, keys in units for k in keys}
        key_ids = self._key_ids
        for k in words:
            key_ids.setdefault(k, len(key_ids))  # (never dropped: a few per distinct word)
        solo = (
            {k for mask, _, keys in units if mask & (mask - 1) == 0 for k in keys}
            if _content_count(form) <= 1
            else set()
        )
        anchored, rest = _pairs(units, key_ids, _anchors(form, self._anchor_share))
        return _FiledName(
            form,
            frozenset(anchored),
            frozenset(rest),
            frozenset(words),
            frozenset(solo),
            frozenset(s for t in form.tokens for s in t.spellings),
        )

    def _file_name(self, form: NameForm, eid: str, prepared: Prepared) -> int:
        fid = self._name_ids.get(form.source)
        if fid is not None:
            have = self._name_entries[fid]
            if isinstance(have, str):
                self._name_entries[fid] = {have, eid}
            elif eid not in have:
                have.add(eid)
                self._block_entry(fid, have, eid, prepared.dates)
            self._evidence.add(fid, prepared)
            self._forget_blocks(fid)
            return fid
        fid = self._next_id
        self._next_id += 1
        self._query_cache.clear()
        filed = self._keys(form)
        self._name_ids[form.source] = fid
        self._names[fid] = form
        self._table.add(fid, form)
        self._evidence.reset(fid)
        self._evidence.add(fid, prepared)
        self._name_entries[fid] = eid
        for pk in filed.pairs:
            self._pairs.add(pk, fid)
        for pk in filed.other_pairs:
            self._other_pairs.add(pk, fid)
        for key in filed.words:
            self._words.add(key, fid)
        for key in filed.solo:
            self._solo.add(key, fid)
        for s in filed.spellings:
            count = self._vocabulary.get(s, 0)
            self._vocabulary[s] = count + 1
            if not count:
                self._alike_cache.clear()
                for d in _deletions(s) | {s}:
                    self._near.setdefault(d, set()).add(s)
        return fid

    def _block_entry(self, fid: int, entries: set[str], eid: str, dates: tuple[Date, ...]) -> None:
        """A name's entries are split by date (see `_entries_reaching`) as they are filed,
        once it has MANY_ENTRIES: a large list loads a few seconds slower, instead of its
        first thousand travellers waiting while their common names are split."""
        if not self._date_blocks:
            return  # no traveller's dates rule an entry out
        held = self._entry_blocks.get(fid)
        if held is None:
            if len(entries) < MANY_ENTRIES:
                return
            held = self._entry_blocks[fid] = (bool(self._loose(np.array([fid]))[0]), {})
            loose, blocks = held
            for other in entries - {eid}:
                for code in dated_blocks(self._filed[other].prepared.dates, loose):
                    blocks.setdefault(code, []).append(other)
        loose, blocks = held
        for code in dated_blocks(dates, loose):
            blocks.setdefault(code, []).append(eid)

    def _unblock_entry(
        self, fid: int, entries: set[str], eid: str, dates: tuple[Date, ...]
    ) -> None:
        """Take an entry out of its name's date blocks (`entries`: those left)."""
        held = self._entry_blocks.get(fid)
        if held is None:
            return
        if len(entries) < MANY_ENTRIES:
            del self._entry_blocks[fid]
            return
        loose, blocks = held
        for code in dated_blocks(dates, loose):
            ids = blocks[code]
            ids.remove(eid)
            if not ids:
                del blocks[code]

    def _unfile_name(self, fid: int, eid: str, dates: tuple[Date, ...]) -> None:
        entries = self._name_entries[fid]
        if isinstance(entries, str):
            if entries != eid:
                return
        else:
            if eid not in entries:
                return
            entries.discard(eid)
            self._unblock_entry(fid, entries, eid, dates)
            if len(entries) == 1:
                self._name_entries[fid] = next(iter(entries))
            if entries:
                self._write_evidence(fid, entries)
                self._forget_blocks(fid)
                return
        self._query_cache.clear()
        filed = self._keys(self._names.pop(fid))
        del self._name_entries[fid]
        del self._name_ids[filed.form.source]
        for pk in filed.pairs:
            self._pairs.discard(pk, fid)
        for pk in filed.other_pairs:
            self._other_pairs.discard(pk, fid)
        for key in filed.words:
            self._words.discard(key, fid)
        for key in filed.solo:
            self._solo.discard(key, fid)
        for s in filed.spellings:
            count = self._vocabulary[s] - 1
            if count:
                self._vocabulary[s] = count
                continue
            del self._vocabulary[s]
            self._alike_cache.clear()
            for d in _deletions(s) | {s}:
                near = self._near[d]
                near.discard(s)
                if not near:
                    del self._near[d]

    def _forget_blocks(self, fid: int) -> None:
        """A filed name's dates changed: the postings holding it are split by dates again
        (only those: a live list update must not send every traveller back to cold blocks)."""
        every = (self._pairs, self._other_pairs, self._words, self._solo)
        if not any(postings.split for postings in every):
            return  # loading the list: nothing split yet
        filed = self._keys(self._names[fid])
        keys = (filed.pairs, filed.other_pairs, filed.words, filed.solo)
        for postings, held in zip(every, keys, strict=True):
            postings.forget_blocks(held)

    def _refile_name(self, fid: int, eid: str, was: Prepared, now: Prepared) -> int:
        """A name kept by an entry's new version: its evidence as the new version's dates and
        nationalities give it, and, where the dates changed, its date blocks (nothing to do
        where neither did)."""
        dated = was.dates != now.dates
        if not dated and was.nationalities == now.nationalities:
            return fid
        entries = self._name_entries[fid]
        if isinstance(entries, str):
            entries = {entries}
        elif dated:
            self._unblock_entry(fid, entries - {eid}, eid, was.dates)
            self._block_entry(fid, entries, eid, now.dates)
        self._write_evidence(fid, entries, {eid: now})
        if dated:
            self._forget_blocks(fid)
        return fid

    def _write_evidence(
        self, fid: int, entries: Iterable[str], unfiled: dict[str, Prepared] | None = None
    ) -> None:
        """A name's evidence written again from the entries carrying it (`unfiled`: those
        whose new version is not filed yet, that version)."""
        self._evidence.reset(fid)
        for eid in entries:
            got = unfiled.get(eid) if unfiled else None
            self._evidence.add(fid, got if got is not None else self._filed[eid].prepared)

    def upsert(self, entry: Listed) -> None:
        """Add an entry or replace the one with the same id. A name the new version keeps
        keeps its id and its postings (`_refile_name`): a live update that leaves the names
        alone (a remark, a date, one more alias) files none of them anew, and what was
        remembered of them for travellers' names stays true (a new date has only their
        postings split by date again)."""
        eid = entry.entry_id
        prepared = prepare(entry.identity)
        old = self._filed.pop(eid, None)
        kept: dict[str, int] = {}
        was = prepared
        if old is not None:
            was, now = old.prepared, {form.source for form in prepared.forms}
            for form, fid in zip(was.forms, old.names, strict=True):
                if form.source in now:
                    kept[form.source] = fid
                else:
                    self._unfile_name(fid, eid, was.dates)
            self._drop_documents(eid, old.documents)
        names = tuple(
            self._refile_name(kept[form.source], eid, was, prepared)
            if form.source in kept
            else self._file_name(form, eid, prepared)
            for form in prepared.forms
        )
        documents = prepared.documents  # the shared empty set for most entries
        if documents:
            documents = documents | prepared.documents_ocr
        filed = _Filed(prepared, names, documents)
        self._filed[eid] = filed
        for doc in filed.documents:
            self._documents.setdefault(doc, set()).add(eid)

    def remove(self, entry_id: str) -> bool:
        """Forget an entry; False if it was not there."""
        filed = self._filed.pop(entry_id, None)
        if filed is None:
            return False
        for fid in filed.names:
            self._unfile_name(fid, entry_id, filed.prepared.dates)
        self._drop_documents(entry_id, filed.documents)
        return True

    def _drop_documents(self, eid: str, documents: Iterable[str]) -> None:
        for doc in documents:
            ids = self._documents.get(doc)
            if ids is not None:
                ids.discard(eid)
                if not ids:
                    del self._documents[doc]

    def warm(self) -> None:
        """Compile the bound kernels now (numba compiles them on first use, seconds with a
        cold cache), and split every large posting by date block (under a second for a list
        of 1,000,000 entries), so the first travellers after start-up do not wait for it."""
        fid = next(iter(self._names), None)
        if fid is None:
            return  # nothing listed: no traveller reaches a bound
        ids = np.array([fid], dtype=np.int64)
        traveller = prepare(
            Identity(names=["A B"], birth_dates=["1980-01-02"], nationalities=["KHM"])
        )
        evidence = self._evidence.upper_bounds(traveller, ids)
        codes, names = self._split(ids)
        kernels.names_in_blocks(
            ids, codes, names, np.array([[0, len(codes)]]), query_blocks(traveller.dates)
        )
        self._table.hopeful(traveller.forms[0], ids, evidence, self.threshold, UNDATED_NAME)
        self._table.upper_bounds(traveller.forms[0], ids, evidence[:, 0].copy())  # (as match)
        if self._date_blocks:
            for postings in (self._pairs, self._other_pairs, self._words, self._solo):
                postings.split_large(self._split)

    def forget_travellers(self) -> None:
        """Forget what was remembered about traveller names (what their keys reach, their
        matches' scores and worths), as a matcher that never met them: for a benchmark's
        new travellers. Nothing listed changes."""
        self._query_cache.clear()
        self._name_matches.clear()
        self._name_worths.clear()

    # -- retrieval ----------------------------------------------------------------------------

    def _alike_keys(self, spelling: str) -> frozenset[str]:
        """Sound keys of `_alike`, remembered until the vocabulary changes (words repeat)."""
        keys = self._alike_cache.get(spelling)
        if keys is None:
            if len(self._alike_cache) >= ALIKE_CACHE:
                self._alike_cache.clear()
            keys = frozenset(k for k in (sound_key(v) for v in self._alike(spelling)) if k)
            self._alike_cache[spelling] = keys
        return keys

    def _alike(self, spelling: str) -> set[str]:
        """Listed spellings a traveller's word may match as a word (typo or surname group)."""
        found: set[str] = set()
        near = self._near
        for d in _deletions(spelling) | {spelling}:
            got = near.get(d)
            if got:
                found |= got
        out = {
            v
            for v in found
            if v == spelling
            or word_similarity(*((spelling, v) if spelling < v else (v, spelling))) >= WORD_MATCH
        }
        group = tables.surname_groups().get(spelling)
        if group:
            out |= group
        return out

    def _query_units(self, form: NameForm) -> list[tuple[int, bool, tuple[str, ...]]]:
        units = _unit_keys(form)
        expanded = []
        for n, (mask, content, keys) in enumerate(units):
            more = set(keys)
            if mask & (mask - 1) == 0:  # a single word: the listed words it may match
                for s in form.units[n].spellings[:KEYS_PER_UNIT]:
                    more |= self._alike_keys(s)
                if form.truncated and mask == 1 << (len(form.tokens) - 1):
                    more.update(self._prefixed(form.units[n].spellings))
            expanded.append((mask, content, tuple(sorted(more))))
        return expanded

    def _prefixed(self, spellings: tuple[str, ...]) -> set[str]:
        """Sound keys of listed words a cut-off MRZ word begins (rare: a full name field)."""
        return {sound_key(v) for v in self._vocabulary if any(v.startswith(s) for s in spellings)}

    def _candidate_names(self, form: NameForm, blocks: Blocks | None) -> Array:
        got = self._query_postings(form)
        small, large = got.small, got.large
        if blocks is None:
            return _union([small, *(postings.array(key) for postings, key in large)])
        wanted, split = blocks
        store = self._block_store
        store.compact()
        spans = got.spans
        if spans is None or got.version != store.version:
            listed = [postings.span(key, split) for postings, key in large]
            got.spans = spans = np.array(listed, dtype=np.int64).reshape(-1, 2)
            got.version = store.version
        return _distinct(kernels.names_in_blocks(small, store.codes, store.ids, spans, wanted))

    def _query_postings(self, form: NameForm) -> _Gathered:
        """The ids of the small postings a traveller name's keys reach, and its large
        postings (split by date blocks when gathered)."""
        got = self._query_cache.get(form.source)
        if got is not None:
            return got
        units = self._query_units(form)
        small: list[int] = []
        large: list[Large] = []
        # A listed name reaches an alert by its anchors or by the traveller's: every pair
        # of the traveller's among the listed anchored pairs, his anchored pairs among all.
        anchored, rest = _pairs(units, self._key_ids, _anchors(form, self._anchor_share))
        self._pairs.gather(anchored | rest, small, large)
        self._other_pairs.gather(anchored, small, large)
        words = {k for _, _, keys in units for k in keys}
        self._solo.gather(words, small, large)
        if _content_count(form) <= 1:
            self._words.gather(words, small, large)
        elif self._one_word_alerts:
            rare = max(RARE_KEY_MIN, len(self._names) // RARE_KEY_SHARE)
            self._words.gather((k for k in words if self._words.size(k) <= rare), small, large)
        if len(self._query_cache) >= QUERY_CACHE:
            self._query_cache.clear()
        got = self._query_cache[form.source] = _Gathered(np.array(small, dtype=np.int64), large)
        return got

    def _blocks(self, prepared: Prepared, typical: list[list[str]]) -> list[Array | None]:
        """The date blocks each name of a traveller reaches, sorted (None: every block):
        those whose dates may lift one of its listed names to an alert (`_date_floors`;
        `typical`: for each name, his nationalities in which it is popular)."""
        if not (self._date_blocks and prepared.dates):
            return [None] * len(prepared.forms)
        made: dict[tuple[float, float], Array] = {}
        out: list[Array | None] = []
        for form, popular in zip(prepared.forms, typical, strict=True):
            floors = self._date_floors(form, prepared, popular)
            got = made.get(floors)
            if got is None:
                got = made[floors] = query_blocks(prepared.dates, *floors)
            out.append(got)
        return out

    def _date_floors(
        self, form: NameForm, prepared: Prepared, typical: list[str]
    ) -> tuple[float, float]:
        """The least a listed date must add to let a listed name alert on this name of the
        traveller's: (for a date that backs the name or is of his year, for any other),
        so that he gathers only the date blocks that may alert (`query_blocks`).

        A name adds its cap at most (`NameTable.hopeful`: a traveller name lighter than a
        distinctive one caps every name it meets under NAME_MAX), and the nationality
        NATIONALITY_SAME at most, which backs the name, unless every nationality of his is
        one in which his name is popular (`score.typical_of`: it adds nothing and backs
        nothing); then a date that neither backs the name nor is of his year also costs it
        UNDATED_NAME's share of the shortfall (`score.uncorroborated`). A cut-off name may
        be the start of any other, and gathers every block."""
        if form.truncated:
            return -np.inf, -np.inf
        short = max(0.0, 1.0 - form.total_weight / DISTINCTIVE_INFO)
        cap = NAME_MAX - COMMON_PENALTY * short + kernels.SURE
        need = self.threshold - SLACK - cap
        if len(typical) < len(prepared.nationalities):  # a nationality may back the name
            floor = need - max(NATIONALITY_SAME, NATIONALITY_TYPICAL, 0.0)
            return floor, floor
        floor = need - max(NATIONALITY_TYPICAL, 0.0)
        return floor, floor + self._undated_name * short

    def _loose(self, fids: Array) -> Array:
        """Whether each listed name may alert with a full date a year apart or of another
        day than the traveller's (its cap bears DOB_CONFLICT): such a name's full dates are
        filed under LOOSE_YEAR + year, the others' under FULL_YEAR + year, which a traveller
        with a full date does not gather (`kernels.date_blocks`, `query_blocks`).
        The cap holds for any traveller name, cut off or not: the words matched carry at
        most the listed name's total weight."""
        return self._table.capped_above(fids, self._conflict_need)

    def _split(self, fids: Array) -> tuple[Array, Array]:
        """A large posting's names as (date block, name id) pairs sorted by block."""
        return self._evidence.blocks(fids, self._loose(fids))

    def _candidates(
        self, prepared: Prepared, blocks: list[Array | None]
    ) -> tuple[list[Array], set[str]]:
        """(listed names worth scoring per traveller name, reaching `blocks` (its date
        blocks, see `_blocks`), and the entries to score on every name)."""
        names = [
            self._candidate_names(form, None if codes is None else (codes, self._split))
            for form, codes in zip(prepared.forms, blocks, strict=True)
        ]
        documents: set[str] = set()
        for doc in prepared.documents | prepared.documents_ocr:
            documents |= self._documents.get(doc, set())
        return names, documents

    def candidates(self, prepared: Prepared) -> set[str]:
        """Entry ids worth scoring for a prepared traveller (a small superset of the hits)."""
        blocks = self._blocks(prepared, _typical(prepared))
        names, documents = self._candidates(prepared, blocks)
        return {
            eid
            for fids, codes in zip(names, blocks, strict=True)
            for fid in fids.tolist()
            for eid in self._entries_reaching(fid, _reach(codes))
        } | documents

    def _entries_reaching(self, fid: int, codes: _Reach | None) -> Iterable[str]:
        """The entries of a name whose dates of birth are in the blocks `codes` (all of them
        without codes). A common name is carried by hundreds of entries on a large list, and
        a traveller's dates rule out nearly all of them: their entries are split by date as
        they are filed (`_block_entry`)."""
        have = self._name_entries[fid]
        if isinstance(have, str):
            return (have,)
        if codes is None or len(have) < MANY_ENTRIES:
            return have
        _, blocks = self._entry_blocks[fid]
        reach = codes.set()
        # (intersected by looking the smaller side up in the larger)
        shared = reach.intersection(blocks) if len(blocks) < len(reach) else blocks.keys() & reach
        return {eid for code in shared for eid in blocks[code]}

    def _worths(self, q: NameForm, fids: Array, needed: Array) -> tuple[Array, Array]:
        """For each listed name of `fids`, its `match_forms` value + rarity against a
        traveller name: exact (`NameTable.valued`) where it reaches `needed`, else a bound
        under that; and, for the exact ones, the similarity, information and identity it
        came from (NaN for the others). A worth depends on the two names alone (a name id is
        never reused, its form never changes), and the same names meet again at a border:
        the worths of a few names are remembered, each exact wherever any evidence could
        lift it to an alert, and looked up first (a dictionary look-up costs less than the
        compiled pass's fixed cost; for many names, it does not)."""
        if len(fids) > REMEMBERED:
            return self._table.valued(q, fids, needed)
        known, source = self._name_worths, q.source
        got = [known.get((source, fid)) for fid in fids.tolist()]
        if None not in got:
            rows = np.array(got, dtype=np.float64).reshape(-1, 4)
            return rows[:, 0], rows[:, 1:]
        worths, detail = self._table.valued(q, fids, np.full(len(fids), self._worth_floor))
        if len(known) >= NAME_MATCHES:
            known.clear()
        for fid, worth, (similarity, info, identical) in zip(
            fids.tolist(), worths.tolist(), detail.tolist(), strict=True
        ):
            known[source, fid] = (worth, similarity, info, identical)
        return worths, detail

    def _name_match(self, q: NameForm, fid: int) -> NameMatch:
        """`match_forms` of a traveller name and a listed one, remembered: the same names
        meet again at a border (a name id is never reused, and its form never changes)."""
        key = (q.source, fid)
        got = self._name_matches.get(key)
        if got is None:
            if len(self._name_matches) >= NAME_MATCHES:
                self._name_matches.clear()
            got = self._name_matches[key] = match_forms(q, self._names[fid])
        return got

    def _best_pair(
        self, prepared: Prepared, listed: Prepared, pairs: tuple[NameMatch, ...]
    ) -> NameMatch | None:
        """Of an entry's pairs of names kept, the one scoring best (`Scored.beats`; scored
        without words), if it may alert (a pair whose worth, dates and nationality cannot
        lift it to an alert is not scored)."""
        chosen: Scored | None = None
        best: NameMatch | None = None
        for name in pairs:
            worth = name.value + name.rarity + SLACK
            if worth + self._bonus < self.threshold:
                continue
            if worth + evidence_bound(prepared, listed) < self.threshold:
                continue
            bare = score_with(prepared, listed, name, worded=False)
            if bare.score >= self.threshold - SLACK and (chosen is None or bare.beats(chosen)):
                chosen, best = bare, name
        return best

    def match(self, identity: Identity, stats: MatchStats | None = None) -> list[Hit]:
        """Every entry scoring at or above the threshold, best first (`stats`, if given, is
        filled with how much work it took, for the worker's metrics)."""
        prepared = prepare(identity)
        typical = _typical(prepared)
        blocks = self._blocks(prepared, typical)
        candidates, documents = self._candidates(prepared, blocks)
        scored_names = 0
        # Each listed name is scored once per traveller name, and only if the bounds on what
        # its entries' other evidence (matchers.evidence) and the name (matchers.bound) can
        # reach leave it a chance to alert: an entry scores by its pair of names that scores
        # best (`score_prepared`), and a pair that cannot alert cannot be that pair of an
        # entry that alerts. The pairs kept of each entry: the first, and any others.
        first: dict[str, NameMatch] = {}
        more: dict[str, list[NameMatch]] = {}
        # A name valued exactly by the kernel is scored first without its words (a stand-in:
        # `valued_match`), and aligned in Python (`match_forms`, tens of microseconds) only
        # if it may alert: to word the alert. By the id of each stand-in, its name's id.
        stand_ins: dict[int, int] = {}
        named = zip(prepared.forms, candidates, typical, blocks, strict=True)
        for q, fids, popular, codes in named:
            if not len(fids):
                continue
            order = fids
            reach = _reach(codes)
            evidence = self._evidence.upper_bounds(prepared, order, popular)
            order, evidence = self._table.hopeful(
                q, order, evidence, self.threshold - SLACK, self._undated_name
            )
            if not q.truncated and len(order):
                needed = self.threshold - SLACK - evidence
                worths, detail = self._worths(q, order, needed)
                keep = worths >= needed
                order, detail = order[keep], detail[keep]
            else:  # a cut-off name (or none left): match_forms values it
                detail = np.full((len(order), 3), np.nan)
            scored_names += len(order)
            for fid, (similarity, info, identical) in zip(
                order.tolist(), detail.tolist(), strict=True
            ):
                m = self._name_matches.get((q.source, fid))
                if m is None and similarity == similarity:  # (NaN: not valued exactly)
                    m = valued_match(q, self._names[fid], similarity, info, identical > 0)
                    stand_ins[id(m)] = fid
                elif m is None:
                    m = self._name_match(q, fid)
                for eid in self._entries_reaching(fid, reach):
                    if first.setdefault(eid, m) is not m:
                        more.setdefault(eid, []).append(m)
        hits = []
        for eid, pair in first.items():
            if eid in documents:
                continue
            listed = self._filed[eid].prepared
            pairs = (pair, *more[eid]) if eid in more else (pair,)
            # Scored first without its words (most entries only to be ruled out), then,
            # if it may alert, with them: of a stand-in, its name aligned (the same score)
            name = self._best_pair(prepared, listed, pairs)
            if name is None:
                continue
            fid = stand_ins.get(id(name))
            if fid is not None:
                name = self._name_match(name.query, fid)
            scored = score_with(prepared, listed, name)
            if scored.score >= self.threshold:
                hits.append(hit_for(eid, scored, self.threshold))
        for eid in documents:
            scored = score_prepared(prepared, self._filed[eid].prepared)
            if scored.score >= self.threshold:
                hits.append(hit_for(eid, scored, self.threshold))
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        if stats is not None:
            stats.retrieved = sum(len(fids) for fids in candidates) + len(documents)
            stats.scored = scored_names + len(documents)
        return hits
