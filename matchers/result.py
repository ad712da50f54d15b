"""What a comparison returns: a score with the evidence and words that justify it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from matchers.identity import Identity


class Band(StrEnum):
    """How sure an alert is; officers triage on this before reading anything else."""

    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    NONE = "none"


class Feature(BaseModel):
    """One piece of evidence: what it added to (or took from) the score, and why."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float = Field(description="Signed contribution to the score.")
    detail: str


class Comparison(BaseModel):
    """The result of comparing two identities."""

    model_config = ConfigDict(frozen=True)

    score: float = Field(ge=0.0, le=1.0)
    band: Band
    alert: bool
    features: list[Feature]
    explanation: str
    matched_name: str | None = Field(None, description="The listed name that matched best.")
    query_name: str | None = Field(None, description="The traveller name that matched it.")


class Hit(Comparison):
    """A comparison against one watchlist entry that reached the alert threshold."""

    entry_id: str


class Listed(Protocol):
    """Anything the matcher can index: a stable id and an identity (a watchlist entry)."""

    @property
    def entry_id(self) -> str: ...

    @property
    def identity(self) -> Identity: ...
