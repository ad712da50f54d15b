"""The one place that turns settings into Kafka clients and topics.

Every client (the Faust worker, the watchlist feed, the CLI's producers and consumers) is
configured here, so a connection setting reaches all of them the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from config import Settings

log = logging.getLogger(__name__)

CLIENT_ID = "borderwatch"


def topic_specs(settings: Settings) -> dict[str, dict[str, str]]:
    """Every topic borderwatch uses, with its Kafka configuration."""
    return {
        settings.topic_crossings: {},
        settings.topic_watchlist: {"cleanup.policy": "compact"},
        settings.topic_alerts: {},
        settings.topic_dlq: {},
    }


def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_list, client_id=CLIENT_ID)
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
    finally:
        admin.close()


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A kafka-python producer that waits for all in-sync replicas."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_list,
        "client_id": CLIENT_ID,
        "acks": "all",
        "linger_ms": 5,
        "max_request_size": settings.max_message_bytes + 65_536,
    }
    options.update(overrides)
    return KafkaProducer(**options)


@contextmanager
def producing(settings: Settings, **overrides: Any) -> Iterator[KafkaProducer]:
    """A producer that is flushed and closed when the block ends."""
    p = producer(settings, **overrides)
    try:
        yield p
        p.flush()
    finally:
        p.close()


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A kafka-python consumer (no group unless `group_id` is given)."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_list,
        "client_id": CLIENT_ID,
        "enable_auto_commit": False,
    }
    options.update(overrides)
    return KafkaConsumer(*topics, **options)


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Connection options for aiokafka clients (the watchlist feed)."""
    return {"bootstrap_servers": settings.bootstrap_servers, "client_id": CLIENT_ID}


def faust_broker_url(settings: Settings) -> str:
    """The Faust broker URL for the configured bootstrap servers."""
    return ";".join(f"kafka://{server}" for server in settings.bootstrap_list)
