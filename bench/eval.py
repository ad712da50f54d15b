"""Accuracy of the matcher on labelled pairs built from real lists, beside two baselines.

    python -m bench.eval [--split report|tune|all] [--limit N] [--no-logicv2]
                         [--travellers N] [--traveller-list split|all] [--show-false N]
                         [--show-misses N] [--no-dates] [--no-nationality]

Datasets (see bench/eval_data.py for the parsing and the entity split):
- un, ofac: an alias (or the native-script name) against the primary name of the same
  entry is a match; the name of another listed person sharing a word is a hard non-match.
  `*-variant` keeps the aliases a plain fuzzy comparison rates at least 50 against the primary
  (spelling variants); `*-all` adds the aliases that are different names altogether
  (nicknames, kunyas), which no name comparison can find.
- korean: Latin spelling vs Hangul of 1,900 real people (report half); non-match: another
  person with the same Hangul surname.
- semi-synthetic VN/TH/KH/CN/TW/JP: native-script names assembled from the popular-names
  tables against their romanization (VN: ASCII, upper-case, MRZ, middle name dropped).
- with birth dates (un, ofac): the same pairs, each query carrying the full date of birth a
  passport of its person would (his first full listed date, none when the list has only a
  year or nothing) and the listed side every date the list gives its person. A true pair
  carries the same person's dates on both sides; a hard non-match the query person's date
  against the other listed person's. Reported beside the name-only figures.
- travellers: names drawn from the popular-names tables, each with a random full date of
  birth and the nationality of the names' country (and the listed people with the
  nationalities the list gives them; `--no-nationality` leaves both out), screened with
  `Matcher` against the UN+OFAC individuals of the split (with their published dates of
  birth): every alert is a false alert, reported per 10,000 crossings, by
  band and by cause; `--show-false N` lists N of them with their features. Under a split the
  travellers' name combinations are split too; `--traveller-list all` screens against the
  whole list as the figures of the first two sessions did (half of it is the tune half).

Systems: borderwatch `compare`; rapidfuzz token_sort_ratio on anyascii-folded names
(threshold picked on the tune split); nomenklatura LogicV2 (optional, threshold 0.7).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz

from bench import eval_data as ed
from matchers import Identity, Matcher, compare
from matchers.result import Band, Hit
from matchers.transliterate import script_of

VN_GIVEN = ["Văn Hùng", "Thị Lan", "Văn Dũng", "Thị Hương", "Minh Tuấn", "Văn Hải", "Thị Ngọc Ánh",
            "Quang Minh", "Thanh Tâm", "Đức Anh", "Văn Đức", "Thị Thu Trang", "Hoàng Long",
            "Văn Nam", "Thị Hồng", "Ngọc Lan", "Văn Phúc", "Thị Mai", "Xuân Trường", "Văn Quý"]


@dataclass(frozen=True)
class Pair:
    dataset: str
    script: str
    query: str
    listed: str
    match: bool
    dob_q: tuple[str, ...] = ()
    dob_l: tuple[str, ...] = ()


def _split_ok(key: str, split: str) -> bool:
    return split == "all" or (ed.is_tune(key) == (split == "tune"))


def _list_pairs(people: list[ed.Person], name: str, split: str, rng: random.Random) -> list[Pair]:
    people = [p for p in people if _split_ok(f"{p.source}:{p.key}", split)]
    out: list[Pair] = []
    by_word: dict[str, list[ed.Person]] = defaultdict(list)
    for p in people:
        for w in set(ed.words(p.primary)):
            if len(w) >= 3 and w not in {"bin", "ibn", "abu", "abd", "the", "van", "der"}:
                by_word[w].append(p)
    for p in people:
        own, dated = _passport_date(p), _dates(p)  # only the "with birth dates" view uses them
        for alias, quality in p.aliases:
            if quality == "Low" or not alias.strip():
                continue
            variant = fuzz.token_sort_ratio(_plain(alias), _plain(p.primary)) >= 50
            script = script_of(alias)
            kind = "variant" if variant or script != "Latin" else "other-name"
            out.append(Pair(f"{name}-{kind}", script, alias, p.primary, True, own, dated))
        for native in p.native:
            out.append(Pair(f"{name}-variant", script_of(native), native, p.primary, True, own,
                            dated))
        others = sorted({o.key: o for w in set(ed.words(p.primary)) for o in by_word[w]
                         if o.key != p.key}.values(), key=lambda o: o.key)
        for o in rng.sample(others, min(4, len(others))):
            query = rng.choice([p.primary] + [a for a, q in p.aliases if q != "Low"])
            theirs = _dates(o)
            out.append(Pair(f"{name}-variant", script_of(query), query, o.primary, False, own,
                            theirs))
            out.append(Pair(f"{name}-other-name", script_of(query), query, o.primary, False,
                            own, theirs))
    return out


def _dates(person: ed.Person) -> tuple[str, ...]:
    """A listed person's dates of birth as `watchlist` files them (year, year-month, full;
    the few the identity model rejects, such as 1970-00-00, dropped)."""
    return tuple(d for d in dict.fromkeys(person.birth_dates) if len(d) in (4, 7, 10)
                 and _valid_date(d))[:16]


def _valid_date(text: str) -> bool:
    try:
        Identity(names=["x"], birth_dates=[text])
    except ValueError:
        return False
    return True


def _passport_date(person: ed.Person) -> tuple[str, ...]:
    """The date of birth a passport of this person would carry: his first full listed date
    (none when the list gives a year only or nothing)."""
    return next(((d,) for d in _dates(person) if len(d) == 10), ())


def _plain(name: str) -> str:
    return " ".join(ed.words(name))


def korean_pairs(split: str, rng: random.Random) -> list[Pair]:
    rows = [r for r in ed.read_korean() if _split_ok(f"ko:{r[0]}", split)]
    by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        by_surname[r[0][:1]].append(r)
    out = []
    for hangul, latin in rows:
        out.append(Pair("korean", "Hangul", latin, hangul, True))
        others = [o for o in by_surname[hangul[:1]] if o[0] != hangul]
        for o in rng.sample(others, min(2, len(others))):
            out.append(Pair("korean", "Hangul", latin, o[0], False))
    return out


def synthetic_pairs(split: str, rng: random.Random) -> list[Pair]:
    surnames = ed.read_surname_table()
    forenames = ed.read_forename_table()
    out: list[Pair] = []
    native_sur: dict[str, list[tuple[str, str]]] = defaultdict(list)
    native_fore: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in surnames:
        if row["Localized Name"] and row["Romanized Name"] and "/" not in row["Romanized Name"]:
            native_sur[row["Country"]].append((row["Localized Name"], row["Romanized Name"]))
    for row in forenames:
        if row["Localized Name"] and row["Romanized Name"] and \
                row["Localized Name"] != row["Romanized Name"]:
            native_fore[row["Country"]].append((row["Localized Name"], row["Romanized Name"]))
    for country in ["TH", "KH", "CN", "TW", "JP", "LA"]:
        surs = native_sur[country] or native_fore[country]
        fores = native_fore[country] or native_sur[country]
        if not surs or not fores:
            continue
        for n in range(200):
            (sn, sr), (fn, fr) = rng.choice(surs), rng.choice(fores)
            if not _split_ok(f"syn:{country}:{n}", split):
                continue
            sep = "" if country in {"CN", "TW", "JP"} else " "
            native = f"{sn}{sep}{fn}" if country != "TH" else f"{fn} {sn}"
            latin = f"{sr} {fr}" if country != "TH" else f"{fr} {sr}"
            out.append(Pair(f"synthetic-{country}", script_of(native), latin, native, True))
            (fn2, fr2) = rng.choice(fores)
            if fr2.lower() != fr.lower():
                other = f"{sn}{sep}{fn2}" if country != "TH" else f"{fn2} {sn}"
                out.append(Pair(f"synthetic-{country}", script_of(native), latin, other, False))
    for n in range(400):
        if not _split_ok(f"syn:VN:{n}", split):
            continue
        family = rng.choice(native_sur["VN"])[1].split("/")[0]
        given = rng.choice(VN_GIVEN)
        listed = f"{family} {given}"
        plain = anyascii(listed).upper()
        words = plain.split()
        forms = [plain, f"{words[0]}<<{'<'.join(words[1:])}", " ".join(words[:1] + words[2:]),
                 " ".join(words[1:] + words[:1])]
        out.append(Pair("synthetic-VN", "Latin", rng.choice(forms), listed, True))
        other = rng.choice([g for g in VN_GIVEN if g != given])
        if anyascii(other).split()[-1] != anyascii(given).split()[-1]:
            out.append(Pair("synthetic-VN", "Latin", plain, f"{family} {other}", False))
    return out


# -- systems --------------------------------------------------------------------------------

def _identities(p: Pair, dated: bool) -> tuple[Identity, Identity]:
    if not dated:
        return Identity(names=[p.query]), Identity(names=[p.listed])
    return (Identity(names=[p.query], birth_dates=list(p.dob_q)),
            Identity(names=[p.listed], birth_dates=list(p.dob_l)))


def _ours(threshold: float, dated: bool = False) -> Callable[[Pair], bool]:
    """borderwatch's decision; `dated` gives both sides their birth dates (dob_q, dob_l)."""
    def decide(p: Pair) -> bool:
        return compare(*_identities(p, dated), threshold).alert
    return decide


def _baseline(threshold: float) -> Callable[[Pair], bool]:
    def decide(p: Pair) -> bool:
        return fuzz.token_sort_ratio(_plain(p.query), _plain(p.listed)) >= threshold
    return decide


def _logicv2() -> Callable[[Pair], bool] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
    except ImportError:
        return None
    config = LogicV2.default_config()

    def entity(eid: str, name: str) -> Any:
        e = model.make_entity("Person")
        e.id = eid
        e.add("name", name)
        return e

    counter = iter(range(1 << 62))

    def decide(p: Pair) -> bool:
        n = next(counter)  # fresh ids: LogicV2 caches per entity id
        result = LogicV2.compare(entity(f"q{n}", p.query), entity(f"l{n}", p.listed), config)
        return float(result.score) >= 0.7

    return decide


def _counts(pairs: Sequence[Pair], decide: Callable[[Pair], bool]) -> dict[str, list[int]]:
    """dataset -> [tp, fn, fp, tn], plus per script rows."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for p in pairs:
        got = decide(p)
        cell = (0 if got else 1) if p.match else (2 if got else 3)
        out[p.dataset][cell] += 1
        if p.script != "Latin":
            out[f"{p.dataset}/{p.script}"][cell] += 1
    return out


def _metrics(c: list[int]) -> tuple[float, float, float]:
    tp, fn, fp, _ = c
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _best_baseline_threshold(pairs: Sequence[Pair]) -> float:
    scores = [(fuzz.token_sort_ratio(_plain(p.query), _plain(p.listed)), p.match) for p in pairs]
    best, best_f1 = 85.0, -1.0
    for t in range(60, 100, 2):
        c = [0, 0, 0, 0]
        for s, m in scores:
            c[(0 if s >= t else 1) if m else (2 if s >= t else 3)] += 1
        f1 = _metrics(c)[2]
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def _alpha3(alpha2: str) -> str | None:
    import pycountry  # only the benchmark maps country codes

    country = pycountry.countries.get(alpha_2=alpha2)
    return str(country.alpha_3) if country is not None else None


def travellers(
    n: int, rng: random.Random, split: str = "all", nationality: bool = True
) -> list[Identity]:
    """Non-listed travellers: real popular forenames and surnames of one country, a full DOB
    and (unless `nationality` is off) that country's nationality, as a passport gives it.

    Under a split, only name combinations of that half are drawn (`ed.is_tune` on
    country:forename:surname), so the tune and report crowds are different people."""
    surnames, forenames = ed.read_surname_table(), ed.read_forename_table()
    sur: dict[str, list[str]] = defaultdict(list)
    fore: dict[str, list[str]] = defaultdict(list)
    for row in surnames:
        if row["Romanized Name"]:
            sur[row["Country"]].append(row["Romanized Name"].split("/")[0])
    for row in forenames:
        if row["Romanized Name"]:
            fore[row["Country"]].append(row["Romanized Name"])
    countries = sorted(set(sur) & set(fore))
    out: list[Identity] = []
    while len(out) < n:
        c = rng.choice(countries)
        given, family = rng.choice(fore[c]), rng.choice(sur[c])
        dob = f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if split != "all" and not _split_ok(f"trav:{c}:{given}:{family}", split):
            continue
        code = _alpha3(c) if nationality else None
        out.append(Identity(names=[f"{given} {family}"], birth_dates=[dob],
                            nationalities=[code] if code else []))
    return out


def watchlist(people: list[ed.Person], nationality: bool = True) -> list[object]:
    from types import SimpleNamespace

    entries: list[object] = []
    for p in people:
        names = list(dict.fromkeys([p.primary] + [a for a, q in p.aliases if q != "Low"]
                                   + p.native))[:32]
        names = [n[:200] for n in names if any(ch.isalpha() for ch in n)
                 and not any(unicodedata.category(ch) == "Cc" for ch in n)]
        dates = [d for d in p.birth_dates if len(d) in (4, 7, 10)][:16]
        codes = list(dict.fromkeys(c for c in p.nationalities if re.fullmatch("[A-Z]{3}", c)))
        codes = codes[:16] if nationality else []
        try:
            identity = Identity(names=names, birth_dates=dates, nationalities=codes)
        except ValueError:
            identity = Identity(names=names, nationalities=codes)
        entries.append(SimpleNamespace(entry_id=f"{p.source}:{p.key}", identity=identity))
    return entries


def report_pairs(pairs: list[Pair], un: list[ed.Person], split: str, no_logicv2: bool,
                 title: str = "") -> None:
    """P / R / F1 per dataset of borderwatch and the baselines."""
    tune_pairs = _list_pairs(un, "un", "tune", random.Random(1)) + korean_pairs(
        "tune", random.Random(1))
    base_t = _best_baseline_threshold([p for p in tune_pairs if "other-name" not in p.dataset])
    systems: dict[str, Callable[[Pair], bool]] = {
        "borderwatch": _ours(0.70), f"rapidfuzz>={base_t:.0f}": _baseline(base_t)}
    logic = None if no_logicv2 else _logicv2()
    if logic is not None:
        systems["LogicV2>=0.7"] = logic
    elif not no_logicv2:
        print("nomenklatura not installed: LogicV2 column skipped", file=sys.stderr)
    results: dict[str, dict[str, list[int]]] = {}
    timings = {}
    for name, decide in systems.items():
        t0 = time.perf_counter()
        results[name] = _counts(pairs, decide)
        timings[name] = time.perf_counter() - t0
    print(f"split={split} pairs={len(pairs)}{title}")
    print("| dataset | pos | neg | " + " | ".join(f"{s} P / R / F1" for s in systems) + " |")
    print("|---|---:|---:|" + "---|" * len(systems))
    first = results["borderwatch"]
    for ds in sorted(first):
        c = first[ds]
        cells = []
        for s in systems:
            p_, r_, f_ = _metrics(results[s][ds])
            cells.append(f"{p_:.3f} / {r_:.3f} / {f_:.3f}")
        print(f"| {ds} | {c[0] + c[1]} | {c[2] + c[3]} | " + " | ".join(cells) + " |")
    print("pair time: " + ", ".join(f"{s} {t / max(1, len(pairs)) * 1e6:.0f} us"
                                    for s, t in timings.items()))


def report_dated(pairs: list[Pair]) -> None:
    """The UN and OFAC pairs again, each side carrying its birth dates (see `_list_pairs`):
    name-only P / R beside P / R with birth dates."""
    listed = [p for p in pairs if p.dataset.startswith(("un-", "ofac-"))]
    plain, dated = _counts(listed, _ours(0.70)), _counts(listed, _ours(0.70, dated=True))
    print(f"with birth dates (UN, OFAC): pairs={len(listed)}; the query carries its person's "
          "first full listed date of birth, the listed side every listed date")
    print("| dataset | pos | neg | pos dated | neg dated both | name only P / R / F1 "
          "| with birth dates P / R / F1 |")
    print("|---|---:|---:|---:|---:|---|---|")
    dated_pos: Counter[str] = Counter()
    dated_neg: Counter[str] = Counter()
    for p in listed:
        if p.dob_q and p.dob_l:
            for ds in (p.dataset, f"{p.dataset}/{p.script}") if p.script != "Latin" else (
                    p.dataset,):
                (dated_pos if p.match else dated_neg)[ds] += 1
    for ds in sorted(dated):
        c = dated[ds]
        a, b = _metrics(plain[ds]), _metrics(c)
        print(f"| {ds} | {c[0] + c[1]} | {c[2] + c[3]} | {dated_pos[ds]} | {dated_neg[ds]} | "
              f"{a[0]:.3f} / {a[1]:.3f} / {a[2]:.3f} | {b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f} |")


def miss_kind(p: Pair) -> str:
    """A rough reading of why a true pair might be missed, from the words alone."""
    if p.script != "Latin":
        return f"native script ({p.script})"
    q, ls = ed.words(p.query), ed.words(p.listed)
    if sorted(q) == sorted(ls):
        return "same words, other order"
    short, long_ = (q, ls) if len(q) <= len(ls) else (ls, q)
    if set(short) <= set(long_):
        return "subset: words dropped or added"

    def near(w: str, pool: list[str]) -> bool:
        return any(fuzz.ratio(w, x) >= 70 for x in pool)

    if all(near(w, long_) for w in short):
        return ("spelling variants" if len(short) == len(long_)
                else "subset with spelling variants")
    if any(near(w, long_) for w in short):
        return "some words different"
    return "no word alike"


def show_misses(pairs: Sequence[Pair], n: int, dated: bool = False,
                datasets: Sequence[str] = ("korean", "ofac-variant", "un-variant")) -> None:
    """The true pairs borderwatch misses, by kind, and `n` of each dataset with the score and
    the features that explain it."""
    for ds in datasets:
        misses = []
        for p in pairs:
            if p.dataset == ds and p.match:
                c = compare(*_identities(p, dated), 0.70)
                if not c.alert:
                    misses.append((p, c))
        kinds = Counter(miss_kind(p) for p, _ in misses)
        print(f"misses of {ds}{' (with birth dates)' if dated else ''}: {len(misses)} — "
              + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
        for p, c in misses[:n]:
            print(f"  {p.query!r} ~ {p.listed!r} {c.score:.2f} [{miss_kind(p)}]")
            for f in c.features:
                print(f"      {f.name:19s} {f.value:+.3f}  {f.detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.eval", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["report", "tune", "all"], default="report")
    parser.add_argument("--limit", type=int, default=0, help="pairs per dataset (0 = all)")
    parser.add_argument("--travellers", type=int, default=10_000)
    parser.add_argument("--no-logicv2", action="store_true")
    parser.add_argument("--no-pairs", action="store_true", help="travellers only")
    parser.add_argument("--show-false", type=int, default=0, metavar="N",
                        help="list N false alerts of the travellers with their features")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N",
                        help="list N missed true pairs of each real dataset (korean, "
                        "ofac-variant, un-variant) with their score and features, and count "
                        "the misses by kind")
    parser.add_argument("--no-dates", action="store_true",
                        help="skip the UN/OFAC report with birth dates")
    parser.add_argument("--no-nationality", action="store_true",
                        help="travellers and listed people without nationality (as the"
                        " figures of the first two sessions)")
    parser.add_argument("--traveller-list", choices=["split", "all"], default="split",
                        help="screen travellers against the listed people of the split (default;"
                        " the report half stays unseen) or all of them (as the figures of the"
                        " first two sessions: the whole list, with tune-half people in it)")
    args = parser.parse_args(argv)
    rng = random.Random(20261122)
    un, ofac = ed.read_un(), ed.read_ofac()
    pairs = (_list_pairs(un, "un", args.split, rng) + _list_pairs(ofac, "ofac", args.split, rng)
             + korean_pairs(args.split, rng) + synthetic_pairs(args.split, rng))
    if args.limit:
        by: dict[str, list[Pair]] = defaultdict(list)
        for p in pairs:
            by[p.dataset].append(p)
        pairs = [p for ps in by.values() for p in ps[: args.limit]]
    if not args.no_pairs:
        report_pairs(pairs, un, args.split, args.no_logicv2)
        if not args.no_dates:
            report_dated(pairs)
        if args.show_misses:
            show_misses(pairs, args.show_misses)
    if args.travellers:
        everyone = args.traveller_list == "all"
        listed = [p for p in un + ofac
                  if everyone or _split_ok(f"{p.source}:{p.key}", args.split)]
        nationality = not args.no_nationality
        crowd = (travellers(args.travellers, rng, nationality=nationality) if everyone
                 else travellers(args.travellers, random.Random(f"travellers:{args.split}"),
                                 args.split, nationality))
        screen_travellers(listed, crowd, args.show_false, nationality)
    return 0


def _cause(hit: Hit) -> str:
    """What an alert rests on: the birth-date evidence, how alike the names are, rarity."""
    values = {f.name: f for f in hit.features}
    dob, name = values.get("birth_date"), values.get("name")
    similarity = 0.0
    if name is not None and " similarity " in name.detail:
        similarity = float(name.detail.split(" similarity ")[1].split()[0])
    kind = "same name" if similarity >= 0.995 else "similar name"
    common = "common" if "name_rarity" in values else "distinctive"
    dated = dob.detail if dob is not None else "no date of birth listed"
    return f"{dated} | {kind} | {common}"


def screen_travellers(
    listed: list[ed.Person], crowd: list[Identity], show: int, nationality: bool = True
) -> None:
    """Screen non-listed travellers against `listed`: every alert is a false alert."""
    matcher = Matcher(watchlist(listed, nationality))  # type: ignore[arg-type]
    alerts = [(n, t, h) for n, t in enumerate(crowd) for h in matcher.match(t)]
    top: dict[int, Hit] = {}
    for n, _, h in alerts:
        if n not in top or h.score > top[n].score:
            top[n] = h
    rate = len(top) / len(crowd) * 10_000
    print(f"travellers: {len(crowd)} screened against {len(matcher)} listed people, "
          f"{len(alerts)} alerts, {rate:.1f} alerted travellers per 10,000 crossings")
    bands = Counter(h.band.value for _, _, h in alerts)
    best = Counter(h.band.value for h in top.values())
    order = [b.value for b in (Band.CONFIRMED, Band.PROBABLE, Band.POSSIBLE)]
    print("  alerts by band: " + ", ".join(f"{b} {bands[b]}" for b in order)
          + "; alerted travellers by best band: " + ", ".join(f"{b} {best[b]}" for b in order))
    print("  alerted travellers by cause of their best alert (birth date | name | rarity):")
    for cause, count in Counter(_cause(h) for h in top.values()).most_common():
        print(f"    {count:4d}  {cause}")
    for _, t, hit in sorted(alerts, key=lambda a: (-a[2].score, a[1].names[0]))[:show]:
        dob = t.birth_dates[0] if t.birth_dates else "-"
        print(f"  {t.names[0]!r} ({dob}) -> {hit.matched_name!r} [{hit.entry_id}] "
              f"{hit.score:.2f} {hit.band.value}")
        for f in hit.features:
            print(f"      {f.name:12s} {f.value:+.3f}  {f.detail}")


if __name__ == "__main__":
    raise SystemExit(main())
