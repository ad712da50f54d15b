"""How long a worker takes to be ready: reading the whole watchlist topic, against starting
from a snapshot of the index (`streams.snapshot`), side by side on one broker.

    python -m bench.startup [--entries 100000] [--changes 1000] [--workdir DIR] [--json F]

Publishes the pipeline benchmark's list (`bench.pipeline`), starts a worker that reads the
whole topic, writes a snapshot (`borderwatch snapshot`), changes the list (`--changes`
records: a tenth of them tombstones of listed entries, the rest new entries), then starts a
worker from the snapshot, which must read those changes too, and writes the snapshot again
from the last one. Each worker's time to ready is from its process's start to its
`borderwatch_index_ready` gauge at 1, and both must end up holding the same entries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.pipeline import Options, PipelineBench, broker_for, machine_info
from bench.pipeline_data import ListedFactory
from bench.pipeline_procs import BORDERWATCH, Proc, wait_ready
from config import Settings
from streams.broker import free_port
from streams.kafka import producing
from streams.worker_process import start_command, stop_process

ENTRIES = "borderwatch_watchlist_entries{"  # (a sample per list: list_id="...")


@dataclass
class Start:
    """One worker's start: seconds to ready, CPU seconds spent by then, peak RSS, and the
    entries it held when ready (by list)."""

    how: str
    ready_s: float
    cpu_s: float
    peak_mb: float
    entries: dict[str, float]


@dataclass
class Written:
    """One run of `borderwatch snapshot`: wall seconds, the file's size, and the process's
    peak RSS."""

    how: str
    seconds: float
    mb: float
    output: str
    peak_mb: float


@dataclass
class Report:
    """Every figure of a run (what `--json` writes)."""

    options: dict[str, Any]
    machine: dict[str, Any]
    starts: list[Start] = field(default_factory=list)
    snapshots: list[Written] = field(default_factory=list)


class StartupBench:
    """One benchmark run against one broker."""

    def __init__(self, entries: int, changes: int, workdir: Path, bootstrap: str) -> None:
        options = Options(entries=entries, crossings=0, workdir=workdir, ready_timeout_s=3_600)
        self.pipeline = PipelineBench(options, bootstrap)
        self.changes = changes
        self.snapshot_path = workdir / f"{self.pipeline.tag}-index.bin"
        self.report = Report(
            {"entries": entries, "changes": changes, "workdir": str(workdir)}, machine_info()
        )

    def settings(self, phase: str, **overrides: Any) -> Settings:
        tag = self.pipeline.tag
        return self.pipeline.settings(phase, f"{tag}.crossings", **overrides)

    def start(self, how: str, **overrides: Any) -> Start:
        # (INFO: the log says whether a snapshot was loaded, or why not)
        settings = self.settings(how, metrics_port=free_port(), log_level="INFO", **overrides)
        proc = Proc(
            BORDERWATCH, settings, self.pipeline.o.workdir / f"{self.pipeline.tag}-{how}.log"
        )
        proc.start()
        try:
            wait_ready([proc], self.pipeline.o.ready_timeout_s)
            assert proc.ready_after_s is not None
            loaded = "loaded from snapshot" in proc.log_path.read_text(errors="replace")
            if loaded != ("snapshot_path" in overrides):
                raise RuntimeError(f"{how}: snapshot loaded: {loaded}; {proc.tail()}")
            held = {k.split('"')[1]: v for k, v in proc.metrics().items() if k.startswith(ENTRIES)}
            return Start(how, proc.ready_after_s, proc.cpu_at_ready, proc.peak_mb(), held)
        finally:
            proc.stop()

    def write_snapshot(self, how: str) -> Written:
        settings = self.settings("snapshot", snapshot_path=self.snapshot_path)
        log = self.pipeline.o.workdir / f"{self.pipeline.tag}-snapshot-{how}.log"
        started = time.monotonic()
        process = start_command(settings, ["snapshot"], log, cwd=log.parent)
        try:
            code, peak_mb = _wait_peak(process, self.pipeline.o.ready_timeout_s)
        finally:
            stop_process(process)
        seconds = time.monotonic() - started
        output = log.read_text(errors="replace")
        if code != 0:
            raise RuntimeError(f"borderwatch snapshot exited with {code}: {output[-3000:]}")
        found = re.findall(r"snapshot of .*", output)
        size_mb = self.snapshot_path.stat().st_size / 1e6
        return Written(how, seconds, size_mb, found[-1], peak_mb)

    def change_list(self) -> dict[str, int]:
        """Publish the changes; the entries then expected by list."""
        rng = random.Random(self.pipeline.o.seed + 2)
        deleted = rng.sample(self.pipeline.pool, min(len(self.pipeline.pool), self.changes // 10))
        factory = ListedFactory(random.Random(self.pipeline.o.seed + 3))
        added = [
            factory.entry(self.pipeline.o.entries + i) for i in range(self.changes - len(deleted))
        ]
        settings = self.settings("setup")
        with producing(settings) as producer:
            for entry in deleted:
                producer.send(settings.topic_watchlist, key=entry["entry_id"].encode(), value=None)
            for entry in added:
                producer.send(
                    settings.topic_watchlist,
                    key=entry["entry_id"].encode(),
                    value=json.dumps(entry, ensure_ascii=False).encode(),
                )
        counts: dict[str, int] = {}
        for entry in added:
            counts[entry["list_id"]] = counts.get(entry["list_id"], 0) + 1
        for entry in deleted:
            counts[entry["list_id"]] = counts.get(entry["list_id"], 0) - 1
        return counts

    def run(self, echo: Any = print) -> Report:
        echo(f"publishing {self.pipeline.o.entries} entries")
        self.pipeline.publish_watchlist()
        fresh = self.start("whole-topic")
        echo(f"  read the whole topic: ready in {fresh.ready_s:.1f} s")
        self.report.snapshots.append(self.write_snapshot("afresh"))
        echo(f"  {self.report.snapshots[-1].output}")
        change = self.change_list()
        resumed = self.start("from-snapshot", snapshot_path=self.snapshot_path)
        echo(f"  from the snapshot, with {self.changes} changes: ready in {resumed.ready_s:.1f} s")
        expected = {k: fresh.entries.get(k, 0) + change.get(k, 0) for k in fresh.entries | change}
        if {k: v for k, v in resumed.entries.items() if v} != {
            k: v for k, v in expected.items() if v
        }:
            raise RuntimeError(f"from the snapshot it held {resumed.entries}, not {expected}")
        self.report.starts += [fresh, resumed]
        self.report.snapshots.append(self.write_snapshot("from the last one"))
        echo(f"  {self.report.snapshots[-1].output}")
        return self.report


def _wait_peak(process: subprocess.Popen[bytes], timeout_s: float) -> tuple[int, float]:
    """Wait for `process` to end: its exit code, and its peak RSS in MB as the kernel
    counted it (reaped with `os.wait4`: /proc no longer has an ended process)."""
    deadline = time.monotonic() + timeout_s
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss / 1024
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(process.args, timeout_s)
        time.sleep(0.2)


def render(report: Report) -> str:
    lines = [
        f"start-up with {report.options['entries']:,} entries "
        f"({report.machine['date']}, a dependent load over 128 MB: "
        f"{report.machine['memory_ns']} ns)",
        "| worker | ready | CPU s by then | peak RSS | entries held |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in report.starts:
        lines.append(
            f"| {s.how} | {s.ready_s:.1f} s | {s.cpu_s:.1f} | {s.peak_mb:,.0f} MB | "
            f"{sum(s.entries.values()):,.0f} |"
        )
    lines += ["", "| snapshot | wall | file | peak RSS |", "|---|---:|---:|---:|"]
    for w in report.snapshots:
        lines.append(f"| {w.how} | {w.seconds:.1f} s | {w.mb:,.0f} MB | {w.peak_mb:,.0f} MB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    p = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n")[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--changes", type=int, default=1_000, help="list changes between the starts")
    p.add_argument("--bootstrap", default=None, help="use this broker, not an embedded one")
    p.add_argument("--workdir", type=Path, default=Options().workdir)
    p.add_argument("--json", type=Path, default=None, help="write every figure here")
    a = p.parse_args(argv)
    with broker_for(a.bootstrap, a.workdir) as servers:
        bench = StartupBench(a.entries, a.changes, a.workdir, servers)
        args = sys.argv[1:] if argv is None else argv
        bench.report.machine["command"] = " ".join(["python -m bench.startup", *args])
        report = bench.run()
    print(render(report))
    if a.json is not None:
        a.json.write_text(json.dumps(asdict(report), indent=2))
    return report


if __name__ == "__main__":
    main()
