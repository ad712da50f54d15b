"""A TLS-terminating TCP proxy for tests: clients speak TLS to it, it speaks plaintext to an
upstream port (the embedded broker, which cannot serve TLS itself).

It runs its own asyncio loop in a thread. Each accepted connection is handshaken first
(`loop.connect_accepted_socket` with the server's TLS context, so a failed handshake is
seen and counted instead of vanishing in the loop's debug log) and only then connected to
the upstream port, so a client that does not complete a TLS handshake never reaches it.
`stats()` tells how many handshakes completed and failed, and why they failed; `settled()`
waits for the connections in the middle of a handshake first, so counts can be compared.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class ProxyStats:
    """What the proxy has seen since it started."""

    accepted: int = 0  # TCP connections accepted
    handshakes: int = 0  # TLS handshakes completed
    failed: int = 0  # connections closed because their handshake failed
    forwarded: int = 0  # connections passed on to the upstream port
    in_progress: int = 0  # accepted, but not yet failed or forwarded
    failures: list[str] = field(default_factory=list)  # why each failed handshake failed
    tls_versions: set[str] = field(default_factory=set)  # versions negotiated
    bytes_up: int = 0  # plaintext bytes sent upstream
    bytes_down: int = 0  # plaintext bytes sent back to clients

    def copy(self) -> ProxyStats:
        return replace(self, failures=list(self.failures), tls_versions=set(self.tls_versions))


class TLSProxy:
    """Terminate TLS on `host:port` (port 0: a free one) and forward to `upstream`."""

    def __init__(
        self,
        upstream: tuple[str, int],
        certfile: Path,
        keyfile: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        handshake_timeout_s: float = 5.0,
    ) -> None:
        self.upstream = upstream
        self.handshake_timeout_s = handshake_timeout_s
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(str(certfile), str(keyfile))
        self._sock = socket.create_server((host, port))
        self._sock.setblocking(False)
        self.host, self.port = self._sock.getsockname()[:2]
        self._stats = ProxyStats()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def stats(self) -> ProxyStats:
        """A snapshot of the counters."""
        with self._lock:
            return self._stats.copy()

    def settled(self, timeout_s: float = 5.0) -> ProxyStats:
        """A snapshot once no connection is between accept and forwarding (or failure)."""
        deadline = time.monotonic() + timeout_s
        while (stats := self.stats()).in_progress and time.monotonic() < deadline:
            time.sleep(0.02)
        return stats

    def start(self, timeout_s: float = 10.0) -> Self:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="tls-proxy", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._begin(), loop).result(timeout_s)
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(TimeoutError):
            asyncio.run_coroutine_threadsafe(self._end(), loop).result(timeout_s)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        loop.close()
        self._sock.close()
        self._loop = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # The rest runs on the proxy's loop.

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _begin(self) -> None:
        self._spawn(self._accept())

    async def _end(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            client, _ = await loop.sock_accept(self._sock)
            with self._lock:
                self._stats.accepted += 1
                self._stats.in_progress += 1
            self._spawn(self._serve(client))

    async def _serve(self, client: socket.socket) -> None:
        try:
            streams = await self._open(client)
        finally:
            with self._lock:
                self._stats.in_progress -= 1
        if streams is not None:
            await self._forward(*streams)

    async def _open(self, client: socket.socket) -> tuple[Streams, Streams] | None:
        """The TLS handshake, then the upstream connection: both ends' streams, or None."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        protocol = asyncio.StreamReaderProtocol(reader)
        try:
            transport, _ = await loop.connect_accepted_socket(
                lambda: protocol,
                client,
                ssl=self._context,
                ssl_handshake_timeout=self.handshake_timeout_s,
            )
        except (OSError, TimeoutError) as exc:  # ssl.SSLError is an OSError
            client.close()
            with self._lock:
                self._stats.failed += 1
                self._stats.failures.append(f"{type(exc).__name__}: {exc}")
            return None
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        tls = writer.get_extra_info("ssl_object")
        with self._lock:
            self._stats.handshakes += 1
            self._stats.tls_versions.add(tls.version() if tls else "none")
        try:
            upstream = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return None
        with self._lock:
            self._stats.forwarded += 1
        return (reader, writer), upstream

    async def _forward(self, client: Streams, upstream: Streams) -> None:
        (reader, writer), (up_reader, up_writer) = client, upstream
        pumps = {
            asyncio.create_task(self._pump(reader, up_writer, "bytes_up")),
            asyncio.create_task(self._pump(up_reader, writer, "bytes_down")),
        }
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            for w in (writer, up_writer):
                w.close()
                with contextlib.suppress(OSError):
                    await w.wait_closed()

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counter: str
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65_536):
                writer.write(data)
                await writer.drain()
                with self._lock:
                    setattr(self._stats, counter, getattr(self._stats, counter) + len(data))
