"""The messages on borderwatch's topics: crossings in, alerts and dead letters out."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from matchers import Band, Document, Feature, Identity
from matchers.identity import CountryCode
from watchlists import WatchlistEntry
from watchlists.entry import AgencyCode


class Direction(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class TravelMode(StrEnum):
    AIR = "air"
    LAND = "land"
    SEA = "sea"
    RAIL = "rail"


class Checkpoint(BaseModel):
    """A border crossing point, e.g. Poipet (KH-POI) on the Cambodia/Thailand border."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    code: Annotated[str, StringConstraints(min_length=2, max_length=32, pattern=r"^[A-Z0-9_\-]+$")]
    country: CountryCode
    name: Annotated[str, StringConstraints(max_length=120)] | None = None


class CrossingEvent(BaseModel):
    """One traveller passing one checkpoint, as published by a border agency."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    event_id: Annotated[
        str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
    ] = Field(description="Unique per crossing; the idempotency key of every alert it raises.")
    agency: AgencyCode = Field(description="The reporting border agency, e.g. TH-IMM.")
    checkpoint: Checkpoint
    direction: Direction
    occurred_at: AwareDatetime = Field(description="When the document was scanned, with zone.")
    traveller: Identity = Field(
        description="The traveller as read from the document; documents[0] is the one presented."
    )
    mrz: Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Z0-9<\n]*$")] | None = None
    mode: TravelMode | None = None

    @field_validator("traveller")
    @classmethod
    def _has_travel_document(cls, traveller: Identity) -> Identity:
        if not traveller.documents:
            raise ValueError("traveller.documents must hold the travel document presented")
        return traveller

    @property
    def travel_document(self) -> Document:
        return self.traveller.documents[0]


def alert_id_for(event_id: str, entry_id: str) -> str:
    """Same crossing and same entry give the same id, so consumers can deduplicate."""
    return hashlib.sha256(f"{event_id}\x1f{entry_id}".encode()).hexdigest()[:32]


class TrailPoint(BaseModel):
    """One earlier crossing of a listed person: where the movement trail has been."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    occurred_at: AwareDatetime
    checkpoint: Checkpoint
    direction: Direction
    agency: str
    band: Band


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class Alert(BaseModel):
    """A crossing that matched a watchlist entry, with everything a watch officer needs."""

    model_config = ConfigDict(frozen=True)

    alert_id: str
    event: CrossingEvent
    entry: WatchlistEntry
    score: float = Field(ge=0.0, le=1.0)
    band: Band
    features: list[Feature]
    explanation: str
    matched_name: str | None
    query_name: str | None
    retro: bool = False
    ingested_at: dt.datetime = Field(description="When the crossing reached Kafka.")
    alerted_at: dt.datetime = Field(description="When the worker produced this alert.")
    trail: list[TrailPoint] = Field(
        default_factory=list,
        description="Earlier alerted crossings of this entry, oldest first.",
    )
    priority: Priority = Field(
        Priority.NORMAL,
        description="high when the subject was seen in another country within the trail window.",
    )

    def as_trail_point(self) -> TrailPoint:
        """This alert's crossing as a point of the entry's trail."""
        e = self.event
        return TrailPoint(
            event_id=e.event_id,
            occurred_at=e.occurred_at,
            checkpoint=e.checkpoint,
            direction=e.direction,
            agency=e.agency,
            band=self.band,
        )


class DispositionKind(StrEnum):
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"
    ESCALATED = "escalated"
    SUPPRESSED = "suppressed"  # written by borderwatch for a repeat of a false positive


class Disposition(BaseModel):
    """An officer's decision on an alert; the `dispositions` topic is the audit trail.

    A false positive names the traveller's document and the entry's version, so a repeat
    alert for the same document and the same (unchanged) entry is suppressed.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    alert_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    entry_id: str
    entry_version: str
    document_key: str = Field(description="Country and number of the traveller's document.")
    disposition: DispositionKind
    by: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    at: AwareDatetime
    agency: str | None = Field(None, description="The agency of the officer, if any.")


def document_key(document: Document) -> str:
    """A travel document as suppression compares it: issuing country and folded number."""
    number = "".join(ch for ch in document.number.upper() if ch.isalnum())
    return f"{document.country or '?'}:{number}"


class DeadLetter(BaseModel):
    """Why a crossing was refused; travels in the DLQ headers beside the original bytes."""

    reason: str
    category: str = Field(description="A bounded reason code, e.g. json_invalid, missing.")
    errors: list[dict[str, str]] = Field(default_factory=list)
    source_topic: str
    source_partition: int
    source_offset: int
    event_id: str | None = None
    failed_at: dt.datetime
