"""Where checkpoints are, and a plain map of the region to show them on.

The console's map is an equirectangular projection of mainland South-East Asia up to
Korea, drawn from coarse outlines (a few hundred points, accurate to a few tens of km):
enough to see where a subject has been, not a survey. Checkpoints the table below does
not know are placed at their country's centroid and marked approximate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pycountry

from streams.events import Checkpoint

LON_MIN, LON_MAX = 94.0, 132.0
LAT_MIN, LAT_MAX = 0.0, 43.0
SCALE = 10.0  # pixels per degree of latitude
_X_SCALE = SCALE * math.cos(math.radians((LAT_MIN + LAT_MAX) / 2))

WIDTH = round((LON_MAX - LON_MIN) * _X_SCALE)
HEIGHT = round((LAT_MAX - LAT_MIN) * SCALE)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    lat: float
    lon: float


# The checkpoints of the demo (streams/demo.py) and a few neighbours.
CHECKPOINTS: dict[str, Place] = {
    "KH-POI": Place("Poipet", "KHM", 13.66, 102.56),
    "TH-ARN": Place("Aranyaprathet", "THA", 13.69, 102.50),
    "VN-MBI": Place("Moc Bai", "VNM", 11.07, 106.16),
    "KH-BVT": Place("Bavet", "KHM", 11.06, 106.13),
    "KR-ICN": Place("Incheon International Airport", "KOR", 37.46, 126.44),
    "TH-BKK": Place("Suvarnabhumi Airport", "THA", 13.69, 100.75),
    "LA-VTE": Place("Wattay International Airport", "LAO", 17.99, 102.56),
    "TH-NKI": Place("Nong Khai Friendship Bridge", "THA", 17.88, 102.72),
    "VN-SGN": Place("Tan Son Nhat Airport", "VNM", 10.82, 106.66),
    "KH-PNH": Place("Techo International Airport", "KHM", 11.35, 104.87),
    "TH-MSO": Place("Mae Sot", "THA", 16.71, 98.57),
}

# Country centroids (or a central point on land) by ISO 3166-1 alpha-3 code.
COUNTRY_CENTROIDS: dict[str, tuple[float, float]] = {
    "KHM": (12.7, 104.9),
    "THA": (15.4, 101.0),
    "VNM": (16.1, 107.3),
    "LAO": (19.6, 102.5),
    "MMR": (21.0, 96.0),
    "MYS": (4.0, 102.0),
    "SGP": (1.35, 103.82),
    "IDN": (-2.5, 118.0),
    "PHL": (15.0, 121.0),
    "BRN": (4.5, 114.7),
    "TLS": (-8.8, 125.7),
    "CHN": (33.0, 107.0),
    "HKG": (22.3, 114.2),
    "MAC": (22.2, 113.55),
    "TWN": (23.7, 121.0),
    "KOR": (36.4, 127.9),
    "PRK": (40.0, 127.0),
    "JPN": (36.2, 138.3),
    "MNG": (46.9, 103.8),
    "RUS": (61.5, 105.3),
    "IND": (22.0, 79.0),
    "BGD": (23.7, 90.4),
    "NPL": (28.4, 84.1),
    "LKA": (7.9, 80.8),
    "AUS": (-25.3, 133.8),
}

# Country names on the map, at a point inside each country.
_LABELS: list[tuple[str, float, float]] = [
    ("MYANMAR", 21.5, 95.8),
    ("THAILAND", 15.9, 100.4),
    ("LAOS", 20.1, 102.6),
    ("CAMBODIA", 12.6, 104.4),
    ("VIETNAM", 21.5, 105.2),
    ("MALAYSIA", 4.5, 101.8),
    ("CHINA", 30.0, 108.0),
    ("KOREA", 36.2, 128.0),
    ("JAPAN", 33.2, 130.9),
    ("TAIWAN", 23.9, 121.0),
    ("PHILIPPINES", 16.2, 121.4),
    ("BORNEO", 2.4, 114.8),
]

Ring = list[tuple[float, float]]  # (lon, lat) points

# fmt: off
# Coarse coastlines; the mainland runs round the map's west and north edges.
_LAND: list[Ring] = [
    [  # mainland Asia: Myanmar, Malay peninsula, Indochina, China, Korea
        (94.0, 19.0), (94.3, 18.2), (94.5, 17.2), (94.3, 16.0), (95.0, 15.8), (95.5, 15.8),
        (96.3, 16.4), (96.9, 17.0), (97.6, 16.5), (97.8, 15.0), (98.2, 13.6), (98.6, 12.3),
        (98.6, 10.8), (98.6, 10.0), (98.3, 8.8), (98.3, 8.0), (98.9, 8.0), (99.4, 7.4),
        (100.0, 6.5), (100.3, 5.4), (100.6, 4.2), (101.3, 3.0), (102.2, 2.2), (103.4, 1.4),
        (104.2, 1.4), (103.9, 2.4), (103.4, 3.8), (103.4, 4.6), (103.1, 5.3), (102.3, 6.2),
        (101.3, 6.9), (100.6, 7.2), (100.3, 8.0), (100.1, 8.6), (99.9, 9.2), (99.2, 9.8),
        (99.2, 10.5), (99.5, 11.3), (99.9, 12.2), (100.0, 13.3), (100.5, 13.5), (100.9, 13.2),
        (100.9, 12.7), (101.3, 12.65), (101.8, 12.6), (102.3, 12.2), (102.6, 11.9),
        (102.9, 11.6), (103.1, 11.0), (103.5, 10.6), (104.0, 10.5), (104.5, 10.4),
        (104.8, 10.0), (104.8, 9.2), (104.8, 8.6), (105.3, 8.8), (106.0, 9.3), (106.6, 9.7),
        (106.8, 10.3), (107.2, 10.4), (107.9, 10.8), (108.6, 11.1), (109.0, 11.5),
        (109.2, 12.3), (109.3, 13.0), (109.3, 13.8), (108.9, 15.3), (108.3, 16.0),
        (107.6, 16.5), (106.9, 17.2), (106.4, 17.8), (105.8, 18.6), (105.9, 19.6),
        (106.6, 20.3), (106.8, 20.9), (107.5, 21.3), (108.2, 21.5), (109.0, 21.5),
        (109.7, 21.5), (109.9, 20.4), (110.3, 20.3), (110.5, 20.6), (110.4, 21.2),
        (111.0, 21.5), (112.0, 21.8), (113.1, 22.1), (113.6, 22.6), (114.2, 22.3),
        (115.0, 22.7), (116.0, 22.9), (116.7, 23.3), (117.5, 23.8), (118.1, 24.5),
        (118.9, 25.0), (119.6, 25.7), (119.7, 26.6), (120.3, 27.2), (120.8, 28.0),
        (121.5, 28.6), (122.0, 30.0), (121.5, 30.7), (121.9, 30.9), (121.3, 31.9),
        (120.8, 32.6), (120.3, 33.5), (119.4, 34.7), (119.9, 35.6), (120.4, 36.1),
        (121.0, 36.4), (121.9, 36.9), (122.6, 37.4), (121.6, 37.5), (120.7, 37.8),
        (119.4, 37.2), (118.9, 37.5), (118.1, 38.5), (117.7, 39.0), (118.7, 39.2),
        (119.7, 39.9), (121.0, 40.8), (122.1, 40.7), (121.9, 39.6), (121.3, 38.8),
        (122.2, 39.3), (123.0, 39.6), (124.3, 39.9), (124.8, 39.6), (125.3, 39.4),
        (125.2, 38.7), (124.7, 38.1), (125.6, 37.7), (126.1, 37.7), (126.6, 37.4),
        (126.8, 36.9), (126.2, 36.7), (126.5, 36.1), (126.5, 35.4), (126.3, 34.8),
        (126.4, 34.3), (127.3, 34.5), (128.0, 34.8), (128.6, 34.8), (129.0, 35.1),
        (129.4, 35.5), (129.5, 36.1), (129.4, 36.8), (129.1, 37.5), (128.6, 38.2),
        (128.3, 38.6), (127.6, 39.1), (127.5, 39.8), (128.3, 40.0), (129.0, 40.5),
        (129.7, 41.0), (129.7, 41.7), (130.3, 42.3), (130.7, 42.3), (131.1, 42.6),
        (131.5, 43.0), (94.0, 43.0),
    ],
    [  # Hainan
        (108.7, 18.5), (108.6, 19.2), (109.0, 19.9), (110.2, 20.1), (111.0, 19.6),
        (110.5, 18.8), (109.6, 18.2),
    ],
    [  # Taiwan
        (120.1, 23.0), (120.7, 22.0), (121.0, 22.3), (121.5, 23.5), (122.0, 25.0),
        (121.5, 25.3), (120.7, 24.5),
    ],
    [(126.2, 33.3), (126.9, 33.5), (126.9, 33.2), (126.3, 33.2)],  # Jeju
    [  # Kyushu
        (129.6, 33.2), (130.2, 33.9), (131.0, 33.9), (131.8, 33.0), (131.3, 31.4),
        (130.6, 31.0), (130.2, 31.6), (129.8, 32.7),
    ],
    [(130.9, 34.0), (131.5, 34.6), (132.0, 35.0), (132.0, 34.1), (131.3, 33.9)],  # Honshu
    [  # Luzon
        (120.6, 18.5), (122.2, 18.5), (122.0, 17.0), (121.6, 15.8), (122.0, 14.1),
        (123.9, 13.8), (124.1, 12.6), (123.0, 13.0), (121.8, 13.9), (120.6, 14.2),
        (120.9, 14.8), (120.0, 16.2), (120.4, 16.6),
    ],
    [(120.3, 13.5), (121.5, 13.2), (121.2, 12.2), (120.5, 12.6)],  # Mindoro
    [  # Visayas
        (122.0, 11.8), (123.2, 11.2), (124.6, 12.5), (125.7, 12.2), (125.3, 10.2),
        (124.0, 9.6), (123.1, 9.1), (122.4, 9.9), (121.9, 10.5),
    ],
    [(117.2, 8.3), (117.8, 8.7), (119.7, 11.2), (119.3, 11.2), (117.6, 9.3)],  # Palawan
    [  # Mindanao
        (122.0, 6.9), (123.5, 7.8), (124.3, 8.6), (125.3, 9.8), (126.5, 8.0),
        (126.2, 6.3), (125.4, 5.6), (124.0, 6.4),
    ],
    [  # Borneo, north of the equator
        (109.2, 0.0), (109.0, 1.0), (109.6, 2.0), (111.0, 1.6), (111.4, 2.6), (113.0, 3.2),
        (114.0, 4.6), (115.4, 5.3), (116.0, 6.0), (116.8, 7.0), (117.3, 6.6), (118.1, 5.8),
        (119.3, 5.2), (118.4, 4.4), (117.8, 4.2), (117.7, 2.0), (118.0, 1.0), (117.5, 0.0),
    ],
    [  # Sumatra, north of the equator
        (95.3, 5.6), (97.5, 5.2), (98.7, 3.8), (100.4, 2.2), (101.4, 1.7), (102.6, 1.0),
        (103.8, 0.0), (99.4, 0.0), (98.0, 2.3), (96.1, 4.4),
    ],
]

# Coarse land borders between the countries officers cross most.
_BORDERS: list[Ring] = [
    [(102.9, 11.6), (102.7, 12.3), (102.6, 13.6), (102.9, 14.2), (103.6, 14.4),
     (104.8, 14.4), (105.5, 14.3)],  # Thailand / Cambodia
    [(105.5, 14.3), (106.0, 14.3), (106.6, 14.6), (107.5, 14.7)],  # Cambodia / Laos
    [(107.5, 14.7), (107.6, 13.0), (107.5, 12.3), (106.4, 11.8), (106.1, 11.1),
     (105.3, 10.9), (104.5, 10.4)],  # Cambodia / Vietnam
    [(105.5, 14.3), (105.6, 15.0), (105.8, 15.1), (105.0, 16.0), (104.75, 16.55),
     (104.8, 17.4), (103.65, 18.4), (102.7, 17.9), (101.8, 17.9), (101.1, 17.5),
     (101.0, 18.4), (101.2, 19.5), (100.5, 20.3), (100.1, 20.35)],  # Thailand / Laos
    [(107.5, 14.7), (107.5, 15.5), (107.2, 16.2), (106.6, 16.6), (105.6, 17.8),
     (104.6, 18.8), (104.0, 19.3), (104.5, 20.2), (103.2, 20.8), (102.2, 22.4)],  # Laos / VN
    [(102.2, 22.4), (101.8, 22.4), (101.2, 21.5), (100.2, 21.4), (100.1, 20.35)],
    [(100.1, 20.35), (99.5, 20.1), (98.0, 19.0), (97.8, 18.3), (98.6, 16.7), (98.2, 15.3),
     (99.1, 13.0), (99.6, 11.8), (98.6, 10.0)],  # Thailand / Myanmar
    [(100.1, 6.5), (101.0, 6.0), (101.8, 5.8), (102.1, 6.2)],  # Thailand / Malaysia
    [(102.2, 22.4), (103.5, 22.7), (104.5, 22.8), (105.5, 23.2), (106.7, 22.8),
     (107.9, 21.6)],  # Vietnam / China
    [(100.2, 21.4), (99.2, 22.1), (99.5, 22.9), (98.7, 23.9), (97.6, 24.8), (98.7, 27.5),
     (97.5, 28.3)],  # Myanmar / China
    [(126.1, 37.75), (127.0, 38.0), (128.3, 38.6)],  # the Korean demilitarized zone
    [(124.3, 39.9), (125.5, 40.8), (126.9, 41.8), (128.2, 42.0), (129.5, 42.4),
     (130.6, 42.4)],  # North Korea / China
    [(109.6, 2.0), (111.0, 1.2), (113.6, 1.3), (114.8, 2.0), (115.6, 4.0),
     (117.6, 4.2)],  # Malaysia / Indonesia on Borneo
]
# fmt: on


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map coordinates (pixels from the top left) of a point, clamped to the map."""
    lon = min(max(lon, LON_MIN), LON_MAX)
    lat = min(max(lat, LAT_MIN), LAT_MAX)
    return round((lon - LON_MIN) * _X_SCALE, 1), round((LAT_MAX - lat) * SCALE, 1)


def on_map(lat: float, lon: float) -> bool:
    return LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


def alpha3(country: str) -> str:
    """An ISO alpha-3 code for a 2- or 3-letter code (ICAO codes such as D<< pass as is)."""
    if len(country) == 2:
        found = pycountry.countries.get(alpha_2=country)
        if found is not None:
            return str(found.alpha_3)
    return country


def locate(checkpoint: Checkpoint) -> dict[str, Any]:
    """Where a checkpoint is: exact from the table, else its country's centroid, else nowhere.

    Returns `lat`, `lon`, `x`, `y` (None when unknown), `exact` and `on_map`.
    """
    known = CHECKPOINTS.get(checkpoint.code)
    if known is not None:
        lat, lon, exact = known.lat, known.lon, True
    else:
        centroid = COUNTRY_CENTROIDS.get(alpha3(checkpoint.country))
        if centroid is None:
            return {"lat": None, "lon": None, "x": None, "y": None, "exact": False, "on_map": False}
        (lat, lon), exact = centroid, False
    x, y = project(lat, lon)
    return {"lat": lat, "lon": lon, "x": x, "y": y, "exact": exact, "on_map": on_map(lat, lon)}


def _path(ring: Ring, closed: bool) -> str:
    points = [project(lat, lon) for lon, lat in ring]
    d = "M" + " L".join(f"{x:g},{y:g}" for x, y in points)
    return d + " Z" if closed else d


def _graticule() -> list[str]:
    lines = []
    for lon in range(int(LON_MIN) + 6, int(LON_MAX), 10):
        lines.append(_path([(lon, LAT_MIN), (lon, LAT_MAX)], closed=False))
    for lat in range(10, int(LAT_MAX), 10):
        lines.append(_path([(LON_MIN, lat), (LON_MAX, lat)], closed=False))
    return lines


def base_map() -> dict[str, Any]:
    """The map as the page draws it: SVG path data, labels and the known checkpoints."""
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "land": [_path(ring, closed=True) for ring in _LAND],
        "borders": [_path(line, closed=False) for line in _BORDERS],
        "graticule": _graticule(),
        "labels": [
            {"text": text, "x": project(lat, lon)[0], "y": project(lat, lon)[1]}
            for text, lat, lon in _LABELS
        ],
        "checkpoints": [
            {
                "code": code,
                "name": p.name,
                "country": p.country,
                "x": project(p.lat, p.lon)[0],
                "y": project(p.lat, p.lon)[1],
            }
            for code, p in CHECKPOINTS.items()
        ],
    }
