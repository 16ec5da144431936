"""Cash settlements: what a technician counted when emptying the cash box, against the journal.

POST /v1/settlements {idempotency_key, counted, journal, emptied_at}: both counts are per
denomination ("coin:100": 37, "bill:1000": 12); the server records the settlement and answers the
difference in won (counted minus journal). A difference is accepted, never refused (the money is
already out of the box), but flagged for the city's cash office. Idempotent by the kiosk's key:
the same counts again get the same answer (the first `emptied_at` is kept), other counts under the
same key are 409 "idempotency-key-reused" (simulators/server/idempotent_store.py). Settlements live
in memory, like payments.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from common.clock import KST
from simulators.server.api import ApiError, aware_time, idempotency_key, json_integer, kiosk_id_of, read_body
from simulators.server.idempotent_store import IdempotentStore

# Korean coins and bills in circulation (Bank of Korea): 10, 50, 100, 500 won coins (1 and 5 won
# are no longer issued); 1,000, 5,000, 10,000 and 50,000 won notes.
DENOMINATIONS: dict[str, int] = {
    "coin:10": 10,
    "coin:50": 50,
    "coin:100": 100,
    "coin:500": 500,
    "bill:1000": 1000,
    "bill:5000": 5000,
    "bill:10000": 10000,
    "bill:50000": 50000,
}
# A kiosk's coin box and bill stacker hold a few thousand pieces; 100,000 of one kind is a broken request.
MAX_COUNT = 100_000


@dataclass
class Settlement:
    settlement_id: str
    kiosk_id: str
    key: str
    counted: dict[str, int]
    journal: dict[str, int]
    emptied_at: str
    received_at: str
    counted_won: int
    journal_won: int
    difference_won: int
    flagged: bool

    def answer(self) -> dict[str, Any]:
        return {
            "settlement_id": self.settlement_id,
            "difference_won": self.difference_won,
            "accepted": True,
            "flagged": self.flagged,
            "counted_won": self.counted_won,
            "journal_won": self.journal_won,
        }


class Settlements:
    """Settlements by (kiosk id, idempotency key), oldest first."""

    def __init__(self, api: str) -> None:
        self._api = api
        self._store: IdempotentStore[Settlement] = IdempotentStore("this key was used for other counts")

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/settlements", self._settle)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"settlements": self.settlements}

    def settlements(self) -> list[dict[str, Any]]:
        """Every settlement on record, oldest first (flagged when counted and journal differ)."""
        return [asdict(s) for s in self._store.records()]

    async def _settle(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        counted = _counts(body.get("counted"), "counted")
        journal = _counts(body.get("journal"), "journal")
        emptied_at = aware_time(body, "emptied_at")
        counted_won, journal_won = _won(counted), _won(journal)
        # The same counts are the same settlement, whenever the box was said to be emptied.
        return self._store.upload(kiosk_id, key, (counted, journal), lambda: Settlement(
            settlement_id=f"STL-{secrets.token_hex(8).upper()}", kiosk_id=kiosk_id, key=key, counted=counted,
            journal=journal, emptied_at=emptied_at, received_at=dt.datetime.now(KST).isoformat(),
            counted_won=counted_won, journal_won=journal_won, difference_won=counted_won - journal_won,
            flagged=counted != journal))


def _counts(value: object, name: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ApiError(400, "bad-request", f"{name} must be an object of denomination: count")
    out: dict[str, int] = {}
    for denomination, raw in value.items():
        if denomination not in DENOMINATIONS:
            raise ApiError(400, "bad-denomination", f"{name}: unknown denomination {denomination[:20]!r}")
        count = json_integer(raw)
        if count is None or not 0 <= count <= MAX_COUNT:
            raise ApiError(400, "bad-request", f"{name}[{denomination}] must be an integer in 0..{MAX_COUNT}")
        if count:
            out[denomination] = count
    return out


def _won(counts: Mapping[str, int]) -> int:
    return sum(DENOMINATIONS[d] * n for d, n in counts.items())

