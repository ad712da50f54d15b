"""Alerts as a watch officer reads them on a terminal."""

from __future__ import annotations

import datetime as dt

import click

from matchers import Band
from streams.events import Alert

BAND_COLOURS = {Band.CONFIRMED: "red", Band.PROBABLE: "yellow", Band.POSSIBLE: "cyan"}


def render_alert(alert: Alert, colour: bool | None = None) -> str:
    """Who matched whom, where and when (UTC); then why; then the trail so far."""
    e, entry = alert.event, alert.entry
    band = click.style(
        f"{alert.band.value.upper():9}", fg=BAND_COLOURS.get(alert.band, "white"), bold=True
    )
    retro = " RETRO" if alert.retro else ""
    head = (
        f"{band} {alert.score:.2f}{retro} {entry.entry_id} [{entry.action.value}] "
        f"{alert.query_name!s} ~ {alert.matched_name!s} | "
        f"{e.checkpoint.code} ({e.checkpoint.country}) "
        f"{e.direction.value} {e.occurred_at.astimezone(dt.UTC):%Y-%m-%d} {_utc(e.occurred_at)} "
        f"by {e.agency}"
    )
    if alert.priority.value == "high":
        head = click.style("HIGH PRIORITY ", fg="red", bold=True) + head
    lines = [head, f"    why: {alert.explanation}"]
    if alert.trail:
        route = " -> ".join(
            f"{p.checkpoint.code} ({p.checkpoint.country}) {_utc(p.occurred_at)}"
            for p in alert.trail
        )
        lines.append(f"    trail: {route} -> {e.checkpoint.code} ({e.checkpoint.country}) now")
    text = "\n".join(lines)
    return text if colour is not False else click.unstyle(text)


def _utc(when: dt.datetime) -> str:
    return f"{when.astimezone(dt.UTC):%H:%M}Z"
