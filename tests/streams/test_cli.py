"""The `borderwatch` commands against the session's broker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from config import Settings
from streams.cli import cli
from streams.kafka import ensure_topics, producing
from streams.pipeline import CrossingPipeline, Incoming
from tests.support import count_at_least, crossing, entry, read_topic
from watchlists import Watchlist, WatchlistEntry


def run(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=settings.as_env(), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_schema_prints_a_json_schema_per_message() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    schemas = json.loads(result.output)
    assert set(schemas) == {"crossing", "watchlist-entry", "alert", "identity"}
    assert "traveller" in schemas["crossing"]["properties"]
    one = json.loads(CliRunner().invoke(cli, ["schema", "alert"]).output)
    assert one["title"] == "Alert"


@pytest.mark.e2e
def test_watchlist_load_publishes_good_entries_and_reports_bad_ones(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings()
    path = tmp_path / "national.jsonl"
    good = entry("KNPA:0007", ["이준호", "Lee Jun-ho"], birth_dates=["1991-11-23"])
    bad = entry("KNPA:0008", ["Kim"], birth_dates=["23.11.1991"])
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in (good, bad)) + "\n")

    out = run(settings, "watchlist", "load", str(path))
    assert "published 1 entries (KNPA: 1); skipped 1 bad records" in out
    assert f"{path}: record line 2: identity.birth_dates.0:" in out
    records = read_topic(settings, settings.topic_watchlist, count_at_least(1), timeout_s=10)
    assert [r.key for r in records] == [b"KNPA:0007"]
    assert WatchlistEntry.model_validate_json(records[0].value).identity.names[0] == "이준호"

    out = run(settings, "watchlist", "remove", "KNPA:0007")
    records = read_topic(settings, settings.topic_watchlist, count_at_least(2), timeout_s=10)
    assert records[-1].key == b"KNPA:0007" and records[-1].value is None


@pytest.mark.e2e
def test_publish_reads_csv_and_json_lines(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings()
    csv_path = tmp_path / "crossings.csv"
    csv_path.write_text(
        "event_id,agency,checkpoint_code,checkpoint_country,direction,occurred_at,names,"
        "birth_date,nationality,sex,document_number,document_kind,document_country,mode\n"
        "c-1,TH-IMM,TH-ARN,THA,entry,2026-11-22T09:00:00+07:00,SOK VANNA;SOK VANA,1983-09-21,"
        "KHM,F,N0771245,passport,KHM,land\n"
    )
    jsonl_path = tmp_path / "crossings.jsonl"
    jsonl_path.write_text(json.dumps(crossing("j-1", ["A B"])) + "\nnot json\n")

    assert "published 1 crossings" in run(settings, "publish", str(csv_path))
    assert "published 2 crossings" in run(settings, "publish", str(jsonl_path))
    records = read_topic(settings, settings.topic_crossings, count_at_least(3), timeout_s=10)
    by_key = {r.key: r.value for r in records}
    event = json.loads(by_key[b"c-1"])
    assert event["traveller"]["names"] == ["SOK VANNA", "SOK VANA"]
    assert event["traveller"]["documents"] == [
        {"number": "N0771245", "kind": "passport", "country": "KHM"}
    ]
    assert by_key[None] == b"not json"  # published as is, for the worker's DLQ


@pytest.mark.e2e
def test_alerts_tail_prints_and_filters(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    ensure_topics(settings)
    listed = WatchlistEntry.model_validate_json(
        json.dumps(entry("ASEANAPOL:0001", ["Nguyễn Văn Ân"], birth_dates=["1985-03-12"]))
    )
    pipeline = CrossingPipeline(Watchlist([listed]))
    raw = json.dumps(crossing("t-1", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"])).encode()
    [outcome] = pipeline.process([Incoming(value=raw, topic="x", partition=0, offset=0)])
    [alert] = outcome.alerts
    with producing(settings) as producer:
        producer.send(
            settings.topic_alerts, key=b"ASEANAPOL:0001", value=alert.model_dump_json().encode()
        )

    out = run(
        settings, "alerts", "tail", "--from-beginning", "--json", "--max", "1", "--timeout", "10"
    )
    assert json.loads(out)["alert_id"] == alert.alert_id
    text = run(settings, "alerts", "tail", "--from-beginning", "--max", "1", "--timeout", "10")
    assert "ASEANAPOL:0001" in text and "KH-POI" in text and "why:" in text
    other = "possible" if alert.band.value != "possible" else "confirmed"
    filtered = run(
        settings, "alerts", "tail", "--from-beginning", "--band", other, "--timeout", "3"
    )
    assert filtered == ""
