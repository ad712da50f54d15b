"""Watchlist operations end to end: sync and stats, live updates on two workers,
retro-hunt and dissemination control."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from config import Settings
from streams.broker import free_port
from streams.cli import cli
from streams.events import Alert
from streams.kafka import ensure_topics, producing
from streams.watchlist_topic import read_watchlist
from tests.support import WorkerProcess, count_at_least, crossing, entry, read_topic

pytestmark = pytest.mark.e2e


def run(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=settings.as_env(), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def write_jsonl(path: Path, *entries: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))
    return path


def publish(settings: Settings, topic: str, *records: tuple[bytes | None, Any], **kw: Any) -> None:
    with producing(settings) as producer:
        for key, value in records:
            raw = value if value is None or isinstance(value, bytes) else json.dumps(value).encode()
            producer.send(topic, key=key, value=raw, **kw)


def parse(record: Any) -> Alert:
    return Alert.model_validate_json(record.value)


def distinct_at_least(n: int) -> Callable[[list[Any]], bool]:
    return lambda records: len({parse(r).alert_id for r in records}) >= n


def wait_for(check: Callable[[], bool], timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_sync_publishes_only_the_difference_and_stats_count_it(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings()
    a = entry("NAT:A", ["Sok Vanna"])
    b = entry("NAT:B", ["Lee Jun-ho"])
    c = entry("NAT:C", ["Nguyễn Văn Ân"])
    other = entry("OTHER:Z", ["Zhang Weiming"])
    first = write_jsonl(tmp_path / "day1.jsonl", a, b, c)
    assert "3 added, 0 changed, 0 removed" in run(
        settings, "watchlist", "sync", str(first), "--list-id", "NAT"
    )
    run(settings, "watchlist", "load", str(write_jsonl(tmp_path / "other.jsonl", other)))

    b_changed = b | {"reason": "new charges"}
    d = entry("NAT:D", ["Thanakorn Srisuk"])
    second = write_jsonl(tmp_path / "day2.jsonl", a, b_changed, d)
    dry = run(settings, "watchlist", "sync", str(second), "--list-id", "NAT", "--dry-run")
    assert "would sync NAT: 1 added, 1 changed, 1 removed, 1 unchanged" in dry
    out = run(settings, "watchlist", "sync", str(second), "--list-id", "NAT")
    assert "synced NAT: 1 added, 1 changed, 1 removed, 1 unchanged" in out

    records = read_topic(settings, settings.topic_watchlist, count_at_least(7), timeout_s=10)
    assert len(records) == 7  # 3 + 1 other + (B changed, D added, C tombstone)
    assert (records[-1].key, records[-1].value) == (b"NAT:C", None) or any(
        r.key == b"NAT:C" and r.value is None for r in records
    )
    state = read_watchlist(settings)
    assert sorted(state) == ["NAT:A", "NAT:B", "NAT:D", "OTHER:Z"]
    assert state["NAT:B"].entry.reason == "new charges"

    again = run(settings, "watchlist", "sync", str(second), "--list-id", "NAT")
    assert "0 added, 0 changed, 0 removed, 3 unchanged" in again
    stats = run(settings, "watchlist", "stats")
    lines = {line.split()[0]: line.split()[1] for line in stats.splitlines()[1:]}
    assert lines == {"NAT": "3", "OTHER": "1", "total": "4"}

    bad = tmp_path / "day3.jsonl"
    bad.write_text(json.dumps(a) + "\n" + '{"entry_id": "NAT:B", "broken": true}\n')
    out = run(settings, "watchlist", "sync", str(bad), "--list-id", "NAT")
    assert "0 removed" in out and "2 removals withheld" in out


def test_live_updates_and_deletes_reach_two_workers_at_once(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    first = start_worker(settings)
    second = start_worker(settings.model_copy(update={"metrics_port": free_port()}))
    first.wait_ready()
    second.wait_ready()

    def held(worker: WorkerProcess) -> float:
        return worker.metrics().get('borderwatch_watchlist_entries{list_id="LIVE"}', 0.0)

    wanted = entry("LIVE:1", ["Dmitry Volkov"], birth_dates=["1976-04-30"])
    publish(settings, settings.topic_watchlist, (b"LIVE:1", wanted))
    assert wait_for(lambda: held(first) == 1.0 and held(second) == 1.0, timeout_s=3)

    # crossings spread over both partitions, so both workers match with the new entry
    events = [
        crossing(f"live-{i}", ["DMITRY VOLKOV"], birth_dates=["1976-04-30"]) for i in range(8)
    ]
    publish(settings, settings.topic_crossings, *((e["event_id"].encode(), e) for e in events))

    # at least once: a rebalance as the second worker joins may repeat an alert, always
    # with the same id, so officers (and this test) count distinct alert ids
    def distinct_events(n: int, timeout_s: float) -> list[str]:
        records = read_topic(settings, settings.topic_alerts, distinct_at_least(n), timeout_s)
        return sorted({a.alert_id: a.event.event_id for a in map(parse, records)}.values())

    assert distinct_events(8, 20) == sorted(e["event_id"] for e in events)
    assert {
        r.partition
        for r in read_topic(settings, settings.topic_crossings, count_at_least(8), timeout_s=5)
    } == {0, 1}

    publish(settings, settings.topic_watchlist, (b"LIVE:1", None))
    assert wait_for(lambda: held(first) == 0.0 and held(second) == 0.0, timeout_s=3)
    publish(
        settings,
        settings.topic_crossings,
        *(
            (
                f"after-{i}".encode(),
                crossing(f"after-{i}", ["DMITRY VOLKOV"], birth_dates=["1976-04-30"]),
            )
            for i in range(4)
        ),
    )
    time.sleep(2.0)
    assert distinct_events(9, 3) == sorted(e["event_id"] for e in events)
    assert first.alive() and second.alive()


def test_retro_hunt_and_dissemination(
    make_settings: Callable[..., Settings], start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    settings = make_settings(retro_window_h=72.0)
    ensure_topics(settings)
    open_entry = entry("ASEAN:OPEN", ["Thanakorn Srisuk"], birth_dates=["1990-01-15"]) | {
        "issuing_agency": "TH-RTP"
    }
    publish(settings, settings.topic_watchlist, (b"ASEAN:OPEN", open_entry))
    worker = start_worker(settings).wait_ready()

    def at(event_id: str, names: list[str], agency: str, country: str, **kw: Any) -> dict[str, Any]:
        event = crossing(event_id, names, **kw)
        event["agency"] = agency
        event["checkpoint"] = {"code": f"{country[:2]}-X", "country": country}
        return event

    sok = {"birth_dates": ["1983-09-21"]}
    old_ms = int((time.time() - 100 * 3600) * 1000)  # outside the 72-hour window
    publish(
        settings,
        settings.topic_crossings,
        (b"old", at("sok-old", ["SOK VANNA"], "TH-IMM", "THA", **sok)),
        timestamp_ms=old_ms,
    )
    publish(
        settings,
        settings.topic_crossings,
        (b"1", at("sok-th", ["SOK VANNA"], "TH-IMM", "THA", **sok)),
        (b"2", at("sok-kh", ["SOK VANNA"], "KH-IMM", "KHM", **sok)),
        (b"3", at("tha-th", ["THANAKORN SRISUK"], "TH-IMM", "THA", birth_dates=["1990-01-15"])),
    )
    # the open entry alerts live; Sok Vanna is not listed yet
    live = read_topic(settings, settings.topic_alerts, count_at_least(1), timeout_s=15)
    assert [Alert.model_validate_json(r.value).event.event_id for r in live] == ["tha-th"]

    restricted = entry("KH:SOK", ["សុខ វណ្ណា", "Sok Vanna"], birth_dates=["1983-09"]) | {
        "issuing_agency": "KH-NPC",
        "allowed_agencies": ["KH-IMM"],
    }
    publish(settings, settings.topic_watchlist, (b"KH:SOK", restricted))

    records = read_topic(settings, settings.topic_alerts, count_at_least(3), timeout_s=20)
    alerts = [Alert.model_validate_json(r.value) for r in records]
    retro = sorted((a.event.event_id, a.retro) for a in alerts if a.entry.entry_id == "KH:SOK")
    assert retro == [("sok-kh", True), ("sok-th", True)]  # not the 100-hour-old one
    assert wait_for(lambda: worker.metrics().get("borderwatch_retro_hunts_total", 0) >= 1)

    def ids(topic: str, n: int) -> list[tuple[str, str]]:
        got = read_topic(settings, topic, count_at_least(n), timeout_s=10)
        return sorted(
            (
                Alert.model_validate_json(r.value).event.event_id,
                Alert.model_validate_json(r.value).entry.entry_id,
            )
            for r in got
        )

    base = settings.topic_alerts
    assert ids(f"{base}.KH-NPC", 2) == [("sok-kh", "KH:SOK"), ("sok-th", "KH:SOK")]  # owner
    assert ids(f"{base}.KH-IMM", 1) == [("sok-kh", "KH:SOK")]  # allowed reporter
    assert ids(f"{base}.TH-RTP", 1) == [("tha-th", "ASEAN:OPEN")]
    # TH-IMM reported Sok Vanna's crossing but may not see that entry: only the open one
    th = read_topic(settings, f"{base}.TH-IMM", count_at_least(2), timeout_s=5)
    assert [Alert.model_validate_json(r.value).entry.entry_id for r in th] == ["ASEAN:OPEN"]
    assert all(b"KH:SOK" not in r.value and "សុខ".encode() not in r.value for r in th)
    assert worker.alive()
