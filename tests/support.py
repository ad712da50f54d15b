"""Test helpers that talk to a real broker and a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from config import Settings
from streams.kafka import consumer


class WorkerProcess:
    """`python -m streams.cli worker` with the given settings."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.metrics_port}/metrics"

    def start(self) -> WorkerProcess:
        env = {**os.environ, **self.settings.as_env()}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"],
            env=env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        return self

    def metrics(self) -> dict[str, float]:
        """Each sample line of /metrics, keyed by its name with labels."""
        with urllib.request.urlopen(self.metrics_url, timeout=2) as response:
            text = response.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def wait_ready(self, timeout_s: float = 60.0) -> WorkerProcess:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}: {self.tail()}")
            try:
                if self.metrics().get("borderwatch_index_ready") == 1.0:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"worker not ready in {timeout_s} s: {self.tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def read_topic(
    settings: Settings,
    topic: str,
    until: Callable[[list[ConsumerRecord]], bool],
    timeout_s: float = 30.0,
) -> list[ConsumerRecord]:
    """Every record of a topic from the beginning, read until `until(records)` or timeout."""
    c: KafkaConsumer = consumer(settings)
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
        records: list[ConsumerRecord] = []
        while time.monotonic() < deadline and not until(records):
            for batch in c.poll(timeout_ms=200).values():
                records.extend(batch)
        return records
    finally:
        c.close()


def count_at_least(n: int) -> Callable[[list[Any]], bool]:
    return lambda records: len(records) >= n


def crossing(event_id: str, names: list[str], **traveller: Any) -> dict[str, Any]:
    """A valid crossing event at Poipet for a traveller with these names."""
    person: dict[str, Any] = {
        "names": names,
        "documents": [{"number": "P1234567", "country": "KHM"}],
    }
    person.update(traveller)
    return {
        "event_id": event_id,
        "agency": "KH-IMM",
        "checkpoint": {"code": "KH-POI", "country": "KHM", "name": "Poipet"},
        "direction": "exit",
        "occurred_at": "2026-11-22T08:15:00+07:00",
        "traveller": person,
        "mode": "land",
    }


def entry(entry_id: str, names: list[str], **identity: Any) -> dict[str, Any]:
    """A native watchlist entry for these names."""
    return {
        "entry_id": entry_id,
        "list_id": entry_id.split(":", 1)[0],
        "identity": {"names": names, **identity},
        "reason": "test entry",
        "action": "arrest",
    }
