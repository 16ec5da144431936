"""The simulated central issuance server: HTTPS with mutual TLS on loopback (aiohttp).

It is the real other end of drivers/issuance_server/: it opens sealed identity requests, matches
templates against the synthetic residents' enrolled fingers, renders and signs PDFs, keeps
issuances in SQLite and answers idempotent replays from there. Controls inject the faults a
kiosk meets in the field: latency, error statuses, dropped connections, malformed bodies and
maintenance windows. Resident numbers and templates are never logged or stored.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import secrets
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from common.clock import KST
from common.control_socket import bounded
from common.template_crypto import SealError, open_sealed
from simulators.residents import (
    MATCH_THRESHOLD,
    TEMPLATE_SIZE,
    Resident,
    by_number,
    enrolled_template,
    resident,
    similarity,
)
from simulators.server.api import (
    ApiError,
    IssueSpec,
    idempotency_key,
    json_answer,
    json_integer,
    kiosk_id_of,
    read_body,
)
from simulators.server.booth_alerts import BoothAlerts, parse_alerts
from simulators.server.catalog import CATALOG
from simulators.server.deliveries import Deliveries
from simulators.server.help_requests import HelpRequests
from simulators.server.mobile_id import MobileId
from simulators.server.notices import Notices
from simulators.server.parcels import Parcels, resolve
from simulators.server.payments import Payments
from simulators.server.pickups import Pickups
from simulators.server.pki import PkiPaths, ensure_pki, load_identity_key, load_signing_key
from simulators.server.public_feed import PublicFeed
from simulators.server.public_site import start_public_site
from simulators.server.render import RenderRequest, render
from simulators.server.settlements import Settlements
from simulators.server.store import Issuance, Store, StoredDocument
from simulators.server.support_bundles import SupportBundles

log = logging.getLogger(__name__)

API = "/v1"
LISTEN_BACKLOG = 2048
# Rendering workers run this much nicer than the process answering the booths: a catalog read or a
# heartbeat is a few milliseconds of work that a booth waits on, a PDF is ~0.1 s of batch work whose
# reservation may take seconds, so on a shared core the answers go first (a city's server would
# render on other machines altogether).
RENDER_NICENESS = 10
# Five failed fingerprints lock a number until it is re-registered at a community centre
# (domain.md "Identity"); the figure is the common five-strikes rule of Korean e-government logins.
MAX_IDENTITY_FAILURES = 5
# A verification token lives five minutes: long enough to choose, pay and print, short enough
# that a resident who walks away leaves nothing usable behind.
TOKEN_TTL_S = 300.0
# How long a reservation waits for its commit (docs/protocol.md "Reserve"). The kiosk reserves before
# it takes the fee, so payment and printing must both fit inside; a later commit is refused (409
# reservation-expired) and the reservation voided.
RESERVATION_HOLD_S = 900
# Documents can be checked online for 90 days after issue (domain.md "Anti-forgery").
VERIFY_DAYS = 90
# A maintenance answer asks the kiosk to come back in five minutes (RFC 9110 §10.2.3 Retry-After).
DEFAULT_RETRY_AFTER_S = 300
# 64 KiB request bodies: the largest request is a sealed 512-byte template in base64.
MAX_REQUEST_BYTES = 65536
# Stop waits at most this long for in-flight handlers (a test that injected latency must not hang).
SHUTDOWN_TIMEOUT_S = 0.5
# Oversized fault body: just above the client's default 20 MB limit.
OVERSIZED_BYTES = 21_000_000

# Most pages one commit can report: five copies (catalog.MAX_COPIES) of a document at the kiosk's
# 1000-page ceiling (drivers/issuance_server/client.py _MAX_PAGES). Also keeps the number inside SQLite's 64 bits.
MAX_PAGES_PRINTED = 5000

# Bounds on the fault controls' arguments: a control must never be able to freeze the simulator.
MAX_FAULT_COUNT = 100
MAX_FAULT_FEE = 100_000_000
MAX_FAULT_PAGES = 1000
_MALFORMED_KINDS = ("truncated", "not-json", "html", "wrong-shape", "oversized")


@dataclass
class _Token:
    resident_index: int
    kiosk_id: str
    expires_at: float  # time.monotonic()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServerSimulator:
    """The central system for one or more kiosks; see the module docstring."""

    name = "server"

    def __init__(
        self,
        pki_dir: Path,
        db_path: Path,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        office: str = "세종특별자치시장",
        public_port: int | None = 0,
        service_hours: bool = False,
        render_processes: int = 0,
    ) -> None:
        """`render_processes`: render PDFs in that many worker processes (a load test's server, where
        fpdf2 holding the GIL ~0.1 s a copy would stall every other answer); 0 renders in a thread."""
        self.pki = PkiPaths(pki_dir)
        self._render_processes = render_processes
        self._render_pool: concurrent.futures.ProcessPoolExecutor | None = None
        # One lock per idempotency key in use (and how many hold or wait for it): a key is never issued
        # twice, and one resident's PDF rendering no longer holds up every other booth's reservation.
        self._key_locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}
        self._db_path = db_path
        self._host = host
        self._port = port
        self._office = office
        self._service_hours = service_hours  # the catalog carries the documents' own hours (catalog.SERVICE_HOURS)
        self._runner: web.AppRunner | None = None
        self._store: Store | None = None
        self._signing: ed25519.Ed25519PrivateKey | None = None
        self._identity: x25519.X25519PrivateKey | None = None
        self._base_url = ""
        self._stopping = asyncio.Event()
        # faults
        self._latency = 0.0
        self._fail: deque[int] = deque()
        self._drop: deque[bool] = deque()  # True: drop after the handler ran
        self._lose: dict[tuple[str, str], int] = {}  # (method, route) -> answers still to lose after the work
        self._tamper = 0  # reservation answers still to alter after signing
        self._overbill: deque[int] = deque()  # fee_total to claim in the next reservation answers
        self._forge: deque[int] = deque()  # page counts claimed by signed garbage in the next answers
        self._wrong_certificate = False
        self._malformed: deque[str] = deque()
        self._maintenance = False
        self._retry_after = DEFAULT_RETRY_AFTER_S
        # in-memory state (a restart forgets tokens and locks, like a matcher restart would)
        self._tokens: dict[str, _Token] = {}
        self._failures: dict[int, int] = {}
        self._commands: list[str] = []
        self._heartbeats: dict[str, dict[str, Any]] = {}
        self._counters = {"replays": 0, "identity_attempts": 0, "identity_matches": 0, "heartbeats": 0}
        self.payments = Payments(API)  # the card payment API (simulators/server/payments.py)
        self.parcels = Parcels(API)  # parcel and building search (simulators/server/parcels.py)
        self.pickups = Pickups(API, self)  # online reservations printed by code (pickups.py)
        self.settlements = Settlements(API)  # cash box settlements (settlements.py)
        self.help = HelpRequests(API)  # residents' calls for help (help_requests.py)
        # The city's view (issue 16): alerts from heartbeats, and the public live feed on its own
        # listener without client certificates (None: no public listener).
        self.booth_alerts = BoothAlerts()
        self.public_feed = PublicFeed()
        self._public_port = public_port
        self._public_runner: web.AppRunner | None = None
        self.public_url = ""
        self.bundles = SupportBundles(API)  # support bundles booths upload (support_bundles.py)
        self.notices = Notices(API)  # results sent by text or e-mail (notices.py, issue 17)
        self.deliveries = Deliveries(API, self)  # documents delivered home (deliveries.py, issue 17)
        self.mobile_id = MobileId(API, self, lambda: self.base_url)  # 모바일 신분증 (mobile_id.py, issue 17)

    # --- Simulator protocol -------------------------------------------------------------------

    async def start(self) -> str:
        paths = await asyncio.to_thread(ensure_pki, self.pki.root)
        self._signing = await asyncio.to_thread(load_signing_key, paths)
        self._identity = await asyncio.to_thread(load_identity_key, paths)
        context = await asyncio.to_thread(server_ssl_context, paths)
        # A server certificate from a CA the kiosk does not pin, presented while `wrong_certificate` is
        # on: what an impostor (or a misconfigured proxy) in front of the real server would show.
        rogue_paths = await asyncio.to_thread(ensure_pki, self.pki.root / "rogue")
        rogue = await asyncio.to_thread(server_ssl_context, rogue_paths)

        def choose_certificate(connection: ssl.SSLObject, _name: str | None, _context: ssl.SSLContext) -> None:
            if self._wrong_certificate:
                connection.context = rogue

        context.sni_callback = choose_certificate
        self._store = Store(self._db_path)  # sqlite objects stay on the loop's thread
        app = web.Application(middlewares=[self._faults], client_max_size=MAX_REQUEST_BYTES)
        app.add_routes(
            [
                web.get(f"{API}/catalog", self._catalog),
                web.post(f"{API}/identity/verify", self._verify_identity),
                web.post(f"{API}/issuances", self._reserve),
                web.post(API + "/issuances/{key}/commit", self._commit),
                web.post(API + "/issuances/{key}/void", self._void),
                web.post(f"{API}/heartbeat", self._heartbeat),
                web.get(API + "/documents/verify/{number}", self._verify_document),
                *self.payments.routes(),
                *self.parcels.routes(),
                *self.pickups.routes(),
                *self.settlements.routes(),
                *self.help.routes(),
                *self.bundles.routes(),
                *self.notices.routes(),
                *self.deliveries.routes(),
                *self.mobile_id.routes(),
            ]
        )
        self._stopping.clear()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await self._runner.setup()
        # A listen queue for a city's booths reconnecting at once (aiohttp's default of 128 drops the
        # rest's SYNs, and each retransmits after 1, 3, 7 s: seconds of latency from an idle server).
        site = web.TCPSite(self._runner, self._host, self._port, ssl_context=context, backlog=LISTEN_BACKLOG)
        await site.start()
        port = self._runner.addresses[0][1]
        self._base_url = f"https://{self._host}:{port}"
        log.info("issuance server listening on %s", self._base_url)
        if self._public_port is not None:
            self._public_runner, self.public_url = await start_public_site(
                self.public_feed, self._host, self._public_port)
        return self._base_url

    async def stop(self) -> None:
        self._stopping.set()
        if self._public_runner is not None:
            await self._public_runner.cleanup()
            self._public_runner = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._render_pool is not None:
            self._render_pool.shutdown(wait=False, cancel_futures=True)
            self._render_pool = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "latency": self.latency,
            "fail_next": self.fail_next,
            "drop_next": self.drop_next,
            "lose_answer_next": self.lose_answer_next,
            "tamper_next": self.tamper_next,
            "overbill_next": self.overbill_next,
            "forge_document_next": self.forge_document_next,
            "wrong_certificate": self.wrong_certificate,
            "malformed_next": self.malformed_next,
            "maintenance": self.maintenance,
            "service_hours": self.service_hours,
            "stats": self.stats,
            "issuances": self.issuances,
            "queue_command": self.queue_command,
            "heartbeats": self.heartbeats,
            "reset_locks": self.reset_locks,
            **self.payments.controls(),
            **self.parcels.controls(),
            **self.pickups.controls(),
            **self.settlements.controls(),
            **self.help.controls(),
            **self.booth_alerts.controls(),
            "feed": self.feed,
            "public_url": self.public_address,
            **self.bundles.controls(),
            **self.notices.controls(),
            **self.deliveries.controls(),
            **self.mobile_id.controls(),
        }

    @property
    def base_url(self) -> str:
        return self._base_url

    # --- controls -----------------------------------------------------------------------------

    @bounded(seconds=(0, 600))  # past the client's every deadline already
    def latency(self, seconds: float) -> None:
        """Delay every answer by `seconds` (0 turns it off)."""
        self._latency = max(0.0, float(seconds))

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next `count` requests with HTTP `status` and an "injected-fault" error body."""
        if not 400 <= status <= 599:
            raise ValueError("status must be 4xx or 5xx")
        self._fail.extend([status] * count)

    def wrong_certificate(self, on: bool) -> None:
        """Present a server certificate from another CA (on) or the real one (off): the kiosk must refuse."""
        self._wrong_certificate = bool(on)
        # Connections already open were made with the other certificate: drop them, so the next request
        # makes a fresh TLS handshake, as it would against a different machine.
        server = self._runner.server if self._runner is not None else None
        for connection in server.connections if server is not None else []:
            connection.force_close()

    def tamper_next(self, count: int = 1) -> None:
        """Alter one byte of the PDF in the next `count` reservation answers, after signing.

        The kiosk must refuse to print a document whose signature no longer matches."""
        self._tamper += int(count)

    @bounded(fee_total=(0, MAX_FAULT_FEE), count=(1, MAX_FAULT_COUNT))
    def overbill_next(self, fee_total: int, count: int = 1) -> None:
        """Claim `fee_total` won in the next `count` reservation answers, whatever the fee is.

        The kiosk must refuse a bill that is not the fee it showed the resident."""
        _queue_fault(self._overbill, "fee_total", int(fee_total), (0, MAX_FAULT_FEE), int(count))

    def forge_document_next(self, count: int = 1, pages: int = 1000) -> None:
        """Sign `%PDF-` + garbage claiming `pages` pages in the next `count` reservation answers.

        A valid signature on a document that is not one: the kiosk must not print it."""
        _queue_fault(self._forge, "pages", int(pages), (1, MAX_FAULT_PAGES), int(count))

    def drop_next(self, count: int = 1, after_handler: bool = False) -> None:
        """Close the next `count` connections without answering (after doing the work if `after_handler`)."""
        self._drop.extend([after_handler] * count)

    def lose_answer_next(self, call: str, count: int = 1) -> None:
        """Carry out the next `count` requests of the client's `call` ("confirm_delivery", ...), then drop them.

        Each connection is closed without a byte of answer: the server committed, the booth never heard.
        Other requests (heartbeats, ...) are answered as usual, unlike `drop_next`. Calls: LOSABLE_CALLS."""
        route = LOSABLE_CALLS.get(call)
        if route is None:
            raise ValueError(f"call must be one of {', '.join(sorted(LOSABLE_CALLS))}")
        if not 1 <= int(count) <= 100:
            raise ValueError("count must be 1..100")
        self._lose[route] = self._lose.get(route, 0) + int(count)

    def malformed_next(self, count: int = 1, kind: str = "truncated") -> None:
        """Do the work, then answer the next `count` requests broken: truncated/not-json/html/wrong-shape/oversized."""
        if kind not in _MALFORMED_KINDS:
            raise ValueError(f"kind must be one of {', '.join(_MALFORMED_KINDS)}")
        self._malformed.extend([kind] * count)

    def maintenance(self, on: bool, retry_after: int = DEFAULT_RETRY_AFTER_S) -> None:
        """Answer everything 503 with Retry-After while `on`."""
        self._maintenance = bool(on)
        self._retry_after = int(retry_after)

    def service_hours(self, on: bool) -> None:
        """Serve the documents' own hours and maintenance windows in the catalog (catalog.SERVICE_HOURS)
        while `on`; all day otherwise. The kiosk reads it at its next catalog read (`reload_catalog`)."""
        self._service_hours = bool(on)

    def queue_command(self, command: str) -> None:
        """Hand `command` to the next heartbeat (e.g. "reload_catalog", "out_of_service")."""
        self._commands.append(str(command))

    def reset_locks(self) -> None:
        """Forget fingerprint failures, as re-registering at a community centre would."""
        self._failures.clear()

    def stats(self) -> dict[str, Any]:
        """Counts: reservations (distinct keys) by state, replays, identity attempts and matches."""
        counts = self._require_store().counts()
        return {
            "reservations": sum(counts.values()),
            **counts,
            "commits": counts["committed"],
            "voids": counts["voided"],
            **self._counters,
            "locked": sum(1 for n in self._failures.values() if n >= MAX_IDENTITY_FAILURES),
        }

    def issuances(self) -> list[dict[str, Any]]:
        """Every issuance on record (no PDFs), oldest first."""
        return self._require_store().all()

    def public_address(self) -> str:
        """The public listener's base URL (the feed is at /feed.json, the status page at /); "" if none."""
        return self.public_url

    def feed(self) -> dict[str, Any]:
        """The public live feed as the public listener serves it."""
        return self.public_feed.feed(dt.datetime.now(KST))

    def heartbeats(self) -> dict[str, dict[str, Any]]:
        """The last heartbeat body from each kiosk id."""
        return dict(self._heartbeats)

    # --- middleware: faults and error bodies ---------------------------------------------------

    @web.middleware
    async def _faults(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self._latency > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._latency)
        if self._maintenance:
            return _error(
                503, "maintenance", "scheduled maintenance", headers={"Retry-After": str(self._retry_after)}
            )
        if self._drop and not self._drop[0]:
            self._drop.popleft()
            return _drop(request)
        if self._fail:
            return _error(self._fail.popleft(), "injected-fault", "fault injected by the simulator")
        try:
            response = await handler(request)
        except ApiError as exc:
            response = _error(exc.status, exc.code, exc.message)
        except web.HTTPException as exc:
            # A 405 must list the allowed methods (RFC 9110 §15.5.6); aiohttp puts them on the exception.
            allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            response = _error(exc.status, _http_code(exc.status), exc.reason, headers=allow)
        except Exception:
            log.exception("handler failed for %s %s", request.method, request.path)
            response = _error(500, "internal", "internal error")
        if self._drop:
            self._drop.popleft()
            return _drop(request)
        route = (request.method, request.match_info.route.resource.canonical
                 if request.match_info.route.resource is not None else "")
        if self._lose.get(route):
            self._lose[route] -= 1
            return _drop(request)
        if self._malformed:
            return await _malformed(request, response, self._malformed.popleft())
        return response

    # --- handlers -----------------------------------------------------------------------------

    async def _catalog(self, request: web.Request) -> web.StreamResponse:
        return json_answer({"version": 1, "documents": [d.to_json(service_hours=self._service_hours)
                                                           for d in CATALOG.values()]})

    async def _verify_identity(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        fmt = body.get("template_format")
        if not isinstance(fmt, str) or fmt not in TEMPLATE_SIZE:
            raise ApiError(
                400, "bad-template-format", f"template_format must be one of {sorted(TEMPLATE_SIZE)}"
            )
        assert self._identity is not None
        aad = kiosk_id.encode()
        try:
            number = open_sealed(self._identity, body.get("resident_number_ciphertext", {}), aad)
            template = open_sealed(self._identity, body.get("template_ciphertext", {}), aad)
        except SealError as exc:
            raise ApiError(400, "bad-ciphertext", "sealed field did not open for this kiosk") from exc
        self._counters["identity_attempts"] += 1
        person = _find_resident(number)
        del number
        if person is None:
            return json_answer({"verified": False, "reason": "not-enrolled"})
        failures = self._failures.get(person.index, 0)
        if failures >= MAX_IDENTITY_FAILURES:
            return json_answer({"verified": False, "reason": "locked", "attempts_left": 0})
        score = max(
            similarity(template, enrolled_template(person.index, finger, fmt))
            for finger in person.enrolled_fingers
        )
        if score >= MATCH_THRESHOLD:
            self._failures.pop(person.index, None)
            self._counters["identity_matches"] += 1
            token = secrets.token_urlsafe(24)
            self._tokens[token] = _Token(person.index, kiosk_id, time.monotonic() + TOKEN_TTL_S)
            return json_answer(
                {"verified": True, "token": token, "exempt": person.fee_exempt, "expires_in": TOKEN_TTL_S}
            )
        failures += 1
        self._failures[person.index] = failures
        left = MAX_IDENTITY_FAILURES - failures
        return json_answer(
            {"verified": False, "reason": "locked" if left == 0 else "no-match", "attempts_left": left}
        )

    async def _reserve(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        code = body.get("document")
        options = body.get("options", [])
        copies = json_integer(body.get("copies", 1))
        parcel = body.get("parcel")
        token = body.get("verification_token")
        if not isinstance(code, str):
            raise ApiError(400, "bad-request", "document must be a string")
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise ApiError(400, "bad-request", "options must be a list of strings")
        if copies is None:
            raise ApiError(400, "bad-request", "copies must be an integer")
        if parcel is not None and (not isinstance(parcel, str) or not 1 <= len(parcel) <= 200):
            raise ApiError(400, "bad-request", "parcel must be a string of 1..200 characters")
        if token is not None and not isinstance(token, str):
            raise ApiError(400, "bad-request", "verification_token must be a string")
        request_hash = hashlib.sha256(
            json.dumps(
                {"document": code, "options": sorted(options), "copies": copies, "parcel": parcel},
                sort_keys=True,
                ensure_ascii=True,
            ).encode()
        ).hexdigest()

        def prepare() -> IssueSpec:
            doc = CATALOG.get(code)
            if doc is None:
                raise ApiError(400, "unknown-document", "no such document code")
            unknown = sorted(set(options) - set(doc.options))
            if unknown:
                raise ApiError(400, "unknown-option", f"options not offered for {code}: {', '.join(unknown)}")
            if not 1 <= copies <= doc.max_copies:
                raise ApiError(400, "bad-copies", f"copies must be 1..{doc.max_copies}")
            person: Resident | None = None
            if doc.needs_identity:
                person = self.resident_for(token, kiosk_id)
            elif parcel is None:
                raise ApiError(400, "parcel-required", "registers are found by address or parcel number")
            elif not resolve(parcel):
                raise ApiError(404, "parcel-not-found", "no parcel has this address or lot number")
            exempt = person is not None and person.fee_exempt
            fee_total = 0 if exempt else doc.fee * copies
            return IssueSpec(doc, tuple(options), copies, person, None if doc.needs_identity else parcel, fee_total)

        return await self.reserve_under_key(kiosk_id, key, request_hash, prepare)

    async def reserve_under_key(
        self, kiosk_id: str, key: str, request_hash: str, prepare: Callable[[], IssueSpec]
    ) -> web.Response:
        """Replay the stored answer for this kiosk's key, or `prepare` (which may refuse) and issue.

        Shared by ordinary reservations and pickups (simulators/server/pickups.py), so both are
        committed and voided alike; one lock serialises them, so a key is never issued twice.
        """
        store = self._require_store()
        async with self._key_lock(kiosk_id, key):
            existing = store.find(kiosk_id, key)
            if existing is not None:
                if existing.request_hash != request_hash:
                    raise ApiError(409, "idempotency-key-reused", "this key was used for a different request")
                self._counters["replays"] += 1
                response = json_answer(self._reservation(existing))
                response.headers["Idempotent-Replayed"] = "true"
                return response
            spec = prepare()
            doc = spec.document
            issued_at = dt.datetime.now(KST).replace(microsecond=0)
            issuance_id = "ISS-" + secrets.token_hex(8).upper()
            documents: list[StoredDocument] = []
            taken: set[str] = set()
            for _ in range(spec.copies):
                number = self._new_verification_number(taken)
                taken.add(number)
                pdf, pages = await self._render(
                    RenderRequest(
                        document=doc,
                        options=tuple(o for o in doc.options if o in spec.options),
                        verification_number=number,
                        verify_url=f"{self._base_url}{API}/documents/verify/{number}",
                        issued_at=issued_at,
                        office=self._office,
                        kiosk_id=kiosk_id,
                        resident=spec.person,
                        parcel=spec.parcel,
                    ),
                )
                assert self._signing is not None
                documents.append(
                    StoredDocument(
                        number, pdf, self._signing.sign(pdf), hashlib.sha256(pdf).hexdigest(), pages
                    )
                )
            issuance = Issuance(
                kiosk_id=kiosk_id,
                key=key,
                issuance_id=issuance_id,
                request_hash=request_hash,
                document=doc.code,
                options=spec.options,
                copies=spec.copies,
                fee_total=spec.fee_total,
                state="reserved",
                created_at=issued_at.isoformat(),
                finished_at=None,
                pages_printed=None,
                payment_ref=None,
                void_reason=None,
            )
            store.insert(issuance, documents)
            log.info("reserved %s (%s x%d) for %s", issuance_id, doc.code, spec.copies, kiosk_id)
            return json_answer(self._reservation(issuance))

    async def _commit(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        pages = json_integer(body.get("pages_printed"))
        ref = body.get("payment_ref")
        if pages is None or not 0 <= pages <= MAX_PAGES_PRINTED:
            raise ApiError(400, "bad-request", f"pages_printed must be an integer in 0..{MAX_PAGES_PRINTED}")
        if not isinstance(ref, str) or len(ref) > 100:
            raise ApiError(400, "bad-request", "payment_ref must be a string of at most 100 characters")
        issuance = self._existing(kiosk_id, request.match_info["key"])
        if issuance.state == "voided":
            raise ApiError(409, "already-voided", "a voided issuance cannot be committed")
        held_until = dt.datetime.fromisoformat(issuance.created_at) + dt.timedelta(seconds=RESERVATION_HOLD_S)
        if issuance.state == "reserved" and dt.datetime.now(KST) > held_until:
            self._require_store().void(issuance.issuance_id, reason="reservation-expired", at=dt.datetime.now(KST))
            raise ApiError(409, "reservation-expired", "the reservation expired before its commit")
        if issuance.state == "reserved":
            self._require_store().commit(
                issuance.issuance_id, pages_printed=pages, payment_ref=ref, at=dt.datetime.now(KST)
            )
        return json_answer({"issuance_id": issuance.issuance_id, "state": "committed"})

    async def _void(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        reason = body.get("reason")
        if not isinstance(reason, str) or len(reason) > 200:
            raise ApiError(400, "bad-request", "reason must be a string of at most 200 characters")
        issuance = self._existing(kiosk_id, request.match_info["key"])
        if issuance.state == "committed":
            raise ApiError(409, "already-committed", "a committed issuance cannot be voided")
        if issuance.state == "reserved":
            self._require_store().void(issuance.issuance_id, reason=reason, at=dt.datetime.now(KST))
        return json_answer({"issuance_id": issuance.issuance_id, "state": "voided"})

    async def _heartbeat(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        if not isinstance(body.get("statuses", {}), dict):
            raise ApiError(400, "bad-request", "statuses must be an object")
        if not all(isinstance(body.get(name, ""), str) for name in ("kiosk_id", "sent_at")):
            raise ApiError(400, "bad-request", "kiosk_id and sent_at must be strings")
        alerts = parse_alerts(body.get("alerts"))
        public = body.get("public")
        if public is not None and not isinstance(public, dict):
            raise ApiError(400, "bad-request", "public must be an object")
        now = dt.datetime.now(KST)
        self._heartbeats[kiosk_id] = body
        self._counters["heartbeats"] += 1
        self.booth_alerts.update(kiosk_id, alerts, now.isoformat(timespec="seconds"))
        self.public_feed.update(kiosk_id, public, now)
        commands, self._commands = self._commands, []
        return json_answer({"commands": commands, "server_time": dt.datetime.now(KST).isoformat()})

    async def _verify_document(self, request: web.Request) -> web.StreamResponse:
        found = self._require_store().lookup_document(request.match_info["number"])
        if found is None:
            return json_answer(
                {"genuine": False, "error": "not-found", "message": "no document has this number"}, status=404
            )
        issuance, doc = found
        issued = dt.datetime.fromisoformat(issuance.created_at)
        expires = issued + dt.timedelta(days=VERIFY_DAYS)
        genuine = issuance.state != "voided" and dt.datetime.now(KST) <= expires
        reason = "voided" if issuance.state == "voided" else ("" if genuine else "expired")
        return json_answer(
            {
                "genuine": genuine,
                "reason": reason,
                "verification_number": doc.verification_number,
                "document": issuance.document,
                "title_ko": CATALOG[issuance.document].title_ko,
                "issued_at": issuance.created_at,
                "expires_at": expires.isoformat(),
                "state": issuance.state,
                "sha256": doc.sha256,
                "pages": doc.pages,
            }
        )

    # --- helpers ------------------------------------------------------------------------------

    def _require_store(self) -> Store:
        if self._store is None:
            raise RuntimeError("server simulator is not running")
        return self._store

    def _existing(self, kiosk_id: str, key: str) -> Issuance:
        issuance = self._require_store().find(kiosk_id, key)
        if issuance is None:
            raise ApiError(404, "unknown-issuance", "no reservation with this idempotency key")
        return issuance

    def issuance_state(self, kiosk_id: str, key: str) -> str | None:
        """The state of this kiosk's issuance under `key` (reserved, committed, voided); None when none."""
        issuance = self._require_store().find(kiosk_id, key)
        return issuance.state if issuance is not None else None

    def _reservation(self, issuance: Issuance) -> dict[str, Any]:
        docs = self._require_store().documents(issuance.issuance_id)
        tamper = self._tamper > 0
        self._tamper = max(0, self._tamper - 1)

        fee_total = self._overbill.popleft() if self._overbill else issuance.fee_total
        forged_pages = self._forge.popleft() if self._forge else 0

        def sent(d: StoredDocument) -> tuple[bytes, bytes, int, str]:
            """The PDF, signature, page count and digest answered for `d`, after any fault."""
            if forged_pages:
                assert self._signing is not None
                garbage = _forged_pdf(forged_pages)
                return garbage, self._signing.sign(garbage), forged_pages, hashlib.sha256(garbage).hexdigest()
            pdf = d.pdf[:-8] + bytes([d.pdf[-8] ^ 0x01]) + d.pdf[-7:] if tamper else d.pdf
            return pdf, d.signature, d.pages, d.sha256

        documents = []
        for d in docs:
            pdf, signature, pages, sha256 = sent(d)
            documents.append({
                "pdf_b64": base64.b64encode(pdf).decode("ascii"),
                "signature_b64": base64.b64encode(signature).decode("ascii"),
                "verification_number": d.verification_number,
                "pages": pages,
                "sha256": sha256,
            })
        return {
            "issuance_id": issuance.issuance_id,
            "fee_total": fee_total,
            "state": issuance.state,
            "hold_seconds": RESERVATION_HOLD_S,
            "documents": documents,
        }

    def mint_token(self, kiosk_id: str, resident_index: int) -> dict[str, Any]:
        """A verification token for a resident identified another way (a mobile ID, issue 17): the same
        token, lifetime and fee exemption a matched fingerprint yields."""
        person = resident(resident_index)
        token = secrets.token_urlsafe(24)
        self._tokens[token] = _Token(person.index, kiosk_id, time.monotonic() + TOKEN_TTL_S)
        return {"token": token, "exempt": person.fee_exempt, "expires_in": TOKEN_TTL_S}

    def resident_for(self, token: str | None, kiosk_id: str) -> Resident:
        """Whose verification token this is, for this kiosk (also for pickups); refused if unknown or expired."""
        if token is None:
            raise ApiError(401, "identity-required", "this document needs a verification token")
        entry = self._tokens.get(token)
        if entry is None or entry.kiosk_id != kiosk_id:
            raise ApiError(401, "token-invalid", "unknown verification token")
        if time.monotonic() > entry.expires_at:
            del self._tokens[token]
            raise ApiError(401, "token-expired", "verification token expired; identify again")
        return resident(entry.resident_index)

    @contextlib.asynccontextmanager
    async def _key_lock(self, kiosk_id: str, key: str) -> AsyncIterator[None]:
        """Hold the lock of one kiosk's idempotency key; forgotten once nobody holds or awaits it."""
        name = (kiosk_id, key)
        lock, users = self._key_locks.get(name, (asyncio.Lock(), 0))
        self._key_locks[name] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._key_locks[name]
            if users <= 1:
                del self._key_locks[name]
            else:
                self._key_locks[name] = (lock, users - 1)

    async def _render(self, request: RenderRequest) -> tuple[bytes, int]:
        """One copy's PDF: in the worker processes when there are any, else in a thread."""
        if self._render_processes <= 0:
            return await asyncio.to_thread(render, request)
        if self._render_pool is None:
            self._render_pool = concurrent.futures.ProcessPoolExecutor(
                self._render_processes, mp_context=multiprocessing.get_context("forkserver"),
                initializer=os.nice, initargs=(RENDER_NICENESS,))
        return await asyncio.get_running_loop().run_in_executor(self._render_pool, render, request)

    def _new_verification_number(self, taken: set[str]) -> str:
        store = self._require_store()
        while True:
            digits = f"{secrets.randbelow(10**16):016d}"
            number = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
            if number not in taken and not store.number_taken(number):
                return number


# The client's calls whose answer `lose_answer_next` can lose (drivers/issuance_server/client.py's names):
# those that change what the server holds, where a lost answer leaves the booth unsure what happened.
LOSABLE_CALLS: dict[str, tuple[str, str]] = {
    "reserve": ("POST", f"{API}/issuances"),
    "commit": ("POST", API + "/issuances/{key}/commit"),
    "void": ("POST", API + "/issuances/{key}/void"),
    "order_delivery": ("POST", f"{API}/deliveries"),
    "confirm_delivery": ("POST", API + "/deliveries/{key}/confirm"),
    "cancel_delivery": ("POST", API + "/deliveries/{key}/cancel"),
}


def _queue_fault(queue: deque[int], name: str, value: int, bounds: tuple[int, int], count: int) -> None:
    """Queue `value` for the next `count` reservation answers; bounded, so a control cannot freeze the simulator."""
    low, high = bounds
    if not low <= value <= high or not 1 <= count <= MAX_FAULT_COUNT:
        raise ValueError(f"{name} {low}..{high}, count 1..{MAX_FAULT_COUNT}")
    queue.extend([value] * count)


def _forged_pdf(pages: int) -> bytes:
    """`%PDF-`, then bytes that only look like a page tree claiming `pages` pages."""
    return (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Pages /Count " + str(pages).encode()
            + b" >>\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")


def server_ssl_context(paths: PkiPaths) -> ssl.SSLContext:
    """TLS 1.2 with a client certificate from our CA required (mutual TLS)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(paths.ca_cert))
    context.verify_mode = ssl.CERT_REQUIRED
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # Capped at 1.2 on purpose: under TLS 1.3 the server checks the client certificate after the
    # client has finished its handshake, and asyncio's SSL transport aborts without flushing the
    # alert, so a refused kiosk would only see a reset on its first read, indistinguishable from a
    # dropped connection. Under 1.2 the refusal happens inside the handshake and the kiosk reports it.
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(paths.server_cert), str(paths.server_key))
    return context


def _find_resident(number: bytes) -> Resident | None:
    try:
        text = number.decode("ascii")
    except UnicodeDecodeError:
        return None
    if len(text) > 20:
        return None
    return by_number(text)


def _error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    response = json_answer({"error": code, "message": message}, status=status)
    response.headers.update(headers or {})
    return response


def _http_code(status: int) -> str:
    return {404: "not-found", 405: "method-not-allowed", 413: "request-too-large"}.get(
        status, f"http-{status}"
    )


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the TCP connection without a byte of answer, as a crashed proxy would."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)  # never sent: aiohttp sees the closed transport and discards it


async def _malformed(request: web.Request, response: web.StreamResponse, kind: str) -> web.StreamResponse:
    body = response.body if isinstance(response, web.Response) and isinstance(response.body, bytes) else b"{}"
    if kind == "truncated":
        return web.Response(body=body[: max(1, len(body) // 2)], content_type="application/json")
    if kind == "not-json":
        return web.Response(body=b"\x00\xffnot json at all{", content_type="application/json")
    if kind == "html":
        return web.Response(text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
    if kind == "wrong-shape":
        return web.Response(body=b'[1, "two", {"three": null}]', content_type="application/json")
    stream = web.StreamResponse(headers={"Content-Type": "application/json"})
    await stream.prepare(request)  # chunked: the client learns the size only by reading
    chunk = b" " * 65536
    with contextlib.suppress(ConnectionError):
        for _ in range(OVERSIZED_BYTES // len(chunk) + 1):
            await stream.write(chunk)
        await stream.write_eof()
    return stream
