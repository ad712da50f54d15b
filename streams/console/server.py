"""The watch officer's console: one agency's alerts, live, and its officers' decisions.

A console serves one agency (or, without one, the coordination centre). It reads that
agency's alert topic, which holds only what the agency may see, and the dispositions
topic, both from the beginning and without a consumer group; pages follow the alerts by
server-sent events. A decision is accepted only for an alert read from the console's own
topic, and is produced to the dispositions topic (key = alert id) before it is confirmed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import TypeAdapter, ValidationError

from config import Settings
from streams.console import geo
from streams.console.board import AlertBoard
from streams.dispositions import disposition_for
from streams.events import Alert, Disposition, DispositionKind
from streams.follower import TopicFollower
from streams.kafka import aiokafka_options
from streams.pipeline import field_errors
from watchlists.entry import AgencyCode

log = logging.getLogger(__name__)

# What an officer may decide; `suppressed` is written by borderwatch itself.
OFFICER_DECISIONS = frozenset(
    {DispositionKind.CONFIRMED, DispositionKind.FALSE_POSITIVE, DispositionKind.ESCALATED}
)
RETRY_S = 2.0
MAX_RETRY_S = 30.0
KEEPALIVE_S = 15.0
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def alerts_topic(settings: Settings, agency: str | None) -> str:
    """The topic a console reads: the agency's own, or the coordination centre's."""
    return f"{settings.topic_alerts}.{agency}" if agency else settings.topic_alerts


class Console:
    """One console's Kafka side: the follower that fills the board, the decision producer."""

    def __init__(self, settings: Settings, agency: str | None) -> None:
        self.settings = settings
        self.agency = agency
        self.topic = alerts_topic(settings, agency)
        self.board = AlertBoard()
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()

    async def follow(self) -> None:
        """Read the alert and dispositions topics forever, starting over after a failure
        (an agency's topic appears with its first alert)."""
        topics = [self.topic, self.settings.topic_dispositions]
        delay = RETRY_S
        while True:
            self.board.set_status("connecting", f"reading {self.topic}")
            follower = TopicFollower(
                self.settings, topics, self._apply, name=f"console {self.topic}"
            )
            watch = asyncio.create_task(self._announce_ready(follower))
            try:
                await self._wait_for(topics)
                self.board.set_status("connecting", f"reading {self.topic}")
                await follower.run()
            except Exception as exc:  # the console must outlive the broker going away
                log.warning("console cannot read %s (%r); retrying in %.0f s", topics, exc, delay)
                self.board.set_status("offline", f"cannot read {self.topic}: {exc!r}")
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_S)
            finally:
                if watch.done() and not watch.cancelled():
                    delay = RETRY_S  # it had caught up: start over quickly next time
                watch.cancel()

    async def _wait_for(self, topics: list[str]) -> None:
        """Until the topics exist: each check asks the broker afresh (a consumer's own
        metadata would not see a topic created after it started)."""
        consumer = AIOKafkaConsumer(**aiokafka_options(self.settings), group_id=None)
        try:
            await consumer.start()
            while missing := [t for t in topics if t not in await consumer.topics()]:
                self.board.set_status("waiting", f"no alert yet: waiting for {', '.join(missing)}")
                await asyncio.sleep(1.0)
        finally:
            await consumer.stop()

    async def _announce_ready(self, follower: TopicFollower) -> None:
        await follower.ready.wait()
        self.board.set_status("live", f"reading {self.topic} live")

    def _apply(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        for record in records:
            if record.value is None:
                continue
            try:
                if tp.topic == self.topic:
                    self.board.add_alert(Alert.model_validate_json(record.value))
                else:
                    self.board.add_decision(Disposition.model_validate_json(record.value))
            except ValidationError:
                self.board.rejected += 1
                log.warning(
                    "unreadable record %s[%d]@%d skipped", tp.topic, tp.partition, record.offset
                )

    async def record(self, decision: Disposition) -> None:
        """Produce a decision to the dispositions topic and wait until it is written."""
        async with self._producer_lock:
            if self._producer is None:
                producer = AIOKafkaProducer(**aiokafka_options(self.settings), acks="all")
                try:
                    await producer.start()
                except Exception:
                    await producer.stop()
                    raise
                self._producer = producer
            producer = self._producer
        try:
            await producer.send_and_wait(
                self.settings.topic_dispositions,
                key=decision.alert_id.encode(),
                value=decision.model_dump_json().encode(),
            )
        except Exception:
            await self._stop_producer()  # the next decision starts a fresh one
            raise

    async def _stop_producer(self) -> None:
        async with self._producer_lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: follow the topics while the app runs."""
        task = asyncio.create_task(self.follow())
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await self._stop_producer()


Assets = dict[str, tuple[bytes, str]]  # name -> (content, content type)
CONSOLE = web.AppKey("console", Console)
STATIC: web.AppKey[Assets] = web.AppKey("static")


def _static_files() -> Assets:
    """The page's assets, shipped as package data."""
    assets = {}
    for item in files("streams.console").joinpath("static").iterdir():
        if item.is_file():
            kind = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
            assets[item.name] = (item.read_bytes(), kind)
    return assets


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _index(request: web.Request) -> web.Response:
    return _asset(request, "index.html")


async def _static(request: web.Request) -> web.Response:
    return _asset(request, request.match_info["name"])


def _asset(request: web.Request, name: str) -> web.Response:
    found = request.app[STATIC].get(name)
    if found is None:
        raise web.HTTPNotFound()
    body, kind = found
    charset = "utf-8" if kind.startswith("text/") or kind.endswith("javascript") else None
    return web.Response(body=body, content_type=kind, charset=charset)


async def _config(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    return web.json_response(
        {
            "agency": console.agency,
            "topic": console.topic,
            "dispositions_topic": console.settings.topic_dispositions,
            "decisions": sorted(k.value for k in OFFICER_DECISIONS),
            "map": geo.base_map(),
        }
    )


async def _state(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONSOLE].board.snapshot())


def _sse(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a snapshot first, then each new alert, decision and status."""
    board = request.app[CONSOLE].board
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
    )
    queue = board.subscribe()  # before the snapshot, so nothing falls between the two
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n" + _sse("snapshot", board.snapshot()))
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event is None:
                break
            await response.write(_sse(*event))
    except ConnectionResetError:
        pass  # the page went away
    finally:
        board.unsubscribe(queue)
    return response


async def _decide(request: web.Request) -> web.Response:
    """Record an officer's decision on an alert this console shows."""
    console = request.app[CONSOLE]
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        return _error(403, "cross-origin requests are refused")
    if request.content_type != "application/json":
        return _error(415, "send the decision as application/json")
    alert_id = request.match_info["alert_id"]
    alert = console.board.alerts.get(alert_id)
    if alert is None:
        if console.board.status["state"] != "live":
            detail = console.board.status["detail"]
            return _error(503, f"the console has not read its topic yet ({detail}); try again")
        return _error(
            404,
            f"alert {alert_id} is not on {console.topic}: "
            "an agency decides only on the alerts it may see",
            alert_id=alert_id,
        )
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "the body is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "the body must be a JSON object")
    kind = body.get("disposition")
    if kind not in {k.value for k in OFFICER_DECISIONS}:
        allowed = ", ".join(sorted(k.value for k in OFFICER_DECISIONS))
        return _error(400, f"disposition must be one of {allowed}")
    by, note = body.get("by"), body.get("note", "")
    if not isinstance(by, str) or not isinstance(note, str):
        return _error(400, "by and note must be strings")
    try:
        decision = disposition_for(alert, kind, by.strip(), note.strip(), console.agency)
    except ValidationError as exc:
        return _error(400, "invalid decision", fields=field_errors(exc))
    try:
        await console.record(decision)
    except Exception as exc:
        log.warning("decision on %s not recorded: %r", alert_id, exc)
        return _error(503, f"the decision could not be written to Kafka ({type(exc).__name__})")
    log.info("recorded %s on alert %s by %s", kind, alert_id, decision.by)
    return web.json_response(decision.model_dump(mode="json"), status=201)


async def _close_streams(app: web.Application) -> None:
    app[CONSOLE].board.close()


def create_app(settings: Settings, agency: str | None = None) -> web.Application:
    """The console of one agency (its alert topic only), or of the coordination centre."""
    if agency is not None:
        agency = TypeAdapter(AgencyCode).validate_python(agency)
    console = Console(settings, agency)
    app = web.Application(middlewares=[_security_headers], client_max_size=64 * 1024)
    app[CONSOLE] = console
    app[STATIC] = _static_files()
    app.cleanup_ctx.append(console.lifecycle)
    app.on_shutdown.append(_close_streams)
    app.router.add_get("/", _index)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/api/config", _config)
    app.router.add_get("/api/alerts", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_post("/api/alerts/{alert_id}/disposition", _decide)
    return app


def run_console(
    settings: Settings,
    agency: str | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> None:
    """Serve the console until interrupted (`borderwatch console`)."""
    port = settings.console_port if port is None else port
    app = create_app(settings, agency)
    who = agency or "the coordination centre"
    print(
        f"borderwatch console for {who} on http://{host}:{port}/ "
        f"(alerts from {app[CONSOLE].topic})",
        flush=True,
    )
    web.run_app(app, host=host, port=port, print=None, access_log=None, shutdown_timeout=5)
