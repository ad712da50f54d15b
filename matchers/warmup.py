"""The matcher's kernels compiled before a list is loaded.

numba compiles a kernel at its first call and keeps the machine code in its cache on disk
(`cache=True`: the package's `__pycache__`, or `NUMBA_CACHE_DIR` where that is read-only).
With a cold cache (a fresh install, a new image, another CPU) compiling takes some 25 s of
one core, which a worker would spend after loading its watchlist and before its first
crossing. `compile_kernels` compiles them on a one-entry list, with the types the matcher
calls them with: a worker runs it in a second process while it loads its list
(`borderwatch compile`), and the image runs it when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchers import kernels
from matchers.identity import Document, Identity
from matchers.index import Matcher


@dataclass(frozen=True, slots=True)
class _Entry:
    entry_id: str
    identity: Identity


_PASSPORT = Document(number="A1234567", country="MYS")
# A listed person with common and distinctive names, and travellers who reach him by a date,
# by a name alone, by a cut-off MRZ name field, by his passport, and with a word too long
# for `kernels.indel`: every path of `Matcher.match`.
_LISTED = _Entry(
    "warm-up-1",
    Identity(
        names=["AHMAD BIN YUSOF", "SOK CHEA", "Nguyễn Văn An"],
        birth_dates=["1980-01-02", "1981"],
        nationalities=["MYS", "KHM"],
        documents=[_PASSPORT],
    ),
)
_TRAVELLERS = (
    Identity(names=["AHMAD YUSOF"], birth_dates=["1980-01-02"], nationalities=["MYS"]),
    Identity(names=["SOK CHEA"], birth_dates=["1981-06"], nationalities=["THA"]),
    Identity(names=["NGUYEN VAN AN"]),
    Identity(names=["YUSOF<<AHMAD<BIN<ABDULLAH<ALKATIRI<MOHAMMED"[:39]], birth_dates=["1980"]),
    Identity(names=["AHMAD YUSUF"], documents=[_PASSPORT]),
    Identity(names=["AHMAD YUSOF " + "ABDULLAH" * 9], birth_dates=["1980-01-02"]),  # over 64
)


def compile_kernels() -> list[str]:
    """Compile (or load from the cache) every kernel the matcher calls; their names."""
    matcher = Matcher((_LISTED,))
    matcher.warm()
    for traveller in _TRAVELLERS:
        matcher.match(traveller)
    return compiled()


def compiled() -> list[str]:
    """The kernels of `matchers.kernels` compiled (or loaded) in this process so far."""
    return sorted(name for name, types in signatures().items() if types)


def signatures() -> dict[str, list[str]]:
    """Each kernel of `matchers.kernels`, and the types it is compiled for in this process."""
    return {
        name: sorted(map(str, value.signatures))
        for name, value in vars(kernels).items()
        if getattr(value, "py_func", None) is not None
    }
