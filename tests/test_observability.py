"""The ops files: Prometheus config and rules pass promtool, the dashboard asks only for
metrics a worker exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from streams.metrics import WorkerMetrics

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"


def exported_families() -> set[str]:
    return {metric.name for metric in WorkerMetrics().registry.collect()}


def referenced_families(expr: str) -> set[str]:
    names = set(re.findall(r"\bborderwatch_[a-z_]+", expr))
    suffixes = ("_bucket", "_count", "_sum", "_total", "_created", "_info")
    out = set()
    for name in names:
        for suffix in suffixes:
            if name.endswith(suffix):
                name = name.removesuffix(suffix)
                break
        out.add(name)
    return out


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: install Debian's prometheus package (.ci/run does)")
    return path


def test_rules_pass_promtool() -> None:
    result = subprocess.run(
        [promtool(), "check", "rules", str(CONFIG / "rules.yml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 8 rules found" in result.stdout


def test_prometheus_config_passes_promtool(tmp_path: Path) -> None:
    config = yaml.safe_load((CONFIG / "prometheus.yml").read_text())
    shutil.copy(CONFIG / "rules.yml", tmp_path / "rules.yml")
    config["rule_files"] = [str(tmp_path / "rules.yml")]  # mounted elsewhere in compose
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [promtool(), "check", "config", str(tmp_path / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_and_dashboard_use_only_exported_metrics() -> None:
    exported = exported_families()
    dashboard = json.loads((CONFIG / "grafana" / "dashboards" / "borderwatch.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    rules = yaml.safe_load((CONFIG / "rules.yml").read_text())
    exprs += [r["expr"] for group in rules["groups"] for r in group["rules"]]
    used = set().union(*(referenced_families(e) for e in exprs))
    assert used, "no borderwatch metric referenced at all"
    assert used <= exported, used - exported
    # every panel asks for something, and every exported family is shown somewhere
    assert all(panel["targets"] for panel in dashboard["panels"])
    assert exported - used <= {"borderwatch_build", "borderwatch_watchlist_rejected_records"}


def test_metric_names_follow_prometheus_conventions() -> None:
    for metric in WorkerMetrics().registry.collect():
        assert metric.name.startswith("borderwatch_")
        if metric.type == "histogram":  # durations in base units; counts of things, unitless
            assert metric.name.endswith(("_seconds", "_candidates")), metric.name
        for sample in metric.samples:
            forbidden = {"name", "event_id", "document", "traveller", "birth_date"}
            assert not forbidden & set(sample.labels), sample
