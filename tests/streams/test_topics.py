"""The topics borderwatch creates keep their records as long as the product needs them, and
an existing topic that keeps them less long is named in a warning with its mending command."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from pydantic import ValidationError

from config import Settings
from streams.kafka import (
    FOREVER,
    client_options,
    ensure_topics,
    retention_needs,
    short_retention,
    topic_specs,
)
from tests.support import retention_of

DAY_MS = 86_400_000


def test_settings_refuse_a_retention_shorter_than_the_window_it_serves() -> None:
    with pytest.raises(ValidationError, match=r"crossings_retention_h .* retro_window_h"):
        Settings(retro_window_h=96, crossings_retention_h=72)
    with pytest.raises(ValidationError, match=r"alerts_retention_days .* trail_days"):
        Settings(trail_days=60, alerts_retention_days=30)
    # a retro alert's trail reaches TRAIL_DAYS back from a crossing RETRO_WINDOW_H old
    with pytest.raises(ValidationError, match=r"alerts_retention_days \(30\) .* retro_window_h"):
        Settings(trail_days=30, retro_window_h=72, alerts_retention_days=30)
    assert (
        Settings(trail_days=30, retro_window_h=72, alerts_retention_days=33).alerts_retention_h
        == 33 * 24
    )
    assert Settings(retro_window_h=96, crossings_retention_h=96).crossings_retention_h == 96


def test_each_topic_is_created_to_keep_what_it_is_for() -> None:
    s = Settings(crossings_retention_h=48, retro_window_h=24, alerts_retention_days=45)
    specs = topic_specs(s)
    assert specs[s.topic_crossings] == specs[s.topic_dlq] == {"retention.ms": str(2 * DAY_MS)}
    assert specs[s.topic_alerts] == {"retention.ms": str(45 * DAY_MS)}
    assert specs[s.topic_dispositions] == {"retention.ms": str(FOREVER)}
    assert specs[s.topic_watchlist] == {"cleanup.policy": "compact"}
    # unset, alerts are kept as long as the trails reach back (a retro alert's from a
    # crossing RETRO_WINDOW_H old): no longer read at each start
    unset = topic_specs(Settings(trail_days=14, retro_window_h=72))
    assert unset[s.topic_alerts] == {"retention.ms": str(17 * DAY_MS)}
    no_hunt = topic_specs(Settings(trail_days=14, retro_window_h=0))
    assert no_hunt[s.topic_alerts] == {"retention.ms": str(14 * DAY_MS)}
    # what it creates meets what the worker needs of it
    for topic, (need, _) in retention_needs(s).items():
        kept = int(specs[topic]["retention.ms"])
        assert kept == FOREVER or kept >= need != FOREVER, topic


def test_short_retention_names_each_topic_that_keeps_too_little() -> None:
    s = Settings(trail_days=30, retro_window_h=72)
    needs = retention_needs(s)
    seven_days = 7 * DAY_MS
    problems = short_retention(
        needs,
        {
            s.topic_alerts: seven_days,
            s.topic_dispositions: 365 * DAY_MS,
            s.topic_crossings: seven_days,
        },
    )
    assert len(problems) == 2
    alerts, dispositions = problems
    assert alerts.startswith(f"topic {s.topic_alerts} keeps records 7 days")
    assert "needs 33 days" in alerts and "TRAIL_DAYS" in alerts and "RETRO_WINDOW_H" in alerts
    assert f"--entity-name {s.topic_alerts} --add-config retention.ms={33 * DAY_MS}" in alerts
    assert dispositions.startswith(f"topic {s.topic_dispositions} keeps records 365 days")
    assert "needs forever" in dispositions and "retention.ms=-1" in dispositions
    # kept forever, or at least as long as needed: nothing to say
    enough = {s.topic_alerts: FOREVER, s.topic_dispositions: FOREVER, s.topic_crossings: 3 * DAY_MS}
    assert short_retention(needs, enough) == []
    # no retro-hunt: the crossings topic may keep them as briefly as the operator likes
    assert s.topic_crossings not in retention_needs(Settings(retro_window_h=0))


def test_topics_are_created_with_their_retention_and_short_ones_are_warned_of(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    run = uuid.uuid4().hex[:8]
    settings = make_settings(
        topic_crossings=f"{run}.crossings",
        topic_watchlist=f"{run}.watchlist",
        topic_alerts=f"{run}.alerts",
        topic_dlq=f"{run}.crossings.dlq",
        topic_dispositions=f"{run}.dispositions",
    )
    admin = KafkaAdminClient(**client_options(settings))
    try:
        # an alerts topic made elsewhere before, with Kafka's default of 7 days
        admin.create_topics(
            [NewTopic(settings.topic_alerts, 1, 1, topic_configs={"retention.ms": str(7 * DAY_MS)})]
        )
        with caplog.at_level(logging.WARNING, logger="streams.kafka"):
            ensure_topics(settings)
        made = [settings.topic_crossings, settings.topic_dlq, settings.topic_dispositions]
        assert retention_of(settings, made) == {
            t: int(topic_specs(settings)[t]["retention.ms"]) for t in made
        }
        assert retention_of(settings, [settings.topic_alerts]) == {
            settings.topic_alerts: 7 * DAY_MS
        }
    finally:
        admin.close()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1, warned
    assert warned[0].startswith(f"topic {settings.topic_alerts} keeps records 7 days")
