"""The Faust worker: crossings in, alerts and dead letters out, watchlist fed alongside.

Delivery is at least once. A batch's alerts and dead letters are produced and their
delivery awaited before the loop returns to Faust, which then acks the batch; Faust acks a
batch even when its body raises, so the body never raises for a record (a bad record is a
dead letter) and retries a failed produce instead of giving up on it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Sequence
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.errors import MessageSizeTooLargeError, OffsetOutOfRangeError, RecordTooLargeError
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from config import Settings
from matchers.transliterate import warm
from streams.alert_history import AlertHistory
from streams.events import Alert, DeadLetter, Disposition
from streams.follower import TopicFollower
from streams.kafka import alert_topic_config, faust_app, topic_specs
from streams.kernel_compile import KernelCompile
from streams.metrics import WorkerMetrics
from streams.pipeline import CrossingPipeline, Incoming, Outcome
from streams.retro import RetroHunter
from streams.watchlist_feed import FeedState, WatchlistFeed
from watchlists import Watchlist, WatchlistEntry
from watchlists.dissemination import recipients

log = logging.getLogger(__name__)

DLQ_HEADER = "borderwatch-dlq"
# The worker process that produced an alert: it recorded the alert in its own history before
# producing it, and does not read it back (validating an alert costs more than matching a
# crossing that raises none).
ORIGIN_HEADER = "borderwatch-origin"
_SLICE = 16  # crossings matched between two turns of the event loop (fetches, timers)
_COMPILE_TIMEOUT_S = 300.0  # the kernels compiled ahead: then the worker compiles them itself
_TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError)  # Faust raises them as causes
Queued = tuple[Outcome, Awaitable[Any]]  # an outcome and the delivery of its messages


class MembershipWatch:
    """Notices a worker left outside its consumer group.

    After an eviction (a frozen broker, a long pause) the client is meant to rejoin; we have
    seen it stay outside for good, alive, ready and idle, its partitions unconsumed. A worker
    outside the group for longer than a join can take is restarted: offsets move only after
    output, so a restart loses nothing.
    """

    interval_s = 5.0

    def __init__(self, settings: Settings, metrics: WorkerMetrics) -> None:
        self.grace_s = max(30.0, 2 * settings.rebalance_timeout_s + settings.session_timeout_s)
        self.metrics = metrics
        self._outside_since: float | None = None

    def check(self, member_id: str | None, now: float | None = None) -> bool:
        """Record the member id now; True when the worker has been outside too long."""
        now = time.monotonic() if now is None else now
        if member_id is None:
            return False
        self.metrics.group_member.set(1 if member_id else 0)
        if member_id:
            self._outside_since = None
            return False
        if self._outside_since is None:
            self._outside_since = now
        return now - self._outside_since > self.grace_s


def restart_worker(why: str) -> None:
    """Replace this process with a fresh worker (same pid, same settings)."""
    log.error("%s; restarting this worker", why)
    logging.shutdown()
    os.execv(sys.executable, [sys.executable, "-m", "streams.cli", "worker"])


class RateLimitedLog:
    """One warning a second at most: a flood of bad input must not flood the log too."""

    def __init__(self, logger: logging.Logger, template: str, per_seconds: float) -> None:
        self.logger, self.template, self.per_seconds = logger, template, per_seconds
        self._last = 0.0
        self._skipped = 0

    def warning(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last < self.per_seconds:
            self._skipped += 1
            return
        skipped, self._skipped, self._last = self._skipped, 0, now
        suffix = f" (and {skipped} more since the last one)" if skipped else ""
        self.logger.warning(self.template + "%s", message, suffix)


def restore_log_level(level: str) -> None:
    """Undo Faust's start-up spinner: its worker sets the root logger to DEBUG (the spinner
    turns on every record) and leaves it there, so every DEBUG line of Faust and aiokafka,
    one or more per message produced and some with the message's value, is built as a
    record and handed to the handlers, only to be dropped."""
    from faust.utils.terminal.spinners import SpinnerHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, SpinnerHandler):
            root.removeHandler(handler)
    root.setLevel(level)


def dead_letter_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """The reason rides in a header so the DLQ value stays the original bytes, verbatim."""
    return [(DLQ_HEADER, letter.model_dump_json().encode())]


class Worker:
    """Assembles the Faust app, the watchlist feed, the pipeline and the metrics."""

    def __init__(
        self,
        settings: Settings,
        watchlist: Watchlist | None = None,
        resume: FeedState | None = None,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        """`watchlist` and `resume`: a watchlist loaded from a snapshot and where its feed
        stands (`streams.snapshot`); without them, an empty one fed from the topic's start.
        `metrics`: served already (while the snapshot loaded)."""
        self.settings = settings
        self.watchlist = watchlist or Watchlist(threshold=settings.alert_threshold)
        self.metrics = metrics or WorkerMetrics()
        self.feed = WatchlistFeed(
            settings,
            self.watchlist,
            on_change=self._watchlist_changed,
            on_entries_changed=self._entries_changed,
            resume=resume,
        )
        self._next_offset: dict[int, int] = {}
        self._origin = [(ORIGIN_HEADER, uuid.uuid4().hex.encode())]  # (new at each start)
        self.history = AlertHistory(settings.trail_days, settings.trail_max_points)
        self.history_follower = TopicFollower(
            settings,
            [settings.topic_alerts, settings.topic_dispositions],
            self._apply_history,
            name="alert history",
        )
        self.pipeline = CrossingPipeline(
            self.watchlist, max_message_bytes=settings.max_message_bytes, history=self.history
        )
        self.hunter = RetroHunter(
            settings,
            self.pipeline,
            publish=self._publish_retro,
            on_hunt=self.metrics.observe_hunt,
        )
        self._topics: dict[str, Any] = {}
        self._producer: Any = None  # the app's producer, once started
        self._dead_letter_log = RateLimitedLog(log, "dead letter: %s", per_seconds=1.0)
        self.membership = MembershipWatch(settings, self.metrics)
        self.app = self._build_app()

    def _build_app(self) -> faust.App:
        s = self.settings
        app = faust_app(s)
        crossings = app.topic(s.topic_crossings, key_serializer="raw", value_serializer="raw")
        self.alerts_topic = app.topic(s.topic_alerts, key_serializer="raw", value_serializer="raw")
        self.dlq_topic = app.topic(s.topic_dlq, key_serializer="raw", value_serializer="raw")

        @app.task  # type: ignore[untyped-decorator]
        async def feed_watchlist() -> None:
            try:
                await self.feed.run()
            except OffsetOutOfRangeError:  # (only when resuming from a snapshot's offsets)
                # the topic lost them since the snapshot was checked (recreated): started
                # afresh, the worker checks the snapshot again and refuses it
                restart_worker("the watchlist topic no longer holds the snapshot's offsets")

        @app.task  # type: ignore[untyped-decorator]
        async def follow_history() -> None:
            await self.history_follower.run()

        @app.task  # type: ignore[untyped-decorator]
        async def retro_hunt() -> None:
            await self.hunter.run()

        @app.agent(crossings, name="match-crossings")
        async def match_crossings(stream: faust.StreamT[Any]) -> None:
            restore_log_level(s.log_level)  # the Faust worker has set up logging by now
            compiling = KernelCompile()
            await compiling.start()  # (on another core, while the list loads)
            try:
                warming = asyncio.get_running_loop().run_in_executor(None, warm)
                await self.feed.ready.wait()
                await self.history_follower.ready.wait()
                await warming
                await compiling.finish(timeout_s=_COMPILE_TIMEOUT_S)
            finally:
                compiling.stop()  # (stopped while loading: not left behind)
            self.watchlist.matcher.warm()
            self.metrics.ready.set(1)
            batches = stream.take_events(s.batch_size, within=s.batch_within_s)  # type: ignore[attr-defined]
            async for events in batches:
                await self.handle(events)

        @app.timer(interval=s.lag_interval_s)  # type: ignore[untyped-decorator]
        async def report_lag() -> None:
            self.report_lag()

        @app.timer(interval=self.membership.interval_s)  # type: ignore[untyped-decorator]
        async def watch_membership() -> None:
            if self.membership.check(self._group_member_id()):
                restart_worker(
                    f"this worker has been outside its consumer group for over "
                    f"{self.membership.grace_s:.0f} s"
                )

        self.agent = match_crossings
        return app

    def _group_member_id(self) -> str | None:
        """This worker's member id in the consumer group ("" outside it, None: unknown)."""
        try:  # aiokafka keeps it on its group coordinator, inside Faust's consumer thread
            consumer = self.app.consumer._thread._ensure_consumer()  # type: ignore[attr-defined]
            member_id = consumer._coordinator.member_id
        except Exception:
            return None
        return member_id if isinstance(member_id, str) else None

    def report_lag(self) -> None:
        """Lag per assigned crossings partition: fetch high-water mark minus next offset."""
        consumer = self.app.consumer
        try:
            for tp in consumer.assignment():
                if tp.topic != self.settings.topic_crossings:
                    continue
                highwater = consumer.highwater(tp)
                done = self._next_offset.get(tp.partition)
                if highwater is not None and done is not None:
                    self.metrics.consumer_lag.labels(str(tp.partition)).set(
                        max(0, highwater - done)
                    )
        except Exception as exc:  # a partition revoked mid-way: measure again next time
            log.debug("consumer lag not measured: %r", exc)

    async def handle(self, events: list[Any]) -> None:
        """Process one batch and wait until everything it produces is delivered."""
        batch = [
            Incoming(
                value=e.message.value,
                key=e.message.key,
                topic=e.message.topic,
                partition=e.message.partition,
                offset=e.message.offset,
                timestamp_ms=int(e.message.timestamp * 1000) if e.message.timestamp else None,
            )
            for e in events
        ]
        started = time.perf_counter()
        outcomes: list[Outcome] = []
        queued: list[Queued] = []
        for i in range(0, len(batch), _SLICE):  # let the loop breathe between slices
            for incoming in batch[i : i + _SLICE]:
                # Each crossing's messages are queued as soon as it is matched (as the
                # pass-through forwards each record): the producer's linger then runs while
                # the rest of the batch is matched, instead of after it.
                done = self.pipeline.process((incoming,))
                outcomes += done
                queued += await self._queue(done)
            await asyncio.sleep(0)
        self.metrics.batch_seconds.observe(time.perf_counter() - started)
        await self._settle(queued)
        for incoming in batch:
            if incoming.offset >= self._next_offset.get(incoming.partition, -1):
                self._next_offset[incoming.partition] = incoming.offset + 1
        try:  # bookkeeping must never fail a delivered batch
            self.metrics.observe(outcomes)
            self.report_lag()
        except Exception:
            log.exception("metrics not updated for a batch of %d crossings", len(batch))

    async def _deliver(self, outcomes: list[Outcome]) -> None:
        """Produce every outcome's messages and wait until all of them are acknowledged."""
        await self._settle(await self._queue(outcomes))

    async def _queue(self, outcomes: list[Outcome]) -> list[Queued]:
        """Hand the outcomes' messages to the producer; each with its delivery to await (a
        crossing with nothing to produce costs nothing here)."""
        loop = asyncio.get_running_loop()
        queued: list[Queued] = []
        for outcome in outcomes:
            if outcome.dead_letter is None and not outcome.alerts and not outcome.suppressed:
                continue
            try:
                queued.append((outcome, asyncio.gather(*await self._send(outcome))))
            except Exception as exc:  # refused before it was queued (e.g. too large)
                refused: asyncio.Future[Any] = loop.create_future()
                refused.set_exception(exc)
                queued.append((outcome, refused))
        return queued

    async def _settle(self, queued: list[Queued]) -> None:
        """Wait for every queued delivery, awaited once for all. A crossing whose messages
        failed is produced again (its alerts keep their ids); a dead letter too large for the
        broker goes again without the original bytes, which stay in the crossings topic at
        the offset the reason names."""
        backoff = 0.2
        while queued:
            pending = [outcome for outcome, _ in queued]
            results = await asyncio.gather(*(wait for _, wait in queued), return_exceptions=True)
            failed = []
            for outcome, result in zip(pending, results, strict=True):
                if isinstance(result, asyncio.CancelledError):
                    raise result
                if isinstance(result, Exception):
                    failed.append(outcome)
                    too_large = isinstance(result.__cause__ or result, _TOO_LARGE)
                    if too_large and outcome.dead_letter is not None:
                        outcome.dead_letter_without_original = True
                    else:
                        log.warning("producing failed (%s); retrying in %.1f s", result, backoff)
            if not failed:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
            queued = await self._queue(failed)

    async def _produce(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Any = None
    ) -> Awaitable[Any]:
        """Queue one message on the app's producer; the returned future is its delivery.

        Straight to the producer, not through `faust.Topic.send` (its message objects,
        sensors and DEBUG log line per message cost more than the send itself)."""
        producer = self._producer
        if producer is None:
            producer = self._producer = await self.app.maybe_start_producer()
        future: Awaitable[Any] = await producer.send(topic, key, value, None, None, headers)
        return future

    async def _send(self, outcome: Outcome) -> list[Awaitable[Any]]:
        """Queue one crossing's messages; the futures of their delivery."""
        incoming = outcome.incoming
        futures: list[Awaitable[Any]] = []
        if outcome.dead_letter is not None:
            self._dead_letter_log.warning(outcome.dead_letter.reason)
            value = None if outcome.dead_letter_without_original else incoming.value
            # Kafka needs a key or a value: a keyless null gets its source as the key
            key = incoming.key if incoming.key or value is not None else incoming.where.encode()
            headers = dead_letter_headers(outcome.dead_letter)
            futures.append(await self._produce(self.settings.topic_dlq, key, value, headers))
        for alert in outcome.alerts:
            futures.extend(await self._send_alert(alert))
        for record in outcome.suppressed:  # the audit trail keeps every suppressed repeat
            name = await self._topic(self.settings.topic_dispositions)
            value = record.model_dump_json().encode()
            futures.append(await self._produce(name, record.alert_id.encode(), value))
        return futures

    def _apply_history(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        """Alerts and decisions from the topics, whichever worker produced them (but the
        alerts this one produced since it started: they are in its history already)."""
        alerts = tp.topic == self.settings.topic_alerts
        origin = self._origin[0]
        for record in records:
            if record.value is None or (alerts and origin in record.headers):
                continue
            try:
                if alerts:
                    self.history.record(Alert.model_validate_json(record.value))
                else:
                    self.history.decide(Disposition.model_validate_json(record.value))
            except ValidationError:
                log.warning(
                    "unreadable record %s[%d]@%d skipped", tp.topic, tp.partition, record.offset
                )

    def alert_topics(self, alert: Alert) -> list[str]:
        """The coordination centre's topic, then each agency's that may see this alert."""
        event = alert.event
        agencies = recipients(alert.entry, event.agency, event.checkpoint.country)
        base = self.settings.topic_alerts
        return [base, *(f"{base}.{agency}" for agency in agencies)]

    async def _send_alert(self, alert: Alert) -> list[Awaitable[Any]]:
        """Queue an alert on each topic it goes to (recorded in this worker's history by
        `CrossingPipeline`, as ORIGIN_HEADER says)."""
        key, value = alert.entry.entry_id.encode(), alert.model_dump_json().encode()
        return [
            await self._produce(await self._topic(name), key, value, self._origin)
            for name in self.alert_topics(alert)
        ]

    async def _topic(self, name: str) -> str:
        """A topic to produce to, declared on first use (agency topics appear with agencies)."""
        if name not in self._topics:
            s = self.settings
            topic = self.app.topic(
                name,
                key_serializer="raw",
                value_serializer="raw",
                partitions=s.partitions,
                replicas=s.replication_factor,
                # (a topic not among borderwatch's own is an agency's alerts topic)
                config=topic_specs(s).get(name, alert_topic_config(s)),
            )
            await topic.maybe_declare()
            self._topics[name] = topic
        return name

    async def _live_marks(self) -> dict[int, int | None]:
        """For each crossings partition this worker owns, the first offset the live path
        will match from now on: its next offset, or, before it processed any, the consumer's
        fetch position (None: not known yet; the hunt then reads to the high-water mark)."""
        marks: dict[int, int | None] = {}
        try:
            consumer = self.app.consumer
            for tp in consumer.assignment():
                if tp.topic == self.settings.topic_crossings:
                    mark = self._next_offset.get(tp.partition)
                    marks[tp.partition] = mark if mark is not None else await consumer.position(tp)
        except Exception as exc:  # no consumer yet, or a partition revoked mid-way
            log.debug("live marks not read: %r", exc)
        return marks

    async def _entries_changed(self, entries: list[WatchlistEntry]) -> None:
        if self.settings.retro_window_h > 0:
            self.hunter.enqueue(entries, await self._live_marks())

    async def _publish_retro(self, alerts: list[Alert]) -> None:
        outcome = Outcome(Incoming(value=None), alerts=alerts)
        await self._deliver([outcome])
        self.metrics.observe_alerts(alerts)

    def _watchlist_changed(self, feed: WatchlistFeed) -> None:
        for list_id, count in feed.entries_by_list.items():
            self.metrics.watchlist_entries.labels(list_id).set(count)
        if feed.last_update is not None:
            self.metrics.watchlist_updated.set(feed.last_update)
        self.metrics.watchlist_rejected.set(feed.rejected)
