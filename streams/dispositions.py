"""Recording officers' decisions on alerts (the CLI's and the console's shared path)."""

from __future__ import annotations

import datetime as dt
import time

from kafka import TopicPartition

from config import Settings
from streams.events import Alert, Disposition, DispositionKind, document_key
from streams.kafka import consumer, ensure_topics, producing


def disposition_for(
    alert: Alert, kind: str, by: str, note: str = "", agency: str | None = None
) -> Disposition:
    """A decision on this alert, naming what a false positive suppresses."""
    return Disposition(
        alert_id=alert.alert_id,
        entry_id=alert.entry.entry_id,
        entry_version=alert.entry.content_hash(),
        document_key=document_key(alert.event.travel_document),
        disposition=DispositionKind(kind),
        by=by,
        note=note,
        at=dt.datetime.now(dt.UTC),
        agency=agency,
    )


def record_disposition(
    settings: Settings, alert: Alert, kind: str, by: str, note: str = "", agency: str | None = None
) -> Disposition:
    """Publish a decision to the dispositions topic, keyed by alert id."""
    record = disposition_for(alert, kind, by, note, agency)
    ensure_topics(settings)
    with producing(settings) as producer:
        producer.send(
            settings.topic_dispositions,
            key=alert.alert_id.encode(),
            value=record.model_dump_json().encode(),
        )
    return record


def find_alert(settings: Settings, alert_id: str, timeout_s: float = 30.0) -> Alert | None:
    """The alert with this id, read from the alerts topic (to its high-water marks)."""
    c = consumer(settings, fetch_max_wait_ms=100)
    try:
        topic = settings.topic_alerts
        tps = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic) or ())]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        pending = set(tps)
        deadline = time.monotonic() + timeout_s
        needle = alert_id.encode()
        while pending and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=200, max_records=5000).values():
                for r in records:
                    if r.value and needle in r.value:
                        alert = Alert.model_validate_json(r.value)
                        if alert.alert_id == alert_id:
                            return alert
            for tp in list(pending):
                highwater = c.highwater(tp)
                if highwater is not None and c.position(tp) >= highwater:
                    pending.discard(tp)
        return None
    finally:
        c.close()
