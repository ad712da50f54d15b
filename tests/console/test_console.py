"""The watch officer's console in a real browser, against the real broker."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from config import Settings
from streams.broker import free_port
from streams.dispositions import disposition_for
from streams.events import Alert, Disposition, DispositionKind, Priority, document_key
from streams.kafka import ensure_topics, producing
from tests.console.conftest import OpenPage, StartConsole
from tests.console.scenario import (
    BKK,
    MSO,
    PARK,
    POI,
    SOK,
    alert_topics,
    crossing_of,
    journey,
    publish,
)
from tests.support import count_at_least, read_topic

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# The README's picture of the console: rewritten only when asked (a run of the tests must not
# change a tracked file; the page renders a few bytes differently each time).
SCREENSHOT = REPO / "docs" / "console.png"
UPDATE_SCREENSHOT = "BORDERWATCH_UPDATE_SCREENSHOT"
HOSTILE = "<img src=x onerror=window.__pwned=1> Park"

# What the TH-IMM topic holds of the scenario: crossings Thai immigration reported.
THAI = ["BKK-0001", "MSO-0001", "NKI-0001", "ARN-0001"]
RESTRICTED = ["POI-0001", "BVT-0001"]  # Sok Vanna, visible to KH-IMM and the issuer only


def card(page: Page, alert: Alert) -> Locator:
    return page.locator(f'#alerts [data-alert-id="{alert.alert_id}"]')


def open_console(open_page: OpenPage, url: str) -> Page:
    page = open_page(url)
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    return page


def test_an_alert_published_after_the_page_loaded_appears_live(
    make_settings: Callable[..., Settings], start_console: StartConsole, open_page: OpenPage
) -> None:
    settings = make_settings()
    ensure_topics(settings)  # the agency's topic appears only with its first alert
    later = crossing_of(
        "BKK-0099", ["PARK SUNG MIN", HOSTILE], BKK, "2026-11-23T06:00:00+07:00", "TH-IMM", **PARK
    )
    alert = journey(later)["BKK-0099"]
    assert alert.priority is Priority.HIGH and alert.trail  # seen in Korea, then Thailand

    console = start_console(settings, "TH-IMM")
    page = open_page(console.url)
    expect(page.locator("#agency")).to_have_text("TH-IMM")
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#status")).to_have_attribute("data-state", "waiting")
    expect(page.locator("#status-detail")).to_contain_text(
        f"waiting for {settings.topic_alerts}.TH-IMM"
    )
    assert page.locator("#alerts .card").count() == 0
    page.evaluate("window.__sameDocument = true")

    publish(settings, alert)

    new = page.locator(f'#alerts [data-alert-id="{alert.alert_id}"]')
    expect(new).to_be_visible(timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    expect(page.locator("#status-detail")).to_be_hidden()
    expect(new).to_have_class(re.compile(r"\bband-confirmed\b"))
    expect(new.locator(".badge.high")).to_have_text("HIGH")
    expect(new).to_contain_text("PARK SUNG MIN")
    expect(page.locator("#counts")).to_contain_text("1 alerts")

    detail = page.locator("#detail")  # the first alert is selected
    expect(detail.locator(".explanation")).to_have_text(alert.explanation)
    rows = detail.locator(".features tbody tr")
    expect(rows).to_have_count(len(alert.features))
    for row, feature in zip(rows.all(), alert.features, strict=True):
        sign = "\u2212" if feature.value < 0 else "+"
        expect(row).to_contain_text(f"{sign}{abs(feature.value):.2f}")
        expect(row).to_contain_text(feature.detail)
    stops = detail.locator(".timeline .stop")
    expect(stops).to_have_count(len(alert.trail) + 1)
    expect(stops.first).to_contain_text("Incheon International Airport (KR-ICN, KOR)")
    expect(stops.last).to_contain_text("this crossing")
    expect(detail.locator(".map-svg .stop-marker")).to_have_count(len(alert.trail) + 1)

    # A traveller's name is data, never markup.
    expect(detail.locator(".people")).to_contain_text(HOSTILE)
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.close()


def test_a_decision_clicked_on_the_page_reaches_the_dispositions_topic(
    make_settings: Callable[..., Settings], start_console: StartConsole, open_page: OpenPage
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    alerts = journey()
    publish(settings, *alerts.values())  # before the console starts: it reads from the start
    alert = alerts["NKI-0001"]
    console = start_console(settings, "TH-IMM")
    page = open_console(open_page, console.url)

    page.locator(f'#alerts [data-alert-id="{alert.alert_id}"]').click()
    expect(page.locator("#detail .who")).to_contain_text("NGUYEN VAN AN")
    page.fill("#officer", "Sgt. Niran Chaiyo")
    page.fill("#note", "Held at secondary <b>inspection</b>; fingerprints requested.")
    before = dt.datetime.now(dt.UTC)
    page.click('#detail button[data-decision="escalated"]')
    expect(page.locator("#decision-result")).to_contain_text("Escalated recorded by Sgt. Niran")
    after = dt.datetime.now(dt.UTC)

    [record] = read_topic(settings, settings.topic_dispositions, count_at_least(1))
    assert record.key == alert.alert_id.encode()
    decision = Disposition.model_validate_json(record.value)
    assert decision.alert_id == alert.alert_id
    assert decision.entry_id == "ASEANAPOL:0042"
    assert decision.entry_version == alert.entry.content_hash()
    assert decision.document_key == document_key(alert.event.travel_document) == "VNM:C1234567"
    assert decision.disposition is DispositionKind.ESCALATED
    assert decision.by == "Sgt. Niran Chaiyo"
    assert decision.note == "Held at secondary <b>inspection</b>; fingerprints requested."
    assert decision.agency == "TH-IMM"
    assert before - dt.timedelta(seconds=1) <= decision.at <= after + dt.timedelta(seconds=1)

    # The page shows the decision as read back from the topic, note as text.
    history = page.locator("#decision-history")
    expect(history).to_contain_text("Escalated")
    expect(history).to_contain_text("Held at secondary <b>inspection</b>")
    expect(page.locator(f'#alerts [data-alert-id="{alert.alert_id}"] .decision-chip')).to_have_text(
        "Escalated"
    )
    expect(page.locator("#counts")).to_contain_text("3 undecided")

    # What the server refuses, with a clear error, writes nothing.
    path = f"/api/alerts/{alert.alert_id}/disposition"
    ok = {"disposition": "confirmed", "by": "Insp. Kanya", "note": ""}
    status, body = console.post("/api/alerts/0123456789abcdef/disposition", ok)
    assert status == 404 and f"not on {settings.topic_alerts}.TH-IMM" in body["error"]
    status, body = console.post(path, {**ok, "disposition": "suppressed"})
    assert status == 400 and "disposition must be one of" in body["error"]
    status, body = console.post(path, {**ok, "by": "   "})
    assert status == 400 and body["fields"][0]["field"] == "by"
    status, body = console.post(path, ok, headers={"Origin": "http://evil.example"})
    assert status == 403
    status, body = console.post(path, ok)
    assert status == 201 and body["disposition"] == "confirmed"

    records = read_topic(settings, settings.topic_dispositions, count_at_least(2))
    assert [Disposition.model_validate_json(r.value).disposition for r in records] == [
        DispositionKind.ESCALATED,
        DispositionKind.CONFIRMED,
    ]
    expect(history.locator("li")).to_have_count(2)
    page.close()


def test_an_agency_never_sees_another_agencys_restricted_alert(
    make_settings: Callable[..., Settings], start_console: StartConsole, open_page: OpenPage
) -> None:
    settings = make_settings()
    ensure_topics(settings)
    alerts = journey()
    base = settings.topic_alerts
    for event_id in RESTRICTED:  # routed as the worker routes: owner's and centre's topics
        assert alert_topics(settings, alerts[event_id]) == [
            base,
            f"{base}.KH-IMM",
            f"{base}.KH-NPC",
        ]
    publish(settings, *alerts.values())

    thai = start_console(settings, "TH-IMM")
    khmer = start_console(settings, "KH-IMM")
    centre = start_console(settings, None)
    thai_page = open_console(open_page, thai.url)
    khmer_page = open_console(open_page, khmer.url)
    centre_page = open_console(open_page, centre.url)

    expect(thai_page.locator("#alerts .card")).to_have_count(len(THAI))
    expect(khmer_page.locator("#alerts .card")).to_have_count(len(RESTRICTED))
    expect(centre_page.locator("#alerts .card")).to_have_count(len(alerts))
    expect(centre_page.locator("#agency")).to_have_text("Coordination centre")
    for event_id in RESTRICTED:
        expect(card(khmer_page, alerts[event_id])).to_be_visible()
        expect(card(centre_page, alerts[event_id])).to_be_visible()

    # Live: another restricted crossing, then one Thai immigration may see.
    more = journey(
        crossing_of("POI-0002", ["SOK VANNA"], POI, "2026-11-23T07:00:00+07:00", "KH-IMM", **SOK),
        crossing_of(
            "MSO-0002",
            ["SOMCHAI WONGSAKUL"],
            MSO,
            "2026-11-23T08:00:00+07:00",
            "TH-IMM",
            birth_dates=["1979-05-01"],
            documents=[{"number": "AA1234567", "country": "THA"}],
        ),
    )
    publish(settings, more["POI-0002"])
    publish(settings, more["MSO-0002"])
    expect(card(thai_page, more["MSO-0002"])).to_be_visible()
    expect(card(khmer_page, more["POI-0002"])).to_be_visible()
    expect(card(centre_page, more["POI-0002"])).to_be_visible()

    expect(thai_page.locator("#alerts .card")).to_have_count(len(THAI) + 1)
    for restricted in [*(alerts[e] for e in RESTRICTED), more["POI-0002"]]:
        assert card(thai_page, restricted).count() == 0
    text = thai_page.locator("body").inner_text()
    for secret in ("SOK VANNA", "Sok Vanna", "DEMO:KH-0001", "KH-NPC"):
        assert secret not in text
    snapshot = thai.get("/api/alerts")
    assert {v["alert"]["event"]["event_id"] for v in snapshot["alerts"]} == {*THAI, "MSO-0002"}

    # Nor can it decide on one: the console holds only its own topic's alerts.
    decision = {"disposition": "false_positive", "by": "Insp. Kanya", "note": "not her"}
    restricted_id = alerts["POI-0001"].alert_id
    status, body = thai.post(f"/api/alerts/{restricted_id}/disposition", decision)
    assert status == 404 and "may see" in body["error"]
    status, body = khmer.post(f"/api/alerts/{restricted_id}/disposition", decision)
    assert status == 201 and body["agency"] == "KH-IMM"
    for page in (thai_page, khmer_page, centre_page):
        page.close()


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_run_console_serves_the_page_and_renders_its_screenshot(
    make_settings: Callable[..., Settings], open_page: OpenPage, tmp_path: Path
) -> None:
    """`run_console` (what `borderwatch console` runs) in a process of its own."""
    settings = make_settings(console_port=free_port())
    ensure_topics(settings)
    alerts = journey()
    publish(settings, *alerts.values())
    earlier = disposition_for(
        alerts["MSO-0001"],
        "false_positive",
        "Insp. Kanya R.",
        "Different person: born 1991.",
        "TH-IMM",
    )
    with producing(settings) as producer:
        producer.send(
            settings.topic_dispositions,
            key=earlier.alert_id.encode(),
            value=earlier.model_dump_json().encode(),
        )

    log = tmp_path / "console.log"
    script = (
        "import sys; from config import Settings; from streams.console import run_console; "
        "run_console(Settings(), sys.argv[1])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, "TH-IMM"],
        env={**os.environ, **settings.as_env()},
        cwd=REPO,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{settings.console_port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "api/config", timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"console did not start: {log.read_text()}") from None
                time.sleep(0.2)

        page = open_page(url, height=1380)
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
        expect(page.locator("#alerts .card")).to_have_count(len(THAI))
        ordered = page.locator("#alerts .card").evaluate_all(
            "cards => cards.map(c => c.dataset.alertId)"
        )
        # Newest first, to the millisecond a browser's Date holds, then by alert id (alerts
        # raised within one millisecond tie in the page).
        by_time = sorted(
            (alerts[e] for e in THAI),
            key=lambda a: (-(a.alerted_at.timestamp() * 1000 // 1), a.alert_id),
        )
        assert ordered == [a.alert_id for a in by_time]
        expect(card(page, alerts["MSO-0001"]).locator(".decision-chip")).to_have_text(
            "False positive"
        )
        expect(card(page, alerts["MSO-0001"])).to_have_class(re.compile(r"\bband-possible\b"))
        expect(card(page, alerts["NKI-0001"])).to_have_class(re.compile(r"\bband-probable\b"))

        card(page, alerts["ARN-0001"]).click()
        expect(page.locator("#detail .timeline .stop")).to_have_count(3)
        page.fill("#officer", "Sgt. Niran Chaiyo")
        page.locator("#detail .map-svg").wait_for()
        shot = tmp_path / "console.png"
        page.screenshot(path=str(shot))
        page.close()
        assert _png_size(shot) == (1440, 1380)
        assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
        if os.environ.get(UPDATE_SCREENSHOT) == "1":
            shutil.copyfile(shot, SCREENSHOT)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0, log.read_text()
    assert "borderwatch console for TH-IMM" in log.read_text()
