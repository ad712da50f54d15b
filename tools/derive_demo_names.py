"""Derive the demo's traveller name pools from ../shared/data/names (run once; output is committed).

The demo simulates a day of crossings at ASEAN and Korean checkpoints; its travellers get
real surnames and forenames of their country from the CC0 popular-names dataset, written as
a passport would (romanized, upper case at the MRZ-reading step of the demo).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

COUNTRIES = ("KR", "KH", "VN", "CN", "PH", "JP", "MY", "TH")


def main(shared: Path, out: Path) -> None:
    pools: dict[str, dict[str, list[str]]] = {
        c: {"surnames": [], "M": [], "F": []} for c in COUNTRIES
    }
    with (shared / "common-surnames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            c = row["Country"]
            if c in pools:
                name = row["Romanized Name"] or row["Localized Name"]
                if name and name not in pools[c]["surnames"]:
                    pools[c]["surnames"].append(name)
    with (shared / "common-forenames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            c, sex = row["Country"], row["Gender"]
            if c in pools and sex in ("M", "F"):
                name = row["Romanized Name"] or row["Localized Name"]
                if name and name not in pools[c][sex]:
                    pools[c][sex].append(name)
    korean = []
    with (shared / "korean_names_hangul_latin_dev.tsv").open(encoding="utf-8") as fh:
        next(fh)  # header
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[1].strip():
                korean.append(parts[1].strip())
    out.write_text(
        json.dumps(
            {"pools": pools, "korean_full_names": korean[:1500]}, ensure_ascii=False, indent=0
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
