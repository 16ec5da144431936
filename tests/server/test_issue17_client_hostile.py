"""Issue 17's new answers from a hostile server (pickup, notices, deliveries, mobile ID): whatever comes
back, the client raises only its own typed errors, and the untouched answers parse."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from one_answer_server import OneAnswerServer, json_values

from common.clock import MonotonicClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerError
from simulators.server.pki import PkiPaths

VALID: dict[str, dict[str, Any]] = {
    "lookup_pickup": {"document": "resident_copy", "copies": 1, "fee_total": 0, "needs_identity": True,
                      "expires_at": "2026-12-13T10:00:00+09:00"},
    "send_notice": {"notice_id": "NTC-1", "accepted_at": "2026-12-06T10:00:00+09:00", "state": "queued"},
    "order_delivery": {"order_id": "DLV-1", "tracking_code": "604112345678", "fee_total": 3700, "delivery_fee": 3500,
                       "state": "pending", "hold_seconds": 900},
    "start_mobile_id": {"trxcode": "0f3a9c5e7b1d4f08", "qr": "eyJjbWQiOiIyMDAifQ", "expires_in": 180},
    "poll_mobile_id": {"state": "verified", "token": "t0ken", "exempt": False, "expires_in": 300},
}


@pytest.fixture
async def hostile(pki: PkiPaths) -> AsyncIterator[OneAnswerServer]:
    server = OneAnswerServer(pki)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def hostile_client(hostile: OneAnswerServer, make_config: Callable[..., ServerConfig]
                         ) -> AsyncIterator[IssuanceClient]:
    client = IssuanceClient(make_config(hostile.url, timeout=2.0, max_body_bytes=65536), clock=MonotonicClock(),
                            retries=1, retry_base=0.001)
    try:
        yield client
    finally:
        await client.close()


def _http(status: int, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


async def _invoke(client: IssuanceClient, call: str) -> object:
    if call == "lookup_pickup":
        return await client.lookup_pickup("20261123")
    if call == "send_notice":
        return await client.send_notice("notice-hostile-1", channel="sms", to="01012345678", kind="receipt",
                                        language="ko", facts={})
    if call == "order_delivery":
        return await client.order_delivery("delivery-hostile-1", "land_register", copies=1, parcel="1-1")
    if call == "start_mobile_id":
        return await client.start_mobile_id("mobile-id-hostile-1")
    return await client.poll_mobile_id("0f3a9c5e7b1d4f08")


@st.composite
def _answer(draw: st.DrawFn, call: str) -> bytes:
    body: Any = json.loads(json.dumps(VALID[call]))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(sorted(VALID[call])))
        if draw(st.booleans()):
            body[key] = draw(json_values)
        else:
            body.pop(key, None)
    if draw(st.integers(0, 5)) == 0:
        body = draw(json_values)
    return _http(draw(st.sampled_from([200, 200, 200, 404, 409, 500])), json.dumps(body).encode())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_hostile_answers_raise_only_typed_errors(hostile: OneAnswerServer, hostile_client: IssuanceClient,
                                                       data: st.DataObject) -> None:
    call = data.draw(st.sampled_from(sorted(VALID)))
    hostile.answer = data.draw(_answer(call))
    with contextlib.suppress(ServerError):
        await _invoke(hostile_client, call)


async def test_the_untouched_answers_parse(hostile: OneAnswerServer, hostile_client: IssuanceClient) -> None:
    for call, body in VALID.items():
        hostile.answer = _http(200, json.dumps(body).encode())
        assert await _invoke(hostile_client, call) is not None, call
