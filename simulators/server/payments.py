"""The simulated payment API: the acquirer behind the issuance server, for kiosk card payments.

POST /v1/payments/authorise {session, amount, icc_data, masked_pan} answers approved (with a
reference) or declined; POST /v1/payments/{ref}/void cancels an approved one, and POST
/v1/payments/{ref}/cancel {amount, remaining, reason} cancels part of it (a VAN's 부분취소: some copies of
a document paid for did not print), leaving `remaining` won charged. All are idempotent: the same kiosk,
session and chip data get the same answer however often they are sent, voiding twice is voiding once,
and a partial cancel repeated once applied (the payment already stands at `remaining`) changes nothing.
GET /v1/payments?session=ID lists what this kiosk's session was charged: how
a kiosk that never heard an authorisation's answer (a power cut, a dropped connection) finds the
approval it must void. The issuer's check is real: the ARQC in `icc_data` (ISO 8583 field 55) is
verified with the simulated card's key (`simulators.smartcard.issuer_verify`).

Only a masked PAN is accepted: a request carrying anything that looks like a whole card number is
refused (400 "full-pan"). Payments live in memory: a simulator restart forgets them, as a test
acquirer's sandbox would.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from drivers.card.errors import CardProtocolError
from simulators.server.api import ApiError, json_answer, kiosk_id_of, read_body
from simulators.smartcard.card import issuer_verify

_SESSION_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_MASKED_RE = re.compile(r"^([0-9]{6})?[*]{2,13}[0-9]{4}$")
_HEX_RE = re.compile(r"^(?:[0-9A-Fa-f]{2}){1,512}$")
# Kiosk fees are a few hundred to a few thousand won; 1,000,000 won is a broken request.
MAX_AMOUNT = 1_000_000


def _reason(body: Mapping[str, Any]) -> str:
    """A void's or cancel's `reason`: a string of at most 200 characters (400 otherwise)."""
    reason = body.get("reason")
    if not isinstance(reason, str) or len(reason) > 200:
        raise ApiError(400, "bad-request", "reason must be a string of at most 200 characters")
    return reason


@dataclass
class Payment:
    reference: str
    kiosk_id: str
    session: str
    amount: int  # won charged now: the authorised amount less what partial cancels gave back
    masked_pan: str
    state: str  # approved / declined / voided
    decline_reason: str = ""
    void_reason: str = ""
    authorised: int = 0  # won the issuer approved (0 for a decline)
    cancelled: int = 0  # won given back by partial cancels


class Payments:
    """Authorisations and voids, keyed for idempotency by (kiosk, session, sha256(icc_data))."""

    def __init__(self, api: str) -> None:
        self._api = api
        self._by_key: dict[tuple[str, str, str], Payment] = {}
        self._by_ref: dict[str, Payment] = {}
        self._decline_next = 0
        self._counters = {"authorisations": 0, "replays": 0, "voids": 0, "partial_cancels": 0}

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post(f"{self._api}/payments/authorise", self._authorise),
            web.post(self._api + "/payments/{ref}/void", self._void),
            web.post(self._api + "/payments/{ref}/cancel", self._cancel_part),
            web.get(f"{self._api}/payments", self._list),
        ]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"payments": self.payments, "decline_next_payment": self.decline_next_payment}

    # --- controls ----------------------------------------------------------------------------

    def payments(self) -> list[dict[str, Any]]:
        """Every card payment on record (masked PAN only), oldest first."""
        return [asdict(p) for p in self._by_ref.values()]

    def decline_next_payment(self, count: int = 1) -> None:
        """The issuer declines the next `count` authorisations ("issuer-declined")."""
        self._decline_next += max(0, int(count))

    # --- handlers ----------------------------------------------------------------------------

    async def _authorise(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        session, amount = body.get("session"), body.get("amount")
        icc_data, masked = body.get("icc_data"), body.get("masked_pan")
        if not isinstance(session, str) or not _SESSION_RE.match(session):
            raise ApiError(400, "bad-request", "session: 8..128 of A-Z a-z 0-9 . _ : -")
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
            raise ApiError(400, "bad-request", f"amount must be an integer in 1..{MAX_AMOUNT}")
        if not isinstance(icc_data, str) or not _HEX_RE.match(icc_data):
            raise ApiError(400, "bad-request", "icc_data must be hex BER-TLV")
        if not isinstance(masked, str) or not _MASKED_RE.match(masked):
            code = "full-pan" if isinstance(masked, str) and masked.isdigit() else "bad-request"
            raise ApiError(400, code, "masked_pan must be masked (first six and last four digits at most)")
        key = (kiosk_id, session, hashlib.sha256(icc_data.upper().encode()).hexdigest())
        payment = self._by_key.get(key)
        if payment is not None:
            if (payment.authorised or payment.amount) != amount:
                raise ApiError(409, "conflict", "the same chip data was sent with another amount")
            self._counters["replays"] += 1
            return json_answer(_answer(payment))
        self._counters["authorisations"] += 1
        reason = ""
        if self._decline_next:
            self._decline_next -= 1
            reason = "issuer-declined"
        elif not _cryptogram_ok(bytes.fromhex(icc_data)):
            reason = "cryptogram-invalid"
        payment = Payment(reference=_new_reference(), kiosk_id=kiosk_id, session=session,
                          amount=amount, masked_pan=masked, state="declined" if reason else "approved",
                          decline_reason=reason, authorised=0 if reason else amount)
        self._by_key[key] = payment
        self._by_ref[payment.reference] = payment
        return json_answer(_answer(payment))

    async def _void(self, request: web.Request) -> web.StreamResponse:
        body = await read_body(request)
        reason = _reason(body)
        payment = self._approved_or_voided(request, "voided")
        if payment.state == "approved":
            payment.state, payment.void_reason = "voided", reason
            self._counters["voids"] += 1
        return json_answer({"reference": payment.reference, "state": "voided", "amount": payment.amount})

    async def _cancel_part(self, request: web.Request) -> web.StreamResponse:
        """A partial cancel: give `amount` won back, leaving `remaining` charged. The kiosk names both, so
        a repeat after the first was applied (its answer lost) is recognised and changes nothing."""
        body = await read_body(request)
        reason, amount, remaining = _reason(body), body.get("amount"), body.get("remaining")
        for name, value in (("amount", amount), ("remaining", remaining)):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT:
                raise ApiError(400, "bad-request", f"{name} must be an integer in 0..{MAX_AMOUNT}")
        assert isinstance(amount, int) and isinstance(remaining, int)
        if amount <= 0:
            raise ApiError(400, "bad-request", "amount must be at least 1")
        payment = self._approved_or_voided(request, "cancelled")
        charged = payment.amount if payment.state == "approved" else 0
        if charged == remaining:
            pass  # applied already (a repeat whose first answer was lost)
        elif payment.state == "approved" and charged - amount == remaining:
            payment.amount, payment.cancelled = remaining, payment.cancelled + amount
            self._counters["partial_cancels"] += 1
            if remaining == 0:
                payment.state, payment.void_reason = "voided", reason
                self._counters["voids"] += 1
        else:
            raise ApiError(409, "conflict", f"the payment stands at {charged} won, not {remaining + amount}")
        state = "approved" if payment.state == "approved" else "voided"
        return json_answer({"reference": payment.reference, "state": state,
                            "amount": payment.amount if state == "approved" else 0})

    def _approved_or_voided(self, request: web.Request, verb: str) -> Payment:
        """The asking kiosk's payment named in the path, if it was ever approved (404 / 409 otherwise)."""
        payment = self._by_ref.get(request.match_info["ref"])
        if payment is None or payment.kiosk_id != kiosk_id_of(request):
            raise ApiError(404, "unknown-payment", "no such payment for this kiosk")
        if payment.state == "declined":
            raise ApiError(409, "not-approved", f"a declined payment cannot be {verb}")
        return payment

    async def _list(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        query = request.rel_url.query
        unknown = sorted(set(query) - {"session"})
        if unknown:
            raise ApiError(400, "bad-request", f"unknown query parameter {unknown[0]!r:.40}")
        sessions = query.getall("session", [])
        if len(sessions) != 1 or not _SESSION_RE.match(sessions[0]):
            raise ApiError(400, "bad-request", "one session: 8..128 of A-Z a-z 0-9 . _ : -")
        found = [_listed(p) for p in self._by_ref.values() if p.kiosk_id == kiosk_id and p.session == sessions[0]]
        return json_answer({"session": sessions[0], "payments": found})


def _listed(payment: Payment) -> dict[str, Any]:
    """One payment as the lookup lists it: never the chip data, only the masked PAN."""
    return {"reference": payment.reference, "state": payment.state, "amount": payment.amount,
            "masked_pan": payment.masked_pan}


def _cryptogram_ok(icc_data: bytes) -> bool:
    """The issuer's ARQC check; chip data that is not even valid BER-TLV is simply not a good cryptogram."""
    try:
        return issuer_verify(icc_data)
    except (CardProtocolError, ValueError):
        return False


# Letters only: a reference of random hex digits can hold a run the kiosk's privacy filter rightly
# takes for a resident or card number, and masks in the journal, so the later void names no payment.
_REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _new_reference() -> str:
    return "PAY-" + "".join(secrets.choice(_REFERENCE_LETTERS) for _ in range(16))


def _answer(payment: Payment) -> dict[str, Any]:
    state = "approved" if payment.state in ("approved", "voided") else "declined"
    out: dict[str, Any] = {"state": state, "amount": payment.authorised or payment.amount}
    if state == "approved":
        out["reference"] = payment.reference
    else:
        out["decline_reason"] = payment.decline_reason
    return out
