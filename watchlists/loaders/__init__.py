"""Readers for watchlist files; `load` detects the format.

Formats: `jsonl` (native entries), `un` (UN Security Council consolidated XML), `ofac`
(OFAC SDN legacy CSV trio), `ftm` (FollowTheMoney / OpenSanctions JSON Lines), `interpol`
(INTERPOL red-notice JSON) and `csv` (a national list with a header).
"""

from watchlists.loaders.base import detect_format, load
from watchlists.loaders.errors import LoadError, OnError, RecordError
from watchlists.loaders.un import packaged_un_list

__all__ = ["LoadError", "OnError", "RecordError", "detect_format", "load", "packaged_un_list"]
