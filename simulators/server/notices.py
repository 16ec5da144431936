"""Notices (스마트 문자 통지): a resident asks the booth to send the session's result by text message or
e-mail, and the city's notice gateway sends it.

POST /v1/notices {idempotency_key, channel ("sms" | "email"), to, kind ("receipt" | "voucher" |
"tracking"), language, facts {document, copies, fee_kept, refund, voucher, verification_numbers,
tracking_code}} -> {notice_id, accepted_at, state "queued"}. The kiosk sends the facts, not prose:
the gateway words the message in the resident's language from its templates, as a real one does. The
address is used for this one message and kept by the gateway only as long as the message is queued;
the booth keeps none of it (kiosk/notices.py). Idempotent by the kiosk's key (a retry sends one
message; another request under the key is 409 "idempotency-key-reused"). The simulator sends nothing:
the control `notices()` lists what it would have sent, recipient and text, for the rig.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from common.clock import KST
from simulators.server.api import ApiError, idempotency_key, json_answer, kiosk_id_of, read_body
from simulators.server.catalog import CATALOG

# Korean mobile numbers (010, 011, 016-019), digits only; an e-mail address as RFC 5321 bounds it.
PHONE_RE = re.compile(r"^01[016789][0-9]{7,8}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
KINDS = ("receipt", "voucher", "tracking")
CODE_RE = re.compile(r"^[A-Z0-9-]{1,40}$")
MAX_KEPT = 1000

_TEMPLATES = {
    "ko": {"receipt": "[무인민원발급기] {document} {copies}부 발급, 수수료 {fee_kept}원. 발급번호 {numbers}",
           "voucher": "[무인민원발급기] 돌려드리지 못한 {refund}원의 교환권 번호 {voucher}. 시청 민원실에서 받으세요.",
           "tracking": "[무인민원발급기] {document} 배송 접수, 운송장 번호 {tracking_code}"},
    "en": {"receipt": "[Kiosk] {document} x{copies} issued, fee {fee_kept} won. Numbers {numbers}",
           "voucher": "[Kiosk] Voucher {voucher} for {refund} won not paid back. Collect it at the city office.",
           "tracking": "[Kiosk] {document} ordered for delivery, tracking {tracking_code}"},
}


@dataclass
class Notice:
    notice_id: str
    kiosk_id: str
    key: str
    channel: str
    to: str
    kind: str
    language: str
    text: str
    request_hash: str
    accepted_at: str

    def answer(self) -> dict[str, Any]:
        return {"notice_id": self.notice_id, "accepted_at": self.accepted_at, "state": "queued"}


class Notices:
    """Notices by (kiosk id, idempotency key), oldest first."""

    def __init__(self, api: str) -> None:
        self._api = api
        self._by_key: dict[tuple[str, str], Notice] = {}

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/notices", self._send)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"notices": self.notices}

    def notices(self) -> list[dict[str, Any]]:
        """Every notice the gateway would have sent, oldest first: channel, recipient, kind, text."""
        return [{k: v for k, v in asdict(n).items() if k != "request_hash"} for n in self._by_key.values()]

    async def _send(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        channel, to, kind, language = body.get("channel"), body.get("to"), body.get("kind"), body.get("language")
        if channel not in ("sms", "email"):
            raise ApiError(400, "bad-request", "channel is sms or email")
        if not isinstance(to, str) or not (PHONE_RE if channel == "sms" else EMAIL_RE).match(to) or len(to) > 254:
            raise ApiError(400, "bad-recipient", "to: a Korean mobile number (digits) or an e-mail address")
        if kind not in KINDS:
            raise ApiError(400, "bad-request", f"kind is one of {', '.join(KINDS)}")
        if not isinstance(language, str) or not LANGUAGE_RE.match(language):
            raise ApiError(400, "bad-request", "language: a two-letter lower-case code")
        facts = _facts(body.get("facts"))
        request_hash = hashlib.sha256(json.dumps([channel, to, kind, language, facts], sort_keys=True).encode()
                                      ).hexdigest()
        existing = self._by_key.get((kiosk_id, key))
        if existing is not None:
            if existing.request_hash != request_hash:
                raise ApiError(409, "idempotency-key-reused", "this key was used for another notice")
            response = json_answer(existing.answer())
            response.headers["Idempotent-Replayed"] = "true"
            return response
        templates = _TEMPLATES.get(language, _TEMPLATES["en"])
        doc = CATALOG.get(str(facts.get("document", "")))
        text = templates[str(kind)].format(
            document=(doc.title_ko if language == "ko" else doc.title_en) if doc is not None else facts["document"],
            copies=facts.get("copies", 0),
            fee_kept=facts.get("fee_kept", 0), refund=facts.get("refund", 0), voucher=facts.get("voucher", ""),
            numbers=", ".join(facts.get("verification_numbers", [])), tracking_code=facts.get("tracking_code", ""))
        notice = Notice(f"NTC-{secrets.token_hex(8).upper()}", kiosk_id, key, str(channel), to, str(kind),
                        language, text, request_hash, dt.datetime.now(KST).isoformat())
        self._by_key[(kiosk_id, key)] = notice
        while len(self._by_key) > MAX_KEPT:
            del self._by_key[next(iter(self._by_key))]
        return json_answer(notice.answer())


def _facts(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ApiError(400, "bad-request", "facts must be an object")
    facts: dict[str, Any] = {}
    for name in ("copies", "fee_kept", "refund"):
        value = raw.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000_000:
            raise ApiError(400, "bad-request", f"facts.{name}: a whole number 0..10000000")
        facts[name] = value
    for name in ("document", "voucher", "tracking_code"):
        value = raw.get(name, "")
        if not isinstance(value, str) or len(value) > 64 or (value and name != "document" and not CODE_RE.match(value)):
            raise ApiError(400, "bad-request", f"facts.{name}: a code of at most 40 letters, digits and -")
        facts[name] = value
    numbers = raw.get("verification_numbers", [])
    if not isinstance(numbers, list) or len(numbers) > 100 or not all(
            isinstance(n, str) and CODE_RE.match(n) for n in numbers):
        raise ApiError(400, "bad-request", "facts.verification_numbers: at most 100 codes")
    facts["verification_numbers"] = numbers
    return facts
