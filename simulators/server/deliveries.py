"""Deliveries (민원택배, issue 17): a document ordered at a booth and delivered to the registered address.

The booth orders before it takes money, as it reserves before printing: POST /v1/deliveries
{idempotency_key, document, copies, verification_token?, parcel?} -> {order_id, tracking_code,
fee_total (fee x copies + delivery fee), delivery_fee, state "pending", hold_seconds}. Then, paid,
POST /v1/deliveries/{key}/confirm -> state "confirmed" (paid; the tracking code is live), or
POST /v1/deliveries/{key}/cancel {reason} -> "cancelled" (nothing is sent, nothing was paid). A
pending order not confirmed within `hold_seconds` lapses by itself.

Dispatch comes later than the confirmation, as a courier's collection run does (the control
`dispatch()` is that run): until then a confirmed order can still be cancelled, which a booth does
when it refunded the resident because the confirmation's answer never reached it (kiosk/delivery.py).
A cancel that comes after the dispatch is refused, 409 "delivery-dispatched", and the order is marked
`paid = false` (the booth gave the fee back): the document goes out unpaid, and the city's books say
so as the booth's journal does (`delivery_dispatched_after_refund`). Confirm and cancel replay: a
second confirm of a confirmed or dispatched order answers it again, a second cancel of a cancelled
one too. The address is the registered one
(the resident's for an identity document, the owner's record for a register): the booth never sends
or sees it. A document the catalog does not deliver is 409 "not-deliverable". Idempotent by key (per
kiosk); the control `deliveries()` lists orders for the rig.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from aiohttp import web

from common.clock import KST
from simulators.residents import Resident
from simulators.server.api import ApiError, idempotency_key, json_answer, kiosk_id_of, read_body
from simulators.server.catalog import CATALOG
from simulators.server.parcels import resolve

HOLD_SECONDS = 15 * 60  # as long as a reservation is held for payment


class TokenServer(Protocol):
    def resident_for(self, token: str | None, kiosk_id: str) -> Resident: ...


@dataclass
class Delivery:
    order_id: str
    tracking_code: str
    kiosk_id: str
    key: str
    document: str
    copies: int
    fee_total: int
    delivery_fee: int
    resident: int | None
    parcel: str | None
    state: str  # pending | confirmed | dispatched | cancelled
    request_hash: str
    ordered_at: str
    paid: bool = False  # confirmed by the booth (fee kept) and not given back by a later cancel
    cancel_reason: str = ""  # the booth's reason, also for a cancel refused after the dispatch

    def answer(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "tracking_code": self.tracking_code, "fee_total": self.fee_total,
                "delivery_fee": self.delivery_fee, "state": self.state, "hold_seconds": HOLD_SECONDS}


class Deliveries:
    def __init__(self, api: str, server: TokenServer) -> None:
        self._api = api
        self._server = server
        self._by_key: dict[tuple[str, str], Delivery] = {}

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post(f"{self._api}/deliveries", self._order),
            web.post(self._api + "/deliveries/{key}/confirm", self._confirm),
            web.post(self._api + "/deliveries/{key}/cancel", self._cancel),
        ]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"deliveries": self.deliveries, "dispatch": self.dispatch}

    def dispatch(self) -> int:
        """The courier's collection run: every confirmed order is dispatched; returns how many went.

        A cancel comes too late for them from now on (409 "delivery-dispatched")."""
        confirmed = [d for d in self._by_key.values() if d.state == "confirmed"]
        for delivery in confirmed:
            delivery.state = "dispatched"
        return len(confirmed)

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery order, oldest first (state pending, confirmed, dispatched or cancelled; paid)."""
        return [{k: v for k, v in asdict(d).items() if k != "request_hash"} for d in self._by_key.values()]

    async def _order(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        doc = CATALOG.get(str(body.get("document", "")))
        if doc is None:
            raise ApiError(400, "unknown-document", "no such document")
        copies = body.get("copies")
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= doc.max_copies:
            raise ApiError(400, "bad-copies", f"copies must be 1..{doc.max_copies}")
        token, parcel = body.get("verification_token"), body.get("parcel")
        if token is not None and not isinstance(token, str):
            raise ApiError(400, "bad-request", "verification_token must be a string")
        if parcel is not None and (not isinstance(parcel, str) or len(parcel) > 200):
            raise ApiError(400, "bad-request", "parcel must be a string")
        request_hash = hashlib.sha256(json.dumps([doc.code, copies, parcel]).encode()).hexdigest()
        existing = self._by_key.get((kiosk_id, key))
        if existing is not None:
            if existing.request_hash != request_hash:
                raise ApiError(409, "idempotency-key-reused", "this key was used for another order")
            response = json_answer(existing.answer())
            response.headers["Idempotent-Replayed"] = "true"
            return response
        if doc.delivery_fee <= 0:
            raise ApiError(409, "not-deliverable", "this document is issued at the counter or a kiosk only")
        who: int | None = None
        if doc.needs_identity:
            person = self._server.resident_for(token, kiosk_id)
            who = person.index
            fee = 0 if person.fee_exempt else doc.fee * copies
        else:
            if parcel is None or not resolve(parcel):
                raise ApiError(404, "parcel-not-found", "a register's delivery names an existing parcel")
            fee = doc.fee * copies
        delivery = Delivery(
            order_id=f"DLV-{secrets.token_hex(6).upper()}", tracking_code=f"{secrets.randbelow(10**12):012d}",
            kiosk_id=kiosk_id, key=key, document=doc.code, copies=copies, fee_total=fee + doc.delivery_fee,
            delivery_fee=doc.delivery_fee, resident=who, parcel=parcel, state="pending",
            request_hash=request_hash, ordered_at=dt.datetime.now(KST).isoformat())
        self._by_key[(kiosk_id, key)] = delivery
        return json_answer(delivery.answer())

    async def _confirm(self, request: web.Request) -> web.StreamResponse:
        delivery = self._find(request)
        if delivery.state == "cancelled":
            raise ApiError(409, "delivery-cancelled", "this order was cancelled")
        if delivery.state == "pending":  # a replay of a confirmed or dispatched order only answers again
            delivery.state, delivery.paid = "confirmed", True
        return json_answer(delivery.answer())

    async def _cancel(self, request: web.Request) -> web.StreamResponse:
        delivery = self._find(request)
        body = await read_body(request)
        reason = body.get("reason")
        if delivery.state != "cancelled":
            delivery.cancel_reason = reason[:64] if isinstance(reason, str) else ""
        delivery.paid = False  # whatever the state: the booth says the fee did not stay with it
        if delivery.state == "dispatched":
            raise ApiError(409, "delivery-dispatched", "this order was dispatched before the cancel came")
        delivery.state = "cancelled"
        return json_answer(delivery.answer())

    def _find(self, request: web.Request) -> Delivery:
        kiosk_id = kiosk_id_of(request)
        key = idempotency_key(request.match_info["key"])
        delivery = self._by_key.get((kiosk_id, key))
        if delivery is None:
            raise ApiError(404, "unknown-delivery", "no order under this key")
        return delivery
