"""Which mapped tambon a citizen means: by a name typed in Thai (misspelt too) or a pin.

Only places in the host's table (`place_org`) are ever offered. The table is read once into
an in-memory snapshot per database (a whole country is 7,436 tambons), with an index of
character bigrams so that a misspelt name is compared with a few dozen names, not all of
them. The snapshot is rebuilt when this process changes the map (`org_map.changed`), and when
another process's import shows in the table's fingerprint (checked every few seconds).
No chat SDK here, and nothing is written.
"""

from __future__ import annotations

import math
import re
import threading
import time
import weakref
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import geothai
import sqlalchemy as sa
from pythainlp.util import normalize as thai_normalize
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from messages.hosting import org_map as vocab
from storage.hosting import org_map
from storage.hosting.place_models import PlaceOrg
from storage.models import Organisation

MAX_CANDIDATES = 6
RECHECK_SECONDS = 2.0  # how stale another process's import may look here
EARTH_KM = 6371.0088
_KM_PER_DEGREE = EARTH_KM * math.pi / 180

# The level words people type before a name; the dotted short forms need their dot.
_LEVEL = {word: level for level, words in vocab.LEVEL_WORDS.items() for word in words}
# A level word counts at the start or after a space: "เขต" inside a name is part of the name.
_MARKER = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(re.escape(w) for w in sorted(_LEVEL, key=len, reverse=True))
    + r")\s*"
)  # fmt: skip
# Tone marks, the short-vowel mark and the silencer: the marks most often slipped or doubled.
_SLIPS = re.compile("[\u0e47-\u0e4c]")
_NOISE = re.compile(r"[^\u0e00-\u0e7fa-z0-9 ]")


@dataclass(frozen=True)
class Place:
    subdistrict_code: str
    subdistrict_th: str
    district_th: str
    province_th: str
    org_id: int
    org_name: str
    distance_km: float | None = None


@dataclass(frozen=True)
class Resolution:
    """`exact`: the one place meant (still confirmed with the citizen); else choices."""

    exact: Place | None
    candidates: list[Place] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    code: str
    sub: str
    dist: str
    prov: str
    org_id: int
    lat: float | None
    lon: float | None


@lru_cache(maxsize=65536)  # pythainlp's normalize is slow (~0.2 ms) and names repeat
def normal(text: str) -> str:
    """A name in one comparable form: Thai marks in order, no spaces, dots or level word."""
    return geothai.normalize(_NOISE.sub(" ", thai_normalize(text.lower())))


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """`normal` without tone marks: "บ้านนา", "บานนา" and "บ้านน่า" are one skeleton."""
    return _SLIPS.sub("", normal(text))


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def within_one(a: str, b: str) -> bool:
    """At most one slip apart: a letter changed, added, dropped, or two neighbours swapped."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < la and i < lb and a[i] == b[i]:
        i += 1
    if la == lb:
        return (
            i >= la
            or a[i + 1 :] == b[i + 1 :]
            or (i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :])
        )
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


def distance(a: str, b: str, limit: int = 3) -> int:
    """Edit distance with swaps of neighbours (optimal string alignment), capped at limit+1.

    Only cells within `limit` of the diagonal are computed: further ones exceed it anyway.
    """
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    over = limit + 1
    previous2: list[int] = []
    previous = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        current = [over] * (lb + 1)
        if i <= limit:
            current[0] = i
        low, high = max(1, i - limit), min(lb, i + limit)
        for j in range(low, high + 1):
            cb = b[j - 1]
            value = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if (
                i > 1
                and j > 1
                and ca == b[j - 2]
                and a[i - 2] == cb
                and previous2[j - 2] + 1 < value
            ):
                value = previous2[j - 2] + 1
            current[j] = value if value < over else over
        if min(current[low - 1 : high + 1]) >= over:
            return over
        previous2, previous = previous, current
    return previous[lb]


class _Names:
    """Names with an index of their character bigrams, for finding the ones close to a word."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.grams: dict[str, list[int]] = defaultdict(list)
        for name_index, name in enumerate(names):
            for gram in _bigrams(name):
                self.grams[gram].append(name_index)

    def close(self, word: str, limit: int, shortlist: int = 30) -> list[tuple[int, str]]:
        """(edit distance, name) of the names within `limit` edits of `word`.

        Only the names sharing the most bigrams with `word` are compared letter by letter.
        """
        grams = _bigrams(word)
        counts = Counter(chain.from_iterable(self.grams.get(gram, ()) for gram in grams))
        need = max(1, len(grams) - 2 * limit)  # each edit spoils at most two bigrams
        best = [item for item in counts.most_common(shortlist) if item[1] >= need]
        one = [(1, self.names[i]) for i, _ in best if within_one(word, self.names[i])]
        if one or limit <= 1:  # one slip explains it: names further off are not meant
            return one
        out = []
        for name_index, _ in best:
            name = self.names[name_index]
            d = distance(word, name, limit)
            if d <= limit:
                out.append((d, name))
        return out


class _Snapshot:
    """The host's table, indexed for names and coordinates."""

    def __init__(
        self,
        entries: list[_Entry],
        org_names: dict[int, str],
        fingerprint: tuple,
        changes: int,
    ) -> None:
        self.entries = entries
        self.org_names = org_names
        self.fingerprint = fingerprint
        self.changes = changes
        self.checked = time.monotonic()
        self.by_skeleton: dict[str, list[int]] = defaultdict(list)
        self.by_normal: dict[str, list[int]] = defaultdict(list)
        self.by_district: dict[str, list[int]] = defaultdict(list)
        self.by_province: dict[str, list[int]] = defaultdict(list)
        for index, e in enumerate(entries):
            self.by_normal[normal(e.sub)].append(index)
            self.by_skeleton[skeleton(e.sub)].append(index)
            for key in _district_keys(e):
                self.by_district[key].append(index)
            for key in _province_keys(e):
                self.by_province[key].append(index)
        self.tambon_names = _Names(list(self.by_skeleton))
        self.area_names = {
            id(self.by_district): _Names(list(self.by_district)),
            id(self.by_province): _Names(list(self.by_province)),
        }
        located = [(e.lat, e.lon, i) for i, e in enumerate(entries) if e.lat is not None]
        self.located = sorted((lat, lon, i) for lat, lon, i in located if lon is not None)
        self.lats = [lat for lat, _, _ in self.located]


def _district_keys(e: _Entry) -> set[str]:
    keys = {normal(e.dist), skeleton(e.dist)}
    if e.code[2:4] == "01" and e.code[:2] != "10":  # "อ.เมือง": the province's capital district
        keys.add(vocab.CAPITAL_DISTRICT)
    return keys


def _province_keys(e: _Entry) -> set[str]:
    keys = {normal(e.prov), skeleton(e.prov)}
    keys.update(alias for alias, code in vocab.PROVINCE_ALIASES.items() if e.code[:2] == code)
    return keys


_snapshots: weakref.WeakKeyDictionary[Engine, _Snapshot] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _fingerprint(session: Session) -> tuple:
    """Changes when rows are replaced or an organisation is added or renamed."""
    code = sa.cast(PlaceOrg.subdistrict_code, sa.BigInteger)
    places = session.execute(
        sa.select(
            sa.func.count(), sa.func.max(PlaceOrg.id), sa.func.sum(PlaceOrg.org_id * code),
            sa.func.sum(PlaceOrg.lat), sa.func.sum(PlaceOrg.lon),
        )
    ).one()  # fmt: skip
    names = session.execute(
        sa.select(sa.func.count(), sa.func.max(Organisation.id),
                  sa.func.sum(sa.func.length(Organisation.name) * Organisation.id))
    ).one()  # fmt: skip
    return (*places, *names)


def _snapshot(session: Session) -> _Snapshot:
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    snap = _snapshots.get(engine)
    now = time.monotonic()
    changes = org_map.changes()
    if snap is not None and snap.changes != changes:  # the map changed here since: read again
        snap = None
    if snap is not None and now - snap.checked < RECHECK_SECONDS:
        return snap
    fingerprint = _fingerprint(session)
    if snap is not None and snap.fingerprint == fingerprint:
        snap.checked = now
        return snap
    rows = session.exec(select(PlaceOrg).order_by(PlaceOrg.subdistrict_code, PlaceOrg.org_id))
    entries = [
        _Entry(r.subdistrict_code, r.subdistrict_th, r.district_th, r.province_th, r.org_id,
               r.lat, r.lon)
        for r in rows
    ]  # fmt: skip
    org_names = {o.id: o.name for o in session.exec(select(Organisation))}
    snap = _Snapshot(entries, org_names, fingerprint, changes)
    with _lock:
        _snapshots[engine] = snap
    return snap


def _place(snap: _Snapshot, e: _Entry, distance_km: float | None = None) -> Place:
    return Place(e.code, e.sub, e.dist, e.prov, e.org_id, snap.org_names.get(e.org_id, ""),
                 distance_km)  # fmt: skip


# -- names ------------------------------------------------------------------------------


@dataclass
class _Query:
    sub: str = ""
    dist: str = ""
    prov: str = ""
    loose: tuple[str, ...] = ()  # unmarked words after the first: district or province


def _queries(text: str) -> list[_Query]:
    """The readings of what was typed, most literal first."""
    parts = _MARKER.split(text.strip())
    free = parts[0].strip()
    marked = _Query()
    for marker, segment in zip(parts[1::2], parts[2::2], strict=True):
        level = _LEVEL[marker.strip()]
        if not getattr(marked, level):
            setattr(marked, level, segment.strip())
    readings: list[_Query] = []
    if marked.sub or marked.dist or marked.prov:
        if free and not marked.sub:
            marked.sub = free
        readings.append(marked)
        words = marked.sub.split()
        if len(words) > 1:  # "ต.บางรัก ถนนเสีย": the name is the first word
            readings.append(_Query(words[0], marked.dist, marked.prov))
        readings.append(_Query(text.strip()))  # a name that looks marked: "จ.ป.ร."
        return readings
    words = free.split()
    readings.append(_Query(free))
    if len(words) > 1:
        readings.append(_Query(words[0], loose=tuple(words[1:])))
    return readings


def _allowed(snap: _Snapshot, q: _Query) -> set[int] | None:
    """Entries the district/province words leave (None: no such words)."""
    allowed: set[int] | None = None
    for text, index in ((q.dist, snap.by_district), (q.prov, snap.by_province)):
        if text:
            found = _area(snap, index, text)
            allowed = found if allowed is None else allowed & found
    for word in q.loose:
        found = _area(snap, snap.by_district, word) | _area(snap, snap.by_province, word)
        if found:
            allowed = found if allowed is None else allowed & found
    return allowed


def _area(snap: _Snapshot, index: dict[str, list[int]], text: str) -> set[int]:
    """Entries in the district (or province) this text names, allowing one slip."""
    key_n, key_s = normal(text), skeleton(text)
    if not key_s:
        return set()
    for key in (key_n, key_s):
        if key in index:
            return set(index[key])
    found: set[int] = set()
    if len(key_s) >= 4:
        for _, name in snap.area_names[id(index)].close(key_s, 1):
            found.update(index[name])
    return found


def _scored_names(snap: _Snapshot, query: str) -> list[tuple[float, str]]:
    """(score, skeleton name) of the names close to `query`; 0 is the very name."""
    key_n, key_s = normal(query), skeleton(query)
    if not key_s:
        return []
    out: list[tuple[float, str]] = []
    if key_n in snap.by_normal:
        out.append((0.0, skeleton(snap.entries[snap.by_normal[key_n][0]].sub)))
    if key_s in snap.by_skeleton and not out:
        out.append((0.5, key_s))
    if out:  # the very name (or it with a tone-mark slip): no need to look further
        return out
    limit = 1 if len(key_s) <= 4 else 2 if len(key_s) <= 8 else 3
    seen = {name for _, name in out}
    out.extend((float(d), name) for d, name in snap.tambon_names.close(key_s, limit)
               if name not in seen)  # fmt: skip
    return sorted(out)


def resolve_text(session: Session, text: str) -> Resolution:
    """The mapped place(s) a typed name means, ranked; at most `MAX_CANDIDATES`."""
    snap = _snapshot(session)
    if not snap.entries or not text or not text.strip():
        return Resolution(None, [])
    best: list[tuple[float, int]] = []
    for q in _queries(text):
        allowed = _allowed(snap, q)
        if (q.dist or q.prov or q.loose) and allowed is not None and not allowed:
            continue  # a district or province with nothing mapped in it
        scored = _rank_tambons(snap, q.sub, allowed) if q.sub else []
        if not scored and allowed is not None and (q.dist or q.prov) and not q.sub:
            scored = [(1.0, i) for i in sorted(allowed, key=lambda i: snap.entries[i].sub)]
        if not scored and not q.dist and not q.prov and not q.loose:
            area = _area(snap, snap.by_district, q.sub)  # a district's name alone
            scored = [(1.0, i) for i in sorted(area, key=lambda i: snap.entries[i].sub)]
        if scored:
            best = scored
            break
    if not best:
        return Resolution(None, [])
    top = best[0][0]
    places = [_place(snap, snap.entries[i]) for _, i in best[:MAX_CANDIDATES]]
    contenders = [score for score, _ in best if score < top + 1]
    exact = places[0] if top <= 1 and len(contenders) == 1 else None
    return Resolution(exact, places)


def _rank_tambons(snap: _Snapshot, query: str, allowed: set[int] | None) -> list[tuple[float, int]]:
    out: list[tuple[float, int]] = []
    for score, name in _scored_names(snap, query):
        for index in snap.by_skeleton[name]:
            if allowed is None or index in allowed:
                out.append((score, index))
    entries = snap.entries
    out.sort(key=lambda item: (item[0], entries[item[1]].code, entries[item[1]].org_id))
    return out


# -- points -----------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def resolve_point(session: Session, lat: float, lon: float, limit: int = 3) -> list[Place]:
    """The mapped tambons nearest to a pin (by the host's coordinates), nearest first."""
    snap = _snapshot(session)
    located = snap.located
    if not located or limit <= 0:
        return []
    radius = 0.25  # degrees; doubled until the nearest `limit` are surely inside the window
    while True:
        lo, hi = bisect_left(snap.lats, lat - radius), bisect_right(snap.lats, lat + radius)
        lon_radius = radius / max(0.2, math.cos(math.radians(abs(lat) + radius)))
        found = sorted(
            (haversine_km(lat, lon, plat, plon), index)
            for plat, plon, index in located[lo:hi]
            if abs(plon - lon) <= lon_radius
        )
        covered_km = radius * _KM_PER_DEGREE * 0.99
        whole = lo == 0 and hi == len(located) and lon_radius >= 180
        if whole or (len(found) >= limit and found[limit - 1][0] <= covered_km) or radius > 90:
            break
        radius *= 2
    return [_place(snap, snap.entries[i], round(km, 2)) for km, i in found[:limit]]
