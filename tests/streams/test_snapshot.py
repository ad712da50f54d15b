"""Snapshots of the index (`streams.snapshot`): a worker that starts from one matches as one
that read the whole topic, reads on from its offsets, and refuses one it cannot trust."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import OffsetOutOfRangeError
from click.testing import CliRunner

from config import Settings
from matchers import Identity
from streams.cli import cli
from streams.events import Alert
from streams.follower import TopicFollower
from streams.kafka import ensure_topics
from streams.snapshot import Header, fingerprint, load, snapshot
from streams.watchlist_feed import FeedState
from tests.support import (
    WorkerProcess,
    count_at_least,
    crossing,
    entry,
    publish_crossings,
    publish_watchlist,
    read_topic,
)
from watchlists import Watchlist, WatchlistEntry
from watchlists import load as load_list
from watchlists.loaders import packaged_un_list

pytestmark = pytest.mark.e2e

UN = list(load_list(packaged_un_list()))[:300]
FEED_FIELDS = {f.name for f in dataclasses.fields(FeedState)}


def publish_un(settings: Settings) -> None:
    publish_watchlist(settings, *((e.entry_id, e.model_dump(mode="json")) for e in UN))


def travellers() -> list[Identity]:
    """Each listed person as a border sees him: his first name, then his dates alone."""
    return [
        Identity(names=e.identity.names[:1], birth_dates=e.identity.birth_dates) for e in UN[::7]
    ]


def hits(watchlist: Watchlist) -> list[list[tuple[str, float, str]]]:
    return [
        [(h.entry_id, round(h.score, 9), h.explanation) for h in watchlist.match(t)]
        for t in travellers()
    ]


def rewrite_header(path: Path, **changes: Any) -> None:
    """The snapshot at `path` with some of its header's fields changed (its feed's too, by
    their names), its pickle kept."""
    with path.open("rb") as f:
        header, rest = json.loads(f.readline()), f.read()
    feed = {k: v for k, v in changes.items() if k in FEED_FIELDS}
    header |= {k: v for k, v in changes.items() if k not in FEED_FIELDS}
    header["feed"] |= feed
    path.write_bytes(json.dumps(header).encode() + b"\n" + rest)


@pytest.fixture
def written(make_settings: Callable[..., Settings], tmp_path: Path) -> tuple[Settings, Path]:
    settings = make_settings(snapshot_path=tmp_path / "snap" / "index.bin")
    ensure_topics(settings)
    publish_un(settings)
    assert settings.snapshot_path is not None
    header, resumed = snapshot(settings, settings.snapshot_path)
    assert (header.entries, resumed) == (len(UN), False)
    return settings, settings.snapshot_path


def test_a_snapshot_matches_as_the_list_it_was_built_from(written: tuple[Settings, Path]) -> None:
    settings, path = written
    loaded = load(settings)
    assert loaded is not None
    fresh = Watchlist(UN, threshold=settings.alert_threshold)
    expected = hits(fresh)
    assert sum(map(len, expected)) >= len(travellers())  # (each finds at least himself)
    assert hits(loaded.watchlist) == expected
    header = loaded.header
    assert sum(header.feed.offsets.values()) == len(UN)  # every record read, none twice
    assert set(header.feed.last) == set(header.feed.offsets)
    assert header.feed.entries_by_list == {"UN": len(UN)}
    assert header.fingerprint == fingerprint()
    # written whole, for its owner alone, with nothing left beside it
    assert path.stat().st_mode & 0o777 == 0o600
    assert os.listdir(path.parent) == [path.name]


def test_a_snapshot_is_written_again_from_the_last_one(
    written: tuple[Settings, Path],
) -> None:
    settings, path = written
    gone, changed = UN[0], UN[1].model_copy(update={"reason": "new charges"})
    added = WatchlistEntry.model_validate_json(json.dumps(entry("NAT:NEW", ["Thanakorn Srisuk"])))
    publish_watchlist(
        settings,
        (gone.entry_id, None),
        (changed.entry_id, changed.model_dump(mode="json")),
        (added.entry_id, added.model_dump(mode="json")),
    )
    header, resumed = snapshot(settings, path)
    assert resumed
    assert sum(header.feed.offsets.values()) == len(UN) + 3
    assert header.feed.entries_by_list == {"UN": len(UN) - 1, "NAT": 1}
    loaded = load(settings)
    assert loaded is not None
    assert gone.entry_id not in loaded.watchlist
    assert loaded.watchlist.get(changed.entry_id) == changed
    assert [h.entry_id for h in loaded.watchlist.match(Identity(names=["THANAKORN SRISUK"]))] == [
        "NAT:NEW"
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"threshold": 0.5}, "built for the threshold 0.5, not 0.7"),
        ({"topic": "other"}, "of topic 'other'"),
        ({"written_at": -13 * 3600}, "13.0 h old (snapshot_max_age_h: 12.0)"),  # (from now)
        ({"fingerprint": "0" * 64}, "other matching code or libraries"),
        ({"format": "something-else/9"}, "its header: format"),
        ({"entries": "many"}, "its header: entries"),
        ({"offsets": {"7": 3}}, "the topic has no partition 7"),
        ({"last": {"0": "0" * 64, "1": "0" * 64}}, "no longer holds, at offset"),
    ],
)
def test_a_snapshot_that_cannot_be_trusted_is_refused_and_says_why(
    written: tuple[Settings, Path],
    change: dict[str, Any],
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings, path = written
    if "written_at" in change:
        change = change | {"written_at": time.time() + change["written_at"]}
    rewrite_header(path, **change)
    with caplog.at_level(logging.WARNING, logger="streams.snapshot"):
        assert load(settings) is None
    assert reason in caplog.text and "reading the whole watchlist" in caplog.text


def test_a_snapshot_past_the_topics_end_is_refused(
    written: tuple[Settings, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """A topic recreated with fewer records: nothing is left at the snapshot's offsets."""
    settings, path = written
    header = Header.model_validate_json(path.read_bytes().split(b"\n", 1)[0])
    rewrite_header(path, offsets={str(p): o + 1000 for p, o in header.feed.offsets.items()})
    with caplog.at_level(logging.WARNING, logger="streams.snapshot"):
        assert load(settings) is None
    assert "no longer holds" in caplog.text


def test_a_damaged_or_unsafe_snapshot_is_refused(
    written: tuple[Settings, Path], caplog: pytest.LogCaptureFixture
) -> None:
    settings, path = written
    whole = path.read_bytes()
    with caplog.at_level(logging.WARNING, logger="streams.snapshot"):
        path.write_bytes(whole[: len(whole) // 2])  # cut off as it was copied
        assert load(settings) is None
        assert "it cannot be read" in caplog.text
        path.write_bytes(whole)
        path.chmod(0o666)
        assert load(settings) is None
        assert "others may write it (mode 666)" in caplog.text
        path.chmod(0o600)
        assert load(settings) is not None
        path.write_bytes(b"\x80" * (2 << 20))  # no header line: not read to its end
        assert load(settings) is None
        assert "not a borderwatch-snapshot/1 file" in caplog.text
        path.unlink()
        path.mkdir()
        assert load(settings) is None
        assert "Is a directory" in caplog.text
        path.rmdir()
    with caplog.at_level(logging.INFO, logger="streams.snapshot"):
        assert load(settings) is None
    assert f"no snapshot at {path} yet" in caplog.text


def test_a_worker_starts_from_a_snapshot_and_reads_on_from_its_offsets(
    make_settings: Callable[..., Settings],
    start_worker: Callable[[Settings], WorkerProcess],
    tmp_path: Path,
) -> None:
    settings = make_settings(snapshot_path=tmp_path / "index.bin")
    ensure_topics(settings)
    kept = entry("NAT:KEPT", ["Dmitry Volkov"], birth_dates=["1976-04-30"])
    gone = entry("NAT:GONE", ["Sok Vanna"], birth_dates=["1983-09-21"])
    publish_watchlist(settings, ("NAT:KEPT", kept), ("NAT:GONE", gone))
    result = CliRunner().invoke(cli, ["snapshot"], env=settings.as_env(), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "snapshot of 2 entries written" in result.output and "afresh" in result.output

    # while no worker runs: one entry deleted, one added
    added = entry("NAT:NEW", ["Thanakorn Srisuk"], birth_dates=["1990-01-15"])
    publish_watchlist(settings, ("NAT:GONE", None), ("NAT:NEW", added))
    worker = start_worker(settings).wait_ready()
    assert "watchlist of 2 entries loaded from snapshot" in worker.log_path.read_text()
    metrics = worker.metrics()
    assert metrics.get('borderwatch_watchlist_entries{list_id="NAT"}') == 2.0
    assert settings.snapshot_path is not None
    written = Header.model_validate_json(settings.snapshot_path.read_bytes().split(b"\n")[0])
    assert metrics["borderwatch_index_snapshot_timestamp_seconds"] == written.written_at

    events = [
        crossing("kept", ["DMITRY VOLKOV"], birth_dates=["1976-04-30"]),
        crossing("gone", ["SOK VANNA"], birth_dates=["1983-09-21"]),
        crossing("new", ["THANAKORN SRISUK"], birth_dates=["1990-01-15"]),
    ]
    publish_crossings(settings, *events)
    records = read_topic(settings, settings.topic_alerts, count_at_least(2), timeout_s=20)
    time.sleep(1.0)  # (room for a wrong third alert)
    records = read_topic(settings, settings.topic_alerts, count_at_least(3), timeout_s=1)
    alerts = sorted(
        (a.event.event_id, a.entry.entry_id)
        for a in (Alert.model_validate_json(r.value) for r in records)
    )
    assert alerts == [("kept", "NAT:KEPT"), ("new", "NAT:NEW")]
    assert worker.alive()


def test_resuming_past_the_topics_end_fails_rather_than_reading_it_again(
    make_settings: Callable[..., Settings],
) -> None:
    """Were the topic recreated between the snapshot's check and the feed's start, reading
    it afresh into the loaded index would keep entries the new topic does not hold: the
    feed fails instead (and the worker restarts, to refuse the snapshot: `streams.app`)."""
    settings = make_settings(partitions=1)
    ensure_topics(settings)
    publish_watchlist(settings, ("NAT:A", entry("NAT:A", ["Sok Vanna"])))
    applied: list[Any] = []
    follower = TopicFollower(
        settings,
        [settings.topic_watchlist],
        lambda tp, records: applied.extend(records),
        start={TopicPartition(settings.topic_watchlist, 0): 50},
    )
    with pytest.raises(OffsetOutOfRangeError):
        asyncio.run(asyncio.wait_for(follower.run(), timeout=20))
    assert applied == [] and not follower.ready.is_set()
