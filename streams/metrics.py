"""The worker's Prometheus metrics: one registry, bounded labels, never personal data."""

from __future__ import annotations

import datetime as dt
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, start_http_server

from streams.events import Alert
from streams.pipeline import Outcome

_MATCH_BUCKETS = (1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.05, 0.25)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _version() -> str:
    try:
        return version("borderwatch")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


class WorkerMetrics:
    """Everything a worker exports on /metrics."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.crossings = Counter(
            "borderwatch_crossings",
            "Valid crossings consumed, by reporting agency and checkpoint country.",
            ["agency", "checkpoint_country"],
            registry=r,
        )
        self.invalid = Counter(
            "borderwatch_crossings_invalid",
            "Crossings refused and sent to the dead-letter topic, by reason code.",
            ["reason"],
            registry=r,
        )
        self.alerts = Counter(
            "borderwatch_alerts",
            "Alerts produced, by list, band and whether from a retro-hunt.",
            ["list_id", "band", "retro"],
            registry=r,
        )
        self.suppressed = Counter(
            "borderwatch_alerts_suppressed",
            "Repeats of a false positive not alerted (each kept on the dispositions topic).",
            ["list_prefix"],
            registry=r,
        )
        self.event_latency = Histogram(
            "borderwatch_alert_latency_seconds",
            "From the crossing's occurred_at to its alert being produced.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.pipeline_latency = Histogram(
            "borderwatch_pipeline_latency_seconds",
            "From the crossing reaching Kafka to its alert being produced.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_seconds = Histogram(
            "borderwatch_batch_processing_seconds",
            "Time to validate and match one batch of crossings.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.match_seconds = Histogram(
            "borderwatch_match_seconds",
            "Time to match one valid crossing against the watchlist index.",
            buckets=_MATCH_BUCKETS,
            registry=r,
        )
        self.candidates = Histogram(
            "borderwatch_match_candidates",
            "Watchlist names scored for one crossing (what the index could not rule out).",
            buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000),
            registry=r,
        )
        self.consumer_lag = Gauge(
            "borderwatch_consumer_lag",
            "Crossings not yet processed, from fetch high-water marks, by partition.",
            ["partition"],
            registry=r,
        )
        self.retro_hunts = Counter(
            "borderwatch_retro_hunts",
            "Retro-hunts run by this worker (one per batch of new or changed entries).",
            registry=r,
        )
        self.retro_scanned = Counter(
            "borderwatch_retro_scanned_crossings",
            "Crossings of the look-back window re-read by retro-hunts.",
            registry=r,
        )
        self.watchlist_entries = Gauge(
            "borderwatch_watchlist_entries",
            "Entries held in this worker's index, by list.",
            ["list_id"],
            registry=r,
        )
        self.watchlist_updated = Gauge(
            "borderwatch_watchlist_last_update_timestamp_seconds",
            "Unix time of the last watchlist record applied.",
            registry=r,
        )
        self.watchlist_rejected = Gauge(
            "borderwatch_watchlist_rejected_records",
            "Watchlist records skipped as invalid since start.",
            registry=r,
        )
        self.group_member = Gauge(
            "borderwatch_group_member",
            "1 while this worker is a member of its consumer group.",
            registry=r,
        )
        self.ready = Gauge(
            "borderwatch_index_ready",
            "1 once the watchlist index has caught up with the topic.",
            registry=r,
        )
        self.snapshot_written = Gauge(
            "borderwatch_index_snapshot_timestamp_seconds",
            "Unix time the snapshot this worker's index started from was written (0: none).",
            registry=r,
        )
        self._children: dict[tuple[Counter, tuple[str, ...]], Any] = {}
        Info("borderwatch_build", "Build information.", registry=r).info({"version": _version()})

    def serve(self, port: int) -> None:
        """Serve /metrics on the given port (0 disables)."""
        if port:
            start_http_server(port, registry=self.registry)

    def _child(self, metric: Counter, *labels: str) -> Any:
        """A labelled child, looked up once (`.labels()` is a lock and a dict per call)."""
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def observe(self, outcomes: list[Outcome]) -> None:
        """Count a produced batch: one increment per label set, not per crossing."""
        counts: dict[tuple[Counter, tuple[str, ...]], int] = {}
        key: tuple[Counter, tuple[str, ...]]
        alerts: list[Alert] = []
        match_seconds = self.match_seconds.observe
        candidates = self.candidates.observe
        for outcome in outcomes:
            crossing = outcome.crossing
            if crossing is None:
                letter = outcome.dead_letter
                key = (self.invalid, (letter.category if letter else "unknown",))
                counts[key] = counts.get(key, 0) + 1
                continue
            key = (self.crossings, (crossing.agency, crossing.checkpoint.country))
            counts[key] = counts.get(key, 0) + 1
            match_seconds(outcome.match_seconds)
            candidates(outcome.candidates)
            alerts += outcome.alerts
            for record in outcome.suppressed:
                key = (self.suppressed, (record.entry_id.split(":", 1)[0],))
                counts[key] = counts.get(key, 0) + 1
        for (metric, labels), n in counts.items():
            self._child(metric, *labels).inc(n)
        if alerts:
            self.observe_alerts(alerts)

    def observe_alerts(
        self, alerts: list[Alert], now: dt.datetime | None = None, wall: float | None = None
    ) -> None:
        """Count alerts; latency only for live ones (a retro alert is late by design)."""
        now = now or dt.datetime.now(dt.UTC)
        wall = wall or time.time()
        for alert in alerts:
            retro = "true" if alert.retro else "false"
            self._child(self.alerts, alert.entry.list_id, alert.band.value, retro).inc()
            if not alert.retro:
                self.event_latency.observe(
                    max(0.0, (now - alert.event.occurred_at).total_seconds())
                )
                self.pipeline_latency.observe(max(0.0, wall - alert.ingested_at.timestamp()))

    def observe_hunt(self, scanned: int, alerted: int) -> None:
        """Count one retro-hunt."""
        self.retro_hunts.inc()
        self.retro_scanned.inc(scanned)
