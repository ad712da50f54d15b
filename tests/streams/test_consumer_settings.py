"""The worker's Kafka consumer is built with our settings, not Faust's fixed ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from config import Settings
from streams.app import Worker


def test_the_worker_consumer_waits_the_configured_time_per_fetch(
    make_settings: Callable[..., Settings],
) -> None:
    """Faust fixes fetch_max_wait_ms at 1,500; a broker holding each fetch to its end made
    that the floor of alert latency. The started consumer's fetcher must use ours."""
    assert Settings(bootstrap_servers="localhost:9092").fetch_max_wait_ms == 50
    settings = make_settings(fetch_max_wait_ms=77)

    async def fetcher_wait() -> int:
        worker = Worker(settings)
        thread = worker.app.consumer._new_consumer_thread()  # as Faust starts it
        consumer = thread._create_worker_consumer(worker.app.transport)
        await consumer.start()
        try:
            return int(consumer._fetcher._fetch_max_wait_ms)
        finally:
            await consumer.stop()

    assert asyncio.run(fetcher_wait()) == 77
