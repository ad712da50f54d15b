"""A `borderwatch` command in a process of its own, and a worker's readiness from /metrics.

The demo, the tests and the benchmarks start real workers; this is the one way to do it:
settings passed as the child's environment, output to a log file, ready once the worker's
`borderwatch_index_ready` gauge says so. The benchmarks also kill workers (SIGKILL) and
read their memory and CPU time from /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Self

from config import Settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def start_command(
    settings: Settings,
    args: Sequence[str],
    log_path: Path,
    module: str = "streams.cli",
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """`python -m MODULE ARGS` (by default `borderwatch ARGS`) with these settings as its
    environment, in `cwd` (the caller's by default)."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **settings.as_env()},
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        cwd=cwd,
    )


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the most it has been) of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(rest.split()[0])
    return out


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (every thread)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class WorkerProcess:
    """`borderwatch worker` with the given settings (its metrics port must be set).

    `module`, `args` and `ready_metric` run another Faust process the same way (the
    benchmark's pass-through)."""

    def __init__(
        self,
        settings: Settings,
        log_path: Path,
        *,
        module: str = "streams.cli",
        args: Sequence[str] = ("worker",),
        ready_metric: str = "borderwatch_index_ready",
    ) -> None:
        self.settings = settings
        self.log_path = log_path
        self.module = module
        self.args = tuple(args)
        self.ready_metric = ready_metric
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.metrics_port}/metrics"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("worker not started")
        return self.process.pid

    def start(self) -> Self:
        """Start it in its log's directory: Faust makes its data directory where it runs,
        and a test's or a benchmark's workers must not leave theirs in the caller's."""
        self.process = start_command(
            self.settings, self.args, self.log_path, self.module, cwd=self.log_path.parent
        )
        return self

    def metrics(self) -> dict[str, float]:
        """Each sample line of /metrics, keyed by its name with labels."""
        with urllib.request.urlopen(self.metrics_url, timeout=2) as response:
            text = response.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def totals(self) -> dict[str, float]:
        """Each metric family summed over its labels."""
        out: dict[str, float] = {}
        for name, value in self.metrics().items():
            family = name.split("{", 1)[0]
            out[family] = out.get(family, 0.0) + value
        return out

    def wait_ready(self, timeout_s: float = 60.0) -> Self:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                code = self.process.returncode if self.process else None
                raise RuntimeError(f"worker exited with {code}: {self.tail()}")
            try:
                if self.metrics().get(self.ready_metric) == 1.0:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout_s} s: {self.tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def memory_kb(self) -> dict[str, int]:
        """VmRSS and VmHWM now, in kB."""
        return memory_kb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        """SIGTERM without waiting (stop several at once, then `stop` each)."""
        if self.alive():
            assert self.process is not None
            self.process.terminate()

    def stop(self, timeout_s: float = 20.0) -> None:
        stop_process(self.process, timeout_s)
        self.process = None


def stop_process(process: subprocess.Popen[bytes] | None, timeout_s: float = 20.0) -> None:
    """SIGTERM, then SIGKILL if it has not stopped in time."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
