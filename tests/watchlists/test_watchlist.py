"""A worker's watchlist keeps its entries as their JSON and gives each back validated; its
index holds no entry (what a snapshot pickles, and a worker's memory, is the JSON)."""

from __future__ import annotations

import io
import pickle
from typing import Any

from matchers import Identity
from watchlists import Watchlist, WatchlistEntry
from watchlists import load as load_list
from watchlists.loaders import packaged_un_list

UN = list(load_list(packaged_un_list()))[:200]


class _Recording(pickle.Unpickler):
    """Loads a pickle, noting each class it names (a loaded object of each is rebuilt)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.classes: set[str] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.classes.add(f"{module}.{name}")
        return super().find_class(module, name)


def test_entries_come_back_as_they_were_upserted_and_changes_reach_the_index() -> None:
    watchlist = Watchlist(UN)
    assert len(watchlist) == len(UN) and UN[0].entry_id in watchlist
    assert all(watchlist.get(e.entry_id) == e for e in UN)
    assert watchlist.get("UN:NONE") is None and "UN:NONE" not in watchlist

    first = UN[0]
    hits = watchlist.match(first.identity)
    assert first.entry_id in [h.entry_id for h in hits]
    renamed = first.model_copy(
        update={"identity": Identity(names=["Thanakorn Srisuk"], birth_dates=["1990-01-15"])}
    )
    watchlist.upsert(renamed)
    assert watchlist.get(first.entry_id) == renamed and len(watchlist) == len(UN)
    assert first.entry_id not in [h.entry_id for h in watchlist.match(first.identity)]
    assert [h.entry_id for h in watchlist.match(renamed.identity)] == [first.entry_id]

    assert watchlist.remove(first.entry_id) and not watchlist.remove(first.entry_id)
    assert watchlist.get(first.entry_id) is None and len(watchlist) == len(UN) - 1
    assert watchlist.match(renamed.identity) == []


def test_the_json_an_entry_came_in_is_kept_as_it_is() -> None:
    entry = UN[1]
    raw = b"  " + entry.model_dump_json(indent=2).encode()  # as a producer may write it
    watchlist = Watchlist()
    watchlist.upsert(entry, raw)
    assert watchlist._json[entry.entry_id] is raw
    got = watchlist.get(entry.entry_id)
    assert got == entry and got is not watchlist.get(entry.entry_id)  # a model of its own


def test_a_pickled_watchlist_holds_no_entry_model() -> None:
    watchlist = Watchlist(UN)
    reading = _Recording(pickle.dumps(watchlist, protocol=pickle.HIGHEST_PROTOCOL))
    loaded = reading.load()
    assert {"watchlists.watchlist.Watchlist", "matchers.index.Matcher"} <= reading.classes
    models = {c for c in reading.classes if c.startswith(("watchlists.entry", "matchers.identity"))}
    assert not models, models
    assert [loaded.get(e.entry_id) for e in UN] == UN
    probes = [e.identity for e in UN[::9]]
    assert [loaded.match(p) for p in probes] == [watchlist.match(p) for p in probes]
    assert isinstance(loaded.get(UN[2].entry_id), WatchlistEntry)
