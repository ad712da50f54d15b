"""The worker's Kafka consumer is built with our settings, not Faust's fixed ones."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable

import pytest

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


@pytest.mark.parametrize(
    ("choice", "module"), [("uvloop", "uvloop"), ("asyncio", "asyncio.unix_events")]
)
def test_the_faust_worker_runs_on_the_configured_event_loop(choice: str, module: str) -> None:
    """`use_event_loop` before the Faust worker is made (as `borderwatch worker` and the
    benchmark's pass-through do): its loop, and any other made after, is the chosen one.
    In a fresh interpreter: the choice is process-wide."""
    code = f"""
import asyncio
from faust.worker import Worker as FaustWorker
from config import Settings
from streams.app import Worker
from streams.kafka import use_event_loop
settings = Settings(bootstrap_servers="localhost:1", event_loop="{choice}", metrics_port=0)
use_event_loop(settings)
faust_worker = FaustWorker(Worker(settings).app, quiet=True)
print(type(faust_worker.loop).__module__, type(asyncio.new_event_loop()).__module__)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == [module, module]
