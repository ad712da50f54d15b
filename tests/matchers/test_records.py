"""The index's frozen records survive a pickle (a snapshot) whole, shared and frozen."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass

import pytest

from matchers import Identity
from matchers.names import NameForm
from matchers.records import pickled_as_arguments
from matchers.score import Prepared, prepare


def test_a_prepared_identity_comes_back_equal_with_its_records_shared() -> None:
    # Two names sharing words: their tokens are one object (names.py caches them), and a
    # loaded copy keeps them shared (a snapshot would otherwise hold each word many times).
    prepared = prepare(
        Identity(
            names=["Kim Jong Un", "Kim Jong Il", "김정은"],
            birth_dates=["1984-01-08"],
            nationalities=["PRK"],
            documents=[{"number": "PD123456", "country": "PRK"}],
        )
    )
    first, second = prepared.forms[:2]
    assert first.tokens[0] is second.tokens[0]
    loaded = pickle.loads(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded, Prepared) and loaded == prepared
    assert loaded.forms[0].tokens[0] is loaded.forms[1].tokens[0]
    assert all(isinstance(f, NameForm) for f in loaded.forms)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.forms[0].source = "other"  # type: ignore[misc]


def test_only_records_built_from_all_their_fields_are_pickled_as_arguments() -> None:
    @dataclass(frozen=True, slots=True)
    class Derived:
        given: int
        made: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="Derived: not built from"):
        pickled_as_arguments(Derived)
