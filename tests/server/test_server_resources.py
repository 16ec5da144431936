"""Parcel search, pickups by code, cash settlements and clock skew: the kiosk's client against the
server simulator over real HTTPS with mutual TLS."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from one_answer_server import OneAnswerServer, json_values
from pypdf import PdfReader

from common.clock import KST, MonotonicClock, VirtualClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerError, ServerRejected
from simulators import residents
from simulators.server import ServerSimulator
from simulators.server.parcels import MAX_MAIN
from simulators.server.pki import PkiPaths

DEMO = residents.resident(0)
BORAM = "세종특별자치시 보람동"  # the kiosk's default district (config/kiosk.toml)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def identify(client: IssuanceClient, index: int = 0) -> str:
    who = residents.resident(index)
    result = await client.verify_identity(who.number, residents.captured_template(index, 1, "zfm"), "zfm")
    assert result.token
    return result.token


# --- parcels -------------------------------------------------------------------------------------


async def test_a_lot_in_the_district_is_found_with_its_buildings(client: IssuanceClient) -> None:
    found = await client.search_parcels(BORAM, "123-4")
    assert len(found) == 1
    parcel = found[0]
    assert (parcel.district, parcel.lot) == (BORAM, "123-4")
    assert parcel.reference == "세종특별자치시 보람동 123-4"
    assert parcel.parcel_id.endswith("101230004")  # PNU: ordinary land, 본번 0123, 부번 0004
    assert parcel.address == "세종특별자치시 한누리대로 246-4"
    assert parcel.area_m2 > 0
    assert parcel.land_category
    assert all(b.floors >= 1 and b.name for b in parcel.buildings)
    assert await client.search_parcels(BORAM, "123-4") == found  # deterministic
    # People type the short city name, or only the 동.
    assert await client.search_parcels("세종시 보람동", "123-4") == found
    assert await client.search_parcels("보람동", "123-4") == found


async def test_lots_beyond_the_generator_and_unknown_districts_find_nothing(client: IssuanceClient) -> None:
    assert await client.search_parcels(BORAM, str(MAX_MAIN))
    assert await client.search_parcels(BORAM, str(MAX_MAIN + 1)) == []
    assert await client.search_parcels("세종특별자치시 없는동", "1") == []
    with pytest.raises(ValueError, match="lot"):
        await client.search_parcels(BORAM, "12a")  # never sent


async def test_search_by_address_and_bad_queries(server: ServerSimulator, mtls_context: ssl.SSLContext) -> None:
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url) as http:
        by_address = await http.get("/v1/parcels", params={"address": "세종시 한누리대로 2130"})
        odd = await http.get("/v1/parcels", params={"address": "한누리대로 2131"})
        neither = await http.get("/v1/parcels", params={"district": BORAM})
        both = await http.get("/v1/parcels", params={"address": "한누리대로 2", "lot": "1"})
        bad_lot = await http.get("/v1/parcels", params={"district": BORAM, "lot": "0-1"})
    assert by_address.status_code == 200
    [parcel] = by_address.json()["parcels"]
    assert (parcel["district"], parcel["lot"]) == (BORAM, "1065")
    assert (odd.status_code, odd.json()["error"]) == (404, "parcel-not-found")
    assert [r.json()["error"] for r in (neither, both, bad_lot)] == ["bad-request", "bad-request", "bad-lot"]


async def test_a_register_for_a_parcel_that_does_not_exist_is_refused(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    land = await client.reserve(
        new_key(), "land_register", options=[], copies=1, token=None, parcel=f"{BORAM} 123-4"
    )
    assert f"{BORAM} 123-4" in pdf_text(land.documents[0].pdf)
    for missing in (f"{BORAM} {MAX_MAIN + 1}", "세종특별자치시 없는동 1", "아무 데나"):
        with pytest.raises(ServerRejected) as refused:
            await client.reserve(new_key(), "building_register", options=[], copies=1, token=None, parcel=missing)
        assert (refused.value.status, refused.value.reason) == (404, "parcel-not-found")
    assert server.stats()["reservations"] == 1


# --- pickups -------------------------------------------------------------------------------------


async def test_a_prepaid_online_reservation_prints_once_with_its_code(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    code = server.pickups.reserve_online(0, "resident_copy", copies=2)
    assert len(code) == 8
    assert code.isdigit()
    pickup = await client.lookup_pickup(code)
    assert (pickup.document, pickup.copies, pickup.fee_total, pickup.needs_identity) == ("resident_copy", 2, 0, True)
    assert pickup.expires_at > dt.datetime.now(KST)

    with pytest.raises(ServerRejected) as no_finger:
        await client.reserve_pickup(code, new_key())
    assert (no_finger.value.status, no_finger.value.reason) == (401, "identity-required")
    with pytest.raises(ServerRejected) as stranger:
        await client.reserve_pickup(code, new_key(), token=await identify(client, 4))
    assert (stranger.value.status, stranger.value.reason) == (403, "pickup-other-resident")

    key = new_key()
    token = await identify(client)
    reservation = await client.reserve_pickup(code, key, token=token)
    assert reservation.fee_total == 0
    assert len(reservation.documents) == 2
    assert DEMO.name in pdf_text(reservation.documents[0].pdf)
    assert await client.reserve_pickup(code, key, token=token) == reservation  # a retry is a replay
    await client.commit(key, pages_printed=2, payment_ref="prepaid")

    for attempt in (client.lookup_pickup(code), client.reserve_pickup(code, new_key(), token=token)):
        with pytest.raises(ServerRejected) as used:
            await attempt
        assert (used.value.status, used.value.reason) == (409, "pickup-used")
    [record] = server.issuances()
    assert (record["document"], record["state"], record["copies"]) == ("resident_copy", "committed", 2)


async def test_a_voided_pickup_can_be_printed_again_elsewhere(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    code = server.pickups.reserve_online(1, "local_tax", prepaid=False)
    token = await identify(client, 1)
    first = new_key()
    assert (await client.reserve_pickup(code, first, token=token)).fee_total == 0  # local_tax is free
    with pytest.raises(ServerRejected) as held:
        await client.lookup_pickup(code)  # another kiosk while this one prints
    assert held.value.reason == "pickup-used"
    await client.void(first, reason="a4-jam")  # nothing was handed out: the code is good again
    assert (await client.lookup_pickup(code)).document == "local_tax"
    second = new_key()
    await client.reserve_pickup(code, second, token=token)
    await client.commit(second, pages_printed=1, payment_ref="cash:0")
    states = {p["code"]: p["state"] for p in server.pickups.pickups()}
    assert states == {code: "used"}


async def test_unpaid_register_pickup_needs_no_identity_and_charges_the_fee(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    code = server.pickups.reserve_online(2, "land_register", copies=2, prepaid=False, parcel=f"{BORAM} 7")
    pickup = await client.lookup_pickup(code)
    assert (pickup.fee_total, pickup.needs_identity) == (1000, False)
    reservation = await client.reserve_pickup(code, new_key())
    assert reservation.fee_total == 1000
    assert f"{BORAM} 7" in pdf_text(reservation.documents[1].pdf)


async def test_unknown_and_expired_codes_are_refused(client: IssuanceClient, server: ServerSimulator) -> None:
    expired = server.pickups.reserve_online(0, "resident_abstract", valid_for_s=0)
    with pytest.raises(ServerRejected) as gone:
        await client.lookup_pickup(expired)
    assert (gone.value.status, gone.value.reason) == (410, "pickup-expired")
    unknown = next(f"{n:08d}" for n in range(10**8) if f"{n:08d}" != expired)
    with pytest.raises(ServerRejected) as missing:
        await client.lookup_pickup(unknown)
    assert (missing.value.status, missing.value.reason) == (404, "pickup-not-found")
    with pytest.raises(ValueError, match="8 digits"):
        await client.lookup_pickup("1234")


async def test_pickup_key_cannot_be_reused_for_another_request(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    key = new_key()
    await client.reserve(key, "land_register", options=[], copies=1, token=None, parcel=f"{BORAM} 1")
    code = server.pickups.reserve_online(3, "land_register", parcel=f"{BORAM} 2")
    with pytest.raises(ServerRejected) as reused:
        await client.reserve_pickup(code, key)
    assert reused.value.reason == "idempotency-key-reused"
    assert (await client.lookup_pickup(code)).copies == 1  # the refused attempt did not use the code


# --- settlements ---------------------------------------------------------------------------------


async def test_settlement_records_the_difference_and_flags_it(
    client: IssuanceClient, server: ServerSimulator, clock: VirtualClock, new_key: Callable[[], str]
) -> None:
    journal = {"coin:100": 40, "coin:500": 6, "bill:1000": 12}
    exact = await client.settle_cash(new_key(), journal, journal)
    assert (exact.difference_won, exact.accepted, exact.flagged) == (0, True, False)
    short = await client.settle_cash(new_key(), {"coin:100": 38, "coin:500": 6, "bill:1000": 12}, journal)
    assert (short.difference_won, short.accepted, short.flagged) == (-200, True, True)
    records = server.settlements.settlements()
    assert [r["difference_won"] for r in records] == [0, -200]
    assert records[1]["flagged"] is True
    assert records[1]["journal_won"] == 4000 + 3000 + 12000
    assert dt.datetime.fromisoformat(records[0]["emptied_at"]) == clock.now()


async def test_settlement_is_idempotent_by_key(
    client: IssuanceClient, server: ServerSimulator, clock: VirtualClock, new_key: Callable[[], str]
) -> None:
    key = new_key()
    counted, journal = {"bill:5000": 2}, {"bill:5000": 1}
    server.drop_next(after_handler=True)  # recorded, then the answer was lost: the retry replays
    first = await client.settle_cash(key, counted, journal)
    await clock.advance(60)
    assert await client.settle_cash(key, counted, journal) == first
    assert len(server.settlements.settlements()) == 1
    with pytest.raises(ServerRejected) as reused:
        await client.settle_cash(key, {"bill:5000": 3}, journal)
    assert (reused.value.status, reused.value.reason) == (409, "idempotency-key-reused")


async def test_settlement_refuses_unknown_denominations(
    server: ServerSimulator, mtls_context: ssl.SSLContext, client: IssuanceClient
) -> None:
    body = {"idempotency_key": "settle-0001", "counted": {"coin:5": 1}, "journal": {},
            "emptied_at": "2026-11-23T14:00:00+09:00"}
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url) as http:
        refused = await http.post("/v1/settlements", json=body)
        naive = await http.post("/v1/settlements", json={**body, "counted": {}, "emptied_at": "2026-11-23T14:00"})
    assert (refused.status_code, refused.json()["error"]) == (400, "bad-denomination")
    assert (naive.status_code, naive.json()["error"]) == (400, "bad-request")
    with pytest.raises(ValueError, match="denomination"):
        await client.settle_cash("settle-0002", {"euro:1": 1}, {})
    assert server.settlements.settlements() == []


# --- clock skew ----------------------------------------------------------------------------------


async def test_a_kiosk_clock_hours_off_warns_once(
    server: ServerSimulator, make_config: Callable[..., ServerConfig], caplog: pytest.LogCaptureFixture
) -> None:
    wrong = VirtualClock(start=dt.datetime.now(KST) - dt.timedelta(hours=3))
    client = IssuanceClient(make_config(server.base_url), clock=wrong, retry_base=0.001)
    try:
        assert client.clock_skew_seconds is None
        with caplog.at_level(logging.INFO, logger="drivers.issuance_server.client"):
            await client.catalog()
            await client.heartbeat({})
            await client.search_parcels(BORAM, "1")
    finally:
        await client.close()
    assert client.clock_skew_seconds == pytest.approx(3 * 3600, abs=5)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "clock" in r.getMessage()]
    assert len(warnings) == 1


async def test_a_kiosk_clock_in_time_is_quiet(
    server: ServerSimulator, make_config: Callable[..., ServerConfig], caplog: pytest.LogCaptureFixture
) -> None:
    right = VirtualClock(start=dt.datetime.now(KST))
    client = IssuanceClient(make_config(server.base_url), clock=right, retry_base=0.001)
    try:
        with caplog.at_level(logging.INFO, logger="drivers.issuance_server.client"):
            await client.catalog()
    finally:
        await client.close()
    assert client.clock_skew_seconds is not None
    assert abs(client.clock_skew_seconds) < 5
    assert not [r for r in caplog.records if "clock" in r.getMessage()]


# --- hostile answers -----------------------------------------------------------------------------


@pytest.fixture
async def liar(
    pki: PkiPaths, make_config: Callable[..., ServerConfig]
) -> AsyncIterator[tuple[OneAnswerServer, IssuanceClient]]:
    server = OneAnswerServer(pki)
    url = await server.start()
    client = IssuanceClient(make_config(url, timeout=2.0, max_body_bytes=65536), clock=MonotonicClock(), retries=0)
    try:
        yield server, client
    finally:
        await client.close()
        await server.stop()


VALID: dict[str, dict[str, Any]] = {
    "parcels": {"parcels": [{"parcel_id": "3611011600101230004", "district": BORAM, "lot": "123-4",
                             "address": "세종특별자치시 한누리대로 246-4", "land_category": "대", "area_m2": 312.5,
                             "buildings": [{"building_id": "b-1", "name": "보람 빌딩", "floors": 5}]}]},
    "pickup": {"document": "resident_copy", "copies": 1, "fee_total": 0, "needs_identity": True,
               "expires_at": "2026-11-30T14:00:00+09:00"},
    "settle": {"settlement_id": "STL-1", "difference_won": -100, "accepted": True, "flagged": True},
    "help": {"help_request_id": "HLP-1", "received_at": "2026-11-23T14:00:01+09:00", "state": "received"},
    "bundle": {"bundle_id": "BDL-1", "received_at": "2026-11-23T14:00:01+09:00", "size": 22},
}
# A support bundle of 22 bytes (an empty tar.gz's size is what the "bundle" answer above claims).
BUNDLE = b"\x1f\x8b" + bytes(20)


@st.composite
def answers(draw: st.DrawFn, call: str) -> bytes:
    """A valid answer for `call` with fields replaced or dropped, or any JSON, under any Date header."""
    body: Any = json.loads(json.dumps(VALID[call]))
    inner = body["parcels"][0] if call == "parcels" else body
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(inner)))
        if draw(st.booleans()):
            inner[name] = draw(json_values)
        else:
            del inner[name]
    if draw(st.integers(0, 9)) == 0:
        body = draw(json_values)
    data = json.dumps(body).encode()
    date = draw(st.sampled_from(["Mon, 23 Nov 2026 05:00:00 GMT", "Mon, 23 Nov 9999 05:00:00 GMT", "yesterday",
                                 "Mon, 32 Nov 2026 99:00:00 -0000", ""]))
    status = draw(st.sampled_from([200, 200, 200, 404, 409, 410]))
    return (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nDate: {date}\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data


async def _invoke(client: IssuanceClient, call: str) -> object:
    if call == "parcels":
        return await client.search_parcels(BORAM, "123-4")
    if call == "pickup":
        return await client.lookup_pickup("12345678")
    if call == "help":
        return await client.request_help("help-hostile-1", screen="payment", language="ko")
    if call == "bundle":
        return await client.upload_support_bundle("bundle-hostile-1", BUNDLE, reason="server")
    return await client.settle_cash("settle-hostile-1", {"coin:100": 1}, {"coin:100": 2})


@settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_hostile_answers_to_the_new_calls_raise_only_typed_errors(
    liar: tuple[OneAnswerServer, IssuanceClient], data: st.DataObject
) -> None:
    server, client = liar
    call = data.draw(st.sampled_from(sorted(VALID)))
    server.answer = data.draw(answers(call))
    with contextlib.suppress(ServerError):
        await _invoke(client, call)


async def test_the_valid_answers_of_the_hostile_rig_parse(liar: tuple[OneAnswerServer, IssuanceClient]) -> None:
    server, client = liar
    for call in sorted(VALID):
        data = json.dumps(VALID[call]).encode()
        server.answer = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data
        assert await _invoke(client, call)


# --- help requests -------------------------------------------------------------------------------


async def test_help_request_reaches_staff_once_with_nothing_personal(
    client: IssuanceClient, server: ServerSimulator, clock: VirtualClock, new_key: Callable[[], str]
) -> None:
    key = new_key()
    server.drop_next(after_handler=True)  # recorded, then the answer was lost: the retry replays
    first = await client.request_help(key, screen="fingerprint", language="vi")
    assert first.help_request_id.startswith("HLP-")
    assert await client.request_help(key, screen="fingerprint", language="vi", requested_at=clock.now()) == first
    (record,) = server.help.help_requests()  # staff are paged once
    assert {k: record[k] for k in ("kiosk_id", "screen", "language")} == {
        "kiosk_id": "KIOSK-0001", "screen": "fingerprint", "language": "vi"}
    assert dt.datetime.fromisoformat(record["requested_at"]) == clock.now()
    assert set(record) == {"help_request_id", "kiosk_id", "key", "screen", "language", "requested_at", "received_at"}
    with pytest.raises(ServerRejected) as reused:
        await client.request_help(key, screen="payment", language="vi")
    assert (reused.value.status, reused.value.reason) == (409, "idempotency-key-reused")


async def test_help_request_names_only_its_own_booth_and_a_screen(
    server: ServerSimulator, mtls_context: ssl.SSLContext, client: IssuanceClient
) -> None:
    body = {"idempotency_key": "help-0001", "kiosk_id": "KIOSK-0002", "screen": "idle", "language": "ko",
            "requested_at": "2026-11-23T14:00:00+09:00"}
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url) as http:
        other = await http.post("/v1/help-requests", json=body)
        odd = await http.post("/v1/help-requests", json={**body, "kiosk_id": "KIOSK-0001", "screen": "../etc"})
        naive = await http.post("/v1/help-requests", json={**body, "kiosk_id": "KIOSK-0001",
                                                            "requested_at": "2026-11-23T14:00"})
    assert (other.status_code, other.json()["error"]) == (403, "kiosk-id-mismatch")
    assert (odd.status_code, odd.json()["error"]) == (400, "bad-request")
    assert (naive.status_code, naive.json()["error"]) == (400, "bad-request")
    with pytest.raises(ValueError, match="screen"):
        await client.request_help("help-0002", screen="Payment Screen", language="ko")
    with pytest.raises(ValueError, match="language"):
        await client.request_help("help-0003", screen="payment", language="korean")
    assert server.help.help_requests() == []


# --- support bundles ------------------------------------------------------------------------------


async def test_a_support_bundle_is_kept_once_and_another_under_its_key_is_refused(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    key = new_key()
    server.drop_next(after_handler=True)  # kept, then the answer was lost: the retry replays
    first = await client.upload_support_bundle(key, BUNDLE, reason="technician")
    assert first.bundle_id.startswith("BDL-") and first.size == len(BUNDLE)
    assert await client.upload_support_bundle(key, BUNDLE, reason="technician") == first
    (record,) = server.bundles.support_bundles()
    assert (record["kiosk_id"], record["reason"], record["size"]) == ("KIOSK-0001", "technician", len(BUNDLE))
    with pytest.raises(ServerRejected) as reused:
        await client.upload_support_bundle(key, BUNDLE + b"x", reason="technician")
    assert (reused.value.status, reused.value.reason) == (409, "idempotency-key-reused")
    with pytest.raises(ServerRejected) as not_gzip:
        await client.upload_support_bundle(new_key(), b"PK\x03\x04 a zip", reason="technician")
    assert (not_gzip.value.status, not_gzip.value.reason) == (400, "bad-request")
