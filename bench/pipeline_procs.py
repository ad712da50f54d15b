"""Processes the pipeline benchmark runs and measures: workers, the pass-through, the broker.

Each is a `streams.worker_process.WorkerProcess` (settings as BORDERWATCH_* environment).
Progress comes from its /metrics; CPU time from /proc/<pid>/stat (utime + stime, every
thread); peak memory from VmHWM in /proc/<pid>/status.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from config import Settings
from streams.worker_process import WorkerProcess, cpu_seconds

__all__ = ["BORDERWATCH", "PASSTHROUGH", "Kind", "Proc", "child_pids", "cpu_seconds", "wait_ready"]


def child_pids(name_part: str) -> list[int]:
    """Children of this process whose command line contains `name_part` (the broker)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me and name_part in cmdline:
            found.append(int(entry.name))
    return found


@dataclass
class Kind:
    """What to run and which metrics tell that it is ready and how much it has taken."""

    label: str
    module: str
    args: tuple[str, ...]
    ready_metric: str
    count_metrics: tuple[str, ...]


BORDERWATCH = Kind(
    "borderwatch",
    "streams.cli",
    ("worker",),
    "borderwatch_index_ready",
    ("borderwatch_crossings_total", "borderwatch_crossings_invalid_total"),
)
PASSTHROUGH = Kind(
    "passthrough",
    "bench.passthrough",
    (),
    "passthrough_ready",
    ("passthrough_crossings_total",),
)


class Proc(WorkerProcess):
    """One worker (or pass-through) subprocess and what has been seen of it."""

    def __init__(self, kind: Kind, settings: Settings, log_path: Path) -> None:
        super().__init__(settings, log_path, module=kind.module, args=kind.args,
                         ready_metric=kind.ready_metric)
        self.kind = kind
        self.started = 0.0
        self.ready_after_s: float | None = None
        self.ready_at = 0.0  # monotonic time the ready gauge was first seen at 1
        self.cpu_at_ready = 0.0
        self.took_before_ready = 0
        self.last: dict[str, float] = {}

    def start(self) -> Proc:
        self.started = time.monotonic()
        return super().start()

    def poll(self) -> tuple[bool, float]:
        """(ready, crossings taken) now; also notes any crossing taken before ready."""
        if not self.alive():
            code = self.process.returncode if self.process else None
            raise RuntimeError(f"{self.kind.label} exited with {code}: {self.tail()}")
        try:
            self.last = self.totals()
        except OSError:
            return False, 0.0
        ready = self.last.get(self.kind.ready_metric) == 1.0
        taken = sum(self.last.get(m, 0.0) for m in self.kind.count_metrics)
        if ready and self.ready_after_s is None:
            self.ready_at = time.monotonic()
            self.cpu_at_ready = self.cpu()
            self.ready_after_s = self.ready_at - self.started
        if not ready and taken > 0:
            self.took_before_ready += 1
        return ready, taken

    def cpu(self) -> float:
        return self.cpu_seconds()

    def peak_mb(self) -> float:
        return self.memory_kb().get("VmHWM", 0) / 1024


def wait_ready(procs: list[Proc], timeout_s: float) -> None:
    """Poll every 0.1 s until each process reports ready."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(p.poll()[0] for p in procs):
            return
        time.sleep(0.1)
    raise RuntimeError(f"not ready within {timeout_s:.0f} s: {procs[0].tail()}")
