"""Genuine alerts for the console's tests: a listed person's journey through the region.

Crossings go through the real `CrossingPipeline` (with its alert history, so trails and
priorities are the worker's own) and are routed to topics as the worker routes them: the
coordination centre's topic, then each agency's that may see the alert.
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from config import Settings
from streams.alert_history import AlertHistory
from streams.events import Alert
from streams.kafka import client_options, producing
from streams.pipeline import CrossingPipeline, Incoming
from tests.support import crossing, entry
from watchlists import Watchlist, WatchlistEntry
from watchlists.dissemination import recipients

PARK_DOC = {"number": "M48213307", "kind": "passport", "country": "KOR"}

ENTRIES = [
    {
        **entry(
            "KNPA:0001",
            ["박성민", "Park Sung-min"],
            birth_dates=["1988-07-02"],
            nationalities=["KOR"],
            sex="M",
            documents=[PARK_DOC],
        ),
        "reason": "Recruiter for an online-fraud compound (fictional test entry)",
        "issuing_agency": "KR-NPA",
    },
    entry("ASEANAPOL:0042", ["Nguyễn Văn Ân"], birth_dates=["1985-03-12"]),
    {
        # Restricted: only the Cambodian immigration service (and the issuer) may see it.
        **entry(
            "DEMO:KH-0001",
            ["សុខ វណ្ណា", "Sok Vanna"],
            birth_dates=["1983-09"],
            nationalities=["KHM"],
            sex="F",
        ),
        "reason": "Operates a scam compound in Bavet (fictional test entry)",
        "issuing_agency": "KH-NPC",
        "allowed_agencies": ["KH-IMM"],
    },
    {
        **entry("TH-DSI:0007", ["Somchai Wongsakul"], birth_dates=["1979"]),
        "action": "locate",
    },
]


def _crossing(
    event_id: str,
    names: list[str],
    where: tuple[str, str, str],
    when: str,
    direction: str,
    agency: str,
    **traveller: Any,
) -> dict[str, Any]:
    code, country, name = where
    event = crossing(event_id, names, **traveller)
    event.update(
        checkpoint={"code": code, "country": country, "name": name},
        occurred_at=when,
        direction=direction,
        agency=agency,
        mode="air" if "Airport" in name else "land",
    )
    return event


ICN = ("KR-ICN", "KOR", "Incheon International Airport")
BKK = ("TH-BKK", "THA", "Suvarnabhumi Airport")
ARN = ("TH-ARN", "THA", "Aranyaprathet")
NKI = ("TH-NKI", "THA", "Nong Khai Friendship Bridge")
MSO = ("TH-MSO", "THA", "Mae Sot")
POI = ("KH-POI", "KHM", "Poipet")
BVT = ("KH-BVT", "KHM", "Bavet")

PARK = {"birth_dates": ["1988-07-02"], "documents": [PARK_DOC]}
NGUYEN = {"birth_dates": ["1985-03-12"], "documents": [{"number": "C1234567", "country": "VNM"}]}
SOK = {"birth_dates": ["1983-09-14"], "documents": [{"number": "N0771245", "country": "KHM"}]}
SOMCHAI = {"documents": [{"number": "AA1234567", "country": "THA"}]}

# In time order: Park flies Incheon -> Bangkok and heads for the Cambodian border.
CROSSINGS = [
    _crossing(
        "ICN-0001", ["PARK SUNG MIN"], ICN, "2026-11-18T23:40:00+09:00", "exit", "KR-MOJ", **PARK
    ),
    _crossing(
        "BKK-0001", ["PARK SUNG MIN"], BKK, "2026-11-19T03:55:00+07:00", "entry", "TH-IMM", **PARK
    ),
    _crossing(
        "MSO-0001",
        ["SOMCHAI WONGSAKUN"],
        MSO,
        "2026-11-20T16:20:00+07:00",
        "exit",
        "TH-IMM",
        **SOMCHAI,
    ),
    _crossing("POI-0001", ["SOK VANNA"], POI, "2026-11-21T07:05:00+07:00", "exit", "KH-IMM", **SOK),
    _crossing(
        "NKI-0001", ["NGUYEN VAN AN"], NKI, "2026-11-21T08:30:00+07:00", "entry", "TH-IMM", **NGUYEN
    ),
    _crossing(
        "ARN-0001", ["PARK SUNGMIN"], ARN, "2026-11-21T09:10:00+07:00", "exit", "TH-IMM", **PARK
    ),
    _crossing(
        "BVT-0001", ["SOK VANNA"], BVT, "2026-11-22T10:45:00+07:00", "entry", "KH-IMM", **SOK
    ),
]


def journey(*extra: dict[str, Any]) -> dict[str, Alert]:
    """The alerts of CROSSINGS (then `extra` crossings), by event id, as the worker makes them."""
    listed = [WatchlistEntry.model_validate_json(json.dumps(e)) for e in ENTRIES]
    pipeline = CrossingPipeline(Watchlist(listed), history=AlertHistory(trail_days=30))
    alerts: dict[str, Alert] = {}
    for offset, event in enumerate([*CROSSINGS, *extra]):
        raw = json.dumps(event, ensure_ascii=False).encode()
        [outcome] = pipeline.process([Incoming(raw, None, "crossings", 0, offset)])
        assert outcome.dead_letter is None, outcome.dead_letter
        [alert] = outcome.alerts
        alerts[event["event_id"]] = alert
    return alerts


def crossing_of(
    event_id: str,
    names: list[str],
    where: tuple[str, str, str],
    when: str,
    agency: str,
    **traveller: Any,
) -> dict[str, Any]:
    """One more crossing (entry direction) for `journey(...)`."""
    return _crossing(event_id, names, where, when, "entry", agency, **traveller)


def alert_topics(settings: Settings, alert: Alert) -> list[str]:
    """Where the worker puts an alert: the centre's topic and each allowed agency's."""
    event = alert.event
    agencies = recipients(alert.entry, event.agency, event.checkpoint.country)
    base = settings.topic_alerts
    return [base, *(f"{base}.{agency}" for agency in agencies)]


def create_topics(settings: Settings, names: list[str]) -> None:
    """Agency topics, as the worker creates them on first use."""
    admin = KafkaAdminClient(**client_options(settings))
    try:
        missing = [n for n in names if n not in set(admin.list_topics())]
        if missing:
            with suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(n, settings.partitions, settings.replication_factor) for n in missing]
                )
    finally:
        admin.close()


def publish(settings: Settings, *alerts: Alert) -> None:
    """Produce alerts to every topic the worker would, keyed by entry id."""
    create_topics(settings, sorted({t for a in alerts for t in alert_topics(settings, a)}))
    with producing(settings) as producer:
        for alert in alerts:
            for topic in alert_topics(settings, alert):
                producer.send(
                    topic,
                    key=alert.entry.entry_id.encode(),
                    value=alert.model_dump_json().encode(),
                )
