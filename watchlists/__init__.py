"""Watchlist entries and the loaders for the list formats agencies receive."""

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders import LoadError, load

__all__ = ["LoadError", "RequestedAction", "WatchlistEntry", "load"]
