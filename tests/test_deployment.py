"""docker-compose.yml cannot run here (no Docker engine), so check what it would run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from config import Settings

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_runs_kafka_in_kraft_mode_a_worker_and_prometheus() -> None:
    services = compose()["services"]
    assert {"kafka", "worker", "prometheus"} <= set(services)
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "ZOOKEEPER" not in " ".join(env)  # KRaft: no ZooKeeper anywhere
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@kafka:")
    assert services["prometheus"]["image"].startswith("prom/prometheus:")


def test_worker_environment_names_only_real_settings() -> None:
    worker = compose()["services"]["worker"]
    fields = {f"BORDERWATCH_{name.upper()}" for name in Settings.model_fields}
    env = worker["environment"]
    assert set(env) <= fields, set(env) - fields
    settings = Settings(**{k.removeprefix("BORDERWATCH_").lower(): v for k, v in env.items()})
    assert settings.bootstrap_list == ["kafka:9092"]
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert str(settings.metrics_port) in worker["expose"]
    assert worker["command"] == ["borderwatch", "worker"]
    assert (ROOT / "Dockerfile").is_file()


def test_prometheus_mounts_files_that_exist_and_scrapes_the_worker_port() -> None:
    prometheus = compose()["services"]["prometheus"]
    for volume in prometheus["volumes"]:
        source = volume.split(":", 1)[0]
        assert (ROOT / source).exists(), source
    scrape = yaml.safe_load((ROOT / "config" / "prometheus.yml").read_text())
    ports = {sd["port"] for job in scrape["scrape_configs"] for sd in job.get("dns_sd_configs", [])}
    worker_env = compose()["services"]["worker"]["environment"]
    assert ports == {int(worker_env["BORDERWATCH_METRICS_PORT"])}
