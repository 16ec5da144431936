"""The kiosk's issuance client against the server simulator, over real HTTPS with mutual TLS."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import io
import ssl
import warnings
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pypdf import PdfReader

from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.issuance_server import (
    DocumentSignatureInvalid,
    IssuanceClient,
    ServerConfig,
    ServerProtocolError,
    ServerRejected,
    ServerTimeout,
    ServerTLSError,
    ServerUnavailable,
)
from simulators import residents
from simulators.server import ServerSimulator
from simulators.server.pki import PkiPaths

DEMO = residents.resident(0)
EXEMPT = residents.resident(7)  # index % 50 == 7: a basic-livelihood recipient


async def identify(client: IssuanceClient, index: int = 0) -> str:
    who = residents.resident(index)
    result = await client.verify_identity(who.number, residents.captured_template(index, 1, "zfm"), "zfm")
    assert result.verified
    assert result.token
    return result.token


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_catalog_offers_the_six_documents_with_kiosk_fees(client: IssuanceClient) -> None:
    catalog = await client.catalog()
    fees = {d.code: (d.fee, d.needs_identity) for d in catalog.documents}
    assert fees == {
        "resident_copy": (200, True),
        "resident_abstract": (200, True),
        "family_relations": (500, True),
        "local_tax": (0, True),
        "land_register": (500, False),
        "building_register": (500, False),
    }
    copy = catalog.get("resident_copy")
    assert copy is not None
    assert copy.title_ko == "주민등록표 등본"
    assert "include_past_addresses" in copy.options
    assert copy.max_copies >= 1
    assert copy.hours == ("00:00", "24:00")


async def test_enrolled_finger_is_verified_and_exemption_reported(client: IssuanceClient) -> None:
    result = await client.verify_identity(DEMO.number, residents.captured_template(0, 1, "zfm"), "zfm")
    assert result.verified
    assert result.token
    assert not result.exempt
    assert result.expires_in == 300
    # The other enrolled finger, a UniFinger template, a mutable buffer the caller can wipe.
    template = bytearray(residents.captured_template(7, 6, "sfm", capture=3))
    exempt = await client.verify_identity(EXEMPT.number, template, "sfm")
    assert exempt.verified
    assert exempt.exempt


async def test_stranger_finger_is_no_match_and_unknown_number_not_enrolled(client: IssuanceClient) -> None:
    stranger = await client.verify_identity(DEMO.number, residents.unknown_template("zfm"), "zfm")
    assert not stranger.verified
    assert stranger.token is None
    assert stranger.reason == "no-match"
    assert stranger.attempts_left == 4
    nobody = await client.verify_identity("991231-1999999", residents.captured_template(0, 1, "zfm"), "zfm")
    assert (nobody.verified, nobody.reason) == (False, "not-enrolled")


async def test_five_failures_lock_the_number_even_for_the_right_finger(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    who = residents.resident(3)
    reasons = []
    for capture in range(5):
        result = await client.verify_identity(
            who.number, residents.unknown_template("zfm", capture=capture), "zfm"
        )
        reasons.append(result.reason)
    assert reasons == ["no-match"] * 4 + ["locked"]
    right = await client.verify_identity(who.number, residents.captured_template(3, 1, "zfm"), "zfm")
    assert (right.verified, right.reason) == (False, "locked")
    assert server.stats()["locked"] == 1
    server.reset_locks()  # re-registered at the community centre
    assert (
        await client.verify_identity(who.number, residents.captured_template(3, 1, "zfm"), "zfm")
    ).verified


async def test_reserve_returns_signed_pdf_bearing_its_verification_number(
    client: IssuanceClient,
    server: ServerSimulator,
    pki: PkiPaths,
    mtls_context: ssl.SSLContext,
    new_key: Callable[[], str],
) -> None:
    token = await identify(client)
    reservation = await client.reserve(
        new_key(), "resident_copy", options=["include_past_addresses"], copies=2, token=token
    )
    assert reservation.fee_total == 400
    assert len(reservation.documents) == 2
    numbers = {d.verification_number for d in reservation.documents}
    assert len(numbers) == 2  # each copy can be checked on its own
    doc = reservation.documents[0]
    assert doc.pdf.startswith(b"%PDF-")
    assert doc.pages == 1
    signing = serialization.load_pem_public_key(pki.signing_public.read_bytes())
    assert isinstance(signing, Ed25519PublicKey)
    text = pdf_text(doc.pdf)
    assert doc.verification_number in text
    assert DEMO.name in text
    assert DEMO.masked_number in text
    assert DEMO.number not in text  # the full number never reaches paper
    # Anyone holding the paper can check it: genuine, and the hash is of these very bytes.
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url) as http:
        check = (await http.get(f"/v1/documents/verify/{doc.verification_number}")).json()
        missing = await http.get("/v1/documents/verify/0000-0000-0000-0000")
    assert check["genuine"] is True
    assert check["sha256"] == hashlib.sha256(doc.pdf).hexdigest()
    assert missing.status_code == 404


async def test_exempt_resident_pays_nothing_and_registers_need_a_parcel(
    client: IssuanceClient, new_key: Callable[[], str]
) -> None:
    token = await identify(client, 7)
    free = await client.reserve(new_key(), "family_relations", options=["detailed"], copies=1, token=token)
    assert free.fee_total == 0
    land = await client.reserve(
        new_key(), "land_register", options=[], copies=1, token=None, parcel="세종특별자치시 한누리대로 2130"
    )
    assert land.fee_total == 500
    assert "한누리대로 2130" in pdf_text(land.documents[0].pdf)
    with pytest.raises(ServerRejected) as no_parcel:
        await client.reserve(new_key(), "building_register", options=[], copies=1, token=None)
    assert no_parcel.value.reason == "parcel-required"
    with pytest.raises(ServerRejected) as no_identity:
        await client.reserve(new_key(), "resident_abstract", options=[], copies=1, token=None)
    assert (no_identity.value.status, no_identity.value.reason) == (401, "identity-required")


async def test_replayed_reserve_returns_the_same_issuance_once(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    token = await identify(client)
    key = new_key()
    first = await client.reserve(key, "resident_copy", options=[], copies=1, token=token)
    again = await client.reserve(key, "resident_copy", options=[], copies=1, token=token)
    assert again == first
    stats = server.stats()
    assert (stats["reservations"], stats["replays"]) == (1, 1)
    with pytest.raises(ServerRejected) as reused:
        await client.reserve(key, "resident_copy", options=[], copies=2, token=token)
    assert reused.value.reason == "idempotency-key-reused"


async def test_answer_lost_after_the_work_is_retried_into_the_same_issuance(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    token = await identify(client)
    server.drop_next(after_handler=True)  # the server reserved, then the connection died
    reservation = await client.reserve(new_key(), "resident_copy", options=[], copies=1, token=token)
    assert server.stats()["reservations"] == 1
    assert server.issuances()[0]["issuance_id"] == reservation.issuance_id


async def test_commit_and_void_are_idempotent_and_final(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    token = await identify(client)
    printed, spoiled = new_key(), new_key()
    await client.reserve(printed, "resident_copy", options=[], copies=1, token=token)
    await client.reserve(spoiled, "resident_copy", options=[], copies=1, token=token)
    await client.commit(printed, pages_printed=1, payment_ref="cash:200")
    await client.commit(printed, pages_printed=1, payment_ref="cash:200")
    await client.void(spoiled, reason="a4-jam")
    await client.void(spoiled, reason="a4-jam")
    stats = server.stats()
    assert (stats["reservations"], stats["committed"], stats["voided"]) == (2, 1, 1)
    with pytest.raises(ServerRejected) as late_void:
        await client.void(printed, reason="changed mind")
    assert (late_void.value.status, late_void.value.reason) == (409, "already-committed")
    with pytest.raises(ServerRejected) as late_commit:
        await client.commit(spoiled, pages_printed=1, payment_ref="cash:200")
    assert late_commit.value.reason == "already-voided"
    with pytest.raises(ServerRejected) as unknown:
        await client.commit(new_key(), pages_printed=1, payment_ref="cash:200")
    assert (unknown.value.status, unknown.value.reason) == (404, "unknown-issuance")
    by_key = {i["key"]: i for i in server.issuances()}
    assert by_key[printed]["payment_ref"] == "cash:200"
    assert by_key[spoiled]["void_reason"] == "a4-jam"


async def test_issuances_survive_a_server_restart(
    pki: PkiPaths,
    tmp_path: Path,
    clock: VirtualClock,
    make_config: Callable[..., ServerConfig],
    new_key: Callable[[], str],
) -> None:
    key = new_key()
    first = ServerSimulator(pki.root, tmp_path / "db.sqlite3")
    client = IssuanceClient(make_config(await first.start()), clock=clock, retry_base=0.001)
    try:
        reservation = await client.reserve(
            key, "land_register", options=[], copies=1, token=None, parcel="1-1"
        )
        await client.commit(key, pages_printed=1, payment_ref="card:123456****1234")
    finally:
        await client.close()
        await first.stop()
    second = ServerSimulator(pki.root, tmp_path / "db.sqlite3")
    client = IssuanceClient(make_config(await second.start()), clock=clock, retry_base=0.001)
    try:
        assert second.stats()["committed"] == 1
        replay = await client.reserve(key, "land_register", options=[], copies=1, token=None, parcel="1-1")
        assert replay.issuance_id == reservation.issuance_id
        await client.commit(key, pages_printed=1, payment_ref="card:123456****1234")
    finally:
        await client.close()
        await second.stop()


async def test_client_certificate_from_another_ca_is_refused(
    server: ServerSimulator,
    foreign_pki: PkiPaths,
    clock: VirtualClock,
    make_config: Callable[..., ServerConfig],
) -> None:
    config = make_config(server.base_url, cert_file=foreign_pki.client_cert, key_file=foreign_pki.client_key)
    client = IssuanceClient(config, clock=clock, retry_base=0.001)
    try:
        with pytest.raises(ServerTLSError) as refused:
            await client.catalog()
    finally:
        await client.close()
    assert refused.value.reason == "tls-handshake-failed"
    assert not refused.value.retryable


async def test_server_not_signed_by_the_pinned_ca_is_not_trusted(
    server: ServerSimulator,
    foreign_pki: PkiPaths,
    clock: VirtualClock,
    make_config: Callable[..., ServerConfig],
) -> None:
    client = IssuanceClient(make_config(server.base_url, ca_file=foreign_pki.ca_cert), clock=clock)
    try:
        with pytest.raises(ServerTLSError) as untrusted:
            await client.catalog()
    finally:
        await client.close()
    assert untrusted.value.reason == "tls-server-untrusted"


async def test_document_not_signed_by_the_pinned_key_is_refused(
    server: ServerSimulator,
    foreign_pki: PkiPaths,
    clock: VirtualClock,
    make_config: Callable[..., ServerConfig],
    new_key: Callable[[], str],
) -> None:
    config = make_config(server.base_url, signing_key_file=foreign_pki.signing_public)
    client = IssuanceClient(config, clock=clock)
    try:
        with pytest.raises(DocumentSignatureInvalid):
            await client.reserve(new_key(), "land_register", options=[], copies=1, token=None, parcel="1-1")
    finally:
        await client.close()


async def test_server_down_is_unavailable(
    pki: PkiPaths, tmp_path: Path, clock: VirtualClock, make_config: Callable[..., ServerConfig]
) -> None:
    sim = ServerSimulator(pki.root, tmp_path / "db.sqlite3")
    url = await sim.start()
    await sim.stop()
    client = IssuanceClient(make_config(url), clock=clock, retry_base=0.001)
    try:
        with pytest.raises(ServerUnavailable) as down:
            await client.catalog()
    finally:
        await client.close()
    assert down.value.reason == "connect-refused"


@pytest.mark.parametrize("kind", ["truncated", "not-json", "html", "wrong-shape", "oversized"])
async def test_malformed_answer_is_a_protocol_error(
    client: IssuanceClient, server: ServerSimulator, kind: str
) -> None:
    server.malformed_next(kind=kind)
    with pytest.raises(ServerProtocolError) as broken:
        await client.catalog()
    assert broken.value.reason in {"bad-json", "wrong-content-type", "bad-field", "oversized"}
    assert len((await client.catalog()).documents) == 6  # the next answer is fine again


async def test_maintenance_is_unavailable_with_retry_after_and_not_retried(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    server.maintenance(True, retry_after=120)
    with pytest.raises(ServerUnavailable) as closed:
        await client.heartbeat({})
    assert (closed.value.reason, closed.value.retry_after) == ("maintenance", 120)
    assert server.stats()["heartbeats"] == 0
    server.maintenance(False)
    assert await client.heartbeat({}) == []


async def test_server_errors_are_retried_only_for_idempotent_calls(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    server.fail_next(502, count=2)
    assert len((await client.catalog()).documents) == 6  # third attempt answers
    server.fail_next(500)
    with pytest.raises(ServerUnavailable) as once:
        await client.verify_identity(DEMO.number, residents.captured_template(0, 1, "zfm"), "zfm")
    assert once.value.reason == "injected-fault"
    assert server.stats()["identity_attempts"] == 0  # the failed attempt never reached the matcher
    server.fail_next(500, count=3)
    with pytest.raises(ServerUnavailable):
        await client.catalog()  # three attempts, all failed


async def test_client_errors_are_rejections_with_the_server_reason(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    server.fail_next(403)
    with pytest.raises(ServerRejected) as rejected:
        await client.catalog()
    assert (rejected.value.status, rejected.value.reason) == (403, "injected-fault")


async def test_silent_server_times_out_on_the_kiosk_clock(
    client: IssuanceClient, server: ServerSimulator, clock: VirtualClock
) -> None:
    server.latency(60)
    call = asyncio.create_task(client.catalog())
    for _ in range(3):  # first attempt and two retries, each 5 s on the kiosk's clock
        await clock.advance(5.0)
        await asyncio.sleep(0.05)  # the real-time retry pause
    with pytest.raises(ServerTimeout) as slow:
        await call
    assert isinstance(slow.value, TimeoutError)
    assert clock.monotonic() == pytest.approx(15.0)


async def test_heartbeat_reports_devices_and_receives_commands(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    server.queue_command("reload_catalog")
    printer = DeviceStatus("a4", DeviceState.ONLINE).with_supply("paper", SupplyLevel.LOW)
    assert await client.heartbeat({"a4": printer}) == ["reload_catalog"]
    assert await client.heartbeat({"a4": printer}) == []
    seen = server.heartbeats()["KIOSK-0001"]["statuses"]["a4"]
    assert seen == {"state": "online", "reason": "", "supplies": {"paper": "low"}}


async def test_deadline_during_tls_handshake_leaves_no_socket_behind(
    clock: VirtualClock, make_config: Callable[..., ServerConfig]
) -> None:
    """A server that accepts TCP and never speaks TLS: the kiosk gives up on its clock and closes."""
    accepted: list[asyncio.StreamWriter] = []
    connected = asyncio.Event()

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        connected.set()
        await reader.read()  # until the kiosk hangs up

    listener = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    client = IssuanceClient(make_config(f"https://127.0.0.1:{port}"), clock=clock, retries=0)
    try:
        call = asyncio.create_task(client.catalog())
        await asyncio.wait_for(connected.wait(), 5.0)
        await clock.advance(5.0)
        with pytest.raises(ServerTimeout):
            await call
    finally:
        await client.close()
        listener.close()
        for writer in accepted:
            writer.close()
        await listener.wait_closed()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
