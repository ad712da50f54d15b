"""What officers have seen and decided: movement trails and suppressed false positives.

Every worker follows the `alerts` and `dispositions` topics into this history (alerts are
keyed by entry, and a person's crossings land on any partition, so each worker needs them
all). It gives each new alert the trail of the entry's earlier alerted crossings, raises
the priority of a subject seen in another country within the trail window (the "balloon
effect"), and recognises a repeat of a false positive: same traveller document, same entry,
unchanged entry version. Pure: no I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

from streams.events import (
    Alert,
    Disposition,
    DispositionKind,
    Priority,
    TrailPoint,
    document_key,
)


@dataclass(frozen=True)
class Suppression:
    """The false positive that silences repeats of one (document, entry version) pair."""

    alert_id: str
    entry_version: str
    by: str


class AlertHistory:
    """Trails by entry and false-positive suppressions by (document, entry)."""

    def __init__(self, trail_days: float = 30.0, max_points: int = 50) -> None:
        self.window = dt.timedelta(days=trail_days)
        self.max_points = max_points
        self._trails: dict[str, deque[TrailPoint]] = {}
        self._suppressions: dict[tuple[str, str], Suppression] = {}

    def record(self, alert: Alert) -> None:
        """Add an alert's crossing to its entry's trail (idempotent per crossing)."""
        if alert.retro and alert.event.occurred_at < _now() - self.window:
            return
        trail = self._trails.setdefault(alert.entry.entry_id, deque(maxlen=self.max_points))
        if any(p.event_id == alert.event.event_id for p in trail):
            return
        point = alert.as_trail_point()
        trail.append(point)
        if len(trail) > 1 and trail[-2].occurred_at > point.occurred_at:  # keep time order
            ordered = sorted(trail, key=lambda p: p.occurred_at)
            trail.clear()
            trail.extend(ordered)

    def decide(self, disposition: Disposition) -> None:
        """Apply an officer's decision: a false positive suppresses, any other lifts."""
        key = (disposition.document_key, disposition.entry_id)
        if disposition.disposition is DispositionKind.FALSE_POSITIVE:
            self._suppressions[key] = Suppression(
                disposition.alert_id, disposition.entry_version, disposition.by
            )
        elif disposition.disposition in (DispositionKind.CONFIRMED, DispositionKind.ESCALATED):
            self._suppressions.pop(key, None)

    def suppressed_by(self, alert: Alert) -> Suppression | None:
        """The false positive this alert repeats, if the entry has not changed since."""
        key = (document_key(alert.event.travel_document), alert.entry.entry_id)
        found = self._suppressions.get(key)
        if found is None or found.entry_version != alert.entry.content_hash():
            return None
        return found

    def with_trail(self, alert: Alert) -> Alert:
        """The alert with its entry's trail so far and its priority."""
        since = alert.event.occurred_at - self.window
        trail = [
            p
            for p in self._trails.get(alert.entry.entry_id, ())
            if p.event_id != alert.event.event_id and since <= p.occurred_at
        ]
        country = alert.event.checkpoint.country
        moved = any(p.checkpoint.country != country for p in trail)
        return alert.model_copy(
            update={"trail": trail, "priority": Priority.HIGH if moved else Priority.NORMAL}
        )

    def suppression_record(self, alert: Alert, by: Suppression) -> Disposition:
        """The audit record of a suppressed repeat: never silently dropped."""
        return Disposition(
            alert_id=alert.alert_id,
            entry_id=alert.entry.entry_id,
            entry_version=alert.entry.content_hash(),
            document_key=document_key(alert.event.travel_document),
            disposition=DispositionKind.SUPPRESSED,
            by="borderwatch",
            note=f"repeat of false positive {by.alert_id} recorded by {by.by}",
            at=_now(),
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
