"""A `borderwatch` command in a process of its own, and a worker's readiness from /metrics.

The demo, the tests and the benchmarks start real workers; this is the one way to do it:
settings passed as the child's environment, output to a log file, ready once the worker's
`borderwatch_index_ready` gauge says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config import Settings


def start_command(settings: Settings, args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    """`python -m streams.cli ARGS` with these settings as its environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **settings.as_env()},
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )


class WorkerProcess:
    """`borderwatch worker` with the given settings (its metrics port must be set)."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.metrics_port}/metrics"

    def start(self) -> WorkerProcess:
        self.process = start_command(self.settings, ["worker"], self.log_path)
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

    def wait_ready(self, timeout_s: float = 60.0) -> WorkerProcess:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                code = self.process.returncode if self.process else None
                raise RuntimeError(f"worker exited with {code}: {self.tail()}")
            try:
                if self.metrics().get("borderwatch_index_ready") == 1.0:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout_s} s: {self.tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        stop_process(self.process)
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
