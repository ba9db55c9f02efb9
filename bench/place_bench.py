"""Place resolution latency over the whole country: all 7,436 tambons in the host's table.

    .venv/bin/python bench/place_bench.py [--queries 2000] [--url DATABASE_URL]

Maps every tambon of `geothai` to one organisation per district (about 930 of them) through
the real importer, with made-up coordinates (geothai has none: each province gets a random
centre in Thailand and its tambons are scattered around it), then times `resolve_text` on
names as typed (exact, misspelt, with ต./อ. prefixes, district names, words that are no
place) and `resolve_point` on random pins. Prints the import time, the snapshot build time
and p50/p99/max per kind (wall, and CPU p99); asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geothai  # noqa: E402
from sqlmodel import Session  # noqa: E402

from handlers.hosting import place_resolve  # noqa: E402
from storage import crypto, orgs  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from storage.hosting import org_map  # noqa: E402

TONES = "\u0e48\u0e49\u0e4a\u0e4b"
SWAPS = {"ส": "ศ", "ศ": "ส", "ท": "ธ", "ธ": "ท", "ค": "ข", "น": "ณ", "ล": "ร", "ร": "ล"}


def country_csv(path: Path, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Write the whole-country map; return (tambon, district, province, code) of each."""
    names = []
    lines = ["org,subdistrict_code,lat,lon"]
    for province in geothai.provinces():
        centre = (rng.uniform(6.0, 20.0), rng.uniform(98.0, 105.0))
        for district in geothai.districts(province.code):
            for sub in geothai.subdistricts(district.code):
                lat = centre[0] + rng.uniform(-0.6, 0.6)
                lon = centre[1] + rng.uniform(-0.6, 0.6)
                lines.append(f"d{district.code},{sub.code},{lat:.5f},{lon:.5f}")
                names.append((sub.name_th, district.name_th, province.name_th, sub.code))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def misspell(name: str, rng: random.Random) -> str:
    """One slip of the kind people make: a tone mark dropped, a letter changed or swapped."""
    tones = [i for i, ch in enumerate(name) if ch in TONES]
    if tones and rng.random() < 0.4:
        i = rng.choice(tones)
        return name[:i] + name[i + 1 :]
    swaps = [i for i, ch in enumerate(name) if ch in SWAPS]
    if swaps and rng.random() < 0.6:
        i = rng.choice(swaps)
        return name[:i] + SWAPS[name[i]] + name[i + 1 :]
    if len(name) > 3:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=2000, help="per kind")
    parser.add_argument("--url", default=None, help="database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    crypto.configure(crypto.Keyring([b"place bench secret, never used in production"]))
    rng = random.Random(2567)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = make_engine(url)
        migrate(db)
        csv_path = Path(tmp) / "country.csv"
        names = country_csv(csv_path, rng)
        with Session(db) as session, session.begin():
            for province in geothai.provinces():
                for district in geothai.districts(province.code):
                    orgs.ensure(session, slug=f"d{district.code}", name=district.name_th)
        started = time.perf_counter()
        with Session(db) as session, session.begin():
            result = org_map.import_map(session, csv_path)
        print(f"import: {result.rows} tambons, {len(result.per_org)} organisations "
              f"in {time.perf_counter() - started:.2f} s")  # fmt: skip
        with Session(db) as session:
            started = time.perf_counter()
            place_resolve.resolve_text(session, "ในเวียง")
            print(f"snapshot build (first query): {(time.perf_counter() - started) * 1000:.0f} ms")
            sample = [rng.choice(names) for _ in range(args.queries)]
            kinds = {
                "exact": [s for s, _, _, _ in sample],
                "misspelt": [misspell(s, rng) for s, _, _, _ in sample],
                "ต. อ.": [f"ต.{s} อ.{d}" for s, d, _, _ in sample],
                "district": [f"อ.{d}" for _, d, _, _ in sample],
                "no place": [f"ถนนหน้าบ้านพัง{rng.randrange(1000)}" for _ in sample],
            }
            found_exact = 0
            for kind, texts in kinds.items():
                times, cpu = [], []
                hits = right = 0
                for text, (_, _, _, code) in zip(texts, sample, strict=True):
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    found = place_resolve.resolve_text(session, text)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.thread_time() - started_cpu) * 1000)
                    hits += bool(found.candidates)
                    right += code in {p.subdistrict_code for p in found.candidates}
                    found_exact += kind == "misspelt" and found.exact is not None
                report(kind, times, cpu, f"answered {hits}, the meant tambon offered {right}")
            print(f"  (misspelt names resolved to one place: {found_exact}/{args.queries})")
            times, cpu = [], []
            for _ in range(args.queries):
                lat, lon = rng.uniform(6.0, 20.0), rng.uniform(98.0, 105.0)
                started, started_cpu = time.perf_counter(), time.thread_time()
                place_resolve.resolve_point(session, lat, lon)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
            report("pin", times, cpu, "")
        db.dispose()


def report(kind: str, times: list[float], cpu: list[float], note: str) -> None:
    """Wall time (what a citizen waits) and CPU time (without other processes' load)."""
    p50, p99 = statistics.median(times), percentile(times, 0.99)
    print(f"{kind:>10}: p50 {p50:.2f} ms  p99 {p99:.2f} ms  max {max(times):.2f} ms"
          f"  (cpu p99 {percentile(cpu, 0.99):.2f} ms)  {note}")  # fmt: skip


if __name__ == "__main__":
    main()
