"""Whatever a server (or something pretending to be one) sends back, the client raises only its own
typed errors: a hostile answer must never crash the controller with a KeyError or a RecursionError."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from one_answer_server import OneAnswerServer, json_values

from common.clock import MonotonicClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerError, ServerProtocolError
from simulators.server.pki import PkiPaths


@pytest.fixture
async def hostile(pki: PkiPaths) -> AsyncIterator[OneAnswerServer]:
    server = OneAnswerServer(pki)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def hostile_client(
    hostile: OneAnswerServer, make_config: Callable[..., ServerConfig]
) -> AsyncIterator[IssuanceClient]:
    client = IssuanceClient(
        make_config(hostile.url, timeout=2.0, max_body_bytes=65536),
        clock=MonotonicClock(),
        retries=1,
        retry_base=0.001,
    )
    try:
        yield client
    finally:
        await client.close()


_PDF = base64.b64encode(b"%PDF-1.7 not really").decode()
# Well-formed answers for each call, so mutations reach the field checks and not only the JSON parser.
VALID: dict[str, dict[str, Any]] = {
    "catalog": {
        "version": 1,
        "documents": [
            {
                "code": "land_register",
                "title_ko": "토지대장",
                "title_en": "Land",
                "fee": 500,
                "needs_identity": False,
                "options": [],
                "max_copies": 5,
                "hours": {"start": "00:00", "end": "24:00"},
                "maintenance": [{"start": "23:50", "end": "00:30"}],
            }
        ],
    },
    "verify": {"verified": True, "token": "t0ken", "exempt": False, "expires_in": 300},
    "reserve": {
        "issuance_id": "ISS-1",
        "fee_total": 500,
        "documents": [
            {
                "pdf_b64": _PDF,
                "signature_b64": base64.b64encode(bytes(64)).decode(),
                "verification_number": "1234-5678-9012-3456",
                "pages": 1,
            }
        ],
    },
    "commit": {"issuance_id": "ISS-1", "state": "committed"},
    "void": {"issuance_id": "ISS-1", "state": "voided"},
    "heartbeat": {"commands": ["reload_catalog"]},
    "payments": {
        "session": "txn-hostile-1",
        "payments": [
            {"reference": "PAY-0123456789ABCDEF", "state": "approved", "amount": 200, "masked_pan": "476173******0010"},
            {"reference": "PAY-FEDCBA9876543210", "state": "voided", "amount": 200, "masked_pan": "****0010"},
        ],
    },
}



@st.composite
def mutated(draw: st.DrawFn, call: str) -> bytes:
    """A valid answer for `call` with some fields replaced, dropped, or the whole thing swapped."""
    body: Any = json.loads(json.dumps(VALID[call]))
    for _ in range(draw(st.integers(0, 3))):
        target = body
        while isinstance(target, dict | list) and target and draw(st.booleans()):
            child = target[
                draw(
                    st.sampled_from(
                        list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
                    )
                )
            ]
            if not isinstance(child, dict | list):
                break
            target = child
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target)))
            if draw(st.booleans()):
                target[key] = draw(json_values)
            else:
                del target[key]
        elif isinstance(target, list) and target:
            target[draw(st.integers(0, len(target) - 1))] = draw(json_values)
    if draw(st.integers(0, 9)) == 0:
        body = draw(json_values)
    return json.dumps(body).encode()


def http(status: int, content_type: str, body: bytes, *, declared: int | None = None) -> bytes:
    length = len(body) if declared is None else declared
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


@st.composite
def answers(draw: st.DrawFn, call: str) -> bytes:
    kind = draw(st.sampled_from(["mutated", "junk-body", "raw", "nested", "lying-length"]))
    status = draw(st.sampled_from([200, 200, 200, 201, 204, 301, 400, 404, 409, 429, 500, 503, 599]))
    content_type = draw(
        st.sampled_from(
            [
                "application/json",
                "application/json; charset=utf-8",
                "text/html",
                "application/octet-stream",
                "",
            ]
        )
    )
    if kind == "mutated":
        return http(status, content_type, draw(mutated(call)))
    if kind == "junk-body":
        return http(status, content_type, draw(st.binary(max_size=300)))
    if kind == "nested":
        # CPython's json gives up near the recursion limit (which Hypothesis raises while it runs).
        depth = draw(st.sampled_from([10, 1500, 20_000, 40_000]))
        return http(status, "application/json", b"[" * depth + b"]" * depth)
    if kind == "lying-length":
        body = draw(mutated(call))
        return http(status, content_type, body, declared=draw(st.integers(0, 10_000)))
    return draw(st.binary(max_size=400))  # not even HTTP


async def invoke(client: IssuanceClient, call: str) -> None:
    if call == "catalog":
        await client.catalog()
    elif call == "verify":
        await client.verify_identity("900101-1234567", b"\x01" * 512, "zfm")
    elif call == "reserve":
        await client.reserve("txn-hostile-1", "land_register", options=[], copies=1, token=None, parcel="1-1")
    elif call == "commit":
        await client.commit("txn-hostile-1", pages_printed=1, payment_ref="cash:500")
    elif call == "void":
        await client.void("txn-hostile-1", reason="a4-jam")
    elif call == "payments":
        await client.session_payments("txn-hostile-1")
    else:
        await client.heartbeat({"a4": "online"})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_hostile_answers_raise_only_typed_errors(
    hostile: OneAnswerServer, hostile_client: IssuanceClient, data: st.DataObject
) -> None:
    call = data.draw(st.sampled_from(sorted(VALID)))
    hostile.answer = data.draw(answers(call))
    with contextlib.suppress(ServerError):
        await invoke(hostile_client, call)


async def test_valid_answers_from_the_hostile_rig_parse(
    hostile: OneAnswerServer, hostile_client: IssuanceClient
) -> None:
    """The rig itself is sound: the unmutated answers are accepted (reserve fails only its signature)."""
    hostile.answer = http(200, "application/json", json.dumps(VALID["catalog"]).encode())
    assert (await hostile_client.catalog()).documents[0].code == "land_register"
    hostile.answer = http(200, "application/json", json.dumps(VALID["heartbeat"]).encode())
    assert await hostile_client.heartbeat({}) == ["reload_catalog"]
    hostile.answer = http(200, "application/json", json.dumps(VALID["payments"]).encode())
    listed = await hostile_client.session_payments("txn-hostile-1")
    assert [(p.state, p.amount, p.approved) for p in listed] == [("approved", 200, True), ("voided", 200, False)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pan=st.text(alphabet="0123456789*- ", min_size=0, max_size=24) | st.text(max_size=24))
async def test_a_payment_lookup_never_lets_a_card_number_through(
    hostile: OneAnswerServer, hostile_client: IssuanceClient, pan: str, caplog: pytest.LogCaptureFixture
) -> None:
    """What the lookup returns goes into the journal: a whole card number from the server must be
    refused, and not even quoted in the error or the log."""
    body = {"session": "txn-hostile-1",
            "payments": [{"reference": "PAY-0123456789ABCDEF", "state": "approved", "amount": 200, "masked_pan": pan}]}
    hostile.answer = http(200, "application/json", json.dumps(body).encode())
    caplog.clear()
    refusal = ""
    try:
        (payment,) = await hostile_client.session_payments("txn-hostile-1")
    except ServerProtocolError as exc:
        refusal = str(exc)
    else:
        assert sum(c.isdigit() for c in payment.masked_pan) <= 10
        assert "*" in payment.masked_pan
    digits = "".join(c for c in pan if c.isdigit())
    if len(digits) >= 12:  # long enough to be (part of) a card number
        assert digits not in refusal and digits not in caplog.text


async def test_a_lookup_answer_for_another_session_is_refused(
    hostile: OneAnswerServer, hostile_client: IssuanceClient
) -> None:
    hostile.answer = http(200, "application/json", json.dumps({**VALID["payments"], "session": "txn-other-9"}).encode())
    with pytest.raises(ServerProtocolError):
        await hostile_client.session_payments("txn-hostile-1")
