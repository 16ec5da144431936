"""The kiosk's client for the central issuance server: HTTPS with mutual TLS, pinned keys.

Every answer is treated as hostile until checked: bodies are size-limited and typed field by field,
and each issued PDF's Ed25519 signature is verified against the pinned signing key before anyone
can print it. Failures surface as a small typed tree (`ServerError` and below) so the controller
can tell "try later" (ServerUnavailable) from "the server said no" (ServerRejected) from "the
server is broken" (ServerProtocolError) from "do not print this" (DocumentSignatureInvalid).

Only idempotent calls are retried: the catalog, heartbeats, parcel searches, pickup and payment
lookups, and reserve/commit/void, card authorisations and voids, pickup reserves and cash settlements,
which carry the kiosk's idempotency key.
Identity verification is never retried: each attempt counts towards the server's lock-out. Resident
numbers and templates leave this module only sealed (common.template_crypto) and are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import dataclasses
import datetime as dt
import email.utils
import enum
import json
import logging
import re
import ssl
import stat
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpcore
import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceStatus
from common.template_crypto import load_public_key, seal
from kiosk.document_check import document_problem

log = logging.getLogger(__name__)

# Per-call deadlines, as multiples of ServerConfig.timeout (5 s by default). Reading the catalog,
# heartbeats, commit and void are single-row operations: one unit. Matching a fingerprint takes the
# central matcher longer than a lookup: two units. A reservation renders and signs PDFs (the
# simulator needs ~0.3 s a copy; a loaded production server far more): four units.
TIMEOUT_FACTORS: dict[str, float] = {
    "catalog": 1.0,
    "verify_identity": 2.0,
    "reserve": 4.0,
    "commit": 1.0,
    "void": 1.0,
    "heartbeat": 1.0,
    # A card authorisation goes on to the acquirer and the issuer (a VAN round trip of 1–3 s): two units.
    "authorise_payment": 2.0,
    "void_payment": 1.0,
    # Listing a session's payments (to find an authorisation whose answer was lost) is one lookup: one unit.
    "session_payments": 1.0,
    # A parcel search, a pickup lookup and a settlement are single lookups or inserts: one unit.
    # Reserving a pickup renders and signs PDFs like any reservation: four units.
    "search_parcels": 1.0,
    "lookup_pickup": 1.0,
    "reserve_pickup": 4.0,
    "settle_cash": 1.0,
}
# httpx's own timeout is only a backstop for a Clock that is not wall time (tests, the scenario
# runner): it fires at twice the Clock deadline, so the Clock always decides on real hardware.
_BACKSTOP_FACTOR = 2.0
# Retries of idempotent calls: two more attempts 0.2 s then 0.36 s later. A resident is waiting at
# the screen, so a transient blip is bridged in well under a second and a dead server is reported
# within about three deadlines.
DEFAULT_RETRIES = 2
DEFAULT_RETRY_BASE_S = 0.2
_RETRY_CAP_S = 2.0
# A Retry-After longer than a day is nonsense; keep the number, cap it.
_MAX_RETRY_AFTER_S = 86_400.0
_REASON_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_VERIFICATION_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{4}$")
_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_HOURS_RE = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_ED25519_SIGNATURE_BYTES = 64  # RFC 8032 §5.1.6
_MAX_PAGES = 1000  # no civil document is longer; a bigger number is a broken server
# A lot number (지번) as the kiosk's keypad makes it: 본번 and optional 부번, 1–4 digits each.
_LOT_RE = re.compile(r"^[1-9][0-9]{0,3}(-[0-9]{1,4})?$")
_PICKUP_CODE_RE = re.compile(r"^[0-9]{8}$")
_PICKUP_PATH_RE = re.compile(r"(/v1/pickups/[0-9]{4})[0-9]{4}")
_DENOMINATION_RE = re.compile(r"^(coin|bill):[1-9][0-9]{0,5}$")
# First six and last four digits at most (docs/protocol.md "Card payment"): anything else from the
# server might be a whole card number, which must never reach the journal or a log.
_MASKED_PAN_RE = re.compile(r"^([0-9]{6})?[*]{2,13}[0-9]{4}$")
_PAYMENT_STATES = ("approved", "declined", "voided")
# A resident inserts a card a handful of times in one session; a hundred payments is a broken answer.
_MAX_SESSION_PAYMENTS = 100
# Beyond five minutes the kiosk's clock is wrong enough to matter (receipts, journal, token
# lifetimes): the same bound as Kerberos' customary maximum clock skew (MIT krb5 `clockskew` = 300 s).
CLOCK_SKEW_WARN_S = 300.0
_MAX_WON = 100_000_000  # a settlement of more than 100 million won is a broken answer


# --- errors -----------------------------------------------------------------------------------


class ServerError(Exception):
    """Base of everything this client raises about the server. `reason` is a short code."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason = reason
        self.message = message


class ServerUnavailable(ServerError):
    """No usable answer now: refused, timed out, dropped, 5xx or maintenance. Try again later."""

    def __init__(
        self, reason: str, message: str = "", *, retry_after: float | None = None, retryable: bool = True
    ) -> None:
        super().__init__(reason, message)
        self.retry_after = retry_after
        self.retryable = retryable


class ServerTimeout(ServerUnavailable, TimeoutError):
    """The server did not answer within the call's deadline."""


class ServerTLSError(ServerUnavailable):
    """The TLS handshake failed: our client certificate was refused, or the server is not the pinned one."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(reason, message, retryable=False)


class ServerProtocolError(ServerError):
    """The server answered something that is not the protocol: bad JSON, wrong type, oversized."""


class ServerRejected(ServerError):
    """The server understood and said no (4xx); `reason` is its error code."""

    def __init__(self, status: int, reason: str, message: str = "") -> None:
        super().__init__(reason, message)
        self.status = status


class DocumentSignatureInvalid(ServerError):
    """An issued PDF whose Ed25519 signature does not verify against the pinned key: never print it."""


class DocumentMalformed(ServerError):
    """A signed document that is not what it claims (not a PDF that opens, another page count, a page
    with nothing to print): the printer never sees it."""


# --- configuration and results ------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    base_url: str
    ca_file: Path
    cert_file: Path
    key_file: Path
    signing_key_file: Path
    identity_key_file: Path
    kiosk_id: str
    timeout: float = 5.0
    max_body_bytes: int = 20_000_000


@dataclass(frozen=True)
class CatalogDocument:
    code: str
    title_ko: str
    title_en: str
    fee: int
    needs_identity: bool
    options: tuple[str, ...]
    max_copies: int
    hours: tuple[str, str] = ("00:00", "24:00")


@dataclass(frozen=True)
class Catalog:
    documents: list[CatalogDocument]

    def get(self, code: str) -> CatalogDocument | None:
        return next((d for d in self.documents if d.code == code), None)


@dataclass(frozen=True)
class IdentityResult:
    verified: bool
    token: str | None
    exempt: bool
    reason: str  # "" when verified; else "no-match", "not-enrolled", "locked", ...
    expires_in: float | None = None
    attempts_left: int | None = None


@dataclass(frozen=True)
class SignedDocument:
    pdf: bytes
    verification_number: str
    pages: int


@dataclass(frozen=True)
class Reservation:
    issuance_id: str
    fee_total: int
    documents: list[SignedDocument]
    # Seconds the server holds the reservation for its commit (None: the server sets no limit).
    hold_seconds: float | None = None


@dataclass(frozen=True)
class PaymentAnswer:
    """The payment API's answer to one authorisation: approved with a reference, or declined."""

    approved: bool
    amount: int
    reference: str  # "" when declined
    reason: str  # "" when approved; else "issuer-declined", "cryptogram-invalid", ...


@dataclass(frozen=True)
class ServerPayment:
    """One card payment the server holds for a session (GET /v1/payments), masked PAN only."""

    reference: str
    state: str  # "approved", "declined" or "voided"
    amount: int
    masked_pan: str

    @property
    def approved(self) -> bool:
        """Money taken from the card and not given back: what a kiosk must keep or void."""
        return self.state == "approved"


@dataclass(frozen=True)
class Building:
    building_id: str
    name: str
    floors: int


@dataclass(frozen=True)
class Parcel:
    """A parcel (필지) the server knows, for 토지대장 and 건축물대장."""

    parcel_id: str
    district: str
    lot: str
    address: str
    land_category: str  # 지목: 대, 전, 답, 임야, ...
    area_m2: float
    buildings: tuple[Building, ...]

    @property
    def reference(self) -> str:
        """The `parcel` a register's reservation names it by ("<district> <lot>")."""
        return f"{self.district} {self.lot}"


@dataclass(frozen=True)
class Pickup:
    """What an online reservation's pickup code is for (민원예약)."""

    code: str
    document: str
    copies: int
    fee_total: int  # 0 when paid online
    needs_identity: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class Settlement:
    """The server's record of one emptied cash box: a difference is accepted but flagged."""

    settlement_id: str
    difference_won: int  # counted minus journal
    accepted: bool
    flagged: bool


# --- the client ---------------------------------------------------------------------------------


class IssuanceClient:
    """One kiosk's connection to the central issuance server."""

    def __init__(
        self,
        config: ServerConfig,
        *,
        clock: Clock,
        retries: int = DEFAULT_RETRIES,
        retry_base: float = DEFAULT_RETRY_BASE_S,
    ) -> None:
        self._config = config
        self._clock = clock
        self._retries = retries
        self._retry_base = retry_base
        self._signing_key = _load_signing_key(config.signing_key_file)
        self._identity_pem = config.identity_key_file.read_bytes()
        load_public_key(self._identity_pem)  # fail at start-up, not at the first resident
        context = ssl.create_default_context(cafile=str(config.ca_file))  # only the pinned CA
        _refuse_exposed_key(config.key_file)
        context.load_cert_chain(str(config.cert_file), str(config.key_file))
        transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
        _make_cancel_safe(transport)
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(config.timeout * _BACKSTOP_FACTOR),
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "identity",
                "User-Agent": "civil-kiosk/0.1",
            },
        )
        self._failing_since_warning = False
        self._clock_skew: float | None = None
        self._skew_warned = False

    @property
    def clock_skew_seconds(self) -> float | None:
        """Server time minus the kiosk clock's, from the last answer's `Date` header (None before one)."""
        return self._clock_skew

    async def close(self) -> None:
        await self._http.aclose()

    async def catalog(self) -> Catalog:
        body = await self._call("GET", "/v1/catalog", None, "catalog", idempotent=True)
        return Catalog(documents=[_catalog_document(d) for d in _list_of_dicts(body, "documents")])

    async def verify_identity(
        self, resident_number: str | bytearray, template: bytes | bytearray, template_format: str
    ) -> IdentityResult:
        """`resident_number` as `YYMMDD-SBBBBBC`; the kiosk passes a bytearray it wipes afterwards, sealed
        here without a copy (a str is for tests)."""
        aad = self._config.kiosk_id.encode()
        number = resident_number.encode() if isinstance(resident_number, str) else resident_number
        request = {
            "resident_number_ciphertext": seal(self._identity_pem, number, aad),
            "template_ciphertext": seal(self._identity_pem, template, aad),
            "template_format": template_format,
        }
        body = await self._call("POST", "/v1/identity/verify", request, "verify_identity", idempotent=False)
        verified = _bool(body, "verified")
        attempts_left = _opt_int(body, "attempts_left", low=0, high=100)
        if verified:
            return IdentityResult(
                verified=True,
                token=_str(body, "token", max_len=512),
                exempt=_bool(body, "exempt"),
                reason="",
                expires_in=_opt_number(body, "expires_in"),
                attempts_left=attempts_left,
            )
        return IdentityResult(
            verified=False,
            token=None,
            exempt=False,
            reason=_reason(body.get("reason")),
            attempts_left=attempts_left,
        )

    async def reserve(
        self,
        key: str,
        document: str,
        *,
        options: Sequence[str],
        copies: int,
        token: str | None,
        parcel: str | None = None,
    ) -> Reservation:
        request: dict[str, Any] = {
            "idempotency_key": _check_key(key),
            "document": document,
            "options": list(options),
            "copies": copies,
        }
        if token is not None:
            request["verification_token"] = token
        if parcel is not None:
            request["parcel"] = parcel
        body = await self._call("POST", "/v1/issuances", request, "reserve", idempotent=True)
        documents = [self._signed_document(d) for d in _list_of_dicts(body, "documents")]
        if len(documents) != copies:
            raise ServerProtocolError("wrong-document-count", f"asked for {copies} copies, got {len(documents)}")
        return Reservation(
            issuance_id=_str(body, "issuance_id", max_len=128),
            fee_total=_int(body, "fee_total", low=0, high=10_000_000),
            documents=documents,
            hold_seconds=_opt_number(body, "hold_seconds"),
        )

    async def commit(self, key: str, *, pages_printed: int, payment_ref: str) -> None:
        path = f"/v1/issuances/{urllib.parse.quote(_check_key(key), safe='')}/commit"
        body = await self._call(
            "POST",
            path,
            {"pages_printed": pages_printed, "payment_ref": payment_ref},
            "commit",
            idempotent=True,
        )
        _expect_state(body, "committed")

    async def void(self, key: str, *, reason: str) -> None:
        path = f"/v1/issuances/{urllib.parse.quote(_check_key(key), safe='')}/void"
        body = await self._call("POST", path, {"reason": reason}, "void", idempotent=True)
        _expect_state(body, "voided")

    async def authorise_payment(self, session: str, *, amount: int, icc_data: str,
                                masked_pan: str) -> PaymentAnswer:
        """Online card authorisation (POST /v1/payments/authorise). Idempotent: the same session and
        chip data always get the same answer, so a retry never charges twice. Only the masked PAN goes."""
        request = {"session": _check_key(session), "amount": amount, "icc_data": icc_data,
                   "masked_pan": masked_pan}
        body = await self._call("POST", "/v1/payments/authorise", request, "authorise_payment", idempotent=True)
        state = body.get("state")
        if state not in ("approved", "declined"):
            raise ServerProtocolError("bad-field", "state must be approved or declined")
        approved = state == "approved"
        answer = PaymentAnswer(
            approved=approved,
            amount=_int(body, "amount", low=0, high=100_000_000),
            reference=_str(body, "reference", max_len=128) if approved else "",
            reason="" if approved else _reason(body.get("decline_reason"), "declined"),
        )
        if approved and not _KEY_RE.match(answer.reference):
            raise ServerProtocolError("bad-field", "reference: 8..128 characters of A-Z a-z 0-9 . _ : -")
        if approved and answer.amount != amount:
            raise ServerProtocolError("bad-field", "approved amount differs from the amount asked")
        return answer

    async def void_payment(self, reference: str, *, reason: str) -> None:
        """Cancel an approved card authorisation (POST /v1/payments/{ref}/void); idempotent."""
        path = f"/v1/payments/{urllib.parse.quote(_check_key(reference), safe='')}/void"
        body = await self._call("POST", path, {"reason": reason}, "void_payment", idempotent=True)
        _expect_state(body, "voided")

    async def session_payments(self, session: str) -> list[ServerPayment]:
        """The card payments the server holds for this kiosk's `session` (GET /v1/payments?session=),
        oldest first; empty when there are none. How the kiosk finds an approval whose answer never
        reached its journal (a power cut, a dropped connection), so it can void it."""
        query = urllib.parse.urlencode({"session": _check_key(session)})
        body = await self._call("GET", f"/v1/payments?{query}", None, "session_payments", idempotent=True)
        if body.get("session") != session:
            raise ServerProtocolError("bad-field", "the answer is for another session")
        raw = _list_of_dicts(body, "payments")
        if len(raw) > _MAX_SESSION_PAYMENTS:
            raise ServerProtocolError("bad-field", f"more than {_MAX_SESSION_PAYMENTS} payments for one session")
        return [_server_payment(p) for p in raw]

    async def search_parcels(self, district: str, lot: str) -> list[Parcel]:
        """The parcels at this lot (GET /v1/parcels); empty when the server knows none ("parcel-not-found")."""
        if not 0 < len(district.strip()) <= 200:
            raise ValueError("district: 1..200 characters")
        if not _LOT_RE.match(lot):
            raise ValueError("lot: 본번 or 본번-부번, 1-4 digits each (123-4)")
        query = urllib.parse.urlencode({"district": district, "lot": lot})
        try:
            body = await self._call("GET", f"/v1/parcels?{query}", None, "search_parcels", idempotent=True)
        except ServerRejected as exc:
            if exc.status == 404 and exc.reason == "parcel-not-found":
                return []
            raise
        return [_parcel(p) for p in _list_of_dicts(body, "parcels")]

    async def lookup_pickup(self, code: str) -> Pickup:
        """What an online reservation's 8-digit code is for (GET /v1/pickups/{code}). Refusals are
        ServerRejected "pickup-not-found" (404), "pickup-used" (409), "pickup-expired" (410)."""
        body = await self._call("GET", f"/v1/pickups/{_check_code(code)}", None, "lookup_pickup", idempotent=True)
        expires_at = _str(body, "expires_at", max_len=64)
        try:
            expires = dt.datetime.fromisoformat(expires_at)
        except ValueError as exc:
            raise ServerProtocolError("bad-field", "expires_at must be an ISO 8601 date-time") from exc
        if expires.tzinfo is None:
            raise ServerProtocolError("bad-field", "expires_at must carry a UTC offset")
        return Pickup(
            code=code,
            document=_str(body, "document", max_len=64),
            copies=_int(body, "copies", low=1, high=100),
            fee_total=_int(body, "fee_total", low=0, high=10_000_000),
            needs_identity=_bool(body, "needs_identity"),
            expires_at=expires,
        )

    async def reserve_pickup(self, code: str, key: str, *, token: str | None = None) -> Reservation:
        """Reserve the documents of an online reservation (POST /v1/pickups/{code}/reserve), signed and
        checked like `reserve`; then `commit`/`void` by `key`. Idempotent by key. A document that needs
        identity needs the same resident's `token`."""
        request: dict[str, Any] = {"idempotency_key": _check_key(key)}
        if token is not None:
            request["verification_token"] = token
        path = f"/v1/pickups/{_check_code(code)}/reserve"
        body = await self._call("POST", path, request, "reserve_pickup", idempotent=True)
        documents = [self._signed_document(d) for d in _list_of_dicts(body, "documents")]
        if not documents:
            raise ServerProtocolError("wrong-document-count", "a reservation without documents")
        return Reservation(
            issuance_id=_str(body, "issuance_id", max_len=128),
            fee_total=_int(body, "fee_total", low=0, high=10_000_000),
            documents=documents,
            hold_seconds=_opt_number(body, "hold_seconds"),
        )

    async def settle_cash(
        self,
        key: str,
        counted: Mapping[str, int],
        journal: Mapping[str, int],
        *,
        emptied_at: dt.datetime | None = None,
    ) -> Settlement:
        """Report an emptied cash box (POST /v1/settlements): counts per denomination ("coin:100")
        as counted and as journalled. Idempotent by key; `emptied_at` defaults to the clock's now."""
        request = {
            "idempotency_key": _check_key(key),
            "counted": _check_counts(counted),
            "journal": _check_counts(journal),
            "emptied_at": (emptied_at or self._clock.now()).isoformat(),
        }
        body = await self._call("POST", "/v1/settlements", request, "settle_cash", idempotent=True)
        settlement = Settlement(
            settlement_id=_str(body, "settlement_id", max_len=128),
            difference_won=_int(body, "difference_won", low=-_MAX_WON, high=_MAX_WON),
            accepted=_bool(body, "accepted"),
            flagged=_bool(body, "flagged"),
        )
        expected = _won(counted) - _won(journal)
        if settlement.difference_won != expected:
            raise ServerProtocolError("bad-field", f"difference_won {settlement.difference_won}, expected {expected}")
        return settlement

    async def heartbeat(self, statuses: Mapping[str, Any]) -> list[str]:
        request = {
            "kiosk_id": self._config.kiosk_id,
            "sent_at": self._clock.now().isoformat(),
            "statuses": _jsonable(statuses),
        }
        body = await self._call("POST", "/v1/heartbeat", request, "heartbeat", idempotent=True)
        commands = body.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, str) and 0 < len(c) <= 64 for c in commands):
            raise ServerProtocolError("bad-field", "commands must be a list of short strings")
        return list(commands)

    # --- transport ------------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, request: Mapping[str, Any] | None, call: str, *, idempotent: bool
    ) -> dict[str, Any]:
        timeout = self._config.timeout * TIMEOUT_FACTORS[call]
        backoff = Backoff(base=self._retry_base, cap=_RETRY_CAP_S)
        content = json.dumps(request, ensure_ascii=False).encode() if request is not None else None
        attempt = 0
        while True:
            try:
                body = await self._once(method, path, content, timeout)
            except ServerUnavailable as exc:
                level = logging.DEBUG if self._failing_since_warning else logging.WARNING
                log.log(level, "issuance server %s %s: %s (attempt %d)", method, _log_path(path), exc, attempt + 1)
                self._failing_since_warning = True
                if not idempotent or not exc.retryable or attempt >= self._retries:
                    raise
                attempt += 1
                # Real time, not the Clock: a retry pause decides no outcome (brief: backoff waits).
                await asyncio.sleep(backoff.next_delay())
                continue
            if self._failing_since_warning:
                log.info("issuance server answering again")
                self._failing_since_warning = False
            return body

    async def _once(self, method: str, path: str, content: bytes | None, deadline: float) -> dict[str, Any]:
        try:
            status, headers, data = await self._clock.wait_for(
                self._exchange(method, path, content, deadline * _BACKSTOP_FACTOR), deadline
            )
        except ServerError:
            raise
        except TimeoutError as exc:
            raise ServerTimeout("timeout", f"no answer within {deadline:g} s") from exc
        log.debug("issuance server %s %s -> %d (%d bytes)", method, _log_path(path), status, len(data))
        self._note_skew(headers.get("date"))
        return _interpret(status, headers, data)

    def _note_skew(self, date: str | None) -> None:
        """Compare the answer's `Date` (RFC 9110 §6.6.1) with the kiosk's clock; warn once per excursion."""
        if not date or len(date) > 64:
            return
        try:
            server_now = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        if server_now.tzinfo is None:
            return
        try:
            skew = (server_now - self._clock.now()).total_seconds()
        except OverflowError:
            return
        self._clock_skew = skew
        if abs(skew) > CLOCK_SKEW_WARN_S:
            if not self._skew_warned:
                log.warning(
                    "kiosk clock is %+.0f s off the issuance server's (more than %g s): check time sync",
                    -skew, CLOCK_SKEW_WARN_S,
                )
                self._skew_warned = True
        elif self._skew_warned:
            log.info("kiosk clock agrees with the issuance server again (%+.0f s)", -skew)
            self._skew_warned = False

    async def _exchange(
        self, method: str, path: str, content: bytes | None, backstop_s: float
    ) -> tuple[int, httpx.Headers, bytes]:
        limit = self._config.max_body_bytes
        headers = {"Content-Type": "application/json"} if content is not None else {}
        try:
            async with self._http.stream(
                method, path, content=content, headers=headers, timeout=httpx.Timeout(backstop_s)
            ) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise ServerProtocolError("oversized", f"declared {declared} bytes, limit {limit}")
                if response.headers.get("content-encoding", "identity").lower() not in ("identity", ""):
                    raise ServerProtocolError("unexpected-encoding", "asked for identity encoding")
                data = bytearray()
                async for chunk in response.aiter_raw():
                    data += chunk
                    if len(data) > limit:
                        raise ServerProtocolError("oversized", f"body exceeds {limit} bytes")
                return response.status_code, response.headers, bytes(data)
        except httpx.TransportError as exc:
            raise _transport_error(exc, host=self._http.base_url.host) from exc
        except httpx.HTTPError as exc:
            raise ServerProtocolError("bad-http", type(exc).__name__) from exc
        except (OSError, ValueError, LookupError, UnicodeError) as exc:
            # Anything h11/anyio lets through unwrapped (a header it cannot decode, a socket error).
            raise ServerUnavailable("transport-error", type(exc).__name__) from exc

    def _signed_document(self, raw: Mapping[str, Any]) -> SignedDocument:
        pdf = _b64(raw, "pdf_b64", max_len=self._config.max_body_bytes)
        signature = _b64(raw, "signature_b64", max_len=200)
        number = _str(raw, "verification_number", max_len=19)
        if not _VERIFICATION_RE.match(number):
            raise ServerProtocolError("bad-field", "verification_number must look like 1234-5678-9012-3456")
        pages = _int(raw, "pages", low=1, high=_MAX_PAGES)
        if len(signature) != _ED25519_SIGNATURE_BYTES:
            raise DocumentSignatureInvalid("bad-signature", f"document {number}: signature has wrong length")
        try:
            self._signing_key.verify(signature, pdf)
        except InvalidSignature as exc:
            raise DocumentSignatureInvalid(
                "bad-signature", f"document {number} is not signed by the pinned key"
            ) from exc
        problem = document_problem(pdf, pages)
        if problem:
            raise DocumentMalformed("document-malformed", f"document {number} {problem}")
        return SignedDocument(pdf=pdf, verification_number=number, pages=pages)


# --- cancellation-safe sockets ---------------------------------------------------------------------


class _CancelSafeStream(httpcore.AsyncNetworkStream):
    """Closes the socket when a TLS handshake is cancelled, not only when it fails.

    httpcore 1.0.9 (_backends/anyio.py, start_tls) closes the stream on `Exception` only; a Clock
    deadline cancels the request instead, which would leave the half-open socket to the GC.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109 (httpcore's API)
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109 (httpcore's API)
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's API)
    ) -> httpcore.AsyncNetworkStream:
        try:
            return await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await self._inner.aclose()
            raise

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _CancelSafeBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's API)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _CancelSafeStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _make_cancel_safe(transport: httpx.AsyncHTTPTransport) -> None:
    # httpx has no public hook for httpcore's network backend; the pool attribute is stable across
    # httpx 0.2x. If it ever moves, this does nothing and tests/server catch the leaked socket.
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.AsyncConnectionPool):
        pool._network_backend = _CancelSafeBackend(pool._network_backend)


# --- helpers --------------------------------------------------------------------------------------


class KeyFileExposed(ValueError):
    """The kiosk's private TLS key can be read by other users: whoever reads it can pose as the booth."""


_READABLE_BY_OTHERS = stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH


def _refuse_exposed_key(path: Path) -> None:
    """Refuse a client key that group or others may read or write (0666 was accepted silently)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & _READABLE_BY_OTHERS:
        raise KeyFileExposed(
            f"{path}: the kiosk's private key is readable or writable by other users (mode {mode:04o}); "
            f"allow only its owner: chmod 600 {path}"
        )


def _load_signing_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def _check_key(key: str) -> str:
    if not _KEY_RE.match(key):
        raise ValueError("idempotency key: 8..128 characters of A-Z a-z 0-9 . _ : -")
    return key


def _log_path(path: str) -> str:
    # Paths carry document codes, idempotency keys, verification numbers, public parcel queries and
    # pickup codes; a pickup code prints someone's document, so only its first half is logged.
    return _PICKUP_PATH_RE.sub(r"\1****", path)


def _check_code(code: str) -> str:
    if not _PICKUP_CODE_RE.match(code):
        raise ValueError("pickup code: 8 digits")
    return code


def _check_counts(counts: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for denomination, count in counts.items():
        if not _DENOMINATION_RE.match(denomination):
            raise ValueError(f"denomination {denomination!r}: coin:<won> or bill:<won>")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"count of {denomination}: a whole number >= 0")
        out[denomination] = count
    return out


def _won(counts: Mapping[str, int]) -> int:
    return sum(int(d.partition(":")[2]) * n for d, n in counts.items())


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


# OpenSSL's verification codes (X509_V_ERR_*) that a technician can act on, each told apart: after a
# clock reset every certificate looks expired or not yet valid, and "not from the pinned CA" would
# send them to replace certificates that are fine.
_X509_NOT_YET_VALID = 9
_X509_EXPIRED = 10
_X509_WRONG_NAME = (62, 64)  # hostname mismatch, IP address mismatch


def _certificate_refused(error: ssl.SSLCertVerificationError, host: str) -> ServerTLSError:
    """Why the server's certificate was refused, in words that say what to fix."""
    code = error.verify_code
    # OpenSSL judged the dates on this machine's clock, not on a virtual one: say what it read.
    now = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if code == _X509_EXPIRED:
        return ServerTLSError(
            "tls-server-expired",
            f"the server's certificate has expired by this kiosk's clock ({now}): if the clock is wrong "
            "(reset, battery), set it; if it is right, the server's certificate must be renewed")
    if code == _X509_NOT_YET_VALID:
        return ServerTLSError(
            "tls-server-not-yet-valid",
            f"the server's certificate is not valid yet by this kiosk's clock ({now}): the clock is "
            "probably behind (reset to an old date?); set it")
    if code in _X509_WRONG_NAME:
        return ServerTLSError(
            "tls-server-wrong-name",
            f"the server's certificate is not made out to {host!r}: check server.base_url in the config, "
            "or the name the server's certificate was issued for")
    return ServerTLSError(
        "tls-server-untrusted",
        f"the server's certificate is not from the pinned CA ({error.verify_message or 'unknown CA'})")


def _transport_error(exc: httpx.TransportError, *, host: str = "") -> ServerError:
    chain = _causes(exc)
    refused = next((c for c in chain if isinstance(c, ssl.SSLCertVerificationError)), None)
    if refused is not None:
        return _certificate_refused(refused, host)
    if isinstance(exc, httpx.TimeoutException):
        return ServerTimeout("timeout", type(exc).__name__)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(c, ssl.SSLError) for c in chain):
            return ServerTLSError(
                "tls-handshake-failed", "the server ended the TLS handshake (client certificate refused?)"
            )
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            return ServerUnavailable("connect-refused", "nothing listens at the server address")
        return ServerUnavailable("connect-failed", str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.RemoteProtocolError):
        if "disconnected" in str(exc).lower():
            return ServerUnavailable("dropped", "the server closed the connection without answering")
        return ServerUnavailable("bad-http", "the server's answer is not valid HTTP")
    if isinstance(exc, httpx.NetworkError):
        return ServerUnavailable("dropped", "the connection broke during the exchange")
    return ServerUnavailable("transport-error", type(exc).__name__)


def _interpret(status: int, headers: httpx.Headers, data: bytes) -> dict[str, Any]:
    if 200 <= status < 300:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ServerProtocolError("wrong-content-type", f"expected application/json, got {content_type!r:.60}")
        body = _parse_json(data)
        if body is None:
            raise ServerProtocolError("bad-json", "the answer is not a JSON object")
        return body
    error = _parse_json(data) or {}
    reason = _reason(error.get("error"), fallback=f"http-{status}")
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    message = str(message)[:200]
    if status == 503 or status >= 500 or status in (408, 429):
        retry_after = _retry_after(headers.get("retry-after"))
        # A maintenance window lasts minutes: retrying within the call would only delay the resident.
        retryable = reason != "maintenance" and retry_after is None
        return_error: ServerError = ServerUnavailable(reason, message, retry_after=retry_after, retryable=retryable)
        raise return_error
    if 400 <= status < 500:
        raise ServerRejected(status, reason, message)
    raise ServerProtocolError("unexpected-status", f"HTTP {status}")


def _parse_json(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _retry_after(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 9:
        return None
    return min(float(value.strip()), _MAX_RETRY_AFTER_S)


def _reason(value: object, fallback: str = "unspecified") -> str:
    return value if isinstance(value, str) and _REASON_RE.match(value) else fallback


def _expect_state(body: Mapping[str, Any], state: str) -> None:
    if body.get("state") != state:
        raise ServerProtocolError("bad-field", f"expected state {state!r}")


def _list_of_dicts(body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ServerProtocolError("bad-field", f"{key} must be a list of objects")
    return value


def _str(body: Mapping[str, Any], key: str, *, max_len: int = 256, allow_empty: bool = False) -> str:
    value = body.get(key)
    if not isinstance(value, str) or len(value) > max_len or (not value and not allow_empty):
        raise ServerProtocolError("bad-field", f"{key} must be a string of at most {max_len} characters")
    return value


def _bool(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        raise ServerProtocolError("bad-field", f"{key} must be true or false")
    return value


def _int(body: Mapping[str, Any], key: str, *, low: int, high: int) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ServerProtocolError("bad-field", f"{key} must be an integer in {low}..{high}")
    return value


def _opt_int(body: Mapping[str, Any], key: str, *, low: int, high: int) -> int | None:
    return None if body.get(key) is None else _int(body, key, low=low, high=high)


def _opt_number(body: Mapping[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 86_400:
        raise ServerProtocolError("bad-field", f"{key} must be a number of seconds")
    return float(value)


def _b64(body: Mapping[str, Any], key: str, *, max_len: int) -> bytes:
    value = _str(body, key, max_len=max_len)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ServerProtocolError("bad-field", f"{key} is not base64") from exc


def _catalog_document(raw: Mapping[str, Any]) -> CatalogDocument:
    options = raw.get("options", [])
    if not isinstance(options, list) or not all(isinstance(o, str) and 0 < len(o) <= 64 for o in options):
        raise ServerProtocolError("bad-field", "options must be a list of short strings")
    hours = raw.get("hours")
    span = ("00:00", "24:00")
    if hours is not None:
        if not isinstance(hours, dict):
            raise ServerProtocolError("bad-field", "hours must be an object")
        start, end = _str(hours, "start", max_len=5), _str(hours, "end", max_len=5)
        if not (_HOURS_RE.match(start) and _HOURS_RE.match(end)):
            raise ServerProtocolError("bad-field", "hours must be HH:MM")
        span = (start, end)
    return CatalogDocument(
        code=_str(raw, "code", max_len=64),
        title_ko=_str(raw, "title_ko"),
        title_en=_str(raw, "title_en"),
        fee=_int(raw, "fee", low=0, high=1_000_000),
        needs_identity=_bool(raw, "needs_identity"),
        options=tuple(options),
        max_copies=_int(raw, "max_copies", low=1, high=100),
        hours=span,
    )


def _server_payment(raw: Mapping[str, Any]) -> ServerPayment:
    reference = _str(raw, "reference", max_len=128)
    if not _KEY_RE.match(reference):
        raise ServerProtocolError("bad-field", "reference: 8..128 characters of A-Z a-z 0-9 . _ : -")
    state = raw.get("state")
    if state not in _PAYMENT_STATES:
        raise ServerProtocolError("bad-field", "state must be approved, declined or voided")
    masked = raw.get("masked_pan")
    if not isinstance(masked, str) or not _MASKED_PAN_RE.match(masked):
        # Never echo the value: it may be a whole card number.
        raise ServerProtocolError("bad-field", "masked_pan must be masked (first six and last four digits at most)")
    return ServerPayment(reference=reference, state=str(state), amount=_int(raw, "amount", low=1, high=_MAX_WON),
                         masked_pan=masked)


def _parcel(raw: Mapping[str, Any]) -> Parcel:
    area = raw.get("area_m2")
    if not isinstance(area, int | float) or isinstance(area, bool) or not 0 < area <= 100_000_000:
        raise ServerProtocolError("bad-field", "area_m2 must be a positive number")
    buildings = raw.get("buildings", [])
    if not isinstance(buildings, list) or not all(isinstance(b, dict) for b in buildings) or len(buildings) > 1000:
        raise ServerProtocolError("bad-field", "buildings must be a list of objects")
    return Parcel(
        parcel_id=_str(raw, "parcel_id", max_len=64),
        district=_str(raw, "district", max_len=200),
        lot=_str(raw, "lot", max_len=9),
        address=_str(raw, "address", max_len=200),
        land_category=_str(raw, "land_category", max_len=32),
        area_m2=float(area),
        buildings=tuple(
            Building(
                building_id=_str(b, "building_id", max_len=64),
                name=_str(b, "name", max_len=200),
                floors=_int(b, "floors", low=0, high=300),
            )
            for b in buildings
        ),
    )


def _jsonable(value: Any) -> Any:
    """Heartbeat statuses as JSON: DeviceStatus in XFS4IoT words, enums by value, the rest as is."""
    if isinstance(value, DeviceStatus):
        return {
            "state": value.state.value,
            "reason": value.reason,
            "supplies": {name: level.value for name, level in value.supplies.items()},
        }
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    return str(value)
