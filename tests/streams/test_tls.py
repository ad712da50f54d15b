"""TLS end to end with the real clients: the worker (Faust and aiokafka, plus its
kafka-python admin) and the CLI (kafka-python), with security_protocol SSL, the CA verified
and host names checked.

Tansu 0.6.0, the embedded broker, cannot serve TLS (README, Security), so this module runs
a second Tansu of its own behind a TLS-terminating proxy (tests/tls_proxy.py). It needs its
own instance because the broker must advertise the proxy's address in metadata: then the
bootstrap connection *and* every connection to the broker named in metadata (coordinator,
partition leaders) go through the proxy. A client configured for SSL cannot quietly reach
the plaintext broker: a TLS handshake with it would fail. The proxy counts completed and
failed handshakes, so the tests also show that the traffic did go over TLS, and that a client
which does not trust the CA, checks another host name or speaks plaintext is refused before
anything reaches the broker.

Certificates are made here, for this run only, with the openssl command (the `cryptography`
package is not a dependency; config/kafka/make-certs.sh needs keytool and makes PKCS#12
stores for Kafka): a throwaway CA, and a server certificate for `localhost` and `127.0.0.1`.
Clients bootstrap with the first, metadata gives the second, so both kinds of subject name
are checked. This module ignores BORDERWATCH_TEST_BOOTSTRAP: it always runs its own broker.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kafka import KafkaAdminClient
from kafka.errors import KafkaTimeoutError

from config import Settings
from streams.broker import EmbeddedBroker, free_port
from streams.cli import cli
from streams.events import Alert, alert_id_for
from streams.kafka import client_options, producer, ssl_context
from tests.support import WorkerProcess, crossing, entry
from tests.tls_proxy import TLSProxy

pytestmark = [
    pytest.mark.e2e,
    # Well above the ~10 s these take: a client sent to the plaintext broker by mistake (were
    # the proxy's address not advertised) retries its TLS handshake instead of failing.
    pytest.mark.timeout(90),
]

WANTED = entry(
    "ASEANAPOL:0042", ["Nguyễn Văn Ân"], birth_dates=["1985-03-12"], nationalities=["VNM"]
)


@dataclass(frozen=True)
class Pki:
    ca: Path  # what clients trust
    cert: Path  # the proxy's certificate (localhost, 127.0.0.1), signed by `ca`
    key: Path


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(directory: Path) -> Pki:
    """A throwaway CA and a server certificate it signs (EC P-256, valid for a day)."""
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
        "-subj", "/CN=borderwatch test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )  # fmt: skip
    openssl(
        "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
        cwd=directory,
    )  # fmt: skip
    (directory / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "1", "-extfile", "server.ext", "-out", "server.crt",
        cwd=directory,
    )  # fmt: skip
    return Pki(directory / "ca.crt", directory / "server.crt", directory / "server.key")


@dataclass(frozen=True)
class TlsBroker:
    pki: Pki
    proxy: TLSProxy
    broker: EmbeddedBroker

    @property
    def bootstrap(self) -> str:
        return f"localhost:{self.proxy.port}"


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    directory = tmp_path_factory.mktemp("tls")
    pki = make_pki(directory)
    upstream = free_port()
    with TLSProxy(("127.0.0.1", upstream), pki.cert, pki.key) as proxy:
        advertised = f"tcp://127.0.0.1:{proxy.port}"
        broker = EmbeddedBroker(
            port=upstream, log_path=directory / "tansu.log", advertised_listener_url=advertised
        )
        with broker:
            yield TlsBroker(pki, proxy, broker)


@pytest.fixture(scope="module")
def bootstrap(tls_broker: TlsBroker) -> str:
    """Overrides the session's plaintext broker: in this module, every client goes through
    the TLS proxy."""
    return tls_broker.bootstrap


@pytest.fixture
def tls_settings(make_settings: Callable[..., Settings], tls_broker: TlsBroker) -> Settings:
    return make_settings(
        security_protocol="SSL", ssl_cafile=tls_broker.pki.ca, ssl_check_hostname=True
    )


def borderwatch(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=settings.as_env())


def run(settings: Settings, *args: str) -> str:
    result = borderwatch(settings, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_worker_and_cli_work_over_tls(
    tls_settings: Settings,
    tls_broker: TlsBroker,
    start_worker: Callable[[Settings], WorkerProcess],
    tmp_path: Path,
) -> None:
    settings = tls_settings
    proxy = tls_broker.proxy
    start = proxy.settled()

    entries = tmp_path / "aseanapol.jsonl"
    entries.write_text(json.dumps(WANTED, ensure_ascii=False) + "\n")
    assert "published 1 entries (ASEANAPOL: 1)" in run(settings, "watchlist", "load", str(entries))

    before_worker = proxy.settled()
    worker = start_worker(settings).wait_ready()
    after_worker = proxy.settled()
    # The worker's own clients (topic admin, Faust's consumer and producer, the watchlist
    # feed) all connected through the proxy, each after a completed TLS handshake.
    assert after_worker.handshakes - before_worker.handshakes >= 4

    crossings = tmp_path / "crossings.jsonl"
    listed = crossing("tls-1", ["NGUYEN VAN AN"], birth_dates=["1985-03-12"])
    unlisted = crossing("tls-2", ["SOMCHAI RAKTHAI"], birth_dates=["1979-01-30"])
    crossings.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in (listed, unlisted))
    )
    assert "published 2 crossings" in run(settings, "publish", str(crossings))

    out = run(
        settings, "alerts", "tail", "--from-beginning", "--json", "--max", "1", "--timeout", "30"
    )
    [line] = out.splitlines()
    alert = Alert.model_validate_json(line)
    assert alert.event.event_id == "tls-1"
    assert alert.entry.entry_id == "ASEANAPOL:0042"
    assert alert.alert_id == alert_id_for("tls-1", "ASEANAPOL:0042")
    assert alert.score >= settings.alert_threshold
    assert worker.alive()

    # Metadata names the proxy, not the plaintext broker behind it.
    admin = KafkaAdminClient(**client_options(settings))
    try:
        brokers = admin.describe_cluster()["brokers"]
    finally:
        admin.close()
    assert [(b["host"], b["port"]) for b in brokers] == [("127.0.0.1", proxy.port)]
    assert tls_broker.broker.port != proxy.port

    end = proxy.settled()
    assert end.failed == start.failed, end.failures  # no client fell back or failed
    assert end.handshakes - start.handshakes >= 6  # CLI load, worker, publish, tail, admin
    assert end.forwarded - start.forwarded == end.handshakes - start.handshakes
    assert end.tls_versions <= {"TLSv1.2", "TLSv1.3"}
    assert end.bytes_up > start.bytes_up and end.bytes_down > start.bytes_down


def tls_handshake(context: ssl.SSLContext, port: int, server_hostname: str) -> str:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=server_hostname) as tls,
    ):
        return str(tls.version())


def test_untrusting_and_plaintext_clients_are_refused(
    tls_settings: Settings, tls_broker: TlsBroker, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = tls_broker.proxy
    port = proxy.port
    # borderwatch's own TLS context: our CA, host names checked.
    good = ssl_context(tls_settings)
    assert good is not None and good.check_hostname and good.verify_mode == ssl.CERT_REQUIRED
    assert tls_handshake(good, port, "localhost") in ("TLSv1.2", "TLSv1.3")
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        tls_handshake(good, port, "kafka.example.org")

    # A client that trusts the system's CAs but not ours is refused, Kafka client included.
    untrusting = tls_settings.model_copy(update={"ssl_cafile": None})
    context = ssl_context(untrusting)
    assert context is not None
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        tls_handshake(context, port, "localhost")
    before = proxy.settled()
    with caplog.at_level(logging.WARNING, logger="kafka"), pytest.raises(KafkaTimeoutError):
        producer(untrusting, bootstrap_timeout_ms=1000)
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text  # the client says why
    after = proxy.settled()
    assert after.failed > before.failed
    assert after.handshakes == before.handshakes
    assert after.forwarded == before.forwarded  # nothing reached the broker
    assert all("UNKNOWN_CA" in why for why in after.failures[before.failed :]), after.failures

    # A plaintext client against the TLS port: refused, nothing forwarded.
    plaintext = tls_settings.model_copy(update={"security_protocol": "PLAINTEXT"})
    before = proxy.settled()
    with pytest.raises(KafkaTimeoutError):
        producer(plaintext, bootstrap_timeout_ms=1000)
    after = proxy.settled()
    assert after.failed > before.failed
    assert all("WRONG_VERSION_NUMBER" in why for why in after.failures[before.failed :])
    assert after.handshakes == before.handshakes
    assert after.forwarded == before.forwarded
