"""What a traveller name's match is worth against many listed names at once.

Scoring a pair of names exactly (`score.match_forms`) costs tens of microseconds in Python;
a traveller reaches hundreds of listed names on a large list, and nearly all of them share
a word or two and nothing more. Their worth (`match_forms`' value + rarity) is computed for
all of them together: the Indel similarities of the traveller's spellings with every
distinct spelling of those names (`kernels.indel`, rapidfuzz's value computed where the
spellings lie), then one compiled pass over the names (`kernels.name_bounds`). The pass
first bounds each name, never underestimating (so it loses no alert):
- each word's credit is at most the best credit any unit holding it gets against any unit
  of the other name, so coverage is at most the weight-sum of those credits;
- words matched with credit 0.5 or more are at most the words whose best credit is that
  high (the single-word cap of `match_forms` applies when that is under two);
- the common-name penalty is at least the one the coverage bound implies.
A name whose bound still leaves it a chance to alert is then aligned as `match_forms`
aligns it (`kernels._aligned`), for its exact worth; only those whose exact worth and
evidence can reach an alert are scored in Python, for the explanation an officer reads.
Before all this, a cap from the two names' weights alone rules out what it can
(`hopeful`).

Listed names and spellings live as records in flat arrays, found by id, so a query gathers
its candidates with index arithmetic, never a Python loop over them, and each scattered
candidate's data lies in a cache line or a few. The arrays only grow: a removed name's
record stays as garbage (nothing rebuilds them yet; a worker started again builds them
anew from the list).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from matchers import kernels, tables
from matchers.names import NameForm
from matchers.normalize import sound_key
from matchers.score import (
    SOUND_KEY_MIN,
)

Array = np.ndarray[Any, Any]


class _Column:
    """A growable one-dimensional numpy array. Values appended are buffered in a list and
    copied in at once when the array is next read: filing a name sets a dozen columns, and a
    numpy store per value would cost more than the rest of the filing."""

    FLUSH = 65_536

    def __init__(self, dtype: type) -> None:
        self._data: Array = np.zeros(1024, dtype=dtype)
        self._size = 0  # rows copied into _data
        self._pending: list[Any] = []  # rows after them, not yet copied

    @property
    def data(self) -> Array:
        if self._pending:
            self._flush()
        return self._data

    def _flush(self) -> None:
        values, self._pending = self._pending, []
        start, end = self._size, self._size + len(values)
        if end > len(self._data):
            grown = np.zeros(max(end, 2 * len(self._data)), dtype=self._data.dtype)
            grown[:start] = self._data[:start]
            self._data = grown
        self._data[start:end] = values
        self._size = end

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a snapshot, `streams.snapshot`) without the room to grow: the next value
        appended after loading copies the rows into a larger array, as any growth does."""
        return {"_data": self.data[: self._size], "_size": self._size, "_pending": []}

    def __len__(self) -> int:
        return self._size + len(self._pending)

    def extend(self, values: list[Any]) -> int:
        """Append values; the index of the first."""
        pending = self._pending
        start = self._size + len(pending)
        pending.extend(values)
        if len(pending) >= self.FLUSH:
            self._flush()
        return start

    def set(self, index: int, value: Any) -> None:
        # (the hottest call of filing a name: a dozen per name, hence no helper calls)
        size = self._size
        if index < size:
            self._data[index] = value
            return
        pending = self._pending
        end = size + len(pending)
        if index < end:
            pending[index - size] = value
            return
        if index > end:  # rows skipped over are zero
            pending.extend([0] * (index - end))
        pending.append(value)
        if len(pending) >= self.FLUSH:
            self._flush()

    def get(self, index: int) -> Any:
        """One value (without copying the buffered rows in)."""
        return self._pending[index - self._size] if index >= self._size else self._data[index]


@dataclass(frozen=True, slots=True)
class _Query:
    """A traveller name's side of the kernels' arguments, worked out once per name (names
    repeat at a border): its units' spellings (and their code points, where each begins and
    its length; `long`: one is longer than `kernels.LONGEST`), each spelling's sound key id
    among the listed ones (-2: floors nothing), first letter and whether it is an initial,
    where each unit's spellings begin, the listed spelling ids of its surname groups
    (`group_members`, for the spelling in row `group_rows`), and its words' weights and
    content."""

    spellings: list[str]
    chars: Array
    char_start: Array
    char_len: Array
    long: bool
    keys: Array
    first: Array
    one: Array
    row_starts: Array
    group_rows: Array
    group_members: Array
    weight: Array
    content: Array


QUERIES = 16_384  # traveller names whose _Query is remembered


class NameTable:
    """The listed names and their spellings as records in flat arrays (a name's data read
    together lies together: see `kernels.NAME_HEADER`, `kernels.SPELLING_HEADER`), found by
    name id and spelling id."""

    def __init__(self) -> None:
        self._spelling_ids: dict[str, int] = {}
        self._key_ids: dict[str, int] = {}
        self._names = _Column(np.float64)  # every name's record, one after the other
        self._name_at = _Column(np.int64)  # per name: where its record begins
        self._spellings = _Column(np.int32)  # every spelling's record, one after the other
        self._spelling_at = _Column(np.int64)  # per spelling: where its record begins
        self._text = _Column(object)  # per spelling: the spelling (gathered without a loop)
        # see kernels.columns_of (4 bytes a spelling: more of it stays in the caches)
        self._scratch = np.full(0, -1, dtype=np.int32)
        self._queries: dict[str, _Query] = {}  # by source; emptied by a new spelling

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a snapshot, `streams.snapshot`) without what it remembers of travellers'
        names or its scratch array (made again at first use)."""
        state = self.__dict__.copy()
        state["_queries"], state["_scratch"] = {}, self._scratch[:0]
        return state

    def _spelling(self, s: str) -> int:
        sid = self._spelling_ids.get(s)
        if sid is None:
            sid = self._spelling_ids[s] = len(self._spelling_ids)
            self._queries.clear()  # (a traveller's keys and surname groups may name it)
            key = sound_key(s)
            kid = -1  # (it floors nothing)
            if len(s) >= 3 and len(key) >= SOUND_KEY_MIN:
                kid = self._key_ids.setdefault(key, len(self._key_ids))
            self._text.extend([s])
            record = [kid, len(s), *map(ord, s)]
            self._spelling_at.extend([self._spellings.extend(record)])
        return sid

    def add(self, fid: int, form: NameForm) -> None:
        """File a name under its id (ids are small integers handed out by the index)."""
        sids = [self._spelling(s) for u in form.units for s in u.spellings]
        tokens = form.tokens
        record = [
            form.total_weight,
            1.0 if form.truncated else 0.0,
            sum(1 for t in tokens if not t.particle),
            form.family,
            len(tokens),
            len(sids),
            *sids,
            *[len(u.spellings) for u in form.units],
            *[t.weight for t in tokens],
            *[0.0 if t.particle else 1.0 for t in tokens],
        ]
        self._name_at.set(fid, self._names.extend(record))

    def _query(self, query: NameForm) -> _Query:
        """The traveller name's side of the kernels' arguments (remembered, see _Query)."""
        got = self._queries.get(query.source)
        if got is not None:
            return got
        qs = [s for u in query.units for s in u.spellings]
        rows: list[int] = []
        members: list[int] = []
        groups = tables.surname_groups()
        for r, q in enumerate(qs):
            for s in groups.get(q, ()):  # (Lee / Yi / Rhee: 0.95, see score.word_similarity)
                sid = self._spelling_ids.get(s)
                if s != q and sid is not None:
                    rows.append(r)
                    members.append(sid)
        if len(self._queries) >= QUERIES:
            self._queries.clear()
        lengths = [len(q) for q in qs]
        # (a few numpy arrays, sliced: an array made of each short list cost more than the
        # rest of this, once per traveller name)
        per_spelling = np.array(
            [
                list(accumulate(lengths, initial=0))[:-1],
                lengths,
                [self._query_key(s) for s in qs],
                [ord(q[0]) if q else 0 for q in qs],
                [n == 1 for n in lengths],
            ],
            dtype=np.int64,
        ).reshape(5, len(qs))
        group_pairs = np.array([rows, members], dtype=np.int64).reshape(2, len(rows))
        per_word = np.array(
            [[t.weight for t in query.tokens], [0.0 if t.particle else 1.0 for t in query.tokens]]
        ).reshape(2, len(query.tokens))
        sizes = [len(u.spellings) for u in query.units]
        got = self._queries[query.source] = _Query(
            qs,
            np.frombuffer("".join(qs).encode("utf-32-le"), dtype=np.int32),
            per_spelling[0],
            per_spelling[1],
            max(lengths, default=0) > kernels.LONGEST,
            per_spelling[2],
            per_spelling[3],
            per_spelling[4],
            np.array(list(accumulate(sizes, initial=0))[:-1], dtype=np.int64),
            group_pairs[0],
            group_pairs[1],
            per_word[0],
            per_word[1],
        )
        return got

    def _columns(self, query: _Query, fids: Array) -> tuple[Array, Array, Array]:
        """`kernels.columns_of` the names `fids`: their distinct spellings, each listed
        spelling's column among them, and the column of each of the query's surname-group
        spellings (-1: none of the names holds it)."""
        if len(self._scratch) < len(self._spelling_ids):
            self._scratch = np.full(2 * len(self._spelling_ids), -1, dtype=np.int32)
        return kernels.columns_of(
            fids, self._name_at.data, self._names.data, query.group_members, self._scratch
        )

    def _similarities(
        self, query: _Query, spellings: Array, group_columns: Array
    ) -> tuple[Array, Array, Array]:
        """`kernels.unit_similarities` of each unit of the query with each listed spelling
        (`spellings`, from `_columns`): `score._unit_similarity`'s value, the letters-only
        similarity that breaks its ties, and the letters-only similarity alone. The Indel
        similarities come from `kernels.indel`, or from rapidfuzz for a query spelling
        longer than it takes."""
        at, records = self._spelling_at.data, self._spellings.data
        got: tuple[Array, Array, Array]
        if not query.long:
            got = kernels.similarities(
                query.chars,
                query.char_start,
                query.char_len,
                at,
                records,
                spellings,
                query.group_rows,
                group_columns,
                query.keys,
                query.first,
                query.one,
                query.row_starts,
            )
            return got
        keys, first, one = kernels.spelling_facts(at, records, spellings)
        got = kernels.unit_similarities(
            process.cdist(
                query.spellings,
                self._text.data[spellings].tolist(),
                scorer=Indel.normalized_similarity,
                workers=1,
                dtype=np.float64,
            ),
            query.group_rows,
            group_columns,
            query.keys,
            keys,
            query.first,
            query.one,
            first,
            one,
            query.row_starts,
        )
        return got

    def _query_key(self, s: str) -> int:
        if len(s) < 3:
            return -2
        key = sound_key(s)
        return self._key_ids.get(key, -2) if len(key) >= SOUND_KEY_MIN else -2

    def hopeful(
        self, query: NameForm, fids: Array, evidence: Array, need: float, undated_name: float
    ) -> tuple[Array, Array]:
        """The listed names, and the most their evidence can add, whose name could still add
        enough to their evidence to reach `need`, by a cap on `match_forms(query, name)`'s
        value + rarity from the two names' weights alone (`kernels.hopeful`, one pass before
        the full bound): the matched units are disjoint, so the information they carry is at
        most the lighter name's total weight, and the common-name penalty at least what that
        leaves. A traveller with a common name cannot reach NAME_MAX against anyone. So for
        the entries whose dates neither back nor spare the name (`evidence`'s unbacked
        column, see `EvidenceTable.upper_bounds`): their name also loses `undated_name`
        times that shortfall (`score.uncorroborated`; 0: it is not counted), and so it does
        for those whose date shares only his year, unless the two names may be spelt the
        same (a word of the listed name in no unit spelt as one of the traveller's says they
        cannot). A cut-off MRZ name, on either side, is capped by NAME_MAX alone (its last
        word may be the start of any longer one) and loses nothing."""
        ids = self._spelling_ids
        spelt = {ids[s] for u in query.units for s in u.spellings if s in ids}
        return kernels.hopeful(
            fids,
            evidence,
            np.inf if query.truncated else float(query.total_weight),
            np.array(sorted(spelt), dtype=np.int64),
            self._name_at.data,
            self._names.data,
            need,
            undated_name,
        )

    def capped_above(self, fids: Array, need: float) -> Array:
        """Whether `hopeful`'s cap on each name reaches `need` against some traveller name
        that is not cut off (`kernels.capped_above`)."""
        got: Array = kernels.capped_above(fids, self._name_at.data, self._names.data, need)
        return got

    def upper_bounds(self, query: NameForm, fids: Array, needed: Array | None = None) -> Array:
        """`valued`'s bounds alone."""
        bounds, _ = self.valued(query, fids, needed)
        return bounds

    def valued(
        self, query: NameForm, fids: Array, needed: Array | None = None
    ) -> tuple[Array, Array]:
        """For each listed name id, a bound on `match_forms(query, name)`'s value + rarity:
        the query's units against every distinct spelling of the names at once (Indel),
        then one compiled pass over the names (`kernels.name_bounds`). A name whose relaxed
        bound reaches `needed` (per name; none do without it) is given its exact value, or
        infinity where only `match_forms` can tell (`kernels._aligned`); and, for each name
        given its exact value, `match_forms`' similarity, information and whether the names
        are identical (a row of NaN for the others)."""
        prepared = self._query(query)
        spellings, columns, group_columns = self._columns(prepared, fids)
        similarity, letters, plain = self._similarities(prepared, spellings, group_columns)
        got: tuple[Array, Array] = kernels.name_bounds(
            fids,
            np.full(len(fids), np.inf) if needed is None else needed,
            similarity,
            letters,
            plain,
            columns,
            prepared.weight,
            prepared.content,
            query.family,
            float(query.total_weight),
            self._name_at.data,
            self._names.data,
        )
        return got
