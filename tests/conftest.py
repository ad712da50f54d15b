"""Shared fixtures.

- `bootstrap`: one Kafka-protocol broker for the whole session: the embedded Tansu broker
  on a free port, or the real Kafka named by BORDERWATCH_TEST_BOOTSTRAP.
- `make_settings`: settings with topic names and a consumer group of their own, so tests
  sharing the broker never read each other's messages (and reruns on a real Kafka do not
  see old ones), with short group timeouts so a worker is ready in seconds.
- `start_worker`: a real `borderwatch worker` process for those settings, stopped at the
  end of the test (its log is printed when a test fails).
- `ofac_dir`: the real OFAC SDN trio (2021), unpacked from tests/data so that a bare clone
  runs the suite (provenance and digests in tests/data/README.md).
"""

from __future__ import annotations

import os
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config import Settings
from streams.broker import EmbeddedBroker, free_port
from tests.support import WorkerProcess

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("BORDERWATCH_TEST_BOOTSTRAP")
    if external:
        yield external
        return
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log) as broker:
        yield broker.bootstrap_servers


MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(bootstrap: str) -> MakeSettings:
    def make(**overrides: object) -> Settings:
        tag = uuid.uuid4().hex[:8]
        values: dict[str, object] = {
            "bootstrap_servers": bootstrap,
            "app_id": f"bw-test-{tag}",
            "topic_crossings": f"t{tag}.crossings",
            "topic_watchlist": f"t{tag}.watchlist",
            "topic_alerts": f"t{tag}.alerts",
            "topic_dlq": f"t{tag}.crossings.dlq",
            "topic_dispositions": f"t{tag}.dispositions",
            "partitions": 2,
            "rebalance_timeout_s": 3.0,
            "session_timeout_s": 6.0,
            "heartbeat_interval_s": 1.0,
            "max_poll_interval_s": 30.0,
            "commit_interval_s": 0.5,
            "batch_within_s": 0.02,
            "metrics_port": free_port(),
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def start_worker(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[Settings], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(settings: Settings) -> WorkerProcess:
        worker = WorkerProcess(settings, tmp_path / f"worker-{len(started)}.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for worker in started:
            print(
                f"--- {worker.log_path} ---\n{worker.log_path.read_text(errors='replace')[-4000:]}"
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def ofac_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding sdn.csv, add.csv and alt.csv (3.5 MB unpacked, 0.5 MB packed)."""
    into = tmp_path_factory.mktemp("ofac")
    with tarfile.open(DATA / "ofac_sdn_2021.tar.xz") as archive:
        archive.extractall(into, filter="data")
    return into / "ofac_sdn_2021"
