"""Frozen records that pickle fast: a snapshot of the index (`streams.snapshot`) holds
millions of them (at 1,000,000 entries some five million names, units and entries)."""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_as_arguments(cls: type[T]) -> type[T]:
    """Pickle a frozen slots dataclass as its constructor's arguments. The `__setstate__`
    `dataclass` gives such a class looks its fields up on every call, Python code for each
    record unpickled; a constructor call is half the cost, and the fields are read in one
    C call (`operator.attrgetter`) when pickling."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) < 2 or not all(f.init for f in fields):  # (`values` gives a tuple of all)
        raise TypeError(f"{cls.__name__}: not built from two fields or more, all given")
    values = operator.attrgetter(*(f.name for f in fields))

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
