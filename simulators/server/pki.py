"""The simulated central system's keys and certificates, made once per checkout.

A real deployment receives these from the ministry's PKI; the simulator makes its own CA so the
kiosk's mutual-TLS and pinning code runs exactly as it would in the field. Private keys are written
0600 and never leave the PKI directory; the kiosk pins the CA, the signing key and the identity key.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_KIOSK_ID = "KIOSK-0001"

# Ten years: a simulator's PKI should never expire under a developer's feet; production
# certificates come from elsewhere with their own lifetimes.
_VALIDITY = dt.timedelta(days=3650)
# One hour back-dating absorbs clock skew between the machine that made the PKI and the test host.
_BACKDATE = dt.timedelta(hours=1)

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | x25519.X25519PrivateKey


@dataclass(frozen=True)
class PkiPaths:
    """Where each file of one PKI directory lives."""

    root: Path

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca-key.pem"

    @property
    def server_cert(self) -> Path:
        return self.root / "server-cert.pem"

    @property
    def server_key(self) -> Path:
        return self.root / "server-key.pem"

    @property
    def client_cert(self) -> Path:
        return self.root / "kiosk-cert.pem"

    @property
    def client_key(self) -> Path:
        return self.root / "kiosk-key.pem"

    @property
    def signing_key(self) -> Path:
        """Ed25519 private key the server signs issued PDFs with."""
        return self.root / "signing-key.pem"

    @property
    def signing_public(self) -> Path:
        """Its public half, which the kiosk pins."""
        return self.root / "signing-public.pem"

    @property
    def identity_key(self) -> Path:
        """X25519 private key that opens sealed resident numbers and templates."""
        return self.root / "identity-key.pem"

    @property
    def identity_public(self) -> Path:
        """Its public half, which the kiosk seals to."""
        return self.root / "identity-public.pem"

    def all(self) -> tuple[Path, ...]:
        return (
            self.ca_cert,
            self.ca_key,
            self.server_cert,
            self.server_key,
            self.client_cert,
            self.client_key,
            self.signing_key,
            self.signing_public,
            self.identity_key,
            self.identity_public,
        )

    def complete(self) -> bool:
        return all(p.is_file() for p in self.all())


def ensure_pki(root: Path, *, kiosk_id: str = DEFAULT_KIOSK_ID) -> PkiPaths:
    """The PKI in `root`, generated on first use and reused afterwards (synchronous: call via to_thread)."""
    paths = PkiPaths(root)
    if not paths.complete():
        generate_pki(root, kiosk_id=kiosk_id)
    return paths


def generate_pki(
    root: Path, *, kiosk_id: str = DEFAULT_KIOSK_ID, ca_name: str = "Civil Kiosk Simulator CA"
) -> PkiPaths:
    """Write a fresh CA, server and client certificates and the two server keys into `root`."""
    paths = PkiPaths(root)
    root.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - _BACKDATE

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name_x = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca_cert = (
        _builder(ca_name_x, ca_name_x, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        _leaf(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
            ca_cert,
            ca_key,
            server_key,
            now=now,
            usage=ExtendedKeyUsageOID.SERVER_AUTH,
        )
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = _leaf(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kiosk_id)]),
        ca_cert,
        ca_key,
        client_key,
        now=now,
        usage=ExtendedKeyUsageOID.CLIENT_AUTH,
    ).sign(ca_key, hashes.SHA256())

    signing = ed25519.Ed25519PrivateKey.generate()
    identity = x25519.X25519PrivateKey.generate()

    _write_key(paths.ca_key, ca_key)
    _write_key(paths.server_key, server_key)
    _write_key(paths.client_key, client_key)
    _write_key(paths.signing_key, signing)
    _write_key(paths.identity_key, identity)
    _write_public(paths.signing_public, signing.public_key())
    _write_public(paths.identity_public, identity.public_key())
    for path, cert in (
        (paths.ca_cert, ca_cert),
        (paths.server_cert, server_cert),
        (paths.client_cert, client_cert),
    ):
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths


def load_signing_key(paths: PkiPaths) -> ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key(paths.signing_key.read_bytes(), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{paths.signing_key} is not an Ed25519 key")
    return key


def load_identity_key(paths: PkiPaths) -> x25519.X25519PrivateKey:
    key = serialization.load_pem_private_key(paths.identity_key.read_bytes(), password=None)
    if not isinstance(key, x25519.X25519PrivateKey):
        raise ValueError(f"{paths.identity_key} is not an X25519 key")
    return key


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + _VALIDITY)
    )


def _leaf(
    subject: x509.Name,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    *,
    now: dt.datetime,
    usage: x509.ObjectIdentifier,
) -> x509.CertificateBuilder:
    return (
        _builder(subject, ca_cert.subject, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=False,
                crl_sign=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )


def _write_key(path: Path, key: PrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _write_public(path: Path, key: ed25519.Ed25519PublicKey | x25519.X25519PublicKey) -> None:
    path.write_bytes(
        key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
