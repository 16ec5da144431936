"""The kiosk's client for the central issuance server: HTTPS with mutual TLS, pinned keys.

Every answer is treated as hostile until checked (validators.py): bodies are size-limited and typed
field by field, and each issued PDF's Ed25519 signature is verified against the pinned signing key,
and the PDF opened (document_check.py), before anyone can print it. Failures surface as the small
typed tree of errors.py so the controller can tell "try later" from "the server said no" from "the
server is broken" from "do not print this". The client keeps its own link status (link.py), read by
the controller like a device's.

Only idempotent calls are retried: the catalog, heartbeats, parcel searches, pickup and payment
lookups, and reserve/commit/void, card authorisations and voids, pickup reserves, cash settlements
and help requests, which carry the kiosk's idempotency key.
Identity verification is never retried: each attempt counts towards the server's lock-out. Resident
numbers and templates leave this module only sealed (common.template_crypto) and are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import email.utils
import enum
import json
import logging
import re
import ssl
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature

from common.backoff import Backoff
from common.clock import Clock
from common.parcel_lot import is_lot_number
from common.status import DeviceStatus
from common.template_crypto import load_public_key, seal
from drivers.issuance_server.document_check import document_problem
from drivers.issuance_server.errors import (
    DocumentMalformed,
    DocumentSignatureInvalid,
    ServerError,
    ServerProtocolError,
    ServerRejected,
    ServerTimeout,
    ServerUnavailable,
)
from drivers.issuance_server.keys import load_signing_key, refuse_exposed_key
from drivers.issuance_server.link import ServerLink
from drivers.issuance_server.models import (
    Catalog,
    DeliveryOrder,
    HelpRequest,
    IdentityResult,
    MobileIdChallenge,
    MobileIdState,
    NoticeReceipt,
    Parcel,
    PaymentAnswer,
    Pickup,
    Reservation,
    ServerConfig,
    ServerPayment,
    Settlement,
    SignedDocument,
    SupportBundleReceipt,
)
from drivers.issuance_server.transport import make_cancel_safe, transport_error
from drivers.issuance_server.validators import (
    KEY_RE,
    MAX_WON,
    b64_field,
    bool_field,
    check_counts,
    check_key,
    check_language,
    check_pickup_code,
    check_screen,
    expect_state,
    int_field,
    interpret_answer,
    list_of_dicts,
    opt_int_field,
    opt_seconds_field,
    parse_catalog_document,
    parse_parcel,
    parse_server_payment,
    reason_code,
    text_field,
    won_of_counts,
)

log = logging.getLogger(__name__)

# Per-call deadlines, as multiples of ServerConfig.timeout (5 s by default). Reading the catalog,
# heartbeats, commit and void are single-row operations: one unit. Matching a fingerprint takes the
# central matcher longer than a lookup: two units. A reservation renders and signs PDFs (the
# simulator needs ~0.3 s a copy; a loaded production server far more): four units.
# A support bundle travels base64 in one JSON body of at most 64 KiB (the server's limit).
MAX_SUPPORT_BUNDLE_BYTES = 46_000

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
    "cancel_payment_part": 1.0,
    # Listing a session's payments (to find an authorisation whose answer was lost) is one lookup: one unit.
    "session_payments": 1.0,
    # A parcel search, a pickup lookup and a settlement are single lookups or inserts: one unit.
    # Reserving a pickup renders and signs PDFs like any reservation: four units.
    "search_parcels": 1.0,
    "lookup_pickup": 1.0,
    "reserve_pickup": 4.0,
    "settle_cash": 1.0,
    # A help request is a single insert, and a resident is waiting to hear that staff know: one unit.
    "request_help": 1.0,
    # A support bundle is one upload of at most ~60 KiB: one unit.
    "upload_support_bundle": 1.0,
    # A notice is queued at the gateway, not sent while the kiosk waits: one unit (issue 17).
    "send_notice": 1.0,
    # Delivery orders, confirmations and cancellations are single inserts and updates: one unit.
    "order_delivery": 1.0,
    "confirm_delivery": 1.0,
    "cancel_delivery": 1.0,
    # A mobile ID transaction is opened and polled: single lookups (the wallet does the slow part).
    "start_mobile_id": 1.0,
    "poll_mobile_id": 1.0,
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
_VERIFICATION_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{4}$")
_ED25519_SIGNATURE_BYTES = 64  # RFC 8032 §5.1.6
_MAX_PAGES = 1000  # no civil document is longer; a bigger number is a broken server
_PICKUP_PATH_RE = re.compile(r"(/v1/pickups/[0-9]{4})[0-9]{4}")
# A resident inserts a card a handful of times in one session; a hundred payments is a broken answer.
_MAX_SESSION_PAYMENTS = 100
# Beyond five minutes the kiosk's clock is wrong enough to matter (receipts, journal, token
# lifetimes): the same bound as Kerberos' customary maximum clock skew (MIT krb5 `clockskew` = 300 s).
CLOCK_SKEW_WARN_S = 300.0


class IssuanceClient:
    """One kiosk's connection to the central issuance server."""

    def __init__(
        self,
        config: ServerConfig,
        *,
        clock: Clock,
        retries: int = DEFAULT_RETRIES,
        retry_base: float = DEFAULT_RETRY_BASE_S,
        on_call: CallObserver | None = None,
    ) -> None:
        self._config = config
        # Told of every attempt (the call's name, its seconds on the Clock, "ok" or the error's code):
        # the booth's latency histograms, without this driver knowing who listens.
        self._on_call = on_call
        self._clock = clock
        self._retries = retries
        self._retry_base = retry_base
        self._signing_key = load_signing_key(config.signing_key_file)
        self._identity_pem = config.identity_key_file.read_bytes()
        load_public_key(self._identity_pem)  # fail at start-up, not at the first resident
        context = ssl.create_default_context(cafile=str(config.ca_file))  # only the pinned CA
        refuse_exposed_key(config.key_file)
        context.load_cert_chain(str(config.cert_file), str(config.key_file))
        transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
        make_cancel_safe(transport)
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
        self.link = ServerLink()

    @property
    def status(self) -> DeviceStatus:
        """The link's status, as a device's: ONLINE once the catalog was read, OFFLINE with a reason."""
        return self.link.status

    @property
    def clock_skew_seconds(self) -> float | None:
        """Server time minus the kiosk clock's, from the last answer's `Date` header (None before one)."""
        return self._clock_skew

    async def close(self) -> None:
        await self._http.aclose()

    async def catalog(self) -> Catalog:
        """The documents the server issues, their fees and options; reading it brings the link up."""
        try:
            body = await self._call("GET", "/v1/catalog", None, "catalog", idempotent=True)
            catalog = Catalog(documents=[parse_catalog_document(d) for d in list_of_dicts(body, "documents")])
        except Exception as exc:
            self.link.failed(exc)
            raise
        self.link.catalog_read()
        return catalog

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
        verified = bool_field(body, "verified")
        attempts_left = opt_int_field(body, "attempts_left", low=0, high=100)
        if verified:
            return IdentityResult(
                verified=True,
                token=text_field(body, "token", max_len=512),
                exempt=bool_field(body, "exempt"),
                reason="",
                expires_in=opt_seconds_field(body, "expires_in"),
                attempts_left=attempts_left,
            )
        return IdentityResult(
            verified=False,
            token=None,
            exempt=False,
            reason=reason_code(body.get("reason")),
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
            "idempotency_key": check_key(key),
            "document": document,
            "options": list(options),
            "copies": copies,
        }
        if token is not None:
            request["verification_token"] = token
        if parcel is not None:
            request["parcel"] = parcel
        body = await self._call("POST", "/v1/issuances", request, "reserve", idempotent=True)
        documents = [self._signed_document(d) for d in list_of_dicts(body, "documents")]
        if len(documents) != copies:
            raise ServerProtocolError("wrong-document-count", f"asked for {copies} copies, got {len(documents)}")
        return Reservation(
            issuance_id=text_field(body, "issuance_id", max_len=128),
            fee_total=int_field(body, "fee_total", low=0, high=10_000_000),
            documents=documents,
            hold_seconds=opt_seconds_field(body, "hold_seconds"),
        )

    async def commit(self, key: str, *, pages_printed: int, payment_ref: str) -> None:
        path = f"/v1/issuances/{urllib.parse.quote(check_key(key), safe='')}/commit"
        body = await self._call(
            "POST",
            path,
            {"pages_printed": pages_printed, "payment_ref": payment_ref},
            "commit",
            idempotent=True,
        )
        expect_state(body, "committed")

    async def void(self, key: str, *, reason: str) -> None:
        path = f"/v1/issuances/{urllib.parse.quote(check_key(key), safe='')}/void"
        body = await self._call("POST", path, {"reason": reason}, "void", idempotent=True)
        expect_state(body, "voided")

    async def authorise_payment(self, session: str, *, amount: int, icc_data: str,
                                masked_pan: str) -> PaymentAnswer:
        """Online card authorisation (POST /v1/payments/authorise). Idempotent: the same session and
        chip data always get the same answer, so a retry never charges twice. Only the masked PAN goes."""
        request = {"session": check_key(session), "amount": amount, "icc_data": icc_data,
                   "masked_pan": masked_pan}
        body = await self._call("POST", "/v1/payments/authorise", request, "authorise_payment", idempotent=True)
        state = body.get("state")
        if state not in ("approved", "declined"):
            raise ServerProtocolError("bad-field", "state must be approved or declined")
        approved = state == "approved"
        answer = PaymentAnswer(
            approved=approved,
            amount=int_field(body, "amount", low=0, high=100_000_000),
            reference=text_field(body, "reference", max_len=128) if approved else "",
            reason="" if approved else reason_code(body.get("decline_reason"), "declined"),
        )
        if approved and not KEY_RE.match(answer.reference):
            raise ServerProtocolError("bad-field", "reference: 8..128 characters of A-Z a-z 0-9 . _ : -")
        if approved and answer.amount != amount:
            raise ServerProtocolError("bad-field", "approved amount differs from the amount asked")
        return answer

    async def void_payment(self, reference: str, *, reason: str) -> None:
        """Cancel an approved card authorisation (POST /v1/payments/{ref}/void); idempotent."""
        path = f"/v1/payments/{urllib.parse.quote(check_key(reference), safe='')}/void"
        body = await self._call("POST", path, {"reason": reason}, "void_payment", idempotent=True)
        expect_state(body, "voided")

    async def cancel_payment_part(self, reference: str, *, amount: int, remaining: int, reason: str) -> None:
        """Give back `amount` won of an approved card payment, leaving `remaining` charged (POST
        /v1/payments/{ref}/cancel, a VAN's partial cancel: copies paid for that did not print).
        Idempotent: the server recognises a repeat by `remaining` and changes nothing."""
        if amount <= 0 or remaining < 0:
            raise ValueError("a partial cancel gives back at least 1 won and leaves 0 or more charged")
        path = f"/v1/payments/{urllib.parse.quote(check_key(reference), safe='')}/cancel"
        body = await self._call("POST", path, {"amount": amount, "remaining": remaining, "reason": reason},
                                "cancel_payment_part", idempotent=True)
        expect_state(body, "approved" if remaining else "voided")
        if remaining and int_field(body, "amount", low=0, high=100_000_000) != remaining:
            raise ServerProtocolError("bad-field", "the payment does not stand at the amount left charged")

    async def session_payments(self, session: str) -> list[ServerPayment]:
        """The card payments the server holds for this kiosk's `session` (GET /v1/payments?session=),
        oldest first; empty when there are none. How the kiosk finds an approval whose answer never
        reached its journal (a power cut, a dropped connection), so it can void it."""
        query = urllib.parse.urlencode({"session": check_key(session)})
        body = await self._call("GET", f"/v1/payments?{query}", None, "session_payments", idempotent=True)
        if body.get("session") != session:
            raise ServerProtocolError("bad-field", "the answer is for another session")
        raw = list_of_dicts(body, "payments")
        if len(raw) > _MAX_SESSION_PAYMENTS:
            raise ServerProtocolError("bad-field", f"more than {_MAX_SESSION_PAYMENTS} payments for one session")
        return [parse_server_payment(p) for p in raw]

    async def search_parcels(self, district: str, lot: str) -> list[Parcel]:
        """The parcels at this lot (GET /v1/parcels); empty when the server knows none ("parcel-not-found")."""
        if not 0 < len(district.strip()) <= 200:
            raise ValueError("district: 1..200 characters")
        if not is_lot_number(lot):
            raise ValueError("lot: 본번 or 본번-부번, 1-4 digits each (123-4)")
        query = urllib.parse.urlencode({"district": district, "lot": lot})
        try:
            body = await self._call("GET", f"/v1/parcels?{query}", None, "search_parcels", idempotent=True)
        except ServerRejected as exc:
            if exc.status == 404 and exc.reason == "parcel-not-found":
                return []
            raise
        return [parse_parcel(p) for p in list_of_dicts(body, "parcels")]

    async def lookup_pickup(self, code: str) -> Pickup:
        """What an online reservation's 8-digit code is for (GET /v1/pickups/{code}). Refusals are
        ServerRejected "pickup-not-found" (404), "pickup-used" (409), "pickup-expired" (410)."""
        body = await self._call("GET", f"/v1/pickups/{check_pickup_code(code)}", None, "lookup_pickup", idempotent=True)
        expires_at = text_field(body, "expires_at", max_len=64)
        try:
            expires = dt.datetime.fromisoformat(expires_at)
        except ValueError as exc:
            raise ServerProtocolError("bad-field", "expires_at must be an ISO 8601 date-time") from exc
        if expires.tzinfo is None:
            raise ServerProtocolError("bad-field", "expires_at must carry a UTC offset")
        return Pickup(
            code=code,
            document=text_field(body, "document", max_len=64),
            copies=int_field(body, "copies", low=1, high=100),
            fee_total=int_field(body, "fee_total", low=0, high=10_000_000),
            needs_identity=bool_field(body, "needs_identity"),
            expires_at=expires,
        )

    async def reserve_pickup(self, code: str, key: str, *, token: str | None = None) -> Reservation:
        """Reserve the documents of an online reservation (POST /v1/pickups/{code}/reserve), signed and
        checked like `reserve`; then `commit`/`void` by `key`. Idempotent by key. A document that needs
        identity needs the same resident's `token`."""
        request: dict[str, Any] = {"idempotency_key": check_key(key)}
        if token is not None:
            request["verification_token"] = token
        path = f"/v1/pickups/{check_pickup_code(code)}/reserve"
        body = await self._call("POST", path, request, "reserve_pickup", idempotent=True)
        documents = [self._signed_document(d) for d in list_of_dicts(body, "documents")]
        if not documents:
            raise ServerProtocolError("wrong-document-count", "a reservation without documents")
        return Reservation(
            issuance_id=text_field(body, "issuance_id", max_len=128),
            fee_total=int_field(body, "fee_total", low=0, high=10_000_000),
            documents=documents,
            hold_seconds=opt_seconds_field(body, "hold_seconds"),
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
            "idempotency_key": check_key(key),
            "counted": check_counts(counted),
            "journal": check_counts(journal),
            "emptied_at": (emptied_at or self._clock.now()).isoformat(),
        }
        body = await self._call("POST", "/v1/settlements", request, "settle_cash", idempotent=True)
        settlement = Settlement(
            settlement_id=text_field(body, "settlement_id", max_len=128),
            difference_won=int_field(body, "difference_won", low=-MAX_WON, high=MAX_WON),
            accepted=bool_field(body, "accepted"),
            flagged=bool_field(body, "flagged"),
        )
        expected = won_of_counts(counted) - won_of_counts(journal)
        if settlement.difference_won != expected:
            raise ServerProtocolError("bad-field", f"difference_won {settlement.difference_won}, expected {expected}")
        return settlement

    async def request_help(self, key: str, *, screen: str, language: str,
                           requested_at: dt.datetime | None = None) -> HelpRequest:
        """Tell the city's staff a resident at this booth asked for help (POST /v1/help-requests): the
        booth, the screen the resident is on, the language they read, and when. Nothing personal goes.
        Idempotent by key (one key per press of help), so a retry never pages staff twice."""
        request = {
            "idempotency_key": check_key(key),
            "kiosk_id": self._config.kiosk_id,
            "screen": check_screen(screen),
            "language": check_language(language),
            "requested_at": (requested_at or self._clock.now()).isoformat(),
        }
        body = await self._call("POST", "/v1/help-requests", request, "request_help", idempotent=True)
        return HelpRequest(
            help_request_id=text_field(body, "help_request_id", max_len=128),
            received_at=text_field(body, "received_at", max_len=64),
        )

    async def send_notice(self, key: str, *, channel: str, to: str, kind: str, language: str,
                          facts: Mapping[str, object]) -> NoticeReceipt:
        """Ask the city's notice gateway to send the session's result by text message or e-mail
        (POST /v1/notices, issue 17). `to` (a mobile number in digits, or an e-mail address) goes in
        the body only, never in a path or a log line. Idempotent by key: a retry sends one message."""
        if channel not in ("sms", "email"):
            raise ValueError("channel is sms or email")
        request = {"idempotency_key": check_key(key), "channel": channel, "to": to, "kind": kind,
                   "language": check_language(language), "facts": dict(facts)}
        body = await self._call("POST", "/v1/notices", request, "send_notice", idempotent=True)
        return NoticeReceipt(notice_id=text_field(body, "notice_id", max_len=128),
                             accepted_at=text_field(body, "accepted_at", max_len=64))

    async def order_delivery(self, key: str, document: str, *, copies: int, token: str | None = None,
                             parcel: str | None = None) -> DeliveryOrder:
        """Order `document` delivered to the registered address (POST /v1/deliveries, issue 17): pending
        until `confirm_delivery` (paid) or `cancel_delivery`. Refusals: 409 "not-deliverable", and those
        of a reservation (identity, parcel). Idempotent by key."""
        request: dict[str, Any] = {"idempotency_key": check_key(key), "document": document, "copies": copies}
        if token is not None:
            request["verification_token"] = token
        if parcel is not None:
            request["parcel"] = parcel
        body = await self._call("POST", "/v1/deliveries", request, "order_delivery", idempotent=True)
        return _delivery(body)

    async def confirm_delivery(self, key: str) -> DeliveryOrder:
        """The fee is paid: the order goes out (POST /v1/deliveries/{key}/confirm; state "confirmed", then
        "dispatched" once the courier took it). Idempotent: a replay answers the same order again."""
        body = await self._call("POST", f"/v1/deliveries/{check_key(key)}/confirm", {}, "confirm_delivery",
                                idempotent=True)
        return _delivery(body)

    async def cancel_delivery(self, key: str, *, reason: str) -> None:
        """Nothing was paid or the session ended: the order is not sent (POST .../cancel). Idempotent.
        Also after a confirm whose answer never came (the booth refunded): 409 "delivery-dispatched"
        when the courier already took it."""
        await self._call("POST", f"/v1/deliveries/{check_key(key)}/cancel", {"reason": reason[:64]},
                         "cancel_delivery", idempotent=True)

    async def start_mobile_id(self, key: str) -> MobileIdChallenge:
        """Open a mobile ID verification (POST /v1/mobile-id/transactions, issue 17): the QR to show.
        Idempotent by key (a retry shows the same QR)."""
        body = await self._call("POST", "/v1/mobile-id/transactions", {"idempotency_key": check_key(key)},
                                "start_mobile_id", idempotent=True)
        trxcode = text_field(body, "trxcode", max_len=64)
        if not re.fullmatch(r"[0-9A-Za-z_-]{8,64}", trxcode):
            raise ServerProtocolError("bad-field", "trxcode must be 8..64 letters and digits")
        return MobileIdChallenge(trxcode=trxcode, qr=text_field(body, "qr", max_len=2048),
                                 expires_in=int_field(body, "expires_in", low=0, high=3600))

    async def poll_mobile_id(self, trxcode: str) -> MobileIdState:
        """Where the transaction stands (GET /v1/mobile-id/transactions/{trxcode})."""
        if not re.fullmatch(r"[0-9A-Za-z_-]{8,64}", trxcode):
            raise ValueError("not a transaction code")
        body = await self._call("GET", f"/v1/mobile-id/transactions/{trxcode}", None, "poll_mobile_id",
                                idempotent=True)
        state = text_field(body, "state", max_len=16)
        if state not in ("requested", "profile", "verifying", "verified", "failed", "expired"):
            raise ServerProtocolError("bad-field", f"unknown mobile ID state {state!r}")
        if state == "verified":
            return MobileIdState(state, token=text_field(body, "token", max_len=512), exempt=bool_field(body, "exempt"))
        reason = body.get("reason")
        return MobileIdState(state, reason=reason[:64] if isinstance(reason, str) else "")

    async def upload_support_bundle(self, key: str, bundle: bytes, *, reason: str) -> SupportBundleReceipt:
        """Send a support bundle (a tar.gz the booth made, nothing personal in it) to the operators
        (POST /v1/support-bundles), base64 in JSON. `reason`: who asked ("server", "technician").
        Idempotent by key, so a retried upload is kept once."""
        if not bundle or len(bundle) > MAX_SUPPORT_BUNDLE_BYTES:
            raise ValueError(f"a support bundle is 1..{MAX_SUPPORT_BUNDLE_BYTES} bytes, got {len(bundle)}")
        if not re.fullmatch(r"[a-z][a-z_]{0,31}", reason):
            raise ValueError(f"reason {reason!r}: 1..32 characters of a-z and _")
        request = {
            "idempotency_key": check_key(key),
            "kiosk_id": self._config.kiosk_id,
            "reason": reason,
            "made_at": self._clock.now().isoformat(),
            "bundle_base64": base64.b64encode(bundle).decode("ascii"),
        }
        body = await self._call("POST", "/v1/support-bundles", request, "upload_support_bundle", idempotent=True)
        receipt = SupportBundleReceipt(
            bundle_id=text_field(body, "bundle_id", max_len=128),
            received_at=text_field(body, "received_at", max_len=64),
            size=int_field(body, "size", low=1, high=MAX_SUPPORT_BUNDLE_BYTES),
        )
        if receipt.size != len(bundle):
            raise ServerProtocolError("bad-field", f"size {receipt.size}, sent {len(bundle)}")
        return receipt

    async def heartbeat(self, statuses: Mapping[str, object], *, alerts: Sequence[Mapping[str, object]] = (),
                        public: Mapping[str, object] | None = None) -> list[str]:
        """Tell the server the kiosk is alive and how its devices are; the answer lists commands.
        `alerts`: the booth's alerts that are up (name, subject, detail, since); `public`: what the
        server's public live feed may say of the booth (docs/openapi.yaml `PublicBoothStatus`).
        A failure takes the link down; an answer alone does not bring it up (the catalog does)."""
        try:
            commands = await self._heartbeat(statuses, alerts, public)
        except Exception as exc:
            self.link.failed(exc)
            raise
        self.link.heartbeat_answered()
        return commands

    async def _heartbeat(self, statuses: Mapping[str, object], alerts: Sequence[Mapping[str, object]],
                         public: Mapping[str, object] | None) -> list[str]:
        request = {
            "kiosk_id": self._config.kiosk_id,
            "sent_at": self._clock.now().isoformat(),
            "statuses": _jsonable(statuses),
            "alerts": _jsonable(list(alerts)),
        }
        if public is not None:
            request["public"] = _jsonable(public)
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
            started = self._clock.monotonic()
            try:
                body = await self._once(method, path, content, timeout)
            except ServerError as exc:
                self._observe(call, started, _outcome(exc))
                if not isinstance(exc, ServerUnavailable):
                    raise
                level = logging.DEBUG if self._failing_since_warning else logging.WARNING
                log.log(level, "issuance server %s %s: %s (attempt %d)", method, _log_path(path), exc, attempt + 1)
                self._failing_since_warning = True
                if not idempotent or not exc.retryable or attempt >= self._retries:
                    raise
                attempt += 1
                # Real time, not the Clock: a retry pause decides no outcome (brief: backoff waits).
                await asyncio.sleep(backoff.next_delay())
                continue
            self._observe(call, started, "ok")
            if self._failing_since_warning:
                log.info("issuance server answering again")
                self._failing_since_warning = False
            return body

    def _observe(self, call: str, started: float, outcome: str) -> None:
        if self._on_call is not None:
            try:
                self._on_call(call, max(0.0, self._clock.monotonic() - started), outcome)
            except Exception:  # an observer's bug must not fail a resident's call
                log.exception("issuance call observer failed")

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
        return interpret_answer(status, headers, data)

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
            raise transport_error(exc, host=self._http.base_url.host) from exc
        except httpx.HTTPError as exc:
            raise ServerProtocolError("bad-http", type(exc).__name__) from exc
        except (OSError, ValueError, LookupError, UnicodeError) as exc:
            # Anything h11/anyio lets through unwrapped (a header it cannot decode, a socket error).
            raise ServerUnavailable("transport-error", type(exc).__name__) from exc

    def _signed_document(self, raw: Mapping[str, Any]) -> SignedDocument:
        pdf = b64_field(raw, "pdf_b64", max_len=self._config.max_body_bytes)
        signature = b64_field(raw, "signature_b64", max_len=200)
        number = text_field(raw, "verification_number", max_len=19)
        if not _VERIFICATION_RE.match(number):
            raise ServerProtocolError("bad-field", "verification_number must look like 1234-5678-9012-3456")
        pages = int_field(raw, "pages", low=1, high=_MAX_PAGES)
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


# What an attempt's outcome is called for an observer: a few fixed words (the server's own reason codes
# are the server's to choose, and would make a metric's labels unbounded).
CALL_OUTCOMES = ("ok", "timeout", "unavailable", "rejected", "protocol", "document")
CallObserver = Callable[[str, float, str], None]


def _outcome(exc: ServerError) -> str:
    if isinstance(exc, ServerTimeout):
        return "timeout"
    if isinstance(exc, ServerUnavailable):
        return "unavailable"
    if isinstance(exc, ServerRejected):
        return "rejected"
    if isinstance(exc, DocumentSignatureInvalid | DocumentMalformed):
        return "document"
    return "protocol"


def _log_path(path: str) -> str:
    # Paths carry document codes, idempotency keys, verification numbers, public parcel queries and
    # pickup codes; a pickup code prints someone's document, so only its first half is logged.
    return _PICKUP_PATH_RE.sub(r"\1****", path)


def _delivery(body: Mapping[str, Any]) -> DeliveryOrder:
    state = text_field(body, "state", max_len=16)
    if state not in ("pending", "confirmed", "dispatched", "cancelled"):
        raise ServerProtocolError("bad-field", "state must be pending, confirmed, dispatched or cancelled")
    return DeliveryOrder(order_id=text_field(body, "order_id", max_len=128),
                         tracking_code=text_field(body, "tracking_code", max_len=40),
                         fee_total=int_field(body, "fee_total", low=0, high=MAX_WON),
                         delivery_fee=int_field(body, "delivery_fee", low=0, high=MAX_WON), state=state)


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
