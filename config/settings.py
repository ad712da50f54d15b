"""Every borderwatch setting, in one place, read from `BORDERWATCH_*` environment variables.

One class serves the worker, the CLI, the demo and the tests, so a setting means the same
thing wherever it is read (and docker-compose is checked against it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """borderwatch configuration; each field is `BORDERWATCH_<FIELD>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="BORDERWATCH_", extra="ignore")

    # Kafka
    bootstrap_servers: str = Field(
        "localhost:9092", description="Kafka bootstrap servers, comma separated."
    )
    app_id: str = Field("borderwatch", description="Faust app id and consumer group.")
    topic_crossings: str = "crossings"
    topic_watchlist: str = "watchlist"
    topic_alerts: str = "alerts"
    topic_dlq: str = "crossings.dlq"
    topic_dispositions: str = "dispositions"
    partitions: int = Field(6, ge=1, le=1024, description="Partitions of topics we create.")
    replication_factor: int = Field(1, ge=1, le=16)

    # Connection security, applied alike to every client (worker, feed, CLI)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = Field(None, description="CA bundle that signed the brokers.")
    ssl_certfile: Path | None = Field(None, description="Client certificate (mutual TLS).")
    ssl_keyfile: Path | None = None
    ssl_check_hostname: bool = True

    # Consumer-group timing (short values make tests and the demo start fast).
    session_timeout_s: float = Field(30.0, gt=0)
    rebalance_timeout_s: float = Field(60.0, gt=0)
    heartbeat_interval_s: float = Field(3.0, gt=0)
    max_poll_interval_s: float = Field(300.0, gt=0)
    max_poll_records: int = Field(
        500,
        ge=1,
        description="Records one fetch hands the worker: a worker is counted alive only "
        "between fetches, so a fetch must be used up well within max_poll_interval_s.",
    )
    commit_interval_s: float = Field(1.0, gt=0)
    fetch_max_wait_ms: int = Field(
        50,
        ge=1,
        le=60_000,
        description="Longest a crossings fetch waits at the broker for data. Apache Kafka "
        "answers as soon as data arrives, so this only paces an idle worker's fetches; a "
        "broker that answers only when the wait ends (the embedded one) adds it to latency.",
    )

    # The hot path
    batch_size: int = Field(
        50,
        ge=1,
        le=100_000,
        description="Crossings taken per batch (a crossing may wait for the batch ahead of it: "
        "at 1,000/s, batches of 50 kept p99 under 200 ms at no cost in throughput).",
    )
    batch_within_s: float = Field(0.05, gt=0, description="Longest wait to fill a batch.")
    event_loop: Literal["uvloop", "asyncio"] = Field(
        "uvloop",
        description="The workers' event loop: uvloop (libuv) spends less of a core than "
        "asyncio's own on each fetch, delivery and timer.",
    )
    max_message_bytes: int = Field(
        1_048_576, ge=1024, description="Crossings larger than this go to the DLQ unread."
    )

    # Matching
    alert_threshold: float = Field(0.70, ge=0.0, le=1.0)
    snapshot_path: Path | None = Field(
        None,
        description="A snapshot of the built index (`borderwatch snapshot`): a worker starts "
        "from it and reads the watchlist topic from its offsets on, instead of from the "
        "beginning. Trusted code: keep it where only borderwatch may write.",
    )
    snapshot_max_age_h: float = Field(
        12.0,
        gt=0,
        description="An older snapshot is not used: keep it under the watchlist topic's "
        "delete.retention.ms (24 h by default), after which compaction drops tombstones.",
    )

    # Retro-hunt: new or changed entries are matched against recent crossings.
    retro_window_h: float = Field(72.0, ge=0, description="Look-back window; 0 disables.")
    retro_debounce_s: float = Field(0.5, ge=0, description="Gather changes before a hunt.")

    # Officers: movement trails, suppression of known false positives, the alert console
    trail_days: float = Field(30.0, gt=0, description="How far back an alert's trail reaches.")
    trail_max_points: int = Field(50, ge=1, le=10_000)
    console_port: int = Field(8088, ge=0, le=65535)

    # How long the topics borderwatch creates keep their records (existing topics are
    # checked against what the windows above need, and left as they are: see ensure_topics)
    crossings_retention_h: float = Field(
        168.0,
        gt=0,
        description="How long the crossings topic and its dead letters keep crossings "
        "(travellers' personal data: no longer than needed); at least retro_window_h, as "
        "far back as a retro-hunt reads.",
    )
    alerts_retention_days: float | None = Field(
        None,
        gt=0,
        description="How long the alerts topics (the coordination centre's and each "
        "agency's) keep alerts (unset: trail_days plus retro_window_h); at least that: a "
        "worker rebuilds the trails from them as it starts, reading every alert they keep, "
        "and a retro alert's trail reaches trail_days back from a crossing up to "
        "retro_window_h old.",
    )

    # Operations
    lag_interval_s: float = Field(5.0, gt=0, description="How often consumer lag is measured.")
    metrics_port: int = Field(9108, ge=0, le=65535, description="0 disables /metrics.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Embedded broker (laptops, tests, the demo)
    embedded_broker_port: int = Field(9092, ge=0, le=65535, description="0 picks a free port.")

    @model_validator(mode="after")
    def _sasl_complete(self) -> Settings:
        if self.security_protocol.startswith("SASL_") and not (
            self.sasl_username and self.sasl_password
        ):
            raise ValueError(
                f"security_protocol {self.security_protocol} needs sasl_username and sasl_password"
            )
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("ssl_certfile and ssl_keyfile go together")
        return self

    @model_validator(mode="after")
    def _retention_covers_windows(self) -> Settings:
        if self.crossings_retention_h < self.retro_window_h:
            raise ValueError(
                f"crossings_retention_h ({self.crossings_retention_h:g}) is shorter than "
                f"retro_window_h ({self.retro_window_h:g}): a retro-hunt reads back that far"
            )
        days = self.alerts_retention_days
        if days is not None and days * 24 < self.alerts_reach_h:
            raise ValueError(
                f"alerts_retention_days ({days:g}) is shorter than trail_days "
                f"({self.trail_days:g}) and retro_window_h ({self.retro_window_h:g} h) "
                "together: a worker rebuilds the trails from the alerts, and a retro alert's "
                "trail reaches trail_days back from a crossing up to retro_window_h old"
            )
        return self

    @property
    def alerts_reach_h(self) -> float:
        """How far back, in hours, the alerts a worker's trails may need were raised."""
        return self.trail_days * 24 + self.retro_window_h

    @property
    def alerts_retention_h(self) -> float:
        """How long, in hours, the alerts topics borderwatch creates keep alerts."""
        days = self.alerts_retention_days
        return self.alerts_reach_h if days is None else days * 24

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @model_validator(mode="after")
    def _distinct_topics(self) -> Settings:
        names = [
            self.topic_crossings,
            self.topic_watchlist,
            self.topic_alerts,
            self.topic_dlq,
            self.topic_dispositions,
        ]
        if len(set(names)) != len(names):
            raise ValueError(f"topic names must be distinct, got {names}")
        return self

    def as_env(self) -> dict[str, str]:
        """These settings as the environment of a child process (a worker the demo starts)."""
        prefix = self.model_config.get("env_prefix", "")
        env = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            env[f"{prefix}{name.upper()}"] = str(value)
        return env

    @property
    def bootstrap_list(self) -> list[str]:
        """The bootstrap servers as a list, blanks dropped."""
        return [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()]
