"""The one place that turns settings into Kafka clients and topics.

Every client (the Faust worker, the watchlist feed, the CLI's producers and consumers) is
configured here, so a connection setting reaches all of them the same way.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from config import Settings

if TYPE_CHECKING:
    import faust

log = logging.getLogger(__name__)

CLIENT_ID = "borderwatch"


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context every client uses (None without TLS)."""
    if not settings.uses_tls:
        return None
    context = ssl.create_default_context(
        cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
    )
    if settings.ssl_certfile and settings.ssl_keyfile:
        context.load_cert_chain(str(settings.ssl_certfile), str(settings.ssl_keyfile))
    context.check_hostname = settings.ssl_check_hostname
    return context


def _sasl(settings: Settings) -> dict[str, Any]:
    if not settings.security_protocol.startswith("SASL_"):
        return {}
    password = settings.sasl_password.get_secret_value() if settings.sasl_password else None
    return {
        "sasl_mechanism": settings.sasl_mechanism,
        "sasl_plain_username": settings.sasl_username,
        "sasl_plain_password": password,
    }


def client_options(settings: Settings) -> dict[str, Any]:
    """Connection options shared by kafka-python and aiokafka clients."""
    return {
        "bootstrap_servers": settings.bootstrap_list,
        "client_id": CLIENT_ID,
        "security_protocol": settings.security_protocol,
        "ssl_context": ssl_context(settings),
        **_sasl(settings),
    }


def faust_credentials(settings: Settings) -> Any:
    """The same connection security for the Faust worker's own clients."""
    import faust

    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL_"):
        sasl = _sasl(settings)
        return faust.SASLCredentials(
            username=sasl["sasl_plain_username"],
            password=sasl["sasl_plain_password"],
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


FOREVER = -1  # retention.ms of a topic that keeps every record


def _ms(hours: float) -> int:
    return int(hours * 3_600_000)


def alert_topic_config(settings: Settings) -> dict[str, str]:
    """The configuration of an alerts topic (the coordination centre's, or an agency's)."""
    return {"retention.ms": str(_ms(settings.alerts_retention_h))}


def topic_specs(settings: Settings) -> dict[str, dict[str, str]]:
    """Every topic borderwatch uses, with its Kafka configuration. Crossings (and dead
    letters, crossings too) are personal data, kept `crossings_retention_h`; decisions are
    the audit trail, and a false positive suppresses its repeats for good: kept forever."""
    crossings = {"retention.ms": str(_ms(settings.crossings_retention_h))}
    return {
        settings.topic_crossings: crossings,
        settings.topic_watchlist: {"cleanup.policy": "compact"},
        settings.topic_alerts: alert_topic_config(settings),
        settings.topic_dlq: crossings,
        settings.topic_dispositions: {"retention.ms": str(FOREVER)},
    }


def retention_needs(settings: Settings) -> dict[str, tuple[int, str]]:
    """The least retention.ms each topic needs for the worker to work as configured, and
    why (a topic created elsewhere, or before, may keep less: Kafka's default is 7 days)."""
    needs = {
        settings.topic_alerts: (
            _ms(settings.alerts_reach_h),
            "a worker rebuilds the trails of TRAIL_DAYS from it as it starts, and a retro "
            "alert's trail reaches that far back from a crossing up to RETRO_WINDOW_H old",
        ),
        settings.topic_dispositions: (
            FOREVER,
            "the audit trail, and the false positives whose repeats it suppresses",
        ),
    }
    if settings.retro_window_h > 0:
        needs[settings.topic_crossings] = (
            _ms(settings.retro_window_h),
            "a retro-hunt reads RETRO_WINDOW_H back",
        )
    return needs


def short_retention(needs: dict[str, tuple[int, str]], have: dict[str, int]) -> list[str]:
    """What is wrong with the topics' retention (`have`: retention.ms by topic), one
    sentence a topic, naming the command that mends it."""
    problems = []
    for topic, kept in sorted(have.items()):
        need, why = needs[topic]
        if kept == FOREVER or (need != FOREVER and kept >= need):
            continue
        problems.append(
            f"topic {topic} keeps records {_span(kept)} (retention.ms={kept}); it needs "
            f"{_span(need)}: {why}. Mend it with kafka-configs.sh --alter --entity-type "
            f"topics --entity-name {topic} --add-config retention.ms={need}"
        )
    return problems


def _span(ms: int) -> str:
    return "forever" if ms == FOREVER else f"{ms / 86_400_000:g} days"


def retention_of(admin: KafkaAdminClient, topics: Iterable[str]) -> dict[str, int]:
    """The retention.ms of each topic the broker names one for."""
    # (every key asked for: a key list is what some Kafka-compatible brokers misread)
    described = admin.describe_configs(
        [ConfigResource("TOPIC", t) for t in topics], config_filter="all"
    )
    return {
        topic: int(configs["retention.ms"]["value"])
        for topic, configs in described["topic"].items()
        if "retention.ms" in configs
    }


def _check_retention(admin: KafkaAdminClient, settings: Settings, topics: set[str]) -> None:
    """Warn of each existing topic that keeps its records less long than it needs."""
    needs = {t: need for t, need in retention_needs(settings).items() if t in topics}
    if not needs:
        return
    try:
        have = retention_of(admin, needs)
    except (KafkaError, KeyError, TypeError, ValueError) as exc:
        log.warning("the topics' retention was not checked: %r", exc)
        return
    for problem in short_retention(needs, have):
        log.warning(problem)


def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are, with a
    warning if they keep records less long than borderwatch needs (`retention_needs`)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = KafkaAdminClient(**client_options(settings))
            break
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"no Kafka broker at {settings.bootstrap_servers}: {exc}"
                ) from exc
            time.sleep(0.5)
    try:
        existing = set(admin.list_topics())
        new = [
            NewTopic(
                name=name,
                num_partitions=settings.partitions,
                replication_factor=settings.replication_factor,
                topic_configs=configs,
            )
            for name, configs in topic_specs(settings).items()
            if name not in existing
        ]
        if new:
            with suppress(TopicAlreadyExistsError):  # another process created them first
                admin.create_topics(new)
            log.info("created topics %s", [t.name for t in new])
        _check_retention(admin, settings, existing)
    finally:
        admin.close()


def producer_options(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """kafka-python producer options: wait for all in-sync replicas."""
    return {
        **client_options(settings),
        "acks": "all",
        "linger_ms": 5,
        "max_request_size": settings.max_message_bytes + 65_536,
        **overrides,
    }


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A kafka-python producer (the CLI's and the demo's)."""
    return KafkaProducer(**producer_options(settings, **overrides))


@contextmanager
def producing(settings: Settings, **overrides: Any) -> Iterator[KafkaProducer]:
    """A producer that is flushed and closed when the block ends."""
    p = producer(settings, **overrides)
    try:
        yield p
        p.flush()
    finally:
        p.close()


def consumer_options(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """kafka-python consumer options (no group unless `group_id` is given)."""
    return {**client_options(settings), "enable_auto_commit": False, **overrides}


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A kafka-python consumer."""
    return KafkaConsumer(*topics, **consumer_options(settings, **overrides))


def committed(settings: Settings, topic: str) -> dict[int, int]:
    """The offsets the worker group has committed on a topic, by partition (partitions with
    none yet are left out)."""
    c = consumer(settings, group_id=settings.app_id)
    try:
        parts = c.partitions_for_topic(topic) or set()
        offsets = {p: c.committed(TopicPartition(topic, p)) for p in parts}
        return {p: int(o) for p, o in offsets.items() if o is not None}
    finally:
        c.close()


def read_to_end(settings: Settings, topic: str, timeout_s: float = 60.0) -> Iterator[Any]:
    """Every record a topic holds now, from the beginning to the high-water marks seen in
    fetch responses (not ListOffsets, which some Kafka-compatible brokers answer wrongly)."""
    c = consumer(settings, fetch_max_wait_ms=100)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic) or ())]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        pending = set(tps)
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout_s} s")
            for records in c.poll(timeout_ms=200, max_records=5000).values():
                yield from records
            for tp in list(pending):
                highwater = c.highwater(tp)
                if highwater is not None and c.position(tp) >= highwater:
                    pending.discard(tp)
    finally:
        c.close()


def read_until(
    settings: Settings,
    topic: str,
    until: Callable[[list[Any]], bool],
    timeout_s: float = 30.0,
) -> list[Any]:
    """Every record of a topic from the beginning, read until `until(records)` or timeout
    (for tests and benchmarks that wait for a worker's output; the topic may not exist yet)."""
    c = consumer(settings)
    try:
        deadline = time.monotonic() + timeout_s
        partitions = None
        while partitions is None and time.monotonic() < deadline:
            partitions = c.partitions_for_topic(topic)
            if partitions is None:
                time.sleep(0.2)
        tps = [TopicPartition(topic, p) for p in sorted(partitions or [])]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        records: list[Any] = []
        while time.monotonic() < deadline and not until(records):
            for batch in c.poll(timeout_ms=200, max_records=10_000).values():
                records.extend(batch)
        return records
    finally:
        c.close()


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Connection options for aiokafka clients (the watchlist feed, the retro-hunter)."""
    return {**client_options(settings), "bootstrap_servers": settings.bootstrap_servers}


def faust_broker_url(settings: Settings) -> str:
    """The Faust broker URL for the configured bootstrap servers."""
    return ";".join(f"kafka://{server}" for server in settings.bootstrap_list)


def _faust_transport(app: faust.App, fetch_max_wait_ms: int) -> Any:
    """Faust's Kafka transport, its worker consumer waiting `fetch_max_wait_ms` per fetch.

    Faust fixes the wait at 1,500 ms. Apache Kafka answers a fetch as soon as data arrives,
    but a broker that holds every fetch to its end (Tansu) made that wait the floor of
    crossing-to-alert latency: the pass-through's own p99 was 0.76 s at 200/s, and 0.11 s
    with a 100 ms wait (bench/RESULTS.md)."""
    from faust.transport.drivers import aiokafka as driver

    class ConsumerThread(driver.AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = fetch_max_wait_ms  # read when the consumer starts
            return consumer

    class WorkerConsumer(driver.Consumer):
        def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
            return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    class Transport(driver.Transport):
        Consumer = WorkerConsumer

    return Transport(app.conf.broker_consumer, app)


def use_event_loop(settings: Settings) -> None:
    """Make `Settings.event_loop` the loop of every event loop created from now on (the
    Faust worker's and its consumer thread's): call it before the Faust worker starts."""
    import mode.loop

    mode.loop.use("uvloop" if settings.event_loop == "uvloop" else "aio")
    log.info("event loop: %s", settings.event_loop)


def faust_app(settings: Settings) -> faust.App:
    """The Faust app of a worker (and of the benchmark's pass-through ceiling): one set of
    consumer and producer settings, so the two are measured alike."""
    import faust

    s = settings
    app: faust.App = faust.App(
        s.app_id,
        broker=faust_broker_url(s),
        broker_credentials=faust_credentials(s),
        store="memory://",
        web_enabled=False,
        topic_partitions=s.partitions,
        topic_replication_factor=s.replication_factor,
        broker_session_timeout=s.session_timeout_s,
        broker_heartbeat_interval=s.heartbeat_interval_s,
        broker_rebalance_timeout=s.rebalance_timeout_s,
        broker_max_poll_interval=s.max_poll_interval_s,
        broker_max_poll_records=s.max_poll_records,
        broker_commit_interval=s.commit_interval_s,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_max_request_size=s.max_message_bytes + 65_536,
        producer_linger=0.005,  # the alerts of a batch travel together
        stream_wait_empty=True,  # finish the batch in hand before a rebalance or a stop
    )
    app.transport = _faust_transport(app, s.fetch_max_wait_ms)
    return app
