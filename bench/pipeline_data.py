"""Watchlists and crossings for the pipeline benchmark, from real name distributions.

Listed people are drawn from the popular-names tables of ../shared/data/names (forenames and
surnames of 65 countries, in their own script and in Latin) and from the demo's pools (the
Korean full names of Wikidata, Vietnamese, Khmer and Thai names), weighted towards the
countries whose checkpoints borderwatch watches. Each has one to three names (Latin, the
native script when the tables give it, sometimes an alias), a birth date, a nationality and
a passport. Travellers are the demo's `TravellerFactory` (real names in passport spelling);
a known share of crossings are listed people crossing in passport spelling with a new
passport, whose alert the benchmark expects.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.demo import _EXTRA, CHECKPOINTS, ICT, TravellerFactory, _mrz_style, _name_pools

SHARED_NAMES = Path(__file__).resolve().parents[2] / "shared" / "data" / "names"

# ISO 3166 alpha-2 to alpha-3 for the countries of the names tables.
ISO3 = {
    "AL": "ALB", "AM": "ARM", "AR": "ARG", "AT": "AUT", "AU": "AUS", "AZ": "AZE", "BA": "BIH",
    "BD": "BGD", "BE": "BEL", "BG": "BGR", "BR": "BRA", "BY": "BLR", "CA": "CAN", "CH": "CHE",
    "CL": "CHL", "CN": "CHN", "CO": "COL", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "ES": "ESP", "FI": "FIN", "FO": "FRO", "FR": "FRA", "GB": "GBR", "GE": "GEO", "GR": "GRC",
    "HR": "HRV", "HU": "HUN", "IE": "IRL", "IL": "ISR", "IN": "IND", "IS": "ISL", "IT": "ITA",
    "JP": "JPN", "KH": "KHM", "KR": "KOR", "KZ": "KAZ", "LT": "LTU", "LU": "LUX", "LV": "LVA",
    "MD": "MDA", "ME": "MNE", "MK": "MKD", "MT": "MLT", "MX": "MEX", "MY": "MYS", "NL": "NLD",
    "NO": "NOR", "NP": "NPL", "NZ": "NZL", "PE": "PER", "PH": "PHL", "PL": "POL", "PT": "PRT",
    "PY": "PRY", "RO": "ROU", "RS": "SRB", "RU": "RUS", "SI": "SVN", "SK": "SVK", "SV": "SLV",
    "TH": "THA", "TR": "TUR", "TW": "TWN", "UA": "UKR", "US": "USA", "VN": "VNM",
}
# Where listed people come from: the region borderwatch watches, then the rest of the world.
# The demo's Thai, Khmer and Malay pools hold a handful of names each, so those countries
# are weighted down: a list drawn from them would repeat a few names unrealistically often.
REGION_WEIGHTS = {"KR": 20, "VN": 12, "CN": 10, "JP": 6, "PH": 6, "KH": 3, "TH": 2, "MY": 2}
WORLD_WEIGHT = 39  # shared among every other country of the tables
LISTS = (("NWL-KR", "KR-NPA"), ("NWL-TH", "TH-RTP"), ("IPN", "INTERPOL"), ("SCAM", "ASEANAPOL"))


@dataclass(frozen=True, slots=True)
class Spelled:
    """A name as written at home and in Latin letters (equal when the home script is Latin)."""

    native: str
    latin: str


@dataclass
class NameTables:
    """Forenames by country and sex, surnames by country."""

    given: dict[str, dict[str, list[Spelled]]] = field(default_factory=dict)
    surnames: dict[str, list[Spelled]] = field(default_factory=dict)
    korean: list[Spelled] = field(default_factory=list)

    @classmethod
    def load(cls, shared: Path = SHARED_NAMES) -> NameTables:
        tables = cls()
        pools = _name_pools()["pools"]
        for country, pool in pools.items():
            for sex in ("M", "F"):
                tables.given.setdefault(country, {})[sex] = [Spelled(n, n) for n in pool[sex]]
            tables.surnames[country] = [Spelled(n, n) for n in pool["surnames"]]
        for country, extra in _EXTRA.items():
            tables.given.setdefault(country, {})
            for sex in ("M", "F"):
                if not tables.given[country].get(sex):
                    tables.given[country][sex] = [Spelled(n, n) for n in extra]
            if not tables.surnames.get(country):
                tables.surnames[country] = [Spelled(n, n) for n in extra]
        if (shared / "common-forenames-by-country.csv").is_file():
            tables._read_shared(shared)
        korean_path = shared / "korean_names_hangul_latin_dev.tsv"
        if korean_path.is_file():
            with korean_path.open(encoding="utf-8-sig") as fh:
                rows = csv.DictReader(fh, delimiter="\t")
                tables.korean = [
                    Spelled(r["hangul"], r["latin"]) for r in rows if r["hangul"] and r["latin"]
                ]
        else:
            tables.korean = [Spelled(n, n) for n in _name_pools()["korean_full_names"]]
        return tables

    def _read_shared(self, shared: Path) -> None:
        with (shared / "common-forenames-by-country.csv").open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                country, sex = row["Country"], row["Gender"]
                latin = row["Romanized Name"] or row["Localized Name"]
                if country in ISO3 and sex in ("M", "F") and latin.isascii() and latin:
                    spelled = Spelled(row["Localized Name"] or latin, latin)
                    self.given.setdefault(country, {}).setdefault(sex, []).append(spelled)
        with (shared / "common-surnames-by-country.csv").open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                country, latin = row["Country"], row["Romanized Name"]
                if country in ISO3 and latin and latin.isascii():
                    spelled = Spelled(row["Localized Name"] or latin, latin)
                    self.surnames.setdefault(country, []).append(spelled)
        for country in list(self.given):  # dedupe, keep order
            for sex, names in self.given[country].items():
                self.given[country][sex] = list(dict.fromkeys(names))
        for country, names in self.surnames.items():
            self.surnames[country] = list(dict.fromkeys(names))

    def countries(self) -> list[str]:
        return sorted(
            c for c in ISO3
            if self.surnames.get(c) and any(self.given.get(c, {}).get(s) for s in ("M", "F"))
        )


class ListedFactory:
    """Watchlist entries (as JSON-ready dicts) for people with real names of their country."""

    def __init__(self, rng: random.Random, tables: NameTables | None = None) -> None:
        self.rng = rng
        self.tables = tables or NameTables.load()
        world = [c for c in self.tables.countries() if c not in REGION_WEIGHTS]
        self.countries = [*REGION_WEIGHTS, *world]
        share = WORLD_WEIGHT / max(len(world), 1)
        self.weights = [*REGION_WEIGHTS.values(), *([share] * len(world))]

    def _given(self, country: str, sex: str) -> Spelled:
        pool = self.tables.given.get(country, {})
        return self.rng.choice(pool.get(sex) or pool.get("M") or pool.get("F") or [])

    def _name(self, country: str, sex: str) -> tuple[str, str | None]:
        """(Latin name, the name in its home script when that differs)."""
        r = self.rng
        if country == "KR" and self.tables.korean and r.random() < 0.5:
            k = r.choice(self.tables.korean)
            return k.latin, (k.native if k.native != k.latin else None)
        surname = r.choice(self.tables.surnames[country])
        given = self._given(country, sex)
        if country == "VN":
            middle = r.choice(("Van", "Thi", "Minh", "Duc", "Ngoc", "Quang", "Thanh", "Hoang"))
            return f"{surname.latin} {middle} {given.latin}", None
        if country in ("KR", "CN", "TW", "JP", "KH"):  # family name first
            latin = f"{surname.latin} {given.latin}"
            if surname.native == surname.latin or given.native == given.latin:
                return latin, None
            return latin, f"{surname.native}{given.native}"
        if r.random() < 0.35:  # a second given name
            second = self._given(country, sex)
            if second != given:
                return f"{given.latin} {second.latin} {surname.latin}", None
        latin = f"{given.latin} {surname.latin}"
        if given.native == given.latin or surname.native == surname.latin:
            return latin, None
        return latin, f"{given.native} {surname.native}"

    def entry(self, index: int) -> dict[str, Any]:
        r = self.rng
        country = r.choices(self.countries, self.weights)[0]
        sex = r.choice(("M", "F"))
        latin, native = self._name(country, sex)
        names = [latin] + ([native] if native else [])
        if r.random() < 0.15:  # an alias: another name the person used
            names.append(self._name(country, sex)[0])
        born = dt.date(1950, 1, 1) + dt.timedelta(days=r.randrange(55 * 365))
        iso3 = ISO3[country]
        identity: dict[str, Any] = {
            "names": names,
            "birth_dates": [born.isoformat() if r.random() < 0.85 else str(born.year)],
            "nationalities": [iso3],
            "sex": sex,
        }
        if r.random() < 0.6:
            number = f"{r.choice('ABCEGKMNPS')}{r.randrange(10**7, 10**8)}"
            identity["documents"] = [{"number": number, "kind": "passport", "country": iso3}]
        list_id, agency = r.choice(LISTS)
        return {
            "entry_id": f"{list_id}:{index:07d}",
            "list_id": list_id,
            "identity": identity,
            "reason": "benchmark entry",
            "action": r.choice(("arrest", "locate", "monitor")),
            "issuing_agency": agency,
        }


@dataclass(frozen=True, slots=True)
class Crossing:
    """A crossing ready to publish; `entry_id` is set when a listed person crosses."""

    event_id: str
    value: bytes
    entry_id: str | None


def planted_traveller(entry: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A listed person at the counter: passport spelling of the Latin name, a new passport."""
    ident = entry["identity"]
    latin = next((n for n in ident["names"] if n.isascii()), ident["names"][0])
    country = ident["nationalities"][0]
    number = f"{rng.choice('ABCEGKMNPS')}{rng.randrange(10**7, 10**8)}"
    born = ident["birth_dates"][0]
    if len(born) == 4:  # the passport carries the full date the list does not know
        born = f"{born}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return {
        "names": [_mrz_style(latin)],
        "birth_dates": [born],
        "nationalities": [country],
        "sex": ident["sex"],
        "documents": [{"number": number, "kind": "passport", "country": country}],
    }


def crossings(
    count: int,
    entries: list[dict[str, Any]],
    share: float,
    rng: random.Random,
    prefix: str = "bench",
    day: dt.date = dt.date(2026, 11, 22),
) -> Iterator[Crossing]:
    """`count` crossings at ASEAN and Korean checkpoints, `share` of them by listed people."""
    factory = TravellerFactory(rng)
    start = dt.datetime.combine(day, dt.time(0, 0), ICT)
    step = 86_400 / max(count, 1)
    for i in range(count):
        point = rng.choice(CHECKPOINTS)
        entry = rng.choice(entries) if entries and rng.random() < share else None
        event_id = f"{prefix}-{i:08d}"
        event = {
            "event_id": event_id,
            "agency": point.agency,
            "checkpoint": {"code": point.code, "country": point.country, "name": point.name},
            "direction": rng.choice(("entry", "exit")),
            "occurred_at": (start + dt.timedelta(seconds=i * step)).isoformat(),
            "traveller": planted_traveller(entry, rng) if entry else factory.traveller(),
            "mode": point.mode,
        }
        yield Crossing(
            event_id,
            json.dumps(event, ensure_ascii=False).encode(),
            entry["entry_id"] if entry else None,
        )
