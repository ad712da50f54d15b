"""The alerts one console shows, their decisions, and the pages watching them.

Pure state, no I/O: the server feeds it records from the console's alert topic and the
dispositions topic, and each open page gets every change as an event on its own queue.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from streams.console.geo import locate
from streams.events import Alert, Disposition

Event = tuple[str, dict[str, Any]]  # (SSE event name, JSON data)


class AlertBoard:
    """Alerts by id (the newest `max_alerts` kept), decisions by alert id, subscribers."""

    def __init__(self, max_alerts: int = 10_000, queue_size: int = 1_000) -> None:
        self.max_alerts = max_alerts
        self.queue_size = queue_size
        self.alerts: OrderedDict[str, Alert] = OrderedDict()
        self.decisions: dict[str, list[Disposition]] = {}
        self.status: dict[str, Any] = {"state": "connecting", "detail": "connecting to Kafka"}
        self.rejected = 0
        self._subscribers: set[asyncio.Queue[Event | None]] = set()

    def add_alert(self, alert: Alert) -> None:
        """Show an alert; a repeat of one already shown (at-least-once delivery) changes
        nothing unless its content did."""
        if self.alerts.get(alert.alert_id) == alert:
            return
        self.alerts[alert.alert_id] = alert
        if len(self.alerts) > self.max_alerts:
            dropped, _ = self.alerts.popitem(last=False)
            self.decisions.pop(dropped, None)
        self._publish(("alert", self.view(alert)))

    def add_decision(self, decision: Disposition) -> None:
        """Record a decision; it is shown once its alert is (the topics are read in parallel)."""
        history = self.decisions.setdefault(decision.alert_id, [])
        if decision in history:
            return
        history.append(decision)
        history.sort(key=lambda d: d.at)
        if decision.alert_id in self.alerts:
            decisions = self._decisions(decision.alert_id)
            self._publish(("decision", {"alert_id": decision.alert_id, "decisions": decisions}))

    def set_status(self, state: str, detail: str) -> None:
        if self.status != {"state": state, "detail": detail}:
            self.status = {"state": state, "detail": detail}
            self._publish(("status", self.status))

    def view(self, alert: Alert) -> dict[str, Any]:
        """An alert as the page shows it: the alert itself, where it happened, the decisions."""
        current = alert.as_trail_point()
        points = sorted([*alert.trail, current], key=lambda p: p.occurred_at)
        places = [
            {**p.model_dump(mode="json"), "current": p is current, "place": locate(p.checkpoint)}
            for p in points
        ]
        return {
            "alert": alert.model_dump(mode="json"),
            "places": places,
            "decisions": self._decisions(alert.alert_id),
        }

    def snapshot(self, limit: int = 500) -> dict[str, Any]:
        """The newest `limit` alerts (by the time the worker raised them) and the status."""
        newest = sorted(self.alerts.values(), key=lambda a: a.alerted_at, reverse=True)[:limit]
        return {
            "status": self.status,
            "total": len(self.alerts),
            "alerts": [self.view(a) for a in newest],
        }

    def subscribe(self) -> asyncio.Queue[Event | None]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(self.queue_size + 1)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        self._subscribers.discard(queue)

    def close(self) -> None:
        """End every page's stream (the server is stopping)."""
        for queue in list(self._subscribers):
            self._end(queue)

    def _decisions(self, alert_id: str) -> list[dict[str, Any]]:
        return [d.model_dump(mode="json") for d in self.decisions.get(alert_id, ())]

    def _publish(self, event: Event) -> None:
        for queue in list(self._subscribers):
            if queue.qsize() >= self.queue_size:
                self._end(queue)  # a page too slow to keep up reconnects and gets a snapshot
            else:
                queue.put_nowait(event)

    def _end(self, queue: asyncio.Queue[Event | None]) -> None:
        self._subscribers.discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
