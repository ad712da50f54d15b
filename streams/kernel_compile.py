"""The matcher's kernels compiled in a second process while the worker loads its watchlist.

With numba's cache cold (a fresh install, another CPU) the kernels take some 25 s of one
core to compile (`matchers.warmup`). A worker would spend them after its list is loaded and
before its first crossing; `borderwatch compile`, started beside the load, spends them on
another core, and the worker's own warm-up then loads them from the cache. Nothing depends
on it: if it fails or is slow, the worker compiles what it lacks itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

log = logging.getLogger(__name__)


class KernelCompile:
    """One `borderwatch compile` process."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._started = 0.0

    async def start(self) -> None:
        self._started = time.monotonic()
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "streams.cli",
                "compile",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("kernels not compiled ahead (%s); the worker compiles them itself", exc)

    def stop(self) -> None:
        """Kill it if it is still running (the worker stopped before its list was loaded)."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()

    async def finish(self, timeout_s: float) -> bool:
        """Wait for it (`timeout_s` at most, then stop it); whether it compiled them all."""
        process, self._process = self._process, None
        if process is None:
            return False
        try:
            _, errors = await asyncio.wait_for(process.communicate(), timeout_s)
        except TimeoutError:
            process.kill()
            await process.wait()
            log.warning("compiling kernels ahead took over %.1f s; stopped", timeout_s)
            return False
        if process.returncode != 0:
            last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            log.warning("compiling kernels ahead failed (exit %s): %s", process.returncode, last[0])
            return False
        log.info("kernels compiled ahead in %.1f s", time.monotonic() - self._started)
        return True
