"""Hostile crossings and watchlist records, as hypothesis strategies and as a fixed sample.

What an adversary (or a broken publisher) can put on a topic: arbitrary bytes, JSON nested
thousands deep or megabytes wide, every field with the wrong type, invalid UTF-8, control
characters and lone surrogates in names, absurd lengths and counts.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import strategies as st

from tests.support import crossing

SECRET = "ZZSECRETNAME"  # a traveller's name: must never appear in a dead letter's reason


def valid_crossing(event_id: str = "hostile-1", name: str = f"{SECRET} KHAN") -> dict[str, Any]:
    event = crossing(
        event_id,
        [name],
        birth_dates=["1970-01-01"],
        nationalities=["KHM"],
        sex="M",
        documents=[{"number": "N0000001", "kind": "passport", "country": "KHM"}],
    )
    event["mrz"] = "P<KHMKHAN<<ZZ"
    return event


def valid_entry(entry_id: str = "FUZZ:0001", name: str = "Ahmad Zia Rahimi") -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "list_id": entry_id.split(":", 1)[0],
        "identity": {
            "names": [name],
            "birth_dates": ["1970-01-01"],
            "nationalities": ["AFG"],
            "documents": [{"number": "OR123456", "country": "AFG"}],
        },
        "reason": "fuzz",
        "action": "arrest",
    }


# Text with everything: control characters, format characters (zero-width), surrogates
# (serialised as \ud800 escapes), combining marks, every script.
hostile_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=60
) | st.sampled_from(
    ["", " ", "\x00", "A\x00B", "A\u200bB", "\ud800", "A\udfffB", "\ufeff", "A" * 10_000,
     "\u202eKHAN", "🙂", "\U0001d504\U0001d529\U0001d526", "A\nB", "NaN", "-1", "1e999", "null"]
)

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text
    | st.sampled_from([10**400, -(10**400), 1e308, -0.0, 2**63, -(2**63) - 1])
)

json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(hostile_text, children, max_size=6),
    max_leaves=30,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    if delete and not rest:
        del copy[head]
    else:
        copy[head] = _replace(doc[head], rest, value, delete)
    return copy


def _dumps(doc: Any) -> bytes:
    # ensure_ascii keeps lone surrogates as \u escapes; huge ints need the limit lifted.
    return json.dumps(doc, ensure_ascii=True).encode()


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    """A valid document with one to three fields replaced, deleted or added."""
    doc: Any = base
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and path:
            doc = _replace(doc, path, None, delete=True)
        elif action == "add" and isinstance(doc, dict):
            doc = {**doc, draw(hostile_text): draw(json_values)}
        else:
            doc = _replace(doc, path, draw(json_values))
    return _dumps(doc)


@st.composite
def corrupted(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    """A valid document's bytes with some bytes overwritten (invalid UTF-8, truncation)."""
    raw = bytearray(json.dumps(base, ensure_ascii=False).encode())
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(raw) - 1))
        raw[i] = draw(st.sampled_from([0xFF, 0xC3, 0x80, 0xED, 0x00, 0x22, 0x5C, 0x7B]))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return bytes(raw)


@st.composite
def absurd(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    """Absurd lengths and counts, nesting deep enough to exhaust a recursive parser."""
    kind = draw(st.sampled_from(["names", "name", "depth", "docs", "dates", "wide", "number"]))
    n = draw(st.sampled_from([33, 1_000, 20_000]))
    doc = json.loads(json.dumps(base))
    if kind == "names":
        doc["traveller"]["names"] = [f"{SECRET} {i}" for i in range(n)]
    elif kind == "name":
        doc["traveller"]["names"] = [SECRET + "A" * n * 10]
    elif kind == "depth":
        return b'{"event_id":"deep","traveller":' + b"[" * n * 5 + b"]" * n * 5 + b"}"
    elif kind == "docs":
        doc["traveller"]["documents"] = [{"number": str(i)} for i in range(n)]
    elif kind == "dates":
        doc["traveller"]["birth_dates"] = ["1970-01-01"] * n
    elif kind == "wide":
        doc.update({f"k{i}": i for i in range(n)})
    else:
        return _dumps(doc).replace(b'"1970-01-01"', b"1" * n, 1)
    return _dumps(doc)


hostile_crossings = (
    st.binary(max_size=400)
    | json_values.map(_dumps)
    | mutated(valid_crossing())
    | corrupted(valid_crossing())
    | absurd(valid_crossing())
)

hostile_entries = (
    st.binary(max_size=400)
    | json_values.map(_dumps)
    | mutated(valid_entry())
    | corrupted(valid_entry())
)


def hostile_sample(count: int, seed: int = 1) -> list[bytes]:
    """A fixed sample of hostile crossings that are all invalid (for the end-to-end test)."""
    rng = random.Random(seed)
    base = valid_crossing("sample")
    out: list[bytes] = [
        b"",
        b"\x00" * 64,
        b"{not json",
        b"\xff\xfe\xfd",
        b"[" * 100_000,
        b'{"event_id":"deep","traveller":' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        _dumps({**base, "traveller": {**base["traveller"], "names": ["A"] * 100_000}}),
        _dumps({**base, "traveller": {**base["traveller"], "names": ["\u0007BELL"]}}),
        _dumps({**base, "traveller": {**base["traveller"], "names": ["A\ud800"]}}),
        _dumps({**base, "occurred_at": 10**400}),
        _dumps([base]),
        _dumps(None),
        json.dumps(base).encode().replace(b"Poipet", b"Poi\xffpet"),
        b"x" * 1_100_000,  # over max_message_bytes
    ]
    keys = ["event_id", "agency", "checkpoint", "direction", "occurred_at", "traveller"]
    while len(out) < count:
        doc = json.loads(json.dumps(base))
        key = rng.choice(keys)
        doc[key] = rng.choice([None, 5, -1.5, [], {}, "", "\x00", [1, [2, [3]]], True])
        out.append(_dumps(doc))
    return out
