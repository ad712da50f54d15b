"""The watch officer's live alert console (`borderwatch console`)."""

from streams.console.server import alerts_topic, create_app, run_console

__all__ = ["alerts_topic", "create_app", "run_console"]
