"""The pure matching core: identities in, scored and explained hits out. No I/O."""

from matchers.identity import Document, Identity
from matchers.index import Matcher, MatchStats
from matchers.result import Band, Comparison, Feature, Hit, Listed
from matchers.score import compare

__all__ = [
    "Band",
    "Comparison",
    "Document",
    "Feature",
    "Hit",
    "Identity",
    "Listed",
    "MatchStats",
    "Matcher",
    "compare",
]
