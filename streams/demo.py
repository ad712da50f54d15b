"""`borderwatch demo`: the product's main job, end to end, on one laptop.

Starts the embedded broker (unless one is configured) and a real worker process, loads the
UN Security Council list and a small list of fictional scam-ring fugitives, then streams a
simulated day of crossings at ASEAN and Korean checkpoints in which a few listed people
cross under other spellings and scripts. Alerts are printed as the worker produces them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from anyascii import anyascii
from kafka import TopicPartition

from config import Settings
from streams.broker import EmbeddedBroker, free_port
from streams.events import Alert
from streams.kafka import consumer, ensure_topics, producing
from streams.publish import send_entries
from streams.render import render_alert
from streams.worker_process import WorkerProcess, start_command, stop_process
from watchlists import WatchlistEntry, load
from watchlists.loaders import packaged_un_list

Echo = Callable[[str], None]
ICT = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class Checkpoint:
    code: str
    name: str
    country: str
    agency: str
    mode: str


CHECKPOINTS = (
    Checkpoint("KH-POI", "Poipet", "KHM", "KH-IMM", "land"),
    Checkpoint("TH-ARN", "Aranyaprathet", "THA", "TH-IMM", "land"),
    Checkpoint("VN-MBI", "Moc Bai", "VNM", "VN-IMM", "land"),
    Checkpoint("KH-BVT", "Bavet", "KHM", "KH-IMM", "land"),
    Checkpoint("KR-ICN", "Incheon International Airport", "KOR", "KR-MOJ", "air"),
    Checkpoint("TH-BKK", "Suvarnabhumi Airport", "THA", "TH-IMM", "air"),
    Checkpoint("LA-VTE", "Wattay International Airport", "LAO", "LA-IMM", "air"),
    Checkpoint("TH-NKI", "Nong Khai Friendship Bridge", "THA", "TH-IMM", "land"),
    Checkpoint("VN-SGN", "Tan Son Nhat Airport", "VNM", "VN-IMM", "air"),
    Checkpoint("KH-PNH", "Techo International Airport", "KHM", "KH-IMM", "air"),
    Checkpoint("TH-MSO", "Mae Sot", "THA", "TH-IMM", "land"),
)
_BY_CODE = {c.code: c for c in CHECKPOINTS}

# Given names the popular-names data lacks for these countries (common, not anyone's).
_EXTRA = {
    "VN": ["Anh", "Minh", "Hung", "Linh", "Thu", "Hoa", "Tuan", "Dung", "Huong", "Long", "Nam"],
    "KH": ["Dara", "Sophea", "Vuthy", "Channary", "Sokha", "Visal", "Bopha", "Rithy"],
    "TH": ["Srisuk", "Saetang", "Wongsa", "Chaiyaphum", "Boonmee", "Suksawat", "Thongdee"],
    "MY": ["Abdullah", "Hassan", "Ibrahim", "Yusof", "Tan", "Lim", "Wong"],
}


def _name_pools() -> dict[str, Any]:
    text = resources.files("streams").joinpath("data/demo_names.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _mrz_style(name: str) -> str:
    """A name as a passport's machine-readable zone gives it: ASCII capitals."""
    return " ".join(anyascii(name).upper().replace("-", " ").split())


class TravellerFactory:
    """Random travellers with real names of their country, in passport spelling."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        data = _name_pools()
        self.pools: dict[str, dict[str, list[str]]] = data["pools"]
        self.korean: list[str] = data["korean_full_names"]

    def name(self, country: str, sex: str) -> str:
        r, pool = self.rng, self.pools.get(country, {})
        given = pool.get(sex) or pool.get("M") or _EXTRA.get(country, ["Alex"])
        surnames = pool.get("surnames") or _EXTRA.get(country, ["Smith"])
        if country == "KR" and r.random() < 0.5:
            return _mrz_style(r.choice(self.korean))
        if country == "VN":
            middle = "Văn" if sex == "M" else "Thị"
            return _mrz_style(f"{r.choice(surnames)} {middle} {r.choice(_EXTRA['VN'])}")
        if country == "KH":
            return _mrz_style(f"{r.choice(surnames)} {r.choice(_EXTRA['KH'])}")
        if country in ("TH", "MY"):
            return _mrz_style(f"{r.choice(given)} {r.choice(_EXTRA[country])}")
        return _mrz_style(f"{r.choice(surnames)} {r.choice(given)}")

    def traveller(self) -> dict[str, Any]:
        r = self.rng
        country = r.choice(("KR", "KR", "VN", "VN", "KH", "TH", "CN", "PH", "JP", "MY"))
        sex = r.choice(("M", "F"))
        iso3 = {
            "KR": "KOR",
            "VN": "VNM",
            "KH": "KHM",
            "TH": "THA",
            "CN": "CHN",
            "PH": "PHL",
            "JP": "JPN",
            "MY": "MYS",
        }[country]
        born = dt.date(1950, 1, 1) + dt.timedelta(days=r.randrange(55 * 365))
        number = f"{r.choice('ABCMNPS')}{r.randrange(10**7, 10**8)}"
        return {
            "names": [self.name(country, sex)],
            "birth_dates": [born.isoformat()],
            "nationalities": [iso3],
            "sex": sex,
            "documents": [{"number": number, "kind": "passport", "country": iso3}],
        }


@dataclass(frozen=True)
class Planted:
    """A listed person crossing in disguise: the alert the demo expects."""

    entry_id: str
    checkpoint: str
    traveller: dict[str, Any]
    how: str


def _doc(number: str, country: str) -> list[dict[str, str]]:
    return [{"number": number, "kind": "passport", "country": country}]


DEMO_PLANTS = (
    Planted(
        "DEMO:KR-0001",
        "KH-POI",
        {
            "names": ["PARK SUNG MIN"],
            "birth_dates": ["1988-07-02"],
            "nationalities": ["KOR"],
            "sex": "M",
            "documents": _doc("M48213307", "KOR"),
        },
        "listed in Hangul, passport in Latin",
    ),
    Planted(
        "DEMO:KR-0001",
        "LA-VTE",
        {
            "names": ["PAK SONG MIN"],
            "birth_dates": ["1988-07-02"],
            "nationalities": ["KOR"],
            "sex": "M",
            "documents": _doc("M99120455", "KOR"),
        },
        "new passport, McCune-Reischauer spelling",
    ),
    Planted(
        "DEMO:KR-0002",
        "TH-BKK",
        {
            "names": ["YI JUNHO"],
            "birth_dates": ["1991-11-23"],
            "nationalities": ["KOR"],
            "sex": "M",
            "documents": _doc("M70552914", "KOR"),
        },
        "surname Lee written Yi",
    ),
    Planted(
        "DEMO:VN-0001",
        "VN-MBI",
        {
            "names": ["NGUYEN VAN AN"],
            "birth_dates": ["1985-03-12"],
            "nationalities": ["VNM"],
            "sex": "M",
            "documents": _doc("C2948811", "VNM"),
        },
        "diacritics dropped",
    ),
    Planted(
        "DEMO:TH-0001",
        "LA-VTE",
        {
            "names": ["TANAKORN SRISUK"],
            "birth_dates": ["1990-01-15"],
            "nationalities": ["THA"],
            "sex": "M",
            "documents": _doc("AA1183920", "THA"),
        },
        "informal Thai romanization",
    ),
    Planted(
        "DEMO:KH-0001",
        "TH-ARN",
        {
            "names": ["SOK VANNA"],
            "birth_dates": ["1983-09-21"],
            "nationalities": ["KHM"],
            "sex": "F",
            "documents": _doc("N0771245", "KHM"),
        },
        "fled Cambodia to Thailand",
    ),
    Planted(
        "DEMO:RU-0001",
        "TH-BKK",
        {
            "names": ["Dmitry V\u043elkov"],
            "birth_dates": ["1976-04-30"],
            "nationalities": ["RUS"],
            "sex": "M",
            "documents": _doc("720341195", "RUS"),
        },
        "Cyrillic 'o' (U+043E) slipped into a Latin name",
    ),
    Planted(
        "DEMO:MY-0001",
        "TH-MSO",
        {
            "names": ["AHMAD ISMAIL RAHMAN"],
            "birth_dates": ["1987-12-05"],
            "nationalities": ["MYS"],
            "sex": "M",
            "documents": _doc("A39217746", "MYS"),
        },
        "patronymic 'bin' dropped",
    ),
)


def _un_plants(entries: list[WatchlistEntry], rng: random.Random, count: int) -> list[Planted]:
    """A few UN-listed people crossing with their names in passport spelling."""
    candidates = [e for e in entries if e.entry_id.startswith("UN:") and e.identity.birth_dates]
    plants = []
    for entry in rng.sample(candidates, min(count, len(candidates))):
        ident = entry.identity
        latin = next((n for n in ident.names if n.isascii()), ident.names[0])
        plants.append(
            Planted(
                entry.entry_id,
                rng.choice(CHECKPOINTS).code,
                {
                    "names": [_mrz_style(latin)],
                    "birth_dates": [ident.birth_dates[0]],
                    "nationalities": list(ident.nationalities[:1]),
                    "documents": _doc("X0000001", "UTO"),
                },
                "UN-listed, passport spelling",
            )
        )
    return plants


def demo_entries() -> list[WatchlistEntry]:
    """The fictional scam-ring fugitives the demo lists beside the UN list."""
    path = resources.files("streams").joinpath("data/demo_fugitives.jsonl")
    with resources.as_file(path) as p:
        return list(load(Path(p), "jsonl"))


def crossing_events(
    n_events: int, plants: list[Planted], rng: random.Random, day: dt.date
) -> Iterator[tuple[dict[str, Any], Planted | None]]:
    """A day of crossings, time ordered, with the planted ones spread through it."""
    factory = TravellerFactory(rng)
    start = dt.datetime.combine(day, dt.time(0, 0), ICT)
    step = 86_400 / max(n_events, 1)
    slots = dict(zip(rng.sample(range(n_events), min(len(plants), n_events)), plants, strict=False))
    for i in range(n_events):
        plant = slots.get(i)
        point = _BY_CODE[plant.checkpoint] if plant else rng.choice(CHECKPOINTS)
        yield (
            {
                "event_id": f"demo-{day:%Y%m%d}-{i:07d}",
                "agency": point.agency,
                "checkpoint": {"code": point.code, "country": point.country, "name": point.name},
                "direction": rng.choice(("entry", "exit")),
                "occurred_at": (start + dt.timedelta(seconds=i * step)).isoformat(),
                "traveller": plant.traveller if plant else factory.traveller(),
                "mode": point.mode,
            },
            plant,
        )


@dataclass
class DemoSummary:
    published: int = 0
    malformed: int = 0
    processed: int = 0
    dead_letters: int = 0
    alerts: list[Alert] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    expected: dict[tuple[str, str], Planted] = field(default_factory=dict)
    busy_seconds: float = 0.0
    metrics_url: str = ""
    console_url: str = ""

    @property
    def found(self) -> set[tuple[str, str]]:
        return {(a.event.event_id, a.entry.entry_id) for a in self.alerts} & set(self.expected)

    @property
    def missed(self) -> list[Planted]:
        return [p for key, p in self.expected.items() if key not in self.found]

    def render(self, elapsed: float) -> str:
        lat = sorted(self.latencies)

        def pct(q: float) -> str:
            return f"{lat[min(len(lat) - 1, int(q * len(lat)))] * 1000:.0f} ms" if lat else "n/a"

        rate = self.processed / self.busy_seconds if self.busy_seconds > 0 else 0.0
        lines = [
            "",
            "borderwatch demo summary",
            f"  crossings published     {self.published} (+{self.malformed} malformed)",
            f"  crossings processed     {self.processed} valid, {self.dead_letters} to the DLQ",
            f"  alerts                  {len(self.alerts)}"
            f" ({len(self.found)}/{len(self.expected)} planted fugitives caught)",
            f"  throughput              {rate:.0f} crossings/s while streaming",
            f"  crossing-to-alert       p50 {pct(0.5)}, p95 {pct(0.95)}, max {pct(1.0)}",
            f"  metrics                 {self.metrics_url}",
            f"  alert console           {self.console_url}",
            f"  elapsed                 {elapsed:.1f} s",
        ]
        if self.alerts:
            lines.append(
                f"  mean alert score        {statistics.fmean(a.score for a in self.alerts):.2f}"
            )
        for plant in self.missed:
            lines.append(f"  MISSED {plant.entry_id} at {plant.checkpoint} ({plant.how})")
        return "\n".join(lines)


class AlertCollector(threading.Thread):
    """Reads the alerts topic from the start while the demo streams."""

    def __init__(self, settings: Settings, summary: DemoSummary, echo: Echo | None) -> None:
        super().__init__(daemon=True)
        self.settings, self.summary, self.echo = settings, summary, echo
        self.stop_event = threading.Event()

    def run(self) -> None:
        c = consumer(self.settings)
        parts = c.partitions_for_topic(self.settings.topic_alerts) or {0}
        tps = [TopicPartition(self.settings.topic_alerts, p) for p in parts]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        try:
            while not self.stop_event.is_set():
                for records in c.poll(timeout_ms=200).values():
                    for record in records:
                        alert = Alert.model_validate_json(record.value)
                        self.summary.alerts.append(alert)
                        latency = record.timestamp / 1000 - alert.ingested_at.timestamp()
                        self.summary.latencies.append(max(0.0, latency))
                        if self.echo:
                            self.echo(render_alert(alert))
        finally:
            c.close()


def _start_worker(settings: Settings, metrics_port: int, log_path: Path) -> WorkerProcess:
    fast_start = {  # one worker, so no rebalance to wait for: join the group quickly
        name: min(getattr(settings, name), value)
        for name, value in (
            ("rebalance_timeout_s", 5.0),
            ("session_timeout_s", 10.0),
            ("heartbeat_interval_s", 1.0),
        )
    }
    child = settings.model_copy(update={**fast_start, "metrics_port": metrics_port})
    return WorkerProcess(child, log_path).start()


def _port_or_free(port: int) -> int:
    """The configured port if nobody listens there, else a free one."""
    if port:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                pass
    return free_port()


def run_demo(
    settings: Settings,
    n_events: int = 3000,
    rate: float = 500.0,
    seed: int = 7,
    echo: Echo | None = print,
    progress: Echo | None = None,
    workdir: Path | None = None,
    hold: Callable[[DemoSummary], None] | None = None,
) -> DemoSummary:
    """Run the whole demo and return its summary.

    `hold`, if given, is called with the summary while everything still runs (the CLI
    keeps the console open for the officer until Ctrl-C).
    """
    progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    rng = random.Random(seed)
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / f"borderwatch-demo-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    broker = None
    if "bootstrap_servers" not in settings.model_fields_set:
        broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
        settings = settings.model_copy(update={"bootstrap_servers": broker.bootstrap_servers})
        progress(f"embedded broker on {broker.bootstrap_servers}")
    metrics_port = _port_or_free(settings.metrics_port)
    console_port = _port_or_free(settings.console_port)
    summary = DemoSummary(
        metrics_url=f"http://127.0.0.1:{metrics_port}/metrics",
        console_url=f"http://127.0.0.1:{console_port}/",
    )
    worker = console = None
    collector = AlertCollector(settings, summary, echo)
    try:
        ensure_topics(settings)
        un = list(load(packaged_un_list()))
        entries = un + demo_entries()
        with producing(settings) as producer:
            counts = send_entries(producer, settings, entries)
        progress(
            "watchlists published: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        )
        worker = _start_worker(settings, metrics_port, workdir / "worker.log")
        progress(
            f"worker starting (log: {workdir / 'worker.log'}); metrics on {summary.metrics_url}"
        )
        console = start_command(
            settings.model_copy(update={"console_port": console_port}),
            ["console"],
            workdir / "console.log",
        )
        progress(f"alert console (coordination centre) on {summary.console_url}")
        worker.wait_ready(timeout_s=120.0)
        progress("worker ready; streaming a simulated day of crossings")
        collector.start()
        plants = list(DEMO_PLANTS) + _un_plants(un, rng, 3)
        day = dt.datetime.now(ICT).date()
        started = time.monotonic()
        with producing(settings) as producer:
            for i, (event, plant) in enumerate(crossing_events(n_events, plants, rng, day)):
                producer.send(
                    settings.topic_crossings,
                    key=event["event_id"].encode(),
                    value=json.dumps(event, ensure_ascii=False).encode(),
                )
                if plant:
                    summary.expected[(event["event_id"], plant.entry_id)] = plant
                summary.published += 1
                ahead = started + (i + 1) / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
                if i and i % 1000 == 0:
                    progress(f"  {i}/{n_events} crossings published, {len(summary.alerts)} alerts")
            for junk in (b'{"event_id": "demo-bad-1", "agency": "TH-IMM"}', b"\x00not json"):
                producer.send(settings.topic_crossings, value=junk)
                summary.malformed += 1
        _drain(summary, worker, started)
        if hold is not None:
            hold(summary)
    finally:
        collector.stop_event.set()
        if collector.is_alive():
            collector.join(timeout=5)
        stop_process(console)
        if worker is not None:
            worker.stop()
        if broker is not None:
            broker.stop()
    return summary


def _drain(
    summary: DemoSummary, worker: WorkerProcess, started: float, timeout_s: float = 120.0
) -> None:
    """Wait until the worker has counted every crossing, then for the alerts to arrive."""
    deadline = time.monotonic() + timeout_s
    total = summary.published + summary.malformed
    while time.monotonic() < deadline:
        seen = worker.totals()
        summary.processed = int(seen.get("borderwatch_crossings_total", 0))
        summary.dead_letters = int(seen.get("borderwatch_crossings_invalid_total", 0))
        if summary.processed + summary.dead_letters >= total:
            summary.busy_seconds = time.monotonic() - started
            produced = int(seen.get("borderwatch_alerts_total", 0))
            while len(summary.alerts) < produced and time.monotonic() < deadline:
                time.sleep(0.1)
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"the worker processed {summary.processed + summary.dead_letters} of {total} crossings"
        f" within {timeout_s:.0f} s"
    )
