"""Pickups (민원예약): a resident reserves a document online, then prints it at any kiosk with a code.

The control `reserve_online` stands in for the online service: it records what was ordered and
returns an 8-digit pickup code. GET /v1/pickups/{code} tells a kiosk what the code is for (fee 0
when it was paid online); POST /v1/pickups/{code}/reserve {idempotency_key} renders and signs the
documents through the server's ordinary reservation (same answer, same replay rules), so the kiosk
then commits or voids it by its key like any other issuance.

A code is used once: while a reservation made with it is reserved or committed, every other key is
refused (409 "pickup-used"); a void gives the code back, since nothing was handed out. A code may be
reserved for one booth (the resident chose where to collect it): another booth is told so (403
"pickup-other-booth") and nothing there can use it. A document
that needs identity still needs the resident's own fingerprint at the kiosk: the reserve must carry
a verification token of the same resident. Pickups live in memory, like payments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from common.clock import KST
from simulators.residents import Resident, resident
from simulators.server.api import ApiError, IssueSpec, idempotency_key, json_answer, kiosk_id_of, read_body
from simulators.server.catalog import CATALOG
from simulators.server.parcels import resolve

# A week to collect: the simulator's choice (the online service sets the real validity); long
# enough to pass by a kiosk, short enough that forgotten codes do not pile up.
PICKUP_VALID_S = 7 * 24 * 3600.0
CODE_DIGITS = 8
_CODE_RE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")


@dataclass
class Pickup:
    code: str
    resident_index: int
    document: str
    copies: int
    fee_total: int
    parcel: str | None
    expires_at: dt.datetime
    holder: tuple[str, str] | None = None  # (kiosk id, idempotency key) of the reservation using it
    booth: str | None = None  # the kiosk id the resident chose to collect it at; None: any booth

    @property
    def needs_identity(self) -> bool:
        return CATALOG[self.document].needs_identity

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "copies": self.copies,
            "fee_total": self.fee_total,
            "needs_identity": self.needs_identity,
            "expires_at": self.expires_at.isoformat(),
        }


class IssuingServer(Protocol):
    """What pickups need of the server they live in (app.ServerSimulator): its tokens and reservations."""

    def resident_for(self, token: str | None, kiosk_id: str) -> Resident: ...

    def issuance_state(self, kiosk_id: str, key: str) -> str | None: ...

    async def reserve_under_key(
        self, kiosk_id: str, key: str, request_hash: str, prepare: Callable[[], IssueSpec]
    ) -> web.Response: ...


class Pickups:
    """Codes handed out by the online service, and their use at kiosks."""

    def __init__(self, api: str, server: IssuingServer) -> None:
        self._api = api
        self._server = server
        self._by_code: dict[str, Pickup] = {}

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(self._api + "/pickups/{code}", self._lookup),
            web.post(self._api + "/pickups/{code}/reserve", self._reserve),
        ]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"reserve_online": self.reserve_online, "pickups": self.pickups}

    # --- controls ----------------------------------------------------------------------------

    def reserve_online(
        self,
        resident: int,
        document: str,
        copies: int = 1,
        *,
        prepaid: bool = True,
        valid_for_s: float = PICKUP_VALID_S,
        parcel: str | None = None,
        booth: str | None = None,
    ) -> str:
        """A resident reserves `document` online; returns the 8-digit pickup code (fee 0 if `prepaid`).
        `valid_for_s` <= 0 makes a code that has already expired; registers need `parcel`; `booth` (a
        kiosk id) binds the code to that booth."""
        person = _resident(resident)
        doc = CATALOG.get(document)
        if doc is None:
            raise ValueError(f"no such document {document!r}")
        if not 1 <= int(copies) <= doc.max_copies:
            raise ValueError(f"copies must be 1..{doc.max_copies}")
        if not doc.needs_identity and (parcel is None or not resolve(parcel)):
            raise ValueError("a register needs an existing parcel")
        fee = 0 if prepaid or person.fee_exempt else doc.fee * int(copies)
        code = self._new_code()
        self._by_code[code] = Pickup(
            code=code,
            resident_index=person.index,
            document=doc.code,
            copies=int(copies),
            fee_total=fee,
            parcel=None if doc.needs_identity else parcel,
            expires_at=dt.datetime.now(KST).replace(microsecond=0) + dt.timedelta(seconds=float(valid_for_s)),
            booth=None if booth is None else str(booth),
        )
        return code

    def pickups(self) -> list[dict[str, Any]]:
        """Every pickup code with its state (open, held, used, expired), oldest first."""
        return [
            {"code": p.code, "resident": p.resident_index, **p.to_json(), "state": self._state(p),
             "holder": list(p.holder) if p.holder else None, "booth": p.booth}
            for p in self._by_code.values()
        ]

    # --- handlers ----------------------------------------------------------------------------

    async def _lookup(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        return json_answer(self._usable(request.match_info["code"], kiosk_id).to_json())

    async def _reserve(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        token = body.get("verification_token")
        if token is not None and not isinstance(token, str):
            raise ApiError(400, "bad-request", "verification_token must be a string")
        code = request.match_info["code"]
        _check_code(code)
        request_hash = hashlib.sha256(json.dumps({"pickup": code}).encode()).hexdigest()

        def prepare() -> IssueSpec:
            pickup = self._usable(code, kiosk_id)
            person = resident(pickup.resident_index)
            if pickup.needs_identity:
                who = self._server.resident_for(token, kiosk_id)
                if who.index != pickup.resident_index:
                    raise ApiError(403, "pickup-other-resident", "this code belongs to another resident")
            pickup.holder = (kiosk_id, key)
            doc = CATALOG[pickup.document]
            return IssueSpec(doc, (), pickup.copies, person if doc.needs_identity else None, pickup.parcel,
                             pickup.fee_total)

        return await self._server.reserve_under_key(kiosk_id, key, request_hash, prepare)

    # --- helpers -----------------------------------------------------------------------------

    def _state(self, pickup: Pickup) -> str:
        if pickup.holder is not None:
            state = self._server.issuance_state(*pickup.holder)
            if state is not None and state != "voided":
                return "used" if state == "committed" else "held"
        return "expired" if dt.datetime.now(KST) >= pickup.expires_at else "open"

    def _usable(self, code: str, kiosk_id: str) -> Pickup:
        _check_code(code)
        pickup = self._by_code.get(code)
        if pickup is None:
            raise ApiError(404, "pickup-not-found", "no online reservation has this code")
        if pickup.booth is not None and pickup.booth != kiosk_id:
            raise ApiError(403, "pickup-other-booth", "this code is to be collected at another booth")
        state = self._state(pickup)
        if state in ("used", "held"):
            raise ApiError(409, "pickup-used", "this code was already used")
        if state == "expired":
            raise ApiError(410, "pickup-expired", "this code has expired; reserve again online")
        return pickup

    def _new_code(self) -> str:
        while True:
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            if code not in self._by_code:
                return code


def _check_code(code: str) -> None:
    if not _CODE_RE.match(code):
        raise ApiError(400, "bad-request", f"a pickup code is {CODE_DIGITS} digits")


def _resident(index: int) -> Resident:
    try:
        return resident(int(index))
    except KeyError as exc:
        raise ValueError(str(exc)) from exc
