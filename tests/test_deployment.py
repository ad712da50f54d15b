"""docker-compose.yml cannot run here (no Docker engine), so check what it would run: every
setting it passes is a real one, the worker and the CLI reach Kafka over SASL_SSL with the
CA the `kafka-tls` service makes, Kafka's own configuration agrees with them and holds no
secret, and every file it mounts or runs is in the repository. The TLS script itself runs
here (it needs only keytool) and its certificate is checked by our own clients' TLS code."""

from __future__ import annotations

import getpass
import re
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import Settings
from streams.kafka import ssl_context

ROOT = Path(__file__).resolve().parents[1]
KAFKA_CONFIG = ROOT / "config" / "kafka"
# ${NAME}, ${NAME:-default}, ${NAME:?error}: docker compose's interpolation
INTERPOLATION = re.compile(r"\$\{([A-Za-z0-9_]+)(?::?([-?])([^}]*))?\}")
SECRET_REFERENCE = re.compile(r"\$\{dir:([^:}]+):([^}]+)\}")
TEST_PASSWORD = "a-test-password-0123456789"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def services() -> dict[str, Any]:
    result: dict[str, Any] = compose()["services"]
    return result


def env_example() -> dict[str, str]:
    """`.env.example` as docker compose would read it, had it been copied to `.env`."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def properties(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def interpolate(value: str, env: dict[str, str]) -> str:
    """docker compose's interpolation of one value; `${X:?...}` with X empty fails, as there."""

    def one(match: re.Match[str]) -> str:
        name, kind, argument = match.groups()
        given = env.get(name, "")
        if given:
            return given
        if kind == "?":
            raise KeyError(f"{name} is required: {argument}")
        return argument if kind == "-" else ""

    return INTERPOLATION.sub(one, value)


def settings_of(service: str, env: dict[str, str]) -> Settings:
    environment = services()[service]["environment"]
    values = {
        name.removeprefix("BORDERWATCH_").lower(): interpolate(str(value), env)
        for name, value in environment.items()
        if name.startswith("BORDERWATCH_")
    }
    return Settings(**values)  # type: ignore[arg-type]


def filled_env() -> dict[str, str]:
    return {**env_example(), "BORDERWATCH_SASL_PASSWORD": TEST_PASSWORD}


def mounts(service: str) -> dict[str, str]:
    """Target path -> source (a repository path starting with ./, or a named volume)."""
    result = {}
    for volume in services()[service].get("volumes", []):
        source, target = volume.split(":")[:2]
        result[target] = source
    return result


def listeners(config: dict[str, str], key: str) -> dict[str, str]:
    """Listener name -> host:port of `listeners` or `advertised.listeners`."""
    pairs = (item.split("://", 1) for item in config[key].split(","))
    return {name: address for name, address in pairs}


def test_compose_runs_kafka_in_kraft_mode_a_worker_and_prometheus() -> None:
    all_services = services()
    assert {"kafka-tls", "kafka", "worker", "cli", "prometheus"} <= set(all_services)
    assert all_services["kafka"]["image"].startswith("apache/kafka:")
    assert all_services["kafka-tls"]["image"] == all_services["kafka"]["image"]  # has keytool
    server = properties(KAFKA_CONFIG / "server.properties")
    assert set(server["process.roles"].split(",")) == {"broker", "controller"}
    assert not [key for key in server if "zookeeper" in key]
    # The quorum is this node alone, on loopback: nothing outside the container reaches it.
    assert server["controller.quorum.voters"] == f"{server['node.id']}@localhost:9093"
    assert listeners(server, "listeners")["CONTROLLER"] == "localhost:9093"
    assert "CONTROLLER" not in listeners(server, "advertised.listeners")
    assert all_services["prometheus"]["image"].startswith("prom/prometheus:")


def test_every_borderwatch_variable_names_a_real_setting() -> None:
    fields = {f"BORDERWATCH_{name.upper()}" for name in Settings.model_fields}
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\bBORDERWATCH_[A-Z0-9_]+", text))  # passed on or interpolated
    for service in services().values():
        used |= {name for name in service.get("environment", {}) if name.startswith("BORDERWATCH")}
    assert {"BORDERWATCH_SASL_PASSWORD", "BORDERWATCH_SSL_CAFILE"} <= used
    assert used <= fields, used - fields
    assert set(env_example()) <= used, set(env_example()) - used  # .env.example: nothing idle


def test_worker_and_cli_use_sasl_ssl_against_the_brokers_listener() -> None:
    worker = settings_of("worker", filled_env())
    assert worker.security_protocol == "SASL_SSL" and worker.uses_tls
    assert worker.ssl_check_hostname
    assert worker.sasl_password is not None
    assert worker.sasl_password.get_secret_value() == TEST_PASSWORD  # from .env only
    server = properties(KAFKA_CONFIG / "server.properties")
    assert worker.sasl_mechanism in server["sasl.enabled.mechanisms"].split(",")
    pairs = (item.split(":") for item in server["listener.security.protocol.map"].split(","))
    protocols = {name: protocol for name, protocol in pairs}
    advertised = listeners(server, "advertised.listeners")
    for address in worker.bootstrap_list:
        (name,) = [name for name, where in advertised.items() if where == address]
        assert protocols[name] == "SASL_SSL", name
    # No listener a client can reach takes anything but SASL_SSL.
    assert {protocols[name] for name in advertised} == {"SASL_SSL"}
    # The CLI talks to the same Kafka exactly as the worker does.
    cli = settings_of("cli", filled_env())
    kafka_fields = [f for f in Settings.model_fields if f.startswith(("ssl_", "sasl_", "security"))]
    for field in [*kafka_fields, "bootstrap_servers", "partitions", "topic_crossings"]:
        assert getattr(cli, field) == getattr(worker, field), field


def test_the_password_comes_only_from_env_and_kafka_creates_that_user() -> None:
    for service in ("worker", "cli", "kafka"):
        environment = services()[service]["environment"]
        reference = INTERPOLATION.fullmatch(environment["BORDERWATCH_SASL_PASSWORD"])
        assert reference is not None and reference.group(2) == "?", service  # required
    with pytest.raises(KeyError, match="BORDERWATCH_SASL_PASSWORD is required"):
        settings_of("worker", env_example())  # .env.example gives no password to reuse
    kafka_env = services()["kafka"]["environment"]
    worker_env = services()["worker"]["environment"]
    assert kafka_env["BORDERWATCH_SASL_USERNAME"] == worker_env["BORDERWATCH_SASL_USERNAME"]
    start = (KAFKA_CONFIG / "start.sh").read_text()
    assert "SCRAM-SHA-512=[name=$user,password=$password]" in start
    assert settings_of("worker", filled_env()).sasl_mechanism == "SCRAM-SHA-512"


def test_worker_trusts_the_ca_that_the_tls_service_makes() -> None:
    all_services = services()
    tls = all_services["kafka-tls"]
    ca_volume = mounts("kafka-tls")[tls["environment"]["CA_DIR"]]
    secrets_volume = mounts("kafka-tls")[tls["environment"]["TLS_DIR"]]
    assert {ca_volume, secrets_volume} <= set(compose()["volumes"])
    for service in ("worker", "cli"):
        cafile = settings_of(service, filled_env()).ssl_cafile
        assert cafile is not None and cafile.name == "ca.crt"
        assert mounts(service)[str(cafile.parent)] == ca_volume, service
        # The broker's keys stay with the broker.
        assert secrets_volume not in mounts(service).values(), service
    # Kafka finds its secrets where make-certs.sh wrote them (server.properties names the path).
    assert mounts("kafka")[tls["environment"]["TLS_DIR"]] == secrets_volume
    # The certificate names every host a client is told to connect to (hostnames are checked).
    names = set(tls["environment"]["BROKER_HOSTS"].split(","))
    server = properties(KAFKA_CONFIG / "server.properties")
    advertised_hosts = {
        a.rsplit(":", 1)[0] for a in listeners(server, "advertised.listeners").values()
    }
    assert advertised_hosts <= names
    kafka_deps = all_services["kafka"]["depends_on"]
    assert kafka_deps["kafka-tls"]["condition"] == "service_completed_successfully"
    worker = all_services["worker"]
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["command"] == ["borderwatch", "worker"]
    assert str(settings_of("worker", filled_env()).metrics_port) in worker["expose"]
    assert (ROOT / "Dockerfile").is_file()


def test_kafka_configuration_holds_no_secret_and_reads_the_ones_the_tls_script_writes() -> None:
    script = (KAFKA_CONFIG / "make-certs.sh").read_text()
    secrets_dir = services()["kafka-tls"]["environment"]["TLS_DIR"]
    for name in ("server.properties", "admin.properties"):
        config = properties(KAFKA_CONFIG / name)
        secrets = []
        for key, value in config.items():
            if key.endswith("password"):
                secrets.append(value)
            if key.endswith("jaas.config"):
                secrets += re.findall(r'password="([^"]*)"', value)
            if key.endswith("store.location"):
                assert value.startswith(f"{secrets_dir}/"), (name, key)
                assert Path(value).name in script, (name, key)
        assert len(secrets) >= 2, name
        for value in secrets:
            reference = SECRET_REFERENCE.fullmatch(value)
            assert reference is not None, (name, value)  # never the secret itself
            directory, file = reference.groups()
            assert directory == secrets_dir, (name, value)
            assert f'"$TLS_DIR/{file}"' in script, (name, value)  # a file the script writes
        assert "DirectoryConfigProvider" in config["config.providers.dir.class"]


def test_compose_mounts_and_runs_only_files_that_exist() -> None:
    declared = set(compose()["volumes"])
    for name, service in services().items():
        bind: dict[str, Path] = {}
        for target, source in mounts(name).items():
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, source)
                bind[target] = ROOT / source
            else:
                assert source in declared, (name, source)
        commands = [*service.get("command", []), *service.get("healthcheck", {}).get("test", [])]
        for path in re.findall(r"/opt/borderwatch/\S+", " ".join(commands)):
            target, directory = next((t, d) for t, d in bind.items() if path.startswith(t + "/"))
            assert (directory / path.removeprefix(target + "/")).is_file(), (name, path)


def test_prometheus_mounts_files_that_exist_and_scrapes_the_worker_port() -> None:
    prometheus = services()["prometheus"]
    for volume in prometheus["volumes"]:
        source = volume.split(":", 1)[0]
        assert (ROOT / source).exists(), source
    scrape = yaml.safe_load((ROOT / "config" / "prometheus.yml").read_text())
    ports = {sd["port"] for job in scrape["scrape_configs"] for sd in job.get("dns_sd_configs", [])}
    worker_env = services()["worker"]["environment"]
    assert ports == {int(worker_env["BORDERWATCH_METRICS_PORT"])}


# The TLS script, run for real.

needs_keytool = pytest.mark.skipif(
    shutil.which("keytool") is None or shutil.which("openssl") is None,
    reason="make-certs.sh needs keytool; reading its keystore here needs openssl",
)


@pytest.fixture(scope="module")
def made_certs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """make-certs.sh run as compose runs it, into a temporary TLS_DIR and CA_DIR."""
    root = tmp_path_factory.mktemp("kafka-tls")
    env = {
        **services()["kafka-tls"]["environment"],
        "TLS_DIR": str(root / "secrets"),
        "CA_DIR": str(root / "ca"),
        "KAFKA_USER": getpass.getuser(),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    run = subprocess.run(
        ["/bin/sh", str(KAFKA_CONFIG / "make-certs.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    yield root / "secrets", root / "ca", run.stdout + run.stderr


def server_context(secrets: Path, tmp_path: Path) -> ssl.SSLContext:
    """The broker's side of TLS, from its PKCS12 keystore (as Kafka would load it)."""
    password = f"file:{secrets / 'keystore_password'}"
    keystore = str(secrets / "kafka.keystore.p12")
    for part, flag in (("cert.pem", "-clcerts"), ("key.pem", "-nocerts")):
        subprocess.run(
            [
                "openssl",
                "pkcs12",
                "-in",
                keystore,
                "-passin",
                password,
                "-nodes",
                flag,
                "-out",
                str(tmp_path / part),
            ],
            check=True,
            capture_output=True,
        )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def handshake(server: ssl.SSLContext, client: ssl.SSLContext, hostname: str) -> dict[str, Any]:
    """One TLS handshake over loopback; the client's view of the server's certificate."""
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def serve() -> None:
            conn, _ = listener.accept()
            try:
                with server.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (ssl.SSLError, OSError):
                conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            with (
                socket.create_connection(listener.getsockname(), timeout=10) as raw,
                client.wrap_socket(raw, server_hostname=hostname) as tls,
            ):
                peer: dict[str, Any] = tls.getpeercert()  # type: ignore[assignment]
                tls.sendall(b"x")
                return peer
        finally:
            thread.join(timeout=10)


@needs_keytool
def test_tls_script_makes_a_broker_certificate_our_clients_trust(
    made_certs: tuple[Path, Path, str], tmp_path: Path
) -> None:
    secrets, ca, output = made_certs
    server = server_context(secrets, tmp_path)
    client = ssl_context(Settings(security_protocol="SSL", ssl_cafile=ca / "ca.crt"))
    assert client is not None
    client.verify_flags |= ssl.VERIFY_X509_STRICT  # what newer Pythons check by default
    for host in services()["kafka-tls"]["environment"]["BROKER_HOSTS"].split(","):
        peer = handshake(server, client, host)
        assert ("DNS", host) in peer["subjectAltName"]
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        handshake(server, client, "kafka.example.org")
    system_only = ssl_context(Settings(security_protocol="SSL"))
    assert system_only is not None
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        handshake(server, system_only, "kafka")  # trusted because of our CA, not by accident
    for secret in ("keystore_password", "admin_password"):
        value = (secrets / secret).read_text()
        assert re.fullmatch(r"[A-Za-z0-9]{32}", value), secret  # no newline: read whole
        assert value not in output  # never printed
    for path in secrets.iterdir():
        assert path.stat().st_mode & 0o777 == 0o400, path
    assert (ca / "ca.crt").stat().st_mode & 0o777 == 0o444
    assert {p.name for p in ca.iterdir()} == {"ca.crt"}  # clients get no key


@needs_keytool
def test_tls_script_runs_once(made_certs: tuple[Path, Path, str]) -> None:
    secrets, ca, _ = made_certs
    before = (secrets / "kafka.keystore.p12").read_bytes(), (ca / "ca.crt").read_bytes()
    again = subprocess.run(
        ["/bin/sh", str(KAFKA_CONFIG / "make-certs.sh")],
        env={"TLS_DIR": str(secrets), "CA_DIR": str(ca), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "nothing to do" in again.stdout
    assert ((secrets / "kafka.keystore.p12").read_bytes(), (ca / "ca.crt").read_bytes()) == before


def dockerfile() -> tuple[dict[str, str], list[str], str]:
    """The image's ENV values, RUN commands (continuations joined) and runtime USER."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    runs: list[str] = []
    user = "root"
    for line in text.splitlines():
        instruction, _, rest = line.partition(" ")
        if instruction == "ENV":
            name, value = rest.split("=", 1)
            env[name] = value
        elif instruction == "RUN":
            runs.append(" ".join(rest.split()))
        elif instruction == "USER":
            user = rest.strip()
    return env, runs, user


def test_the_image_compiles_the_kernels_into_a_cache_its_user_may_write() -> None:
    # The package installed in the image is read-only to its user: without a cache directory
    # numba refuses to import the kernels; without the build-time compile, every new
    # container would compile them (tens of seconds) before its first crossing.
    env, runs, user = dockerfile()
    cache = env["NUMBA_CACHE_DIR"]
    assert user != "root"
    steps = [step.strip() for run in runs for step in run.split("&&")]
    install = steps.index("pip install --no-cache-dir .")
    assert steps.index("borderwatch compile") > install
    owners = [s.split() for s in steps if s.startswith("chown -R ")]
    assert any(o[2] == user and cache.startswith(o[3].rstrip("/") + "/") for o in owners), owners


def test_workers_read_the_snapshot_the_snapshot_service_writes() -> None:
    env = filled_env()
    path = settings_of("worker", env).snapshot_path
    assert path is not None and settings_of("snapshot", env).snapshot_path == path
    directory = str(path.parent)
    assert mounts("worker")[directory] == mounts("snapshot")[directory] == "snapshot"
    assert "snapshot" in compose()["volumes"]
    worker_volume = next(v for v in services()["worker"]["volumes"] if v.startswith("snapshot:"))
    assert worker_volume.endswith(":ro")  # (only the service writes it)
    assert "borderwatch snapshot" in " ".join(services()["snapshot"]["command"])
    # the image makes the directory its user's, so the new volume is writable
    assert f"mkdir -p {directory}" in (ROOT / "Dockerfile").read_text()
