"""The ceiling for the pipeline benchmark: a Faust agent that decodes and forwards, no matching.

    python -m bench.passthrough        (settings from BORDERWATCH_* like the worker)

It consumes the crossings topic with the worker's Faust and consumer settings (the App
arguments below mirror `streams.app.Worker._build_app`), takes batches the same way
(`take_events(batch_size, within=batch_within_s)`), validates each record as a
`CrossingEvent` exactly as the pipeline does, forwards it unchanged to the alerts topic and
awaits the batch's deliveries before taking the next, as the worker does. What the worker
spends beyond this is matching, building alerts and its bookkeeping.

It serves `passthrough_ready` (1 once the agent runs) and `passthrough_crossings_total` on
BORDERWATCH_METRICS_PORT. Each forwarded record carries the source record's Kafka timestamp
in the header `bench-source-ts`, so latency is measured exactly as for alerts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import faust
from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server
from pydantic import ValidationError

from config import Settings
from streams.cli import configure_logging
from streams.events import CrossingEvent
from streams.heap import collect_less_often
from streams.kafka import ensure_topics, faust_app, use_event_loop

SOURCE_TS_HEADER = "bench-source-ts"


def restore_log_level(level: str) -> None:
    """`streams.app.restore_log_level` (not imported: the pass-through stays light)."""
    from faust.utils.terminal.spinners import SpinnerHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, SpinnerHandler):
            root.removeHandler(handler)
    root.setLevel(level)


def build_app(settings: Settings, registry: CollectorRegistry) -> faust.App:
    s = settings
    app = faust_app(s)
    crossings = app.topic(s.topic_crossings, key_serializer="raw", value_serializer="raw")
    out = app.topic(s.topic_alerts, key_serializer="raw", value_serializer="raw")
    ready = Gauge("passthrough_ready", "1 once the agent runs", registry=registry)
    processed = Counter("passthrough_crossings", "crossings taken", registry=registry)
    invalid = Counter("passthrough_invalid", "records that failed validation", registry=registry)

    @app.agent(crossings, name="passthrough")
    async def passthrough(stream: faust.StreamT[Any]) -> None:
        restore_log_level(s.log_level)  # as the worker does
        collect_less_often()  # as the worker does once its list is in
        ready.set(1)
        batches = stream.take_events(s.batch_size, within=s.batch_within_s)  # type: ignore[attr-defined]
        async for events in batches:
            pending: list[Awaitable[Any]] = []
            for event in events:
                message = event.message
                try:
                    CrossingEvent.model_validate_json(message.value)
                except ValidationError:
                    invalid.inc()
                    continue
                stamp = int(message.timestamp * 1000) if message.timestamp else 0
                pending.append(
                    await out.send(
                        key=message.key,
                        value=message.value,
                        headers=[(SOURCE_TS_HEADER, str(stamp).encode())],
                    )
                )
            await asyncio.gather(*pending)
            processed.inc(len(events))

    return app


def main() -> None:
    from faust.worker import Worker as FaustWorker

    settings = Settings()
    configure_logging(settings.log_level)
    ensure_topics(settings)
    use_event_loop(settings)  # as the worker does
    registry = CollectorRegistry()
    app = build_app(settings, registry)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, registry=registry)
    logging.getLogger("bench.passthrough").info("passthrough on %s", settings.topic_crossings)
    FaustWorker(app, loglevel=settings.log_level.lower(), quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
