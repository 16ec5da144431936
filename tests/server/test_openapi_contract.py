"""docs/openapi.yaml against the real server simulator: a bounded schemathesis run over mutual TLS.

Every operation gets generated requests (valid and invalid, fixed seed, derandomized) and each
answer must be documented: no 5xx, a body that validates against the documented schema for its
status, and the documented content type. Generated data cannot reach the states that need a
sealed fingerprint or an earlier reservation (a random `Sealed` never opens; a random key names no
issuance), so those operations answer documented 4xx there, and `test_stateful_walk_conforms`
drives the full path (identify → reserve → commit → void → verify document) with real sealed
fields and validates each answer with the same checks.

schemathesis's calls are synchronous (requests), so the simulator runs on its own event loop in a
background thread for the module and is stopped cleanly at the end.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from common.template_crypto import seal
from simulators import residents
from simulators.server import ServerSimulator
from simulators.server.pki import PkiPaths

T = TypeVar("T")

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# 15 fuzzed cases per operation (plus the coverage phase's boundary cases, ~50 an operation) keeps
# the whole file near 13 s on 2 cores; the seed and derandomize make every run send the same requests.
MAX_EXAMPLES = 15
SEED = 20_240_601
# Module-wide bound for one start/stop of the simulator in its thread.
START_STOP_TIMEOUT_S = 30.0

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "mode": "all"},
        # Examples (the file's own), coverage (each field's boundaries, wrong types, other methods and
        # media types) and fuzzing. No stateful phase: the file declares no links, and the walk below
        # covers identify → reserve → commit/void by hand.
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_path(OPENAPI, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,  # a method the file does not declare: 405 with Allow (RFC 9110 §15.5.6)
]


class _ServerThread:
    """The simulator on its own event loop in a daemon thread; `run` executes a coroutine there."""

    def __init__(self, pki: PkiPaths, db_path: Path) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="server-simulator", daemon=True)
        self._pki = pki
        self._db_path = db_path
        self.sim: ServerSimulator | None = None
        self.base_url = ""

    def run(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return asyncio.run_coroutine_threadsafe(factory(), self._loop).result(START_STOP_TIMEOUT_S)

    def start(self) -> str:
        self._thread.start()

        async def _start() -> str:
            self.sim = ServerSimulator(self._pki.root, self._db_path)
            return await self.sim.start()

        self.base_url = self.run(_start)
        return self.base_url

    def stop(self) -> None:
        async def _stop() -> None:
            if self.sim is not None:
                await self.sim.stop()
            await self._loop.shutdown_asyncgens()
            await self._loop.shutdown_default_executor()

        try:
            self.run(_stop)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(START_STOP_TIMEOUT_S)
            self._loop.close()


@dataclass
class Live:
    """What a synchronous test needs to reach the simulator over mutual TLS."""

    server: _ServerThread
    session: requests.Session
    transport: dict[str, Any]  # base_url, verify (the pinned CA), cert (the kiosk's certificate)

    def call(self, case: schemathesis.Case) -> schemathesis.Response:
        return case.call_and_validate(session=self.session, checks=CHECKS, **self.transport)


@pytest.fixture(scope="module")
def live(pki: PkiPaths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = _ServerThread(pki, tmp_path_factory.mktemp("contract") / "server.sqlite3")
    base_url = server.start()
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    try:
        yield Live(
            server,
            session,
            {
                "base_url": base_url,
                "verify": str(pki.ca_cert),
                "cert": (str(pki.client_cert), str(pki.client_key)),
            },
        )
    finally:
        session.close()
        server.stop()


@pytest.fixture(autouse=True)
def connections_closed_after_each_test(live: Live) -> Iterator[None]:
    """The module's session keeps its connection alive between calls; not between tests, so a test
    leaves no socket open behind it (tests/conftest.py's leak check) and the next one opens its own."""
    yield
    live.session.close()  # the session stays usable: it opens a new connection on the next call


@schema.parametrize()
def test_every_operation_answers_as_documented(case: schemathesis.Case, live: Live) -> None:
    live.call(case)


def _case(method: str, path: str, **kwargs: Any) -> schemathesis.Case:
    return schema[path][method].Case(**kwargs)


def test_stateful_walk_conforms(live: Live, pki: PkiPaths) -> None:
    """The states generated data cannot reach, with real sealed fields: each answer must be documented."""
    identity_pem = pki.identity_public.read_bytes()
    aad = b"KIOSK-0001"  # the CN of the session PKI's client certificate

    def identity_body(template: bytes, index: int = 0) -> dict[str, Any]:
        return {
            "resident_number_ciphertext": seal(identity_pem, residents.resident(index).number.encode(), aad),
            "template_ciphertext": seal(identity_pem, template, aad),
            "template_format": "zfm",
        }

    finger = residents.captured_template(0, 1, "zfm")
    verified = live.call(_case("POST", "/v1/identity/verify", body=identity_body(finger)))
    token = verified.json()["token"]
    stranger = residents.unknown_template("zfm")
    refused = live.call(_case("POST", "/v1/identity/verify", body=identity_body(stranger, 1)))
    assert refused.json()["reason"] == "no-match"

    key = f"txn-{uuid.uuid4().hex}"
    reserve = {"idempotency_key": key, "document": "resident_copy", "options": [], "copies": 1,
               "verification_token": token}
    reserved = live.call(_case("POST", "/v1/issuances", body=reserve))
    replayed = live.call(_case("POST", "/v1/issuances", body=reserve))
    assert replayed.headers["idempotent-replayed"] == ["true"]  # schemathesis: lower-case names, lists
    assert replayed.json()["issuance_id"] == reserved.json()["issuance_id"]
    reused = live.call(_case("POST", "/v1/issuances", body={**reserve, "copies": 2}))
    assert reused.status_code == 409

    number = reserved.json()["documents"][0]["verification_number"]
    too_many = _case("POST", "/v1/issuances/{key}/commit", path_parameters={"key": key},
                     body={"pages_printed": 2**64, "payment_ref": "cash:200"})
    assert live.call(too_many).status_code == 400  # was a 500: SQLite's integers stop at 2**63
    commit = _case("POST", "/v1/issuances/{key}/commit", path_parameters={"key": key},
                   body={"pages_printed": 1.0, "payment_ref": "cash:200"})  # 1.0 is a JSON Schema integer
    assert live.call(commit).json()["state"] == "committed"
    void = _case("POST", "/v1/issuances/{key}/void", path_parameters={"key": key}, body={"reason": "a4-jam"})
    assert live.call(void).json()["error"] == "already-committed"
    check = live.call(_case("GET", "/v1/documents/verify/{verification_number}",
                            path_parameters={"verification_number": number}))
    assert check.json()["genuine"] is True

    register_key = f"txn-{uuid.uuid4().hex}"
    live.call(_case("POST", "/v1/issuances",
                    body={"idempotency_key": register_key, "document": "land_register", "parcel": "세종시 어진동 1"}))
    voided = live.call(_case("POST", "/v1/issuances/{key}/void", path_parameters={"key": register_key},
                             body={"reason": "payment-cancelled"}))
    assert voided.json()["state"] == "voided"

    # A card payment the kiosk never heard the answer to is found by listing its session's payments
    # (generated sessions name none, so the non-empty list is reached only here).
    session = f"txn-{uuid.uuid4().hex}"
    payment = {"session": session, "amount": 200, "icc_data": "9F2608" + "00" * 8, "masked_pan": "476173******0010"}
    answer = live.call(_case("POST", "/v1/payments/authorise", body=payment))
    assert answer.json()["decline_reason"] == "cryptogram-invalid"  # not the simulated card's cryptogram
    listed = live.call(_case("GET", "/v1/payments", query={"session": session}))
    assert [(p["state"], p["masked_pan"]) for p in listed.json()["payments"]] == [("declined", "476173******0010")]


def test_help_request_walk_conforms(live: Live) -> None:
    """A help request received, replayed under its key, and refused for another booth, each as documented."""
    body = {"idempotency_key": f"help-{uuid.uuid4().hex}", "kiosk_id": "KIOSK-0001", "screen": "payment",
            "language": "zh", "requested_at": "2026-12-06T10:15:00+09:00"}
    received = live.call(_case("POST", "/v1/help-requests", body=body))
    assert received.json()["state"] == "received"
    replayed = live.call(_case("POST", "/v1/help-requests", body=body))
    assert replayed.headers["idempotent-replayed"] == ["true"]
    assert replayed.json()["help_request_id"] == received.json()["help_request_id"]
    other = live.call(_case("POST", "/v1/help-requests", body={**body, "kiosk_id": "KIOSK-0002"}))
    assert other.json()["error"] == "kiosk-id-mismatch"


def test_notice_walk_conforms(live: Live) -> None:
    """Issue 17: a text-message notice queued, replayed under its key, and a recipient that is not a
    mobile number refused, each as documented."""
    body = {"idempotency_key": f"notice-{uuid.uuid4().hex}", "channel": "sms", "to": "01012345678",
            "kind": "receipt", "language": "ko",
            "facts": {"document": "resident_copy", "copies": 1, "fee_kept": 200,
                      "verification_numbers": ["1234-5678-9012-3456"]}}
    queued = live.call(_case("POST", "/v1/notices", body=body))
    assert queued.json()["state"] == "queued"
    replayed = live.call(_case("POST", "/v1/notices", body=body))
    assert replayed.headers["idempotent-replayed"] == ["true"]
    assert replayed.json()["notice_id"] == queued.json()["notice_id"]
    wrong = live.call(_case("POST", "/v1/notices", body={**body, "idempotency_key": f"notice-{uuid.uuid4().hex}",
                                                          "to": "02-123-4567"}))
    assert wrong.json()["error"] == "bad-recipient"
