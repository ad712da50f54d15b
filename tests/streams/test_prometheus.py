"""A real Prometheus scrapes a real worker and counts what the test published."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from config import Settings
from streams.broker import free_port
from streams.kafka import ensure_topics, producing
from tests.support import WorkerProcess, crossing, entry

pytestmark = pytest.mark.e2e


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[Callable[[int], str]]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is missing: install Debian's prometheus package (.ci/run does)")
    processes: list[subprocess.Popen[bytes]] = []

    def start(target_port: int) -> str:
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [
                {
                    "job_name": "borderwatch",
                    "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}],
                }
            ],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    binary,
                    f"--config.file={tmp_path / 'prometheus.yml'}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                stdout=(tmp_path / "prometheus.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def query(base: str, promql: str) -> float | None:
    url = f"{base}/api/v1/query?query={urllib.parse.quote(promql)}"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body = json.load(response)
    except OSError:
        return None
    result = body["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def test_prometheus_counts_the_crossings_alerts_and_dead_letters_published(
    make_settings: Callable[..., Settings],
    start_worker: Callable[[Settings], WorkerProcess],
    prometheus: Callable[[int], str],
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    wanted = entry("KNPA:0100", ["이준호", "Lee Jun-ho"], birth_dates=["1991-11-23"])
    with producing(settings) as producer:
        producer.send(settings.topic_watchlist, key=b"KNPA:0100", value=json.dumps(wanted).encode())
    worker = start_worker(settings).wait_ready()
    base = prometheus(settings.metrics_port)

    valid = [crossing(f"p-{i}", [f"TRAVELLER NUMBER {'ABCDE'[i]}"]) for i in range(5)]
    valid += [crossing("p-hit-1", ["LEE JUN HO"], birth_dates=["1991-11-23"])]
    valid += [crossing("p-hit-2", ["Lee Jun-ho"], birth_dates=["1991-11-23"])]
    junk = [b"{", b"[]", json.dumps(crossing("p-bad", ["X"], sex="?")).encode()]
    with producing(settings) as producer:
        for event in valid:
            producer.send(settings.topic_crossings, value=json.dumps(event).encode())
        for raw in junk:
            producer.send(settings.topic_crossings, value=raw)

    expected = {
        'up{job="borderwatch"}': 1.0,
        "sum(borderwatch_crossings_total)": float(len(valid)),
        "sum(borderwatch_alerts_total)": 2.0,
        "sum(borderwatch_crossings_invalid_total)": float(len(junk)),
        'sum(borderwatch_watchlist_entries{list_id="KNPA"})': 1.0,
        "min(borderwatch_index_ready)": 1.0,
        "sum(borderwatch_match_seconds_count)": float(len(valid)),
        "sum(borderwatch_match_candidates_count)": float(len(valid)),
    }
    deadline = time.monotonic() + 45
    seen: dict[str, float | None] = {}
    while time.monotonic() < deadline:
        seen = {promql: query(base, promql) for promql in expected}
        if seen == expected:
            break
        time.sleep(0.5)
    assert seen == expected
    assert worker.alive()
