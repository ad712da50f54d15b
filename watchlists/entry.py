"""A listed person and what an officer needs to act on a match."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from matchers.identity import Identity

EntryId = Annotated[
    str,
    StringConstraints(min_length=3, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]*$"),
    Field(description="Globally unique, prefixed by the list, e.g. UN:KPi.016."),
]
ListId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
]
AgencyCode = Annotated[
    str, StringConstraints(min_length=2, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9_\-]*$")
]


class RequestedAction(StrEnum):
    """What the listing agency asks a checkpoint to do."""

    ARREST = "arrest"
    LOCATE = "locate"
    MONITOR = "monitor"


class WatchlistEntry(BaseModel):
    """One wanted or sanctioned person on one list."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    entry_id: EntryId
    list_id: ListId
    identity: Identity
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="Charges or grounds for listing."
    )
    action: RequestedAction = RequestedAction.MONITOR
    issuing_agency: AgencyCode | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    allowed_agencies: list[AgencyCode] | None = Field(
        None, description="Agencies that may receive alerts about this entry; null means all."
    )

    @model_validator(mode="after")
    def _valid_period(self) -> WatchlistEntry:
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError("valid_from must not be after valid_until")
        return self

    def content_hash(self) -> str:
        """A version of the entry's content: equal hashes mean nothing changed (for sync)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]
