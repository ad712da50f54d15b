"""Recording officers' decisions on alerts (the CLI's and the console's shared path)."""

from __future__ import annotations

import datetime as dt

from config import Settings
from streams.events import Alert, Disposition, DispositionKind, document_key
from streams.kafka import ensure_topics, producing, read_to_end


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
    """The alert with this id, read from the alerts topic."""
    needle = alert_id.encode()
    for record in read_to_end(settings, settings.topic_alerts, timeout_s):
        if record.value and needle in record.value:
            alert = Alert.model_validate_json(record.value)
            if alert.alert_id == alert_id:
                return alert
    return None
