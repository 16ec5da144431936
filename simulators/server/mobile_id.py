"""Mobile ID (모바일 신분증) verification, the verifier side, for an identity route without a fingerprint.

Modelled on the public description of the government mobile ID's verifier flow (the 모바일 신분증
"SP" interface of the mobile driver's licence platform, QR-MPM mode: the verifier shows a QR, the
holder's wallet app scans it): the service provider opens a transaction and gets a transaction code
(거래코드, trxcode); the QR carries the VP request message (M200: type, version, cmd "200", trxcode,
mode, host) in base64; the wallet asks the verifier for the signed profile (M310, with a nonce), then
submits the Verifiable Presentation (M400), which the verifier checks (DID signatures, the VC's status,
the nonce); the transaction state goes 0001 requested -> 0002 profile sent -> 0003 verifying -> 0004
verified, or 0005 failed, and the service provider polls it.

Here the issuance server is the verifier and the kiosk the service provider:
POST /v1/mobile-id/transactions {idempotency_key} -> {trxcode, qr, expires_in}; GET
/v1/mobile-id/transactions/{trxcode} -> {state ("requested" | "profile" | "verifying" | "verified" |
"failed" | "expired"), and once verified the same verification token a matched fingerprint yields
(token, exempt, expires_in); reason when failed}. The kiosk never sees the resident number. The
simulator plays the wallet: the control `present_mobile_id(qr, resident, valid=True)` decodes the QR
the kiosk showed and walks the profile and presentation steps; `valid=False` presents a credential
that does not verify (revoked or tampered).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from simulators.server.api import ApiError, idempotency_key, json_answer, kiosk_id_of, read_body

TRANSACTION_TTL_S = 180.0  # the QR is good for three minutes, as the wallet's own QR screens are
STATES = {"0001": "requested", "0002": "profile", "0003": "verifying", "0004": "verified", "0005": "failed"}


class TokenMint(Protocol):
    def mint_token(self, kiosk_id: str, resident_index: int) -> dict[str, Any]: ...


@dataclass
class Transaction:
    trxcode: str
    kiosk_id: str
    key: str
    nonce: str
    created: float
    status: str = "0001"
    resident: int | None = None
    answer: dict[str, Any] | None = None
    reason: str = ""


class MobileId:
    def __init__(self, api: str, server: TokenMint, base_url: Callable[[], str]) -> None:
        self._api = api
        self._server = server
        self._base_url = base_url
        self._by_code: dict[str, Transaction] = {}
        self._by_key: dict[tuple[str, str], str] = {}

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/mobile-id/transactions", self._start),
                web.get(self._api + "/mobile-id/transactions/{trxcode}", self._poll)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"present_mobile_id": self.present_mobile_id, "mobile_id_transactions": self.transactions,
                "expire_mobile_id": self.expire_mobile_id}

    def transactions(self) -> list[dict[str, Any]]:
        """Every transaction: trxcode, kiosk, state and the resident who presented (oldest first)."""
        return [{"trxcode": t.trxcode, "kiosk_id": t.kiosk_id, "state": STATES[t.status], "resident": t.resident}
                for t in self._by_code.values()]

    def expire_mobile_id(self) -> dict[str, Any]:
        """Every open mobile ID transaction expires now (its QR is no longer accepted).

        As if the resident had not found the wallet app for three minutes: the TTL is on real time,
        and scenarios do not wait for it."""
        expired = 0
        for trx in self._by_code.values():
            if trx.status not in ("0004", "0005") and not self._expired(trx):
                trx.created -= TRANSACTION_TTL_S + 1.0
                expired += 1
        return {"expired": expired}

    def present_mobile_id(self, qr: str, resident: int = 0, valid: bool = True) -> dict[str, Any]:
        """The wallet app scans `qr` (as the kiosk shows it), gets the profile (M310) and presents the
        resident's mobile ID (M400); `valid=False`: a credential that does not verify."""
        message = json.loads(base64.urlsafe_b64decode(qr.encode() + b"=" * (-len(qr) % 4)))
        if message.get("cmd") != "200":
            raise ValueError("not a VP request (M200)")
        trx = self._by_code.get(str(message.get("trxcode")))
        if trx is None or self._expired(trx):
            raise ValueError("no such transaction, or it expired")
        trx.status = "0002"  # profile (with the nonce) handed to the wallet
        trx.status = "0003"  # VP submitted: verifying
        if not valid:
            trx.status, trx.reason = "0005", "vp-invalid"
            return {"state": STATES[trx.status]}
        trx.resident = int(resident)
        trx.answer = self._server.mint_token(trx.kiosk_id, int(resident))
        trx.status = "0004"
        return {"state": STATES[trx.status]}

    async def _start(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        code = self._by_key.get((kiosk_id, key))
        trx = self._by_code.get(code) if code else None
        if trx is None:
            trx = Transaction(trxcode=secrets.token_hex(16), kiosk_id=kiosk_id, key=key,
                              nonce=secrets.token_urlsafe(16), created=time.monotonic())
            self._by_code[trx.trxcode] = trx
            self._by_key[(kiosk_id, key)] = trx.trxcode
        m200 = {"type": "mip", "version": "1.0.0", "cmd": "200", "trxcode": trx.trxcode, "mode": "direct",
                "host": self._base_url()}
        qr = base64.urlsafe_b64encode(json.dumps(m200, separators=(",", ":")).encode()).decode().rstrip("=")
        left = max(0, int(TRANSACTION_TTL_S - (time.monotonic() - trx.created)))
        return json_answer({"trxcode": trx.trxcode, "qr": qr, "expires_in": left})

    async def _poll(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        trx = self._by_code.get(request.match_info["trxcode"])
        if trx is None or trx.kiosk_id != kiosk_id:
            raise ApiError(404, "unknown-transaction", "no mobile ID transaction with this code")
        if trx.status == "0004" and trx.answer is not None:
            return json_answer({"state": "verified", **trx.answer})
        if trx.status == "0005":
            return json_answer({"state": "failed", "reason": trx.reason})
        if self._expired(trx):
            return json_answer({"state": "expired"})
        return json_answer({"state": STATES[trx.status]})

    @staticmethod
    def _expired(trx: Transaction) -> bool:
        return time.monotonic() - trx.created > TRANSACTION_TTL_S
