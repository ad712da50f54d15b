"""`KernelCompile`: the worker's kernels compiled in a second process; a failed or stuck
process only costs a warning (the worker then compiles them itself)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pytest

from streams.kernel_compile import KernelCompile


def run(timeout_s: float) -> bool:
    async def go() -> bool:
        compiling = KernelCompile()
        await compiling.start()
        return await compiling.finish(timeout_s)

    return asyncio.run(go())


def fake_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """The worker's interpreter replaced by a shell script."""
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\n" + script)
    python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(python))


def test_the_compile_command_runs_to_the_end(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="streams.kernel_compile")
    assert run(timeout_s=300) is True
    assert "kernels compiled ahead in" in caplog.text


@pytest.mark.parametrize(
    ("script", "timeout_s", "warning"),
    [
        (  # it failed
            "echo 'numba: no locator available' >&2\nexit 3\n",
            30,
            "compiling kernels ahead failed (exit 3): numba: no locator available",
        ),
        ("exec sleep 60\n", 0.5, "took over 0.5 s; stopped"),  # it hung
        (None, 30, "kernels not compiled ahead"),  # it could not start
    ],
)
def test_a_compile_that_does_not_finish_is_only_a_warning(
    script: str | None,
    timeout_s: float,
    warning: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if script is None:
        monkeypatch.setattr(sys, "executable", str(tmp_path / "absent"))
    else:
        fake_python(tmp_path, monkeypatch, script)
    assert run(timeout_s) is False
    assert warning in caplog.text


def test_a_worker_stopped_while_loading_leaves_no_compile_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_python(tmp_path, monkeypatch, "exec sleep 60\n")

    async def go() -> int | None:
        compiling = KernelCompile()
        await compiling.start()
        process = compiling._process
        assert process is not None and process.returncode is None
        compiling.stop()
        await asyncio.wait_for(process.wait(), 10)
        return process.returncode

    assert asyncio.run(go()) == -9  # (killed)
