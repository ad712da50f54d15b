"""The console's state and its map, without a broker or a browser."""

from __future__ import annotations

import asyncio

from streams import demo
from streams.console import geo
from streams.console.board import AlertBoard
from streams.dispositions import disposition_for
from streams.events import Checkpoint
from tests.console.scenario import journey


def test_every_demo_checkpoint_is_placed_exactly_on_the_map() -> None:
    for checkpoint in demo.CHECKPOINTS:
        place = geo.locate(Checkpoint(code=checkpoint.code, country=checkpoint.country))
        assert place["exact"] and place["on_map"], checkpoint.code
        assert 0 <= place["x"] <= geo.WIDTH and 0 <= place["y"] <= geo.HEIGHT
        assert geo.CHECKPOINTS[checkpoint.code].country == checkpoint.country
    poipet = geo.locate(Checkpoint(code="KH-POI", country="KHM"))
    incheon = geo.locate(Checkpoint(code="KR-ICN", country="KOR"))
    assert incheon["x"] > poipet["x"] and incheon["y"] < poipet["y"]  # north-east of Poipet


def test_an_unknown_checkpoint_falls_back_to_its_country() -> None:
    laos = geo.locate(Checkpoint(code="LA-HXY", country="LAO"))
    assert not laos["exact"] and laos["on_map"]
    assert (laos["lat"], laos["lon"]) == geo.COUNTRY_CENTROIDS["LAO"]
    assert geo.locate(Checkpoint(code="X1", country="LA"))["lat"] == laos["lat"]  # alpha-2
    far = geo.locate(Checkpoint(code="DE-FRA", country="DEU"))
    assert far["x"] is None and not far["on_map"]
    japan = geo.locate(Checkpoint(code="JP-NRT", country="JPN"))
    assert japan["x"] is not None and not japan["on_map"]  # east of the map: listed apart


def test_the_board_shows_each_alert_once_and_decisions_once_their_alert_is_there() -> None:
    async def run() -> list[tuple[str, str]]:
        alerts = journey()
        board = AlertBoard()
        queue = board.subscribe()
        nki, arn = alerts["NKI-0001"], alerts["ARN-0001"]
        decision = disposition_for(nki, "confirmed", "Sgt. Niran", agency="TH-IMM")
        board.add_decision(decision)  # read from its topic before the alert
        board.add_alert(nki)
        board.add_alert(nki)  # a duplicate (at-least-once delivery)
        board.add_decision(decision)
        board.add_alert(arn)
        events = []
        while not queue.empty():
            event = queue.get_nowait()
            assert event is not None
            name, data = event
            events.append((name, data["alert"]["alert_id"] if name == "alert" else ""))
        view = board.view(nki)
        assert [d["by"] for d in view["decisions"]] == ["Sgt. Niran"]
        assert [a["alert"]["alert_id"] for a in board.snapshot()["alerts"]] == [
            arn.alert_id,
            nki.alert_id,
        ]
        places = board.view(arn)["places"]
        assert [p["checkpoint"]["code"] for p in places] == ["KR-ICN", "TH-BKK", "TH-ARN"]
        assert [p["current"] for p in places] == [False, False, True]
        return events

    events = asyncio.run(run())
    alerts = journey()
    assert events == [
        ("alert", alerts["NKI-0001"].alert_id),
        ("alert", alerts["ARN-0001"].alert_id),
    ]


def test_a_page_too_slow_to_keep_up_is_cut_off_to_reconnect() -> None:
    async def run() -> None:
        board = AlertBoard(queue_size=2)
        slow = board.subscribe()
        for alert in journey().values():
            board.add_alert(alert)
        assert slow.get_nowait() is None  # the stream ends; the page reconnects for a snapshot
        assert len(board.snapshot()["alerts"]) == 7

    asyncio.run(run())
