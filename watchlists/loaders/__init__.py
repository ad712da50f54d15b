"""Readers for watchlist files; `load` detects the format."""

from watchlists.loaders.base import LoadError, RecordError, load

__all__ = ["LoadError", "RecordError", "load"]
