"""Processes the pipeline benchmark runs and measures: workers, the pass-through, the broker.

Each is a real subprocess given its settings as BORDERWATCH_* environment. Progress comes from
its /metrics; CPU time from /proc/<pid>/stat (utime + stime, every thread); peak memory from
VmHWM in /proc/<pid>/status.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from config import Settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


def scrape(url: str) -> dict[str, float]:
    """Each metric family of a /metrics page, summed over its labels."""
    totals: dict[str, float] = {}
    with urllib.request.urlopen(url, timeout=2) as response:
        for line in response.read().decode().splitlines():
            if line and not line.startswith("#") and " " in line:
                name, value = line.rsplit(" ", 1)
                family = name.split("{", 1)[0]
                totals[family] = totals.get(family, 0.0) + float(value)
    return totals


@dataclass
class Kind:
    """What to run and which metrics tell that it is ready and how much it has taken."""

    label: str
    command: list[str]
    ready_metric: str
    count_metrics: tuple[str, ...]


BORDERWATCH = Kind(
    "borderwatch",
    ["-m", "streams.cli", "worker"],
    "borderwatch_index_ready",
    ("borderwatch_crossings_total", "borderwatch_crossings_invalid_total"),
)
PASSTHROUGH = Kind(
    "passthrough",
    ["-m", "bench.passthrough"],
    "passthrough_ready",
    ("passthrough_crossings_total",),
)


@dataclass
class Proc:
    """One worker (or pass-through) subprocess and what has been seen of it."""

    kind: Kind
    settings: Settings
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ready_after_s: float | None = None
    ready_at: float = 0.0  # monotonic time the ready gauge was first seen at 1
    cpu_at_ready: float = 0.0
    took_before_ready: int = 0
    last: dict[str, float] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.metrics_port}/metrics"

    def start(self) -> Proc:
        env = {**os.environ, **self.settings.as_env()}
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, *self.kind.command],
            env=env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        return self

    def poll(self) -> tuple[bool, float]:
        """(ready, crossings taken) now; also notes any crossing taken before ready."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.kind.label} exited with {self.process.returncode}: {self.tail()}"
            )
        try:
            self.last = scrape(self.url)
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
        return cpu_seconds(self.pid)

    def peak_mb(self) -> float:
        return peak_rss_mb(self.pid)

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def wait_ready(procs: list[Proc], timeout_s: float) -> None:
    """Poll every 0.1 s until each process reports ready."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(p.poll()[0] for p in procs):
            return
        time.sleep(0.1)
    raise RuntimeError(f"not ready within {timeout_s:.0f} s: {procs[0].tail()}")
