"""Synthetic residents: deterministic, never real.

The fingerprint simulator and the server simulator both derive everything from a resident's index,
so the finger a tester "places" is the one the server has enrolled, with no shared state between
processes. Resident numbers are valid in form (date matches the century/sex digit) but generated
from a fixed seed; templates are pseudo-random bytes, not fingerprints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

TemplateFormat = Literal["zfm", "sfm"]

# Template sizes the two sensor families upload: an R30x character file is 512 bytes,
# a UniFinger SFM template 384 bytes.
TEMPLATE_SIZE: dict[TemplateFormat, int] = {"zfm": 512, "sfm": 384}

POPULATION = 200
_SEED = 20_001  # the year the first kiosks went into service; any fixed value would do

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
_GIVEN = "민서지현우준영수진하은도윤예성호연주아희경석태"
_CITIES = ["서울특별시 종로구", "세종특별자치시 한누리대로", "경기도 수원시 팔달구", "부산광역시 해운대구",
           "대구광역시 중구"]
_STREETS = ["세종대로", "효원로", "중앙대로", "달구벌대로", "해운대로", "한누리대로"]


@dataclass(frozen=True)
class Resident:
    index: int
    number: str  # "YYMMDD-SBBBBBC", synthetic
    name: str
    birth: dt.date
    sex: Literal["M", "F"]
    address: str
    household: int  # residents with the same household index live together
    fee_exempt: bool
    enrolled_fingers: tuple[int, ...] = field(default=(1, 6))  # right and left index fingers

    @property
    def masked_number(self) -> str:
        return self.number[:8] + "******"


def _century_digit(birth: dt.date, sex: str) -> int:
    if birth.year >= 2000:
        return 3 if sex == "M" else 4
    return 1 if sex == "M" else 2


@cache
def resident(index: int) -> Resident:
    if not 0 <= index < POPULATION:
        raise KeyError(f"no synthetic resident {index} (0..{POPULATION - 1})")
    rng = random.Random(_SEED * 1000 + index)
    if index == 0:
        # The demo's resident: an easy number to type, shown in the README.
        birth, sex = dt.date(1990, 1, 1), "M"
    else:
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 68))
        sex = rng.choice("MF")
    tail = "".join(str(rng.randrange(10)) for _ in range(6))
    number = f"{birth:%y%m%d}-{_century_digit(birth, sex)}{tail}"
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
    household = index // 3
    hrng = random.Random(_SEED + household)
    address = f"{hrng.choice(_CITIES)} {hrng.choice(_STREETS)} {hrng.randrange(1, 300)}, {hrng.randrange(101, 1500)}호"
    return Resident(index=index, number=number, name=name, birth=birth, sex=sex,  # type: ignore[arg-type]
                    address=address, household=household, fee_exempt=index % 50 == 7)


def residents() -> list[Resident]:
    return [resident(i) for i in range(POPULATION)]


def by_number(number: str) -> Resident | None:
    digits = number.replace("-", "")
    for r in residents():
        if r.number.replace("-", "") == digits:
            return r
    return None


def household_of(r: Resident) -> list[Resident]:
    return [m for m in residents() if m.household == r.household]


def _stream(label: str, size: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{label}:{counter}".encode()).digest()
        counter += 1
    return out[:size]


def enrolled_template(index: int, finger: int, fmt: TemplateFormat) -> bytes:
    """The reference template the central system holds for this resident's finger."""
    return _stream(f"resident:{index}:finger:{finger}:{fmt}", TEMPLATE_SIZE[fmt])


def captured_template(index: int, finger: int, fmt: TemplateFormat, *, capture: int = 0,
                      noise: float = 0.02) -> bytes:
    """What a sensor uploads when this finger is placed: the reference with a few bytes disturbed,
    as two captures of one finger never agree exactly."""
    data = bytearray(enrolled_template(index, finger, fmt))
    rng = random.Random(f"{index}:{finger}:{fmt}:{capture}")
    for pos in rng.sample(range(len(data)), int(len(data) * noise)):
        data[pos] ^= 0xFF
    return bytes(data)


def unknown_template(fmt: TemplateFormat, *, capture: int = 0) -> bytes:
    """A finger nobody enrolled."""
    return _stream(f"stranger:{capture}:{fmt}", TEMPLATE_SIZE[fmt])


def similarity(a: bytes, b: bytes) -> float:
    """Fraction of equal bytes: the simulator's stand-in for a real matcher's score."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


# A capture matches a reference when at least this fraction of bytes agree: far above the ~0.4 %
# two unrelated pseudo-random templates share, well below the 98 % a noisy capture keeps.
MATCH_THRESHOLD = 0.9
