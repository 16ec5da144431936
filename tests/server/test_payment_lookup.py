"""GET /v1/payments?session=: what one of this kiosk's sessions was charged, so a kiosk that never heard
an authorisation's answer (a power cut, a dropped connection) can find the approval and void it."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from card_chip_data import chip_data
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from common.clock import VirtualClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerRejected, ServerUnavailable
from simulators.server import ServerSimulator
from simulators.server.pki import PkiPaths

MASKED = "476173******0010"




def other_kiosk(pki: PkiPaths, directory: Path, kiosk_id: str) -> tuple[Path, Path]:
    """A client certificate for another kiosk, issued by the same central CA."""
    ca_key = serialization.load_pem_private_key(pki.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_cert = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kiosk_id)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{kiosk_id}.crt", directory / f"{kiosk_id}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)  # the client refuses a key others can read
    return cert_file, key_file


async def test_a_session_without_card_payments_lists_none(
    client: IssuanceClient, new_key: Callable[[], str]
) -> None:
    assert await client.session_payments(new_key()) == []


async def test_every_payment_of_the_session_is_listed_with_its_state_and_masked_pan_only(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    session, elsewhere = new_key(), new_key()
    server.payments.decline_next_payment()
    declined = await client.authorise_payment(session, amount=200, icc_data=await chip_data(200), masked_pan=MASKED)
    approved = await client.authorise_payment(session, amount=200, icc_data=await chip_data(200), masked_pan=MASKED)
    voided = await client.authorise_payment(session, amount=200, icc_data=await chip_data(200), masked_pan=MASKED)
    await client.void_payment(voided.reference, reason="refund")
    await client.authorise_payment(elsewhere, amount=500, icc_data=await chip_data(500), masked_pan=MASKED)
    assert not declined.approved and approved.approved

    listed = await client.session_payments(session)

    assert [(p.state, p.amount, p.masked_pan) for p in listed] == [
        ("declined", 200, MASKED), ("approved", 200, MASKED), ("voided", 200, MASKED)]
    assert listed[1].reference == approved.reference and listed[2].reference == voided.reference
    assert [p.approved for p in listed] == [False, True, False]


async def test_an_approval_whose_answer_was_dropped_is_found_by_the_lookup(
    client: IssuanceClient, server: ServerSimulator, new_key: Callable[[], str]
) -> None:
    """The server charged the card but the kiosk heard nothing, on every retry: the lookup shows it."""
    session = new_key()
    server.drop_next(3, after_handler=True)
    with pytest.raises(ServerUnavailable):
        await client.authorise_payment(session, amount=200, icc_data=await chip_data(200), masked_pan=MASKED)

    (found,) = await client.session_payments(session)

    assert found.approved and found.amount == 200
    await client.void_payment(found.reference, reason="answer-lost")
    assert [p.state for p in await client.session_payments(session)] == ["voided"]


async def test_another_kiosk_never_sees_this_kiosks_payments(
    client: IssuanceClient, pki: PkiPaths, server: ServerSimulator, clock: VirtualClock, tmp_path: Path,
    *, make_config: Callable[..., ServerConfig], new_key: Callable[[], str]
) -> None:
    session = new_key()
    await client.authorise_payment(session, amount=200, icc_data=await chip_data(200), masked_pan=MASKED)
    cert_file, key_file = other_kiosk(pki, tmp_path, "KIOSK-0002")
    config = make_config(server.base_url, cert_file=cert_file, key_file=key_file, kiosk_id="KIOSK-0002")
    neighbour = IssuanceClient(config, clock=clock, retry_base=0.001)
    try:
        assert await neighbour.session_payments(session) == []  # same session id, other kiosk
    finally:
        await neighbour.close()
    assert len(await client.session_payments(session)) == 1


@pytest.mark.parametrize("query", [
    "", "?session=short", "?session=txn-0000001&session=txn-0000002", "?session=txn%200000001",
    "?session=txn-0000001&icc_data=00", "?session=" + "x" * 129,
])
async def test_a_malformed_lookup_is_refused_as_a_bad_request(
    server: ServerSimulator, mtls_context: ssl.SSLContext, query: str
) -> None:
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url, trust_env=False) as raw:
        answer = await raw.get(f"/v1/payments{query}")
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad-request"


async def test_the_lookup_answer_carries_no_chip_data(
    client: IssuanceClient, server: ServerSimulator, mtls_context: ssl.SSLContext, new_key: Callable[[], str]
) -> None:
    session = new_key()
    icc = await chip_data(200)
    await client.authorise_payment(session, amount=200, icc_data=icc, masked_pan=MASKED)
    async with httpx.AsyncClient(verify=mtls_context, base_url=server.base_url, trust_env=False) as raw:
        answer = await raw.get("/v1/payments", params={"session": session})
    body = answer.json()
    assert body["session"] == session
    assert set(body["payments"][0]) == {"reference", "state", "amount", "masked_pan"}
    assert icc not in answer.text and "4761739001010010" not in answer.text


async def test_a_partial_cancel_leaves_the_rest_charged_and_a_repeat_changes_nothing(
    client: IssuanceClient, new_key: Callable[[], str]
) -> None:
    """3 copies paid by card, 1 printed: 400 of 600 won given back (부분취소), 200 stays charged. A repeat
    (its first answer lost) is recognised by the balance it names; one naming another balance is refused."""
    session = new_key()
    paid = await client.authorise_payment(session, amount=600, icc_data=await chip_data(600), masked_pan=MASKED)

    await client.cancel_payment_part(paid.reference, amount=400, remaining=200, reason="copies-not-printed")
    await client.cancel_payment_part(paid.reference, amount=400, remaining=200, reason="copies-not-printed")

    assert [(p.state, p.amount) for p in await client.session_payments(session)] == [("approved", 200)]
    with pytest.raises(ServerRejected) as refused:
        await client.cancel_payment_part(paid.reference, amount=300, remaining=300, reason="wrong-balance")
    assert refused.value.status == 409 and refused.value.reason == "conflict"
    await client.void_payment(paid.reference, reason="refund")
    assert [p.state for p in await client.session_payments(session)] == ["voided"]
