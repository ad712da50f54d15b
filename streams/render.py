"""Alerts as a watch officer reads them on a terminal."""

from __future__ import annotations

import click

from matchers import Band
from streams.events import Alert

BAND_COLOURS = {Band.CONFIRMED: "red", Band.PROBABLE: "yellow", Band.POSSIBLE: "cyan"}


def render_alert(alert: Alert, colour: bool | None = None) -> str:
    """Two lines: who matched whom where, then why."""
    e, entry = alert.event, alert.entry
    band = click.style(
        f"{alert.band.value.upper():9}", fg=BAND_COLOURS.get(alert.band, "white"), bold=True
    )
    retro = " RETRO" if alert.retro else ""
    head = (
        f"{band} {alert.score:.2f}{retro} {entry.entry_id} [{entry.action.value}] "
        f"{alert.query_name!s} ~ {alert.matched_name!s} | "
        f"{e.checkpoint.code} ({e.checkpoint.country}) "
        f"{e.direction.value} {e.occurred_at:%Y-%m-%d %H:%M}Z by {e.agency}"
    )
    why = f"    why: {alert.explanation}"
    text = f"{head}\n{why}"
    return text if colour is not False else click.unstyle(text)
