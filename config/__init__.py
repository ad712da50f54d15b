"""Settings and ops files (Prometheus, Grafana) for borderwatch."""

from config.settings import Settings

__all__ = ["Settings"]
