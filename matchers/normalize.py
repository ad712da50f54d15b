"""Names folded to comparable Latin tokens, whatever script or disguise they arrive in."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Fold a name to lower-case ASCII words: NFKC, format characters dropped, transliterated."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = anyascii(text).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def fold_document(number: str) -> str:
    """A document number as compared: upper case, separators and MRZ fillers removed."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", number).upper())
