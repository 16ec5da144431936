"""Issue 13: a refused server certificate says why. After a clock reset every certificate looks
expired (or not yet valid); "not from the pinned CA" would send the technician to replace
certificates that are fine. Each failure is presented by the hostile TLS rig (one_answer_server)
with a certificate made for it, signed by the pinned CA unless the test is about the CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from one_answer_server import OneAnswerServer

from common.clock import MonotonicClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerTLSError
from simulators.server.pki import PkiPaths

_NOW = dt.datetime.now(dt.UTC)
_DAY = dt.timedelta(days=1)


def _server_certificate(
    pki: PkiPaths, directory: Path, *, not_before: dt.datetime, not_after: dt.datetime, names: list[x509.GeneralName]
) -> tuple[Path, Path]:
    """A server certificate signed by the pinned CA, valid from `not_before` to `not_after`, for `names`."""
    ca_key = serialization.load_pem_private_key(pki.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_cert = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuance server")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = directory / "server.crt", directory / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


_LOCAL = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]


async def _refusal(pki: PkiPaths, make_config: Callable[..., ServerConfig], certificate: tuple[Path, Path],
                   **config: object) -> ServerTLSError:
    rig = OneAnswerServer(pki, certificate=certificate)
    await rig.start()
    client = IssuanceClient(make_config(rig.url, timeout=2.0, **config), clock=MonotonicClock(), retries=1,
                            retry_base=0.001)
    try:
        with pytest.raises(ServerTLSError) as refused:
            await client.catalog()
    finally:
        await client.close()
        await rig.stop()
    assert not refused.value.retryable
    return refused.value


async def test_an_expired_certificate_is_called_expired_and_the_clock_is_named(
    pki: PkiPaths, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    cert = _server_certificate(pki, tmp_path, not_before=_NOW - 30 * _DAY, not_after=_NOW - _DAY, names=_LOCAL)
    error = await _refusal(pki, make_config, cert)
    assert error.reason == "tls-server-expired"
    assert "expired" in str(error) and "clock" in str(error) and "pinned CA" not in str(error)
    assert f"{_NOW:%Y-%m-%d}" in str(error)  # the date the kiosk believes it is


async def test_a_certificate_not_valid_yet_points_at_the_clock(
    pki: PkiPaths, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    cert = _server_certificate(pki, tmp_path, not_before=_NOW + _DAY, not_after=_NOW + 30 * _DAY, names=_LOCAL)
    error = await _refusal(pki, make_config, cert)
    assert error.reason == "tls-server-not-yet-valid"
    assert "not valid yet" in str(error) and "clock" in str(error) and "pinned CA" not in str(error)


async def test_a_certificate_for_another_name_says_hostname(
    pki: PkiPaths, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    cert = _server_certificate(pki, tmp_path, not_before=_NOW - _DAY, not_after=_NOW + 30 * _DAY,
                               names=[x509.DNSName("issuance.other-city.example")])
    error = await _refusal(pki, make_config, cert)
    assert error.reason == "tls-server-wrong-name"
    assert "'127.0.0.1'" in str(error) and "base_url" in str(error) and "pinned CA" not in str(error)


async def test_a_certificate_from_another_ca_is_still_not_from_the_pinned_ca(
    pki: PkiPaths, foreign_pki: PkiPaths, make_config: Callable[..., ServerConfig]
) -> None:
    error = await _refusal(pki, make_config, (foreign_pki.server_cert, foreign_pki.server_key))
    assert error.reason == "tls-server-untrusted"
    assert "pinned CA" in str(error)
