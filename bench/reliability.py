"""The reliability harness behind `bench.chaos` and tests/reliability: a broker, real worker
processes, a synthetic watchlist with planted travellers, and the accounting of every crossing.

A run publishes crossings of three kinds, each accounted for differently:
- planted: the traveller is exactly a listed identity (same name, birth date and document
  number); its alert must be on the alerts topic;
- invalid: a crossing with a readable event id but a missing field; its original bytes must
  be on the DLQ;
- clean: a traveller whose name shares no sound key with any listed name; it is accounted
  for by the worker group's committed offsets reaching the end of every partition (offsets
  advance only after a batch's output is delivered).
The end of each partition is taken from the producer's own delivery reports, never from
ListOffsets (which the embedded broker answers wrongly).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import Settings
from streams.app import DLQ_HEADER
from streams.broker import EmbeddedBroker, free_port
from streams.events import alert_id_for
from streams.kafka import committed, ensure_topics, producing, read_to_end
from streams.worker_process import WorkerProcess

# Listed names and clean travellers' names use consonants whose sound keys are disjoint
# (p t k l m s against f n v j h), so a clean traveller never even becomes a candidate:
# the harness measures delivery, not matching quality.
_LISTED_CONSONANTS = "BDKLMS"
_CLEAN_CONSONANTS = "FNVJH"
_VOWELS = "AEIOU"
PLANTED_LIST = "CHAOS"
# What a worker logs when its membership watch replaces it (streams/app.py).
SELF_RESTART = "outside its consumer group for over"


def _word(rng: random.Random, consonants: str, syllables: tuple[int, int]) -> str:
    return "".join(
        rng.choice(consonants) + rng.choice(_VOWELS) for _ in range(rng.randint(*syllables))
    )


def _name(rng: random.Random, consonants: str) -> str:
    return " ".join(_word(rng, consonants, (3, 4)) for _ in range(3))


def watchlist_entries(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """`count` listed people with distinct synthetic names, birth dates and passports."""
    rng = random.Random(seed)
    names: set[str] = set()
    entries: list[dict[str, Any]] = []
    while len(entries) < count:
        name = _name(rng, _LISTED_CONSONANTS)
        if name in names:
            continue
        names.add(name)
        i = len(entries)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
        entries.append(
            {
                "entry_id": f"{PLANTED_LIST}:{i:05d}",
                "list_id": PLANTED_LIST,
                "identity": {
                    "names": [name],
                    "birth_dates": [born.isoformat()],
                    "nationalities": ["KHM"],
                    "documents": [{"number": f"CH{i:07d}", "country": "KHM"}],
                },
                "reason": "reliability harness",
                "action": "arrest",
            }
        )
    return entries


@dataclass(frozen=True, slots=True)
class Crossing:
    """One published crossing and what must become of it."""

    event_id: str
    kind: str  # "planted", "invalid" or "clean"
    value: bytes
    entry_id: str | None = None


def poipet_crossing(event_id: str, traveller: dict[str, Any]) -> dict[str, Any]:
    """A valid crossing event at Poipet (the tests build theirs with it too)."""
    return {
        "event_id": event_id,
        "agency": "KH-IMM",
        "checkpoint": {"code": "KH-POI", "country": "KHM", "name": "Poipet"},
        "direction": "exit",
        "occurred_at": "2026-11-22T08:15:00+07:00",
        "traveller": traveller,
        "mode": "land",
    }


def crossings(
    count: int,
    entries: list[dict[str, Any]],
    *,
    planted_every: int = 10,
    invalid_every: int = 200,
    seed: int = 2,
    prefix: str = "ev",
    clean_pool: int = 0,
) -> list[Crossing]:
    """`count` crossings: every `planted_every`-th is a listed person, every
    `invalid_every`-th is invalid (no agency), the rest are clean travellers (with names
    drawn from `clean_pool` names when given, else all different)."""
    rng = random.Random(seed)
    pool = [_name(rng, _CLEAN_CONSONANTS) for _ in range(clean_pool)]
    out = []
    for i in range(count):
        event_id = f"{prefix}-{i:07d}"
        if planted_every and i % planted_every == planted_every - 1:
            entry = entries[rng.randrange(len(entries))]
            event = poipet_crossing(event_id, entry["identity"])
            out.append(Crossing(event_id, "planted", json.dumps(event).encode(), entry["entry_id"]))
        elif invalid_every and i % invalid_every == invalid_every // 2:
            event = poipet_crossing(event_id, {"names": ["VOID"], "documents": [{"number": "X1"}]})
            del event["agency"]
            out.append(Crossing(event_id, "invalid", json.dumps(event).encode()))
        else:
            traveller = {
                "names": [rng.choice(pool) if pool else _name(rng, _CLEAN_CONSONANTS)],
                "birth_dates": ["1985-03-04"],
                "documents": [{"number": f"TR{i:08d}", "country": "THA"}],
            }
            value = json.dumps(poipet_crossing(event_id, traveller)).encode()
            out.append(Crossing(event_id, "clean", value))
    return out


def harness_settings(bootstrap: str, partitions: int = 4, **overrides: Any) -> Settings:
    """Settings with topics and a group of their own and short group timeouts."""
    tag = uuid.uuid4().hex[:8]
    values: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "app_id": f"bw-rel-{tag}",
        "topic_crossings": f"r{tag}.crossings",
        "topic_watchlist": f"r{tag}.watchlist",
        "topic_alerts": f"r{tag}.alerts",
        "topic_dlq": f"r{tag}.crossings.dlq",
        "partitions": partitions,
        "rebalance_timeout_s": 3.0,
        "session_timeout_s": 6.0,
        "heartbeat_interval_s": 1.0,
        "max_poll_interval_s": 30.0,
        "commit_interval_s": 0.5,
        "batch_within_s": 0.02,
        "metrics_port": 0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


def publish_watchlist(settings: Settings, entries: list[dict[str, Any]]) -> None:
    with producing(settings) as producer:
        for entry in entries:
            producer.send(
                settings.topic_watchlist, key=entry["entry_id"].encode(),
                value=json.dumps(entry).encode(),
            )


def publish_crossings(settings: Settings, records: list[Crossing]) -> dict[int, int]:
    """Publish keyed by event id; the end offset of each partition, from delivery reports."""
    futures = []
    with producing(settings, linger_ms=20, batch_size=256 * 1024) as producer:
        for record in records:
            futures.append(
                producer.send(settings.topic_crossings, key=record.event_id.encode(),
                              value=record.value)
            )
    ends: dict[int, int] = {}
    for future in futures:
        meta = future.get(timeout=60)
        ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
    return ends


class Publisher(threading.Thread):
    """Publishes crossings in the background; `ends` is set when all are delivered."""

    def __init__(self, settings: Settings, records: list[Crossing]) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.records = records
        self.ends: dict[int, int] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.ends = publish_crossings(self.settings, self.records)
        except BaseException as exc:
            self.error = exc


@dataclass(frozen=True, slots=True)
class MemorySample:
    """A worker's memory at one moment of a run."""

    at_s: float  # since the run started
    pid: int
    rss_mb: float  # VmRSS
    peak_mb: float  # VmHWM: the most the process has had so far
    committed: int | None  # crossings covered by the group's committed offsets, if read


def rss_by_progress(
    samples: list[MemorySample], total: int, buckets: int = 10
) -> list[tuple[int, float]]:
    """The highest RSS seen while the committed offsets were in each tenth (by default) of
    the stream: (upper bound in %, MB), for the tenths with a sample."""
    highest: dict[int, float] = {}
    for s in samples:
        if s.committed is None or total <= 0:
            continue
        bucket = min(buckets, 1 + s.committed * buckets // total)
        highest[bucket] = max(highest.get(bucket, 0.0), s.rss_mb)
    return [(100 * b // buckets, mb) for b, mb in sorted(highest.items())]


@dataclass
class Report:
    """What became of every crossing of a run."""

    scenario: str
    events: int
    planted: int
    invalid: int
    found: int = 0
    missing: list[str] = field(default_factory=list)
    alert_records: int = 0
    duplicate_alerts: int = 0
    inconsistent_alert_ids: int = 0
    unexpected_alerts: int = 0
    dead_letters: int = 0
    dead_letters_missing: list[str] = field(default_factory=list)
    duplicate_dead_letters: int = 0
    unexpected_dead_letters: int = 0
    offsets_at_end: bool = False
    uncommitted: int = 0
    kills: int = 0
    outage_s: float = 0.0
    workers_started: int = 0
    self_restarts: int = 0  # workers that replaced themselves, outside their group too long
    ready_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    wall_s: float = 0.0
    drain_s: float = 0.0
    publish_s: float = 0.0
    memory: list[MemorySample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.missing
            and not self.dead_letters_missing
            and self.inconsistent_alert_ids == 0
            and self.unexpected_dead_letters == 0
            and self.offsets_at_end
        )

    def render(self) -> str:
        rows = [
            ("scenario", self.scenario),
            ("events published", f"{self.events:,}"),
            ("worker kills (SIGKILL)", str(self.kills)),
            ("broker frozen (SIGSTOP)", f"{self.outage_s:g} s"),
            ("worker processes started", str(self.workers_started)),
            ("self-restarts (membership watch)", str(self.self_restarts)),
            ("planted (listed travellers)", f"{self.planted:,}"),
            ("planted alerts found", f"{self.found:,}"),
            ("planted alerts missing", str(len(self.missing))),
            ("alert records", f"{self.alert_records:,}"),
            ("duplicate alerts (same alert_id)", f"{self.duplicate_alerts:,}"),
            ("duplicates with another alert_id", str(self.inconsistent_alert_ids)),
            ("alerts for clean travellers", str(self.unexpected_alerts)),
            ("invalid published", str(self.invalid)),
            ("dead letters (unique)", str(self.dead_letters)),
            ("dead letters missing", str(len(self.dead_letters_missing))),
            ("duplicate dead letters", str(self.duplicate_dead_letters)),
            ("valid crossings dead-lettered", str(self.unexpected_dead_letters)),
            ("committed offsets at the end", "yes" if self.offsets_at_end else
             f"NO ({self.uncommitted:,} crossings behind)"),
            ("worker RSS when ready", f"{self.ready_rss_mb:.0f} MB"),
            ("peak worker RSS (VmHWM)", f"{self.peak_rss_mb:.0f} MB"),
            ("publishing took", f"{self.publish_s:.1f} s"),
            ("drain after last disruption", f"{self.drain_s:.1f} s"),
            ("wall time", f"{self.wall_s:.1f} s"),
            ("verdict", "OK: nothing lost" if self.ok else "FAILED"),
        ]
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        series = rss_by_progress(self.memory, self.events)
        if series:
            lines.append("highest RSS while the committed offsets were below (MB): " + ", ".join(
                f"{pct} %: {mb:.0f}" for pct, mb in series))
        if self.missing:
            lines.append(f"missing (first 10): {self.missing[:10]}")
        if self.dead_letters_missing:
            lines.append(f"dead letters missing (first 10): {self.dead_letters_missing[:10]}")
        lines.extend(self.notes)
        return "\n".join(lines)


def account(
    settings: Settings, records: list[Crossing], report: Report, timeout_s: float = 120.0
) -> Report:
    """Read alerts and the DLQ to their ends and check every crossing against them."""
    alerts = list(read_to_end(settings, settings.topic_alerts, timeout_s))
    letters = list(read_to_end(settings, settings.topic_dlq, timeout_s))
    expected = {r.event_id: r for r in records}
    ids_by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    copies: Counter[tuple[str, str]] = Counter()
    for record in alerts:
        alert = json.loads(record.value)
        pair = (alert["event"]["event_id"], alert["entry"]["entry_id"])
        copies[pair] += 1
        ids_by_pair[pair].add(alert["alert_id"])
    report.alert_records = len(alerts)
    report.duplicate_alerts = sum(n - 1 for n in copies.values())
    report.inconsistent_alert_ids = sum(
        1 for pair, ids in ids_by_pair.items() if ids != {alert_id_for(*pair)}
    )
    alerted = {pair[0]: pair[1] for pair in copies if pair[1] != ""}
    planted = [r for r in records if r.kind == "planted"]
    missing = [r.event_id for r in planted if (r.event_id, r.entry_id or "") not in copies]
    report.found = len(planted) - len(missing)
    report.missing = missing
    report.unexpected_alerts = sum(
        1 for event_id in alerted if expected.get(event_id) is None
        or expected[event_id].kind != "planted"
    )
    letter_copies: Counter[tuple[int, int]] = Counter()
    dead_ids: set[str] = set()
    for record in letters:
        header = json.loads(dict(record.headers)[DLQ_HEADER])
        letter_copies[(header["source_partition"], header["source_offset"])] += 1
        event_id = header.get("event_id")
        if event_id:
            dead_ids.add(event_id)
        if event_id not in expected or expected[event_id].value != record.value:
            report.notes.append(f"dead letter not verbatim or unknown: {event_id}")
    report.dead_letters = len(letter_copies)
    report.duplicate_dead_letters = sum(n - 1 for n in letter_copies.values())
    report.dead_letters_missing = [
        r.event_id for r in records if r.kind == "invalid" and r.event_id not in dead_ids
    ]
    report.unexpected_dead_letters = sum(
        1 for e in dead_ids if e in expected and expected[e].kind != "invalid"
    )
    return report


@dataclass
class Plan:
    """What a run does to the system while crossings flow."""

    events: int
    kills: int = 0
    outage_s: float = 0.0
    scale_out: bool = False
    burst: bool = False
    entries: int = 300
    partitions: int = 4
    planted_every: int = 10
    invalid_every: int = 200
    seed: int = 7
    clean_pool: int = 0
    drain_timeout_s: float = 900.0


@contextmanager
def broker_for(bootstrap: str | None, log_dir: Path) -> Iterator[tuple[str, EmbeddedBroker | None]]:
    """The given Kafka, or an embedded broker of our own for the run."""
    if bootstrap:
        yield bootstrap, None
        return
    with EmbeddedBroker(log_path=log_dir / "tansu.log") as broker:
        yield broker.bootstrap_servers, broker


class Run:
    """One scenario against one broker: start workers, publish, disrupt, drain, account."""

    def __init__(
        self,
        plan: Plan,
        bootstrap: str,
        log_dir: Path,
        broker: EmbeddedBroker | None = None,
        say: Callable[[str], None] = print,
        **settings: Any,
    ) -> None:
        self.plan = plan
        self.broker = broker
        self.log_dir = log_dir
        self.say = say
        self.settings = harness_settings(bootstrap, plan.partitions, **settings)
        self.rng = random.Random(plan.seed)
        self.workers: list[WorkerProcess] = []
        self.memory: list[MemorySample] = []
        self.started = time.monotonic()

    def start_worker(self) -> WorkerProcess:
        settings = self.settings.model_copy(update={"metrics_port": free_port()})
        log = self.log_dir / f"worker-{len(self.workers)}.log"
        worker = WorkerProcess(settings, log).start()
        self.workers.append(worker)
        return worker

    def sample(self, worker: WorkerProcess, committed: int | None = None) -> MemorySample | None:
        """Note the worker's RSS and peak RSS now (None once it has exited)."""
        if not worker.alive():
            return None
        try:
            kb = worker.memory_kb()
        except OSError:
            return None
        sample = MemorySample(time.monotonic() - self.started, worker.pid,
                              kb.get("VmRSS", 0) / 1024, kb.get("VmHWM", 0) / 1024, committed)
        self.memory.append(sample)
        return sample

    def progress(self, ends: dict[int, int] | None, total: int) -> tuple[int, bool]:
        """(crossings behind the committed offsets, all partitions at their end)."""
        partitions = list(range(self.plan.partitions))
        done = committed(self.settings, self.settings.topic_crossings)
        if ends is None:  # still publishing: measure against what was published
            return total - sum(done.values()), False
        behind = sum(max(0, ends.get(p, 0) - done.get(p, 0)) for p in partitions)
        return behind, behind == 0

    def _wait_progress(
        self, fraction: float, records: int, publisher: Publisher, worker: WorkerProcess | None
    ) -> None:
        """Until the committed offsets cover `fraction` of the crossings."""
        deadline = time.monotonic() + self.plan.drain_timeout_s
        while time.monotonic() < deadline:
            behind, _ = self.progress(publisher.ends, records)
            if records - behind >= fraction * records:
                return
            if worker is not None:
                self.sample(worker, records - behind)
                if not worker.alive():
                    raise RuntimeError(f"worker died by itself: {worker.tail()}")
            time.sleep(0.2)
        raise RuntimeError(f"no progress to {fraction:.0%} in {self.plan.drain_timeout_s} s")

    def execute(self) -> Report:
        plan = self.plan
        entries = watchlist_entries(plan.entries, seed=plan.seed)
        records = crossings(
            plan.events, entries, planted_every=plan.planted_every,
            invalid_every=plan.invalid_every, seed=plan.seed + 1, clean_pool=plan.clean_pool,
        )
        report = Report(
            scenario=self.scenario_name(), events=len(records),
            planted=sum(r.kind == "planted" for r in records),
            invalid=sum(r.kind == "invalid" for r in records),
        )
        ensure_topics(self.settings)
        publish_watchlist(self.settings, entries)
        publisher = Publisher(self.settings, records)
        if plan.burst:  # the whole backlog waits in Kafka before the worker starts
            self.say(f"publishing {len(records):,} crossings before the worker starts")
            publisher.start()
            publisher.join()
            report.publish_s = time.monotonic() - self.started
        worker = self.start_worker().wait_ready(90.0)
        baseline = self.sample(worker)
        report.ready_rss_mb = baseline.rss_mb if baseline else 0.0
        self.say(f"worker ready (RSS {report.ready_rss_mb:.0f} MB)"
                 + ("" if plan.burst else f"; publishing {len(records):,} crossings"))
        if not plan.burst:
            publisher.start()
        try:
            self._disrupt(worker, publisher, len(records), report)
            publisher.join()
            if publisher.error is not None:
                raise RuntimeError(f"publishing failed: {publisher.error!r}")
            calm = time.monotonic()
            self._drain(publisher, len(records), report)
            report.drain_s = time.monotonic() - calm
            account(self.settings, records, report)
        finally:
            for w in self.workers:
                self.sample(w)
                w.stop(30.0)
            self._write_memory()
        report.workers_started = len(self.workers)
        report.self_restarts = sum(
            w.log_path.read_text(errors="replace").count(SELF_RESTART) for w in self.workers
        )
        report.memory = self.memory
        report.peak_rss_mb = max((m.peak_mb for m in self.memory), default=0.0)
        report.wall_s = time.monotonic() - self.started
        return report

    def _write_memory(self) -> None:
        with (self.log_dir / "memory.tsv").open("w") as fh:
            fh.write("seconds\tpid\trss_mb\tpeak_mb\tcommitted\n")
            for m in self.memory:
                committed = "" if m.committed is None else str(m.committed)
                fh.write(f"{m.at_s:.1f}\t{m.pid}\t{m.rss_mb:.1f}\t{m.peak_mb:.1f}\t{committed}\n")

    def scenario_name(self) -> str:
        parts = []
        if self.plan.kills:
            parts.append(f"{self.plan.kills} SIGKILLs")
        if self.plan.outage_s:
            parts.append(f"broker frozen {self.plan.outage_s:g} s")
        if self.plan.scale_out:
            parts.append("1 -> 2 -> 1 workers")
        if self.plan.burst:
            parts.append("burst (all published before the worker starts)")
        return ", ".join(parts) or "steady"

    def _disrupt(
        self, worker: WorkerProcess, publisher: Publisher, total: int, report: Report
    ) -> None:
        plan = self.plan
        if plan.kills:
            moments = sorted(self.rng.uniform(0.05, 0.9) for _ in range(plan.kills))
            for i, fraction in enumerate(moments, 1):
                self._wait_progress(fraction, total, publisher, worker)
                time.sleep(self.rng.uniform(0.0, 1.0))
                behind, _ = self.progress(publisher.ends, total)
                self.say(f"kill {i}/{plan.kills} at {total - behind:,}/{total:,} committed")
                self.sample(worker, total - behind)
                worker.kill()
                report.kills += 1
                worker = self.start_worker().wait_ready(90.0)
        if plan.outage_s:
            if self.broker is None or self.broker._process is None:
                raise RuntimeError("a broker outage needs the harness's own embedded broker")
            publisher.join()
            self._wait_progress(0.3, total, publisher, worker)
            pid = self.broker._process.pid
            behind, _ = self.progress(publisher.ends, total)
            self.say(f"freezing the broker for {plan.outage_s:g} s "
                     f"({total - behind:,}/{total:,} committed)")
            os.kill(pid, signal.SIGSTOP)
            try:
                deadline = time.monotonic() + plan.outage_s
                while time.monotonic() < deadline:
                    self.sample(worker)
                    time.sleep(0.5)
            finally:
                os.kill(pid, signal.SIGCONT)
            report.outage_s = plan.outage_s
            self.say("broker resumed")
        if plan.scale_out:
            self._wait_progress(0.2, total, publisher, worker)
            self.say("starting a second worker")
            second = self.start_worker().wait_ready(90.0)
            self._wait_progress(0.6, total, publisher, worker)
            behind, _ = self.progress(publisher.ends, total)
            self.say(f"stopping the second worker ({total - behind:,}/{total:,} committed)")
            self.sample(second, total - behind)
            second.stop(30.0)

    def _drain(self, publisher: Publisher, total: int, report: Report) -> None:
        deadline = time.monotonic() + self.plan.drain_timeout_s
        next_say = time.monotonic() + 30.0
        while True:
            behind, at_end = self.progress(publisher.ends, total)
            for w in self.workers:
                self.sample(w, total - behind)
            if at_end:
                report.offsets_at_end = True
                report.uncommitted = 0
                return
            if not any(w.alive() for w in self.workers):
                raise RuntimeError(f"no worker alive: {self.workers[-1].tail()}")
            if time.monotonic() > deadline:
                report.uncommitted = behind
                return
            if time.monotonic() >= next_say:
                next_say += 30.0
                rss = ", ".join(f"{m.rss_mb:.0f}" for m in self.memory[-len(self.workers):])
                self.say(f"{total - behind:,}/{total:,} committed; RSS {rss} MB")
            time.sleep(0.3)


def run(
    plan: Plan, log_dir: Path, bootstrap: str | None = None,
    say: Callable[[str], None] = print, **settings: Any,
) -> Report:
    """A whole scenario: a broker (the given one or an embedded one), workers, accounting."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with broker_for(bootstrap, log_dir) as (servers, broker):
        return Run(plan, servers, log_dir, broker, say, **settings).execute()


@dataclass
class BurstStep:
    """One burst: how many crossings, how long the worker took, its peak RSS after."""

    events: int
    drain_s: float
    peak_rss_mb: float


def burst_memory(
    bootstrap: str, log_dir: Path, sizes: tuple[int, ...], clean_pool: int = 200,
    say: Callable[[str], None] = print,
) -> tuple[float, list[BurstStep], Report]:
    """One worker takes bursts of growing size, each published at once while it waits;
    returns its RSS when ready, its peak RSS (VmHWM) after each burst, and the accounting
    of every crossing of all bursts. Clean travellers' names come from a small pool so the
    matcher's caches fill in the first burst and any later growth is the backlog's."""
    log_dir.mkdir(parents=True, exist_ok=True)
    settings = harness_settings(bootstrap, 4)
    entries = watchlist_entries(300)
    ensure_topics(settings)
    publish_watchlist(settings, entries)
    settings = settings.model_copy(update={"metrics_port": free_port()})
    worker = WorkerProcess(settings, log_dir / "burst-worker.log").start()
    steps = []
    published: list[Crossing] = []
    try:
        worker.wait_ready(90.0)
        ready_mb = worker.memory_kb().get("VmRSS", 0) / 1024
        ends: dict[int, int] = {}
        for n, size in enumerate(sizes):
            records = crossings(size, entries, seed=100 + n, prefix=f"b{n}",
                                clean_pool=clean_pool)
            published += records
            for p, end in publish_crossings(settings, records).items():
                ends[p] = max(ends.get(p, 0), end)
            started = time.monotonic()
            while True:
                done = committed(settings, settings.topic_crossings)
                if all(done.get(p, -1) >= end for p, end in ends.items()):
                    break
                if not worker.alive():
                    raise RuntimeError(f"worker died: {worker.tail()}")
                if time.monotonic() - started > 900:
                    raise RuntimeError(f"burst of {size} not drained in 900 s")
                time.sleep(0.3)
            steps.append(BurstStep(size, time.monotonic() - started,
                                   worker.memory_kb()["VmHWM"] / 1024))
            say(f"burst of {size:,}: drained in {steps[-1].drain_s:.1f} s, "
                f"peak RSS {steps[-1].peak_rss_mb:.0f} MB")
    finally:
        worker.stop(30.0)
    report = Report(
        scenario=f"bursts of {', '.join(f'{n:,}' for n in sizes)}", events=len(published),
        planted=sum(r.kind == "planted" for r in published),
        invalid=sum(r.kind == "invalid" for r in published),
        offsets_at_end=True,  # each burst was waited for until committed to its end
        workers_started=1, ready_rss_mb=ready_mb, peak_rss_mb=steps[-1].peak_rss_mb,
    )
    return ready_mb, steps, account(settings, published, report)
