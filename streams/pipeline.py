"""The crossing path with no Kafka in it: bytes in, alerts or a dead letter out.

The Faust agent hands each batch here and produces what comes back, so the whole decision
(validate, match, build the alert) is testable and benchmarkable without a broker.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from matchers import Hit, MatchStats
from streams.alert_history import AlertHistory
from streams.events import Alert, CrossingEvent, DeadLetter, Disposition, alert_id_for
from watchlists import Watchlist, WatchlistEntry

UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Incoming:
    """One record read from the crossings topic."""

    value: bytes | None
    key: bytes | None = None
    topic: str = ""
    partition: int = -1
    offset: int = -1
    timestamp_ms: int | None = None

    @property
    def where(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


@dataclass(slots=True)
class Outcome:
    """What became of one crossing: exactly one of `crossing` and `dead_letter` is set."""

    incoming: Incoming
    crossing: CrossingEvent | None = None
    dead_letter: DeadLetter | None = None
    alerts: list[Alert] = field(default_factory=list)
    suppressed: list[Disposition] = field(default_factory=list)
    match_seconds: float = 0.0
    candidates: int = 0  # names the index gave the scorer for this crossing
    dead_letter_without_original: bool = False  # the broker refused it with its bytes


def _event_id_of(raw: bytes) -> str | None:
    """The event id of an invalid crossing, when one can be read, to name it in the reason."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    event_id = doc.get("event_id") if isinstance(doc, dict) else None
    return event_id if isinstance(event_id, str) and 0 < len(event_id) <= 128 else None


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as field and message pairs, without the offending (personal) values."""
    return [
        {
            "field": ".".join(str(p) for p in err["loc"]) or "(message)",
            "type": err["type"],
            "message": err["msg"],
        }
        for err in exc.errors(include_input=False, include_url=False, include_context=False)
    ]


class CrossingPipeline:
    """Validates crossings and matches them against the watchlist."""

    def __init__(
        self,
        watchlist: Watchlist,
        *,
        max_message_bytes: int = 1_048_576,
        history: AlertHistory | None = None,
    ) -> None:
        self.watchlist = watchlist
        self.max_message_bytes = max_message_bytes
        self.history = history

    def _refuse(
        self,
        incoming: Incoming,
        category: str,
        reason: str,
        errors: list[dict[str, str]],
        event_id: str | None,
    ) -> Outcome:
        record = f"crossing {incoming.where}" + (f" (event_id {event_id})" if event_id else "")
        letter = DeadLetter(
            reason=f"{record}: {reason}",
            category=category,
            errors=errors,
            source_topic=incoming.topic,
            source_partition=incoming.partition,
            source_offset=incoming.offset,
            event_id=event_id,
            failed_at=dt.datetime.now(UTC),
        )
        return Outcome(incoming, dead_letter=letter)

    def decode(self, incoming: Incoming) -> Outcome:
        """Validate one record; an invalid one becomes a dead letter naming field and record."""
        raw = incoming.value
        if raw is None:
            return self._refuse(incoming, "null_value", "empty message (null value)", [], None)
        if len(raw) > self.max_message_bytes:
            reason = f"message of {len(raw)} bytes exceeds the limit of {self.max_message_bytes}"
            return self._refuse(incoming, "too_large", reason, [], None)
        try:
            crossing = CrossingEvent.model_validate_json(raw)
        except ValidationError as exc:
            errors = field_errors(exc)
            summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
            more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
            category = errors[0]["type"] if errors else "invalid"
            return self._refuse(incoming, category, summary + more, errors, _event_id_of(raw))
        return Outcome(incoming, crossing=crossing)

    def alerts_for(
        self,
        crossing: CrossingEvent,
        incoming: Incoming,
        hits: Sequence[Hit],
        retro: bool = False,
        only: Collection[str] | None = None,
    ) -> list[Alert]:
        """Alerts for the hits whose entries are in force on the day of the crossing."""
        alerts = []
        day = crossing.occurred_at.date()
        ingested = (
            dt.datetime.fromtimestamp(incoming.timestamp_ms / 1000, UTC)
            if incoming.timestamp_ms is not None
            else dt.datetime.now(UTC)
        )
        for hit in hits:
            if only is not None and hit.entry_id not in only:
                continue
            entry = self.watchlist.get(hit.entry_id)
            if entry is None or not in_force(entry, day):
                continue
            alerts.append(
                Alert(
                    alert_id=alert_id_for(crossing.event_id, entry.entry_id),
                    event=crossing,
                    entry=entry,
                    score=hit.score,
                    band=hit.band,
                    features=hit.features,
                    explanation=hit.explanation,
                    matched_name=hit.matched_name,
                    query_name=hit.query_name,
                    retro=retro,
                    ingested_at=ingested,
                    alerted_at=dt.datetime.now(UTC),
                )
            )
        return alerts

    def _review(self, outcome: Outcome) -> None:
        """Suppress repeats of known false positives; give the others their trail."""
        history = self.history
        if history is None or not outcome.alerts:
            return
        kept = []
        for alert in outcome.alerts:
            by = history.suppressed_by(alert)
            if by is not None:
                outcome.suppressed.append(history.suppression_record(alert, by))
                continue
            alert = history.with_trail(alert)
            history.record(alert)
            kept.append(alert)
        outcome.alerts = kept

    def process(
        self,
        batch: Sequence[Incoming],
        *,
        retro: bool = False,
        only: Collection[str] | None = None,
    ) -> list[Outcome]:
        """Decode, validate and match a batch; never raises for a bad record.

        A retro-hunt passes `retro=True` and `only` (the entries hunted for): it scores with
        the same index as the live path, so a hunt alerts exactly where live matching would.
        """
        outcomes = []
        for incoming in batch:
            outcome = self.decode(incoming)
            if outcome.crossing is not None:
                try:
                    started = time.perf_counter()
                    stats = MatchStats()
                    hits = self.watchlist.match(outcome.crossing.traveller, stats)
                    outcome.match_seconds = time.perf_counter() - started
                    outcome.candidates = stats.scored
                    outcome.alerts = self.alerts_for(outcome.crossing, incoming, hits, retro, only)
                    self._review(outcome)
                except Exception as exc:  # a matcher bug must not lose the crossing
                    reason = f"matching failed ({type(exc).__name__}); replay after a fix"
                    outcome = self._refuse(
                        incoming, "matching_failed", reason, [], outcome.crossing.event_id
                    )
            outcomes.append(outcome)
        return outcomes


def in_force(entry: WatchlistEntry, day: dt.date) -> bool:
    """An entry alerts only within its validity period."""
    if entry.valid_from is not None and day < entry.valid_from:
        return False
    return entry.valid_until is None or day <= entry.valid_until
