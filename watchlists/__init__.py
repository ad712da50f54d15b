"""Watchlist entries, the loaders for the list formats agencies receive, and a worker's
watchlist (its entries and their index)."""

from watchlists.entry import RequestedAction, WatchlistEntry
from watchlists.loaders import LoadError, load
from watchlists.watchlist import Watchlist

__all__ = ["LoadError", "RequestedAction", "Watchlist", "WatchlistEntry", "load"]
