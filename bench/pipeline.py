"""The whole pipeline against its ceiling: broker, real worker processes, real name data.

    python -m bench.pipeline [--entries 100000] [--crossings 200000] [--workers 1,2]
                             [--rates 500,1000,2000] [--bootstrap HOST:PORT] [--profile]

Starts the embedded broker (or uses --bootstrap), publishes a watchlist of --entries people
with real names (bench/pipeline_data.py), pre-publishes --crossings crossings of which
--share are listed people, then runs, each as a subprocess with the same consumer settings:

- the ceiling: bench/passthrough.py, a Faust agent that validates and forwards, no matching;
- borderwatch: `python -m streams.cli worker`, with one worker, then two.

Full speed: crossings/s from the first crossing taken to the last (or to --duration),
counted on /metrics every 0.1 s; CPU seconds per 1,000 crossings from /proc/<pid>/stat;
peak RSS (VmHWM); start-up until ready. No crossing may be taken before a worker is ready:
the crossings are published before it starts, and some are by people listed last.

Latency: one fresh worker, crossings offered at each --rates rate for --rate-seconds, from
the crossing's Kafka timestamp to its alert's (the pass-through: to the forwarded record's).
A rate is marked overloaded when the backlog it leaves takes over 5 s to work off; one
whose backlog passes 5 s of input is stopped there, and higher rates are skipped.

--profile records the worker's hot path with py-spy during the one-worker full-speed run.
Prints a Markdown report; --json writes every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import memory_latency_ns
from bench.pipeline_data import Crossing, ListedFactory, crossings
from bench.pipeline_procs import (
    BORDERWATCH,
    PASSTHROUGH,
    Kind,
    Proc,
    child_pids,
    cpu_seconds,
    wait_ready,
)
from config import Settings
from streams.broker import EmbeddedBroker, free_port
from streams.kafka import committed, ensure_topics, producing, read_until

ROOT = Path(__file__).resolve().parents[1]
Echo = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Options:
    entries: int = 100_000
    crossings: int = 200_000
    share: float = 0.01
    latency_share: float = 0.05
    workers: tuple[int, ...] = (1, 2)
    rates: tuple[int, ...] = (500, 1_000, 2_000)
    rate_seconds: float = 20.0
    duration_s: float = 180.0
    ready_timeout_s: float = 1_800.0
    partitions: int = 4
    batch_size: int = Settings.model_fields["batch_size"].default
    seed: int = 7
    profile: bool = False
    profile_seconds: float = 20.0
    ceiling: bool = True
    latency: bool = True
    latency_ceiling: bool = True
    workdir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "bw-bench")


@dataclass(frozen=True)
class Planted:
    """A crossing by a listed person, and where it landed."""

    entry_id: str
    partition: int
    offset: int


@dataclass
class FullSpeed:
    """One full-speed run: a kind of process, how many, what they did."""

    kind: str
    workers: int
    entries: int
    published: int
    taken: int = 0
    seconds: float = 0.0
    rate: float = 0.0
    capped: bool = False
    cpu_s_per_1000: float = 0.0
    broker_cpu_s_per_1000: float | None = None
    peak_rss_mb: list[float] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)
    taken_per_worker: list[int] = field(default_factory=list)
    took_before_ready: int = 0
    outputs: int = 0
    planted: int = 0
    planted_found: int = 0
    planted_last: int = 0
    planted_last_found: int = 0
    output_span_rate: float | None = None
    alerted_crossings: int = 0  # crossings with at least one alert
    unplanted_alerts: int = 0  # alerts for another entry than the planted one, or none


@dataclass
class Latency:
    kind: str
    offered: int
    sent: int = 0
    achieved: float = 0.0
    samples: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    overloaded: bool = False
    skipped: bool = False


@dataclass
class Report:
    options: dict[str, Any]
    machine: dict[str, Any]
    full_speed: list[FullSpeed] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    watchlist_publish_s: float = 0.0


def machine_info() -> dict[str, Any]:
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    digest = hashlib.sha256()
    for path in sorted((ROOT / "matchers").glob("*.py")):
        digest.update(path.read_bytes())
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024),
        "python": platform.python_version(),
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
        "memory_ns": round(memory_latency_ns(), 1),
        "event_loop": Settings().event_loop,
        "git_head": head,
        "matchers_sha256": digest.hexdigest()[:12],
    }


class PipelineBench:
    """One benchmark run against one broker."""

    def __init__(self, options: Options, bootstrap: str, echo: Echo = _stderr) -> None:
        self.o = options
        self.bootstrap = bootstrap
        self.echo = echo
        self.tag = f"bp{uuid.uuid4().hex[:6]}"
        self.rng = random.Random(options.seed)
        self.pool: list[dict[str, Any]] = []  # listed people the crossings may plant
        self.last: list[dict[str, Any]] = []  # the last entries published
        self.options.workdir.mkdir(parents=True, exist_ok=True)
        self.procs: list[Proc] = []
        self.report = Report(asdict(options) | {"workdir": str(options.workdir)}, machine_info())

    @property
    def options(self) -> Options:
        return self.o

    def settings(self, phase: str, crossings_topic: str, **overrides: Any) -> Settings:
        """Settings of one phase: its own group and outputs, short group timing."""
        values: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap,
            "app_id": f"{self.tag}-{phase}",
            "topic_crossings": crossings_topic,
            "topic_watchlist": f"{self.tag}.watchlist",
            "topic_alerts": f"{self.tag}.{phase}.alerts",
            "topic_dlq": f"{self.tag}.{phase}.dlq",
            "partitions": self.o.partitions,
            "batch_size": self.o.batch_size,
            "rebalance_timeout_s": 3.0,
            "session_timeout_s": 10.0,
            "heartbeat_interval_s": 1.0,
            "commit_interval_s": 0.5,
            "log_level": "WARNING",
        }
        values.update(overrides)
        return Settings(**values)

    # -- publishing -------------------------------------------------------------------

    def publish_watchlist(self) -> float:
        """Publish the list; keep a sample of entries (and the last ones) to plant."""
        s = self.settings("setup", f"{self.tag}.setup")
        ensure_topics(s)
        factory = ListedFactory(random.Random(self.o.seed + 1))
        keep = 20_000
        tail_from = self.o.entries - min(100, max(1, self.o.entries // 100))
        started = time.monotonic()
        with producing(s, linger_ms=50, batch_size=512 * 1024) as producer:
            for i in range(self.o.entries):
                entry = factory.entry(i)
                producer.send(
                    s.topic_watchlist,
                    key=entry["entry_id"].encode(),
                    value=json.dumps(entry, ensure_ascii=False).encode(),
                )
                if i >= tail_from:
                    self.last.append(entry)
                elif len(self.pool) < keep:
                    self.pool.append(entry)
                elif (j := self.rng.randrange(i + 1)) < keep:
                    self.pool[j] = entry
                if i and i % 100_000 == 0:
                    self.echo(f"  watchlist: {i} entries published")
        return time.monotonic() - started

    def publish(self, topic: str, records: Iterable[Crossing]) -> dict[str, Planted]:
        """Publish crossings as fast as possible; where each planted one landed."""
        s = self.settings("setup", topic)
        ensure_topics(s)
        sends = []
        with producing(s, linger_ms=20, batch_size=256 * 1024) as producer:
            for c in records:
                future = producer.send(topic, key=c.event_id.encode(), value=c.value)
                if c.entry_id:
                    sends.append((c, future))
        planted = {}
        for c, future in sends:
            where = future.get(timeout=30)
            planted[c.event_id] = Planted(c.entry_id or "", where.partition, where.offset)
        return planted

    def crossing_stream(self, count: int, share: float, prefix: str) -> Iterator[Crossing]:
        """Crossings where a fifth of the planted people are among the last listed."""
        rng = random.Random(f"{self.o.seed}-{prefix}")
        listed = self.pool + self.last * max(1, len(self.pool) // max(4 * len(self.last), 1))
        return crossings(count, listed, share, rng, prefix=prefix)

    # -- running ----------------------------------------------------------------------

    def start(self, kind: Kind, settings: Settings, name: str) -> Proc:
        proc = Proc(kind, settings, self.o.workdir / f"{self.tag}-{name}.log").start()
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:  # all at once: each takes a few seconds to leave its group
            proc.terminate()
        for proc in self.procs:
            proc.stop()
        self.procs.clear()

    def full_speed(
        self,
        kind: Kind,
        workers: int,
        topic: str,
        planted: dict[str, Planted],
        profile: bool = False,
    ) -> FullSpeed:
        """Start the processes on pre-published crossings; time them until all are taken."""
        phase = f"{kind.label[:4]}{workers}"
        run = FullSpeed(kind.label, workers, self.o.entries if kind is BORDERWATCH else 0,
                        self.o.crossings)
        procs = [
            self.start(kind, self.settings(phase, topic, metrics_port=free_port()), f"{phase}-{i}")
            for i in range(workers)
        ]
        wait_ready(procs, self.o.ready_timeout_s)
        run.ready_s = [round(p.ready_after_s or 0.0, 1) for p in procs]
        run.took_before_ready = sum(p.took_before_ready for p in procs)
        self.echo(f"  {phase}: ready after {run.ready_s} s")
        brokers = child_pids("--storage-engine")
        profiler = self._profile(procs[0]) if profile else None
        # Counts move a batch at a time (up to --batch-size crossings), so the window runs
        # from the first count seen to the last change of it: both ends on batch boundaries,
        # no batch half done inside. A run whose window holds under a quarter of its crossings
        # (it was nearly done before it could be watched: small runs, or a worker ready well
        # before the others) or no clock tick of CPU is not timed: its figures would describe
        # a sliver.
        start = (min(p.ready_at for p in procs), 0.0, sum(p.cpu_at_ready for p in procs),
                 _cpu(brokers))
        first: tuple[float, float, float, float] | None = None
        last = start
        deadline = start[0] + self.o.duration_s
        while True:
            counts = [p.poll()[1] for p in procs]
            now = time.monotonic()
            taken = sum(counts)
            if taken > last[1]:
                last = (now, taken, sum(p.cpu() for p in procs), _cpu(brokers))
                if first is None:
                    first = last
                    deadline = now + self.o.duration_s
            if taken >= self.o.crossings or now >= deadline:
                break
            # Scraping costs the worker CPU: twice a second once running, often at the ends.
            near = first is None or taken > 0.95 * self.o.crossings
            time.sleep(0.1 if near else 0.5)
        run.taken = int(taken)
        run.taken_per_worker = [int(c) for c in counts]
        run.capped = taken < self.o.crossings
        if first is not None:
            run.seconds = last[0] - first[0]
            counted = last[1] - first[1]
            cpu = last[2] - first[2]
            if counted >= 0.25 * taken and run.seconds > 0 and cpu > 0:
                run.rate = counted / run.seconds
                run.cpu_s_per_1000 = 1000 * cpu / counted
                if brokers:
                    run.broker_cpu_s_per_1000 = 1000 * (last[3] - first[3]) / counted
        run.peak_rss_mb = [round(p.peak_mb()) for p in procs]
        if profiler is not None:
            self.report.profiles[f"{kind.label} x{workers}"] = _finish_profile(profiler)
        outputs = int(sum(p.last.get("borderwatch_alerts_total", 0.0) for p in procs))
        if kind is PASSTHROUGH:
            outputs = run.taken
        self.stop_all()
        records = read_topic(procs[0].settings, procs[0].settings.topic_alerts, outputs)
        run.outputs = len(records)
        if kind is PASSTHROUGH and len(records) > 1:
            stamps = sorted(r.timestamp for r in records)
            run.output_span_rate = 1000 * (len(stamps) - 1) / max(stamps[-1] - stamps[0], 1)
        else:
            found = {_alert_key(r.value) for r in records}
            run.alerted_crossings = len({event_id for event_id, _ in found})
            run.unplanted_alerts = len(found - {(e, p.entry_id) for e, p in planted.items()})
            last_ids = {e["entry_id"] for e in self.last}
            # A capped run took only part of the topic: count the planted crossings below
            # the offsets the group committed.
            done = committed(procs[0].settings, topic) if run.capped else None
            taken_plants = [
                (event_id, p.entry_id)
                for event_id, p in planted.items()
                if done is None or p.offset < done.get(p.partition, 0)
            ]
            run.planted = len(taken_plants)
            run.planted_found = sum(1 for k in taken_plants if k in found)
            run.planted_last = sum(1 for k in taken_plants if k[1] in last_ids)
            run.planted_last_found = sum(
                1 for k in taken_plants if k[1] in last_ids and k in found
            )
        return run

    def _profile(self, proc: Proc) -> subprocess.Popen[bytes] | None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            self.echo("  py-spy not found: no profile")
            return None
        out = self.o.workdir / f"{self.tag}-{proc.kind.label}-profile.txt"
        return subprocess.Popen(
            [spy, "record", "-p", str(proc.pid), "-d", str(int(self.o.profile_seconds)),
             "-r", "200", "-f", "raw", "-o", str(out), "--nonblocking", "--threads"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )

    def latency_run(self, kind: Kind, planted_pool_share: float) -> list[Latency]:
        """One process; each rate offered in turn on its own event-id prefix."""
        topic = f"{self.tag}.lat-{kind.label}.crossings"
        phase = f"lat{kind.label[:4]}"
        s = self.settings(phase, topic, metrics_port=free_port())
        ensure_topics(s)
        proc = self.start(kind, s, phase)
        wait_ready([proc], self.o.ready_timeout_s)
        warm = list(self.crossing_stream(20, 0.0, f"warm-{kind.label}"))
        self.publish(topic, warm)
        sent_total = len(warm)
        self._wait_taken(proc, sent_total, 120.0)
        results = []
        overloaded = False
        for rate in self.o.rates:
            result = Latency(kind.label, rate)
            results.append(result)
            if overloaded:
                result.skipped = True
                continue
            count = int(rate * self.o.rate_seconds)
            stream = self.crossing_stream(count, planted_pool_share, f"r{rate}-{kind.label}")
            result.sent, result.achieved, stopped = self._offer(proc, s, stream, rate, sent_total)
            sent_total += result.sent
            # A sustainable rate leaves no more behind than the fetch wait and a batch or
            # two, worked off within seconds once the offer ends.
            result.overloaded = stopped or not self._wait_taken(proc, sent_total, 5.0)
            self._wait_taken(proc, sent_total, 60.0)
            overloaded = stopped
            self.echo(f"  {kind.label} at {rate}/s: sent {result.sent}, overloaded={overloaded}")
        expected = int(proc.last.get("borderwatch_alerts_total", 0.0))
        if kind is PASSTHROUGH:
            expected = int(sum(r.sent for r in results))
        self.stop_all()
        records = read_topic(s, s.topic_alerts, expected)
        by_rate: dict[str, list[float]] = {}
        for record in records:
            prefix, ms = _latency_of(record, kind)
            by_rate.setdefault(prefix, []).append(ms)
        for result in results:
            values = sorted(by_rate.get(f"r{result.offered}-{kind.label}", []))
            result.samples = len(values)
            if values:
                result.p50_ms = _pct(values, 0.50)
                result.p95_ms = _pct(values, 0.95)
                result.p99_ms = _pct(values, 0.99)
                result.max_ms = values[-1]
        return results

    def _offer(
        self, proc: Proc, s: Settings, stream: Iterator[Crossing], rate: int, before: int
    ) -> tuple[int, float, bool]:
        """Send at `rate`/s; stop early once the backlog exceeds 5 s of input."""
        sent = 0
        started = time.monotonic()
        next_check = started + 0.5
        with producing(s, linger_ms=2) as producer:
            for c in stream:
                producer.send(s.topic_crossings, key=c.event_id.encode(), value=c.value)
                sent += 1
                now = time.monotonic()
                if now >= next_check:
                    next_check = now + 0.5
                    taken = proc.poll()[1]
                    if before + sent - taken > max(5 * rate, 200):
                        return sent, sent / (now - started), True
                ahead = started + sent / rate - now
                if ahead > 0.001:
                    time.sleep(ahead)
        return sent, sent / (time.monotonic() - started), False

    def _wait_taken(self, proc: Proc, count: int, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.poll()[1] >= count:
                return True
            time.sleep(0.1)
        return False

    # -- the whole run ----------------------------------------------------------------

    def run(self) -> Report:
        self.echo(f"publishing a watchlist of {self.o.entries} entries ({self.tag}.watchlist)")
        self.report.watchlist_publish_s = round(self.publish_watchlist(), 1)
        topic = f"{self.tag}.crossings"
        self.echo(f"publishing {self.o.crossings} crossings, {self.o.share:.1%} by listed people")
        planted = self.publish(topic, self.crossing_stream(self.o.crossings, self.o.share, "fs"))
        try:
            for workers in self.o.workers:
                profile = self.o.profile and workers == self.o.workers[0]
                if self.o.ceiling:
                    self.echo(f"ceiling: pass-through x{workers}")
                    self.report.full_speed.append(
                        self.full_speed(PASSTHROUGH, workers, topic, planted, profile)
                    )
                self.echo(f"borderwatch x{workers}")
                self.report.full_speed.append(
                    self.full_speed(BORDERWATCH, workers, topic, planted, profile)
                )
            if self.o.latency:
                if self.o.ceiling and self.o.latency_ceiling:
                    self.echo("latency: pass-through")
                    self.report.latency += self.latency_run(PASSTHROUGH, self.o.latency_share)
                self.echo("latency: borderwatch")
                self.report.latency += self.latency_run(BORDERWATCH, self.o.latency_share)
        finally:
            self.stop_all()
        self.report.machine["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
        return self.report


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with suppress(OSError):
            total += cpu_seconds(pid)
    return total


def _finish_profile(profiler: subprocess.Popen[bytes]) -> str:
    profiler.wait(timeout=120)
    args = profiler.args
    assert isinstance(args, list)
    path = Path(str(args[args.index("-o") + 1]))
    expected = int(args[args.index("-d") + 1]) * int(args[args.index("-r") + 1])
    return summarize_profile(path.read_text(), expected=expected) if path.exists() else ""


# Where a worker's time goes, by the first of these found in a stack (outermost first).
PROFILE_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("matching", ("Matcher.match ", "Matcher.match_many ")),
    ("decode/validate", ("CrossingPipeline.decode", "model_validate_json")),
    ("alert building", ("alerts_for ", "_review ", "AlertHistory.", "alert_payload", "Alert.")),
    ("metrics", ("WorkerMetrics.", "report_lag ")),
    ("producing", ("Worker._deliver", "Worker._send", "_send_alert", "Producer.", "Sender.",
                   "Topic.send ", "publish_message", "_send_now", "producer/")),
    ("offsets/commit", ("commit", "Commit", "on_message_out", "Consumer.ack ", "_add_gap")),
    ("fetch/consume (Faust, aiokafka)", ("Fetcher", "getmany", "_drain_messages",
                                          "take_events", "_c_aiter", "on_message ")),
)
_IDLE_LEAVES = (
    "select (selectors", "_worker (concurrent", "_wait (threading", "wait (threading", "sleep (",
)


def profile_categories(raw: str, expected: int = 0) -> dict[str, dict[str, float]]:
    """py-spy raw stacks (recorded with --threads) as shares per thread and category.

    The event-loop thread (the one running `run_forever` from the command line) is split
    into the categories above and "other"; every other thread (Faust's consumer thread,
    the metrics server) is "busy". py-spy leaves out threads off the CPU (--idle would
    count a thread waiting for the GIL as busy where it waits), so with `expected`, the
    samples a thread would have had in the whole recording, the rest of it is "idle"."""
    threads: dict[str, dict[str, int]] = {}
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        main = any("run_forever" in f for f in frames) and not any(
            "threading.py" in f for f in frames
        )
        name = "event loop" if main else "other threads"
        idle = any(marker in frames[-1] for marker in _IDLE_LEAVES)
        if idle:
            category = "idle"
        elif not main:
            category = "busy"
        else:
            category = next(
                (cat for cat, keys in PROFILE_CATEGORIES
                 if any(k in f for f in frames for k in keys)),
                "other (event loop, Faust, aiokafka)",
            )
        bucket = threads.setdefault(name, {})
        bucket[category] = bucket.get(category, 0) + int(count_text)
    for counts in threads.values():
        busy = sum(n for cat, n in counts.items() if cat != "idle")
        if expected > busy:
            counts["idle"] = counts.get("idle", 0) + expected - busy
    return {
        name: {cat: n / sum(counts.values()) for cat, n in counts.items()}
        for name, counts in threads.items()
    }


def summarize_profile(raw: str, top: int = 25, expected: int = 0) -> str:
    """py-spy raw (collapsed) stacks as tables: the event loop's time by category, then
    inclusive and self share per function (busy samples only)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";") if not f.startswith(("thread (", "process "))]
        if not frames or any(marker in frames[-1] for marker in _IDLE_LEAVES):
            continue
        count = int(count_text)
        total += count
        for name in set(frames):
            inclusive[name] = inclusive.get(name, 0) + count
        own[frames[-1]] = own.get(frames[-1], 0) + count
    if not total:
        return ""
    lines = []
    shares = profile_categories(raw, expected)
    loop = shares.get("event loop")
    if loop:
        lines += ["Event-loop thread by category (idle: not on the CPU):", "",
                  "| share | category |",
                  "|---:|---|"]
        ranked = sorted(loop.items(), key=lambda kv: -kv[1])
        lines += [f"| {100 * v:.1f}% | {k} |" for k, v in ranked]
        lines.append("")
    ours = ("streams/", "matchers/", "watchlists/", "bench/", "faust/", "aiokafka/")
    rows = sorted(
        ((name, n) for name, n in inclusive.items()
         if any(p in name for p in ours) and "cli.py" not in name and "<module>" not in name),
        key=lambda kv: -kv[1],
    )[:top]
    lines += [f"busy samples: {total}", "", "| inclusive | self | function |", "|---:|---:|---|"]
    for name, count in rows:
        lines.append(
            f"| {100 * count / total:.1f}% | {100 * own.get(name, 0) / total:.1f}% | `{name}` |"
        )
    lines += ["", "Top by self time:", "", "| self | function |", "|---:|---|"]
    for name, count in sorted(own.items(), key=lambda kv: -kv[1])[:15]:
        lines.append(f"| {100 * count / total:.1f}% | `{name}` |")
    return "\n".join(lines)


def _frame(frame: str) -> str:
    """`function (path/to/file.py:123)` as `function (file.py)`: lines merged."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})" if path else name


def read_topic(
    settings: Settings, topic: str, expected: int, timeout_s: float = 120.0
) -> list[Any]:
    """Every record of a topic, read until `expected` arrived or the time is up."""
    return read_until(settings, topic, lambda records: len(records) >= expected, timeout_s)


def _alert_key(value: bytes) -> tuple[str, str]:
    doc = json.loads(value)
    return doc["event"]["event_id"], doc["entry"]["entry_id"]


def _latency_of(record: Any, kind: Kind) -> tuple[str, float]:
    """(event id prefix, ms from the crossing's Kafka timestamp to the output record's)."""
    if kind is PASSTHROUGH:
        source = float(dict(record.headers)["bench-source-ts"])
        event_id = record.key.decode()
    else:
        doc = json.loads(record.value)
        event_id = doc["event"]["event_id"]
        source = dt.datetime.fromisoformat(doc["ingested_at"]).timestamp() * 1000
    return event_id.rsplit("-", 1)[0], record.timestamp - source


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1], 1)


# -- the report ------------------------------------------------------------------------


def render(report: Report) -> str:
    m, o = report.machine, report.options
    lines = [
        f"Run {m['date']} on {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']};"
        f" load average {' '.join(m['loadavg_start'])} at start,"
        f" {' '.join(m.get('loadavg_end', []))} at end; a dependent load over 128 MB"
        f" {m.get('memory_ns', '?')} ns (`bench.machine`); git {m['git_head']},"
        f" matchers/*.py sha256 {m['matchers_sha256']}.",
        f"Command: `{m.get('command', 'bench.pipeline.PipelineBench (in a test)')}`",
        f"Watchlist: {o['entries']:,} entries (published in {report.watchlist_publish_s} s);"
        f" {o['crossings']:,} crossings pre-published, {o['share']:.1%} by listed people;"
        f" {o['partitions']} partitions; batch {o['batch_size']},"
        f" within {Settings().batch_within_s} s; event loop {m.get('event_loop', 'asyncio')}.",
        "",
        "| run | workers | crossings/s | of ceiling | taken | CPU s / 1,000 | broker CPU s / 1,000"
        " | peak RSS MB | ready after s | alerts | planted found | planted among last listed"
        " | taken before ready | crossings alerted | alerts not planted |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ceilings = {r.workers: r.rate for r in report.full_speed if r.kind == "passthrough"}
    for r in report.full_speed:
        ceiling = ceilings.get(r.workers)
        share = (
            f"{100 * r.rate / ceiling:.1f}%" if ceiling and r.rate and r.kind != "passthrough"
            else ""
        )
        broker = f"{r.broker_cpu_s_per_1000:.2f}" if r.broker_cpu_s_per_1000 is not None else ""
        capped = " (capped)" if r.capped else ""
        rate = f"{r.rate:,.0f}" if r.rate else "too short to time"
        cpu = f"{r.cpu_s_per_1000:.2f}" if r.rate else ""
        planted = f"{r.planted_found}/{r.planted}" if r.kind != "passthrough" else ""
        last = f"{r.planted_last_found}/{r.planted_last}" if r.kind != "passthrough" else ""
        alerted = (
            f" | {r.alerted_crossings:,} ({100 * r.alerted_crossings / max(r.taken, 1):.1f}%)"
            f" | {r.unplanted_alerts:,}" if r.kind != "passthrough" else " | |"
        )
        lines.append(
            f"| {r.kind} | {r.workers} | {rate} | {share} | {r.taken:,}{capped}"
            f" | {cpu} | {broker} | {', '.join(map(str, r.peak_rss_mb))}"
            f" | {', '.join(map(str, r.ready_s))} | {r.outputs:,} | {planted} | {last}"
            f" | {r.took_before_ready}{alerted} |"
        )
    if report.latency:
        lines += [
            "",
            "| latency | offered /s | sent | achieved /s | samples | p50 ms | p95 ms | p99 ms"
            " | max ms | note |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for la in report.latency:
            note = "skipped: a lower rate was stopped" if la.skipped else (
                "overloaded: backlog grew" if la.overloaded else "")
            lines.append(
                f"| {la.kind} | {la.offered:,} | {la.sent:,} | {la.achieved:,.0f} | {la.samples}"
                f" | {_ms(la.p50_ms)} | {_ms(la.p95_ms)} | {_ms(la.p99_ms)} | {_ms(la.max_ms)}"
                f" | {note} |"
            )
    for name, profile in report.profiles.items():
        lines += ["", f"Profile of {name} at full speed (py-spy, 200 Hz):", "",
                  profile]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


# -- command line ----------------------------------------------------------------------


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def parse_args(argv: list[str] | None) -> tuple[Options, str | None, Path | None]:
    p = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n")[0])
    d = Options()
    p.add_argument("--entries", type=int, default=d.entries, help="watchlist entries")
    p.add_argument("--crossings", type=int, default=d.crossings, help="pre-published crossings")
    p.add_argument("--share", type=float, default=d.share, help="share of listed travellers")
    p.add_argument("--latency-share", type=float, default=d.latency_share,
                   help="share of listed travellers in the latency runs (more alerts to time)")
    p.add_argument("--workers", type=_ints, default=d.workers, help="worker counts, e.g. 1,2")
    p.add_argument("--rates", type=_ints, default=d.rates, help="offered rates for latency")
    p.add_argument("--rate-seconds", type=float, default=d.rate_seconds)
    p.add_argument("--duration", type=float, default=d.duration_s,
                   help="longest full-speed run, seconds (then the rate so far is reported)")
    p.add_argument("--ready-timeout", type=float, default=d.ready_timeout_s)
    p.add_argument("--partitions", type=int, default=d.partitions)
    p.add_argument("--batch-size", type=int, default=d.batch_size,
                   help="BORDERWATCH_BATCH_SIZE for the worker and the pass-through")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--profile", action="store_true", help="py-spy the one-worker run")
    p.add_argument("--profile-seconds", type=float, default=d.profile_seconds)
    p.add_argument("--no-ceiling", action="store_true", help="skip the pass-through runs")
    p.add_argument("--no-latency", action="store_true", help="skip the fixed-rate runs")
    p.add_argument("--bootstrap", default=None, help="use this broker, not an embedded one")
    p.add_argument("--workdir", type=Path, default=d.workdir, help="logs and profiles")
    p.add_argument("--json", type=Path, default=None, help="write every figure here")
    a = p.parse_args(argv)
    options = Options(
        entries=a.entries, crossings=a.crossings, share=a.share, latency_share=a.latency_share,
        workers=a.workers, rates=a.rates, rate_seconds=a.rate_seconds, duration_s=a.duration,
        ready_timeout_s=a.ready_timeout, partitions=a.partitions, batch_size=a.batch_size,
        seed=a.seed,
        profile=a.profile, profile_seconds=a.profile_seconds, ceiling=not a.no_ceiling,
        latency=not a.no_latency, workdir=a.workdir,
    )
    return options, a.bootstrap, a.json


@contextmanager
def broker_for(bootstrap: str | None, workdir: Path) -> Iterator[str]:
    if bootstrap:
        yield bootstrap
        return
    workdir.mkdir(parents=True, exist_ok=True)
    with EmbeddedBroker(log_path=workdir / "broker.log") as broker:
        yield broker.bootstrap_servers


def main(argv: list[str] | None = None) -> int:
    options, bootstrap, json_path = parse_args(argv)
    with broker_for(bootstrap, options.workdir) as servers:
        bench = PipelineBench(options, servers)
        args = sys.argv[1:] if argv is None else argv
        bench.report.machine["command"] = " ".join(["python -m bench.pipeline", *args])
        report = bench.run()
    text = render(report)
    print(text)
    if json_path is not None:
        json_path.write_text(json.dumps(asdict(report), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
