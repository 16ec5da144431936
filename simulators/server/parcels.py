"""Synthetic parcels (필지) and buildings for 토지대장 and 건축물대장: deterministic, never real.

Like simulators/residents.py, everything derives from a fixed seed, so any process computes the same
parcels with no shared state. The rule a tester can rely on: in each district below, every lot whose
main number (본번) is 1..MAX_MAIN exists with any sub number (부번, 0..9999), and no other lot does.
A parcel's road address is its district's road with building number 2 x 본번 (-부번 when non-zero),
so addresses are as predictable as lots (보람동 1065 is 세종특별자치시 한누리대로 2130).

GET /v1/parcels?district=...&lot=123-4 or ?address=... lists the matches (404 "parcel-not-found"
when none); the issuance server asks `resolve` whether a register's parcel exists before issuing it.
No identity is involved: land and building registers are public records.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiohttp import web

from common.parcel_lot import parse_lot_number
from simulators.server.api import ApiError, json_answer, kiosk_id_of

# Lots 1..1200 exist: a 법정동 of a Korean city typically has a few hundred to a couple of thousand
# 본번; the figure is the simulator's, chosen so that "123-4" exists and "1300" does not.
MAX_MAIN = 1200
MAX_SUB = 9999  # 부번 has four digits in the PNU (필지고유번호) layout
_SEED = 20_002  # any fixed value; one apart from residents.py's so the streams differ
# A query longer than any district plus address is a broken request, not a search.
MAX_QUERY_CHARS = 200
# Search answers list at most this many parcels (a bare lot matches one per district).
MAX_RESULTS = 50

_BUILDING_NUMBER_RE = re.compile(r"^([1-9][0-9]{0,4})(?:-([1-9][0-9]{0,3}))?$")


@dataclass(frozen=True)
class District:
    """A 법정동 of the generator: its synthetic 10-digit code (PNU layout), names and one road."""

    code: str
    names: tuple[str, ...]  # from 시/도 down to 동, e.g. ("세종특별자치시", "보람동")
    road: str

    @property
    def name(self) -> str:
        return " ".join(self.names)


# The codes follow the 법정동 code layout (2 시도 + 3 시군구 + 3 읍면동 + 2 리) but are synthetic.
DISTRICTS: tuple[District, ...] = (
    District("3611011600", ("세종특별자치시", "보람동"), "한누리대로"),
    District("3611011200", ("세종특별자치시", "어진동"), "도움5로"),
    District("3611010900", ("세종특별자치시", "나성동"), "나성북1로"),
    District("1111011900", ("서울특별시", "종로구", "세종로"), "세종대로"),
    District("4111514000", ("경기도", "수원시", "팔달구", "인계동"), "효원로"),
    District("2635010500", ("부산광역시", "해운대구", "우동"), "해운대로"),
    District("2711010100", ("대구광역시", "중구", "동인동"), "달구벌대로"),
)

# Short forms people type for the 시/도 (세종시, 서울).
_ALIASES: dict[str, tuple[str, ...]] = {
    "세종특별자치시": ("세종시", "세종"),
    "서울특별시": ("서울시", "서울"),
    "부산광역시": ("부산시", "부산"),
    "대구광역시": ("대구시", "대구"),
    "경기도": ("경기",),
}

_CATEGORIES = ("대", "대", "대", "전", "답", "임야", "잡종지", "도로")  # 지목, weighted towards 대 (building land)
_BUILDING_NAMES = ("주택", "빌딩", "상가", "오피스텔", "근린생활시설", "아파트")


@dataclass(frozen=True)
class Building:
    building_id: str
    name: str
    floors: int

    def to_json(self) -> dict[str, Any]:
        return {"building_id": self.building_id, "name": self.name, "floors": self.floors}


@dataclass(frozen=True)
class Parcel:
    parcel_id: str  # PNU: 법정동 code + 1 (ordinary land) + 본번 (4) + 부번 (4)
    district: str
    lot: str
    address: str
    land_category: str
    area_m2: float
    buildings: tuple[Building, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "parcel_id": self.parcel_id,
            "district": self.district,
            "lot": self.lot,
            "address": self.address,
            "land_category": self.land_category,
            "area_m2": self.area_m2,
            "buildings": [b.to_json() for b in self.buildings],
        }


@lru_cache(maxsize=4096)
def parcel(district: District, main: int, sub: int) -> Parcel | None:
    """The parcel at this lot, or None when the generator has no such lot."""
    if not (1 <= main <= MAX_MAIN and 0 <= sub <= MAX_SUB):
        return None
    pnu = f"{district.code}1{main:04d}{sub:04d}"
    rng = random.Random(f"{_SEED}:{pnu}")
    category = rng.choice(_CATEGORIES)
    area = round(rng.uniform(80.0, 2000.0), 1)
    count = rng.choice((1, 1, 1, 2, 3)) if category == "대" else 0
    city = district.names[0]
    buildings = tuple(
        Building(
            building_id=f"{pnu}-{n}",
            name=f"{district.names[-1]} {main}{'-' + str(sub) if sub else ''} {rng.choice(_BUILDING_NAMES)}"
            + (f" {n}동" if count > 1 else ""),
            floors=rng.randrange(1, 26),
        )
        for n in range(1, count + 1)
    )
    number = f"{2 * main}" + (f"-{sub}" if sub else "")
    return Parcel(
        parcel_id=pnu,
        district=district.name,
        lot=f"{main}-{sub}" if sub else str(main),
        address=f"{city} {district.road} {number}",
        land_category=category,
        area_m2=area,
        buildings=buildings,
    )


def _token_matches(typed: str, name: str) -> bool:
    return typed == name or typed in _ALIASES.get(name, ())


def _prefix_matches(typed: list[str], names: tuple[str, ...]) -> bool:
    """Each typed word names one of `names`, in order (세종시 어진동, 어진동, 수원시 인계동)."""
    i = 0
    for word in typed:
        while i < len(names) and not _token_matches(word, names[i]):
            i += 1
        if i == len(names):
            return False
        i += 1
    return True


def districts_matching(query: str) -> list[District]:
    """Districts whose 동 is the query's last word and whose higher levels the other words name."""
    words = query.split()
    if not words:
        return []
    return [d for d in DISTRICTS if words[-1] == d.names[-1] and _prefix_matches(words[:-1], d.names[:-1])]


def by_lot(district: str | None, lot: str) -> list[Parcel]:
    """Parcels with this lot in the districts the query names (in every district when None)."""
    parsed = parse_lot_number(lot)
    if parsed is None:
        return []
    found = districts_matching(district) if district is not None else list(DISTRICTS)
    return [p for d in found if (p := parcel(d, *parsed)) is not None]


def by_address(address: str) -> list[Parcel]:
    """Parcels at a road address: [시/도 ...] road building-number[-sub] (세종시 한누리대로 2130)."""
    words = address.split()
    if len(words) < 2:
        return []
    m = _BUILDING_NUMBER_RE.match(words[-1])
    if m is None or int(m.group(1)) % 2:
        return []
    main, sub = int(m.group(1)) // 2, int(m.group(2) or 0)
    out = []
    for d in DISTRICTS:
        if words[-2] == d.road and _prefix_matches(words[:-2], d.names):
            p = parcel(d, main, sub)
            if p is not None:
                out.append(p)
    return out


def resolve(text: str) -> list[Parcel]:
    """What a register's `parcel` string names: "<district> <lot>" (the kiosk's form), a road address,
    or a bare lot (found in any district)."""
    words = text.split()
    if not words:
        return []
    if len(words) == 1:
        return by_lot(None, words[0])
    if parse_lot_number(words[-1]) is not None:
        found = by_lot(" ".join(words[:-1]), words[-1])
        if found:
            return found
    return by_address(text)


class Parcels:
    """GET /v1/parcels: the search a kiosk offers before a land or building register."""

    def __init__(self, api: str) -> None:
        self._api = api

    def routes(self) -> list[web.RouteDef]:
        return [web.get(f"{self._api}/parcels", self._search)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {}

    async def _search(self, request: web.Request) -> web.StreamResponse:
        kiosk_id_of(request)  # kiosks only, like every other resource
        query = request.rel_url.query
        district, lot, address = query.get("district"), query.get("lot"), query.get("address")
        for name, value in (("district", district), ("lot", lot), ("address", address)):
            if value is not None and not 1 <= len(value.strip()) <= MAX_QUERY_CHARS:
                raise ApiError(400, "bad-request", f"{name} must be 1..{MAX_QUERY_CHARS} characters")
        if address is not None and (district is not None or lot is not None):
            raise ApiError(400, "bad-request", "search by district and lot, or by address, not both")
        if address is not None:
            found = by_address(address)
        elif district is not None and lot is not None:
            if parse_lot_number(lot) is None:
                raise ApiError(400, "bad-lot", "lot must be 본번 or 본번-부번 (1-4 digits each, e.g. 123-4)")
            found = by_lot(district, lot)
        else:
            raise ApiError(400, "bad-request", "give district and lot, or address")
        if not found:
            raise ApiError(404, "parcel-not-found", "no parcel matches")
        return json_answer({"parcels": [p.to_json() for p in found[:MAX_RESULTS]]})
