"""A worker's watchlist saved to disk, so that a worker starts from it instead of reading
and filing the whole watchlist topic again.

The index is state derived from the compacted `watchlist` topic, as a Kafka Streams store is
from its changelog. Building it files every entry (1,000,000 entries: about two minutes on a
slow machine); loading it back takes a fifth of that. A snapshot is the built watchlist
(`watchlists.Watchlist`: the entries and their index) and where its feed stood in the topic
(`FeedState`); a worker loads it and reads the topic on from those offsets, so it misses
nothing written since. `borderwatch snapshot` writes one, starting from the last if it can:
run it on a schedule, beside the workers.

A snapshot is refused, and the topic read from its start as without one, unless it can be
trusted to be the same list:
- written by the same matching code and libraries (`fingerprint`: its objects are theirs);
- for the same topic and alert threshold;
- younger than `snapshot_max_age_h`: compaction drops a tombstone after the topic's
  delete.retention.ms (24 h by default), so an older snapshot may hold an entry since
  deleted whose tombstone it will never read;
- the record before each of its offsets is still in the topic, as it was (a recreated or
  truncated topic has other records there, or none).

The file is a line of JSON (the header, checked before anything else is read), then the
watchlist pickled. A pickle runs code as it loads: the file is written 0600, and one that
others may write, or that another user owns, is refused. Keep it in a directory only
borderwatch may write.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
import pydantic
import pydantic_core
from kafka import TopicPartition
from pydantic import BaseModel, ValidationError

import matchers
import watchlists
from config import Settings
from streams.follower import record_digest
from streams.kafka import consumer
from streams.watchlist_feed import FeedState, WatchlistFeed
from watchlists import Watchlist

log = logging.getLogger(__name__)

FORMAT = "borderwatch-snapshot/1"
_CHECK_TIMEOUT_S = 10.0  # to fetch the record before each offset
_HEADER_MAX = 1 << 20  # bytes: a header is a few hundred a partition


class Header(BaseModel):
    """The snapshot's first line: what it holds, for what, and where its feed stood (a
    worker's feed goes on from there)."""

    format: Literal["borderwatch-snapshot/1"]
    fingerprint: str
    topic: str
    threshold: float
    written_at: float  # seconds since the epoch
    entries: int
    feed: FeedState


@dataclass
class Loaded:
    """A snapshot read back: its watchlist and where its feed stood."""

    watchlist: Watchlist
    header: Header


def fingerprint() -> str:
    """The code whose objects a snapshot holds: the sources of `matchers` and `watchlists`
    (the index, the entries), and the versions of Python, numpy and pydantic."""
    digest = hashlib.sha256()
    for package in (matchers, watchlists):
        root = Path(package.__file__ or "").parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root.parent)).encode() + b"\x00")
            digest.update(path.read_bytes())
    versions = (sys.version, np.__version__, pydantic.VERSION, pydantic_core.__version__)
    digest.update("\x00".join(versions).encode())
    return digest.hexdigest()


def write(path: Path, watchlist: Watchlist, state: FeedState, settings: Settings) -> Header:
    """Write a snapshot of `watchlist` and its feed's `state` to `path`, whole or not at all
    (a file beside it, renamed over it once written and synced)."""
    header = Header(
        format=FORMAT,
        fingerprint=fingerprint(),
        topic=settings.topic_watchlist,
        threshold=watchlist.threshold,
        written_at=time.time(),
        entries=len(watchlist),
        feed=state,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # (mode 0600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(header.model_dump_json().encode() + b"\n")
            pickle.dump(watchlist, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
    return header


def load(settings: Settings, path: Path | None = None) -> Loaded | None:
    """The snapshot at `path` (by default `snapshot_path`), if it can be trusted to be this
    topic's list as of its offsets (see the module's docstring); None, with a warning saying
    why, if not."""
    path = path or settings.snapshot_path
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            _check_safe(f.fileno())
            header = _header(f.readline(_HEADER_MAX))
            _check_current(header, settings)
            _check_topic(header, settings)
            started = time.perf_counter()
            watchlist = _unpickle(f)
    except FileNotFoundError:
        log.info("no snapshot at %s yet: reading the whole watchlist", path)
        return None
    except (_Refused, OSError) as exc:  # (OSError: a directory, a file it may not read)
        log.warning("snapshot %s not used: %s; reading the whole watchlist", path, exc)
        return None
    if not isinstance(watchlist, Watchlist) or len(watchlist) != header.entries:
        log.warning("snapshot %s not used: it does not hold its %d entries", path, header.entries)
        return None
    log.info(
        "watchlist of %d entries loaded from snapshot %s (%.1f h old) in %.1f s; reading the "
        "watchlist on from its offsets",
        header.entries,
        path,
        (time.time() - header.written_at) / 3600,
        time.perf_counter() - started,
    )
    return Loaded(watchlist, header)


class _Refused(Exception):
    """A snapshot that cannot be used, and why."""


def _check_safe(fd: int) -> None:
    """Refuse a file not safe to unpickle: others may write it, or another user owns it."""
    st = os.fstat(fd)
    if st.st_mode & 0o022:
        raise _Refused(f"others may write it (mode {st.st_mode & 0o777:o}); loading runs code")
    if st.st_uid != os.geteuid():
        raise _Refused(f"user {st.st_uid} owns it, not this one; loading it runs code")


def _header(line: bytes) -> Header:
    try:
        return Header.model_validate_json(line)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "header" for e in exc.errors()})
        raise _Refused(f"not a {FORMAT} file (its header: {', '.join(fields)})") from None


def _check_current(header: Header, settings: Settings) -> None:
    """Refuse a snapshot whose header rules it out for these settings and this code."""
    if header.topic != settings.topic_watchlist:
        raise _Refused(f"it is of topic {header.topic!r}, not {settings.topic_watchlist!r}")
    if header.threshold != settings.alert_threshold:
        raise _Refused(
            f"it was built for the threshold {header.threshold}, not {settings.alert_threshold}"
        )
    age_h = (time.time() - header.written_at) / 3600
    if age_h > settings.snapshot_max_age_h:
        raise _Refused(
            f"it is {age_h:.1f} h old (snapshot_max_age_h: {settings.snapshot_max_age_h})"
        )
    if header.fingerprint != fingerprint():
        raise _Refused("it was written by other matching code or libraries")


def _check_topic(header: Header, settings: Settings) -> None:
    """Refuse a snapshot of another topic than this one: a partition it read is gone, or
    the record before one of its offsets is not the record it applied last there."""
    wanted = {p: o for p, o in header.feed.offsets.items() if o > 0}
    if not wanted:
        return
    c = consumer(settings, auto_offset_reset="earliest")
    try:
        partitions = c.partitions_for_topic(settings.topic_watchlist) or set()
        gone = sorted(set(wanted) - partitions)
        if gone:
            raise _Refused(f"the topic has no partition {gone[0]}")
        tps = {TopicPartition(settings.topic_watchlist, p): o for p, o in wanted.items()}
        c.assign(list(tps))
        for tp, offset in tps.items():
            c.seek(tp, offset - 1)
        found: dict[int, tuple[int, str]] = {}
        deadline = time.monotonic() + _CHECK_TIMEOUT_S
        while len(found) < len(tps) and time.monotonic() < deadline:
            for tp, records in c.poll(timeout_ms=200).items():
                if tp.partition not in found and records:
                    first = records[0]
                    found[tp.partition] = first.offset, record_digest(first.key, first.value)
                    c.pause(tp)
    finally:
        c.close()
    for p, offset in sorted(wanted.items()):
        at, digest = found.get(p, (None, ""))
        if at != offset - 1 or digest != header.feed.last.get(p):
            raise _Refused(f"partition {p} no longer holds, at offset {offset - 1}, its record")


def _unpickle(f: BinaryIO) -> object:
    """The pickled watchlist. The collector is off meanwhile (it would walk the growing heap
    again and again), and what was loaded is then frozen out of its way, as the feed
    freezes what it files (`streams.heap`: the index holds no cycles); left to it, the
    first full collection walked the whole index (1,000,000 entries: 11.5 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        loaded = pickle.load(f)
        gc.freeze()
        return loaded
    except Exception as exc:  # a truncated or damaged file fails in many ways
        raise _Refused(f"it cannot be read ({type(exc).__name__})") from None
    finally:
        if enabled:
            gc.enable()


async def _caught_up(settings: Settings, start: Loaded | None) -> tuple[Watchlist, FeedState]:
    """A watchlist fed from the topic (from `start`'s offsets, if given) until caught up."""
    watchlist = start.watchlist if start else Watchlist(threshold=settings.alert_threshold)
    feed = WatchlistFeed(settings, watchlist, resume=start.header.feed if start else None)
    running = asyncio.create_task(feed.run())
    ready = asyncio.create_task(feed.ready.wait())
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():  # it failed before it caught up
        ready.cancel()
        running.result()
    running.cancel()  # (at an await: between two batches, never within one)
    with contextlib.suppress(asyncio.CancelledError):
        await running
    return watchlist, feed.state()


def snapshot(settings: Settings, path: Path) -> tuple[Header, bool]:
    """Read the watchlist topic into an index, from the snapshot at `path` if it can be
    used, and write the index there; its header, and whether the old snapshot was used."""
    start = load(settings, path)
    watchlist, state = asyncio.run(_caught_up(settings, start))
    watchlist.matcher.warm()  # (its large postings split: the workers loading it need not)
    return write(path, watchlist, state, settings), start is not None
