"""Connection security: every TLS and SASL setting reaches every client, and no secret is
printed. (The embedded broker cannot authenticate SCRAM users, so SASL is checked at the
clients' configuration; docker-compose shows an authenticated deployment.)"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import Settings
from streams.app import Worker
from streams.kafka import aiokafka_options, consumer_options, faust_credentials, producer_options

CA = Path(ssl.get_default_verify_paths().openssl_cafile)


def secure(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "bootstrap_servers": "kafka-1:9093,kafka-2:9093",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": "borderwatch",
        "sasl_password": "s3cret-pa55",
        "ssl_cafile": CA,
        "ssl_check_hostname": True,
        "metrics_port": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_sasl_ssl_reaches_kafka_python_and_aiokafka_clients() -> None:
    settings = secure()
    for options in (
        producer_options(settings),
        consumer_options(settings),
        aiokafka_options(settings),
    ):
        assert options["security_protocol"] == "SASL_SSL"
        assert options["sasl_mechanism"] == "SCRAM-SHA-512"
        assert options["sasl_plain_username"] == "borderwatch"
        assert options["sasl_plain_password"] == "s3cret-pa55"
        context = options["ssl_context"]
        assert isinstance(context, ssl.SSLContext)
        assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
        assert context.cert_store_stats()["x509_ca"] > 0  # the configured CA is loaded
    assert aiokafka_options(settings)["bootstrap_servers"] == "kafka-1:9093,kafka-2:9093"


def test_sasl_ssl_reaches_the_faust_worker() -> None:
    settings = secure(sasl_mechanism="SCRAM-SHA-256")
    credentials = faust_credentials(settings)
    assert credentials.protocol.value == "SASL_SSL"
    assert credentials.mechanism.value == "SCRAM-SHA-256"
    assert (credentials.username, credentials.password) == ("borderwatch", "s3cret-pa55")
    assert isinstance(credentials.ssl_context, ssl.SSLContext)
    worker = Worker(settings)
    assert worker.app.conf.broker_credentials.protocol.value == "SASL_SSL"
    assert "s3cret" not in repr(worker.app.conf.broker_credentials)


def test_plain_tls_and_plaintext() -> None:
    tls = secure(security_protocol="SSL", sasl_username=None, sasl_password=None)
    assert faust_credentials(tls).protocol.value == "SSL"
    options = producer_options(tls)
    assert options["security_protocol"] == "SSL" and "sasl_mechanism" not in options
    plain = Settings(bootstrap_servers="localhost:9092")
    assert faust_credentials(plain) is None
    assert producer_options(plain)["ssl_context"] is None


def test_incomplete_security_settings_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="needs sasl_username and sasl_password"):
        Settings(security_protocol="SASL_PLAINTEXT", sasl_username="x")
    with pytest.raises(ValidationError, match="ssl_certfile and ssl_keyfile go together"):
        Settings(security_protocol="SSL", ssl_certfile=Path("/tmp/c.pem"))
    with pytest.raises(ValidationError, match="sasl_mechanism"):
        Settings(sasl_mechanism="MD5")  # type: ignore[arg-type]


def test_secrets_are_never_printed_but_reach_child_workers() -> None:
    settings = secure(ssl_cafile=None, security_protocol="SASL_PLAINTEXT")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    assert "s3cret" not in settings.model_dump_json()
    env = settings.as_env()
    assert env["BORDERWATCH_SASL_PASSWORD"] == "s3cret-pa55"  # a worker the demo starts
    assert (
        Settings(**{k.removeprefix("BORDERWATCH_").lower(): v for k, v in env.items()}) == settings
    )
