"""Sealing resident numbers and fingerprint templates to the central server's X25519 key.

Mutual TLS protects the wire; sealing also keeps the secret unreadable to anything between the
TLS endpoint and the matcher (a proxy, a request log). Scheme (shared by kiosk and server):
ephemeral X25519 → HKDF-SHA256 (info binds both public keys) → AES-256-GCM with a random 96-bit
nonce, the kiosk id as associated data. Nothing here logs or stores its input.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ALGORITHM = "X25519-HKDF-SHA256-A256GCM"
_INFO = b"civil-kiosk/seal/v1"
_NONCE_BYTES = 12  # AES-GCM's standard 96-bit nonce (NIST SP 800-38D §8.2)
_KEY_BYTES = 32  # AES-256
_RAW_KEY_BYTES = 32  # RFC 7748 X25519 public keys
_MAX_CIPHERTEXT_CHARS = 1 << 20  # 1 MiB of base64: templates are < 1 KiB; refuse anything absurd


class SealError(ValueError):
    """A sealed blob that is malformed, tampered with, or sealed to another key or kiosk."""


def load_public_key(public_key_pem: bytes) -> X25519PublicKey:
    """The X25519 public key in `public_key_pem` (SubjectPublicKeyInfo PEM)."""
    try:
        key = serialization.load_pem_public_key(public_key_pem)
    except ValueError as exc:
        raise SealError("not a PEM public key") from exc
    if not isinstance(key, X25519PublicKey):
        raise SealError("not an X25519 public key")
    return key


def seal(public_key_pem: bytes, plaintext: bytes | bytearray, aad: bytes) -> dict[str, str]:
    """Encrypt `plaintext` so only the holder of the X25519 private key can open it, bound to `aad`."""
    recipient = load_public_key(public_key_pem)
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = _derive(ephemeral.exchange(recipient), epk, _raw(recipient))
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, aad)
    return {"alg": ALGORITHM, "epk": _b64(epk), "nonce": _b64(nonce), "ct": _b64(ciphertext)}


def open_sealed(private_key: X25519PrivateKey, sealed: Mapping[str, Any], aad: bytes) -> bytes:
    """The plaintext of `sealed`, or SealError if it was not sealed to this key with this `aad`."""
    if not isinstance(sealed, Mapping) or sealed.get("alg") != ALGORITHM:
        raise SealError("unsupported sealing algorithm")
    epk = _unb64(sealed.get("epk"), "epk")
    nonce = _unb64(sealed.get("nonce"), "nonce")
    ciphertext = _unb64(sealed.get("ct"), "ct")
    if len(epk) != _RAW_KEY_BYTES or len(nonce) != _NONCE_BYTES:
        raise SealError("bad key or nonce length")
    try:
        peer = X25519PublicKey.from_public_bytes(epk)
        shared = private_key.exchange(peer)
    except ValueError as exc:  # all-zero shared secret from a low-order point (RFC 7748 §6.1)
        raise SealError("bad ephemeral key") from exc
    key = _derive(shared, epk, _raw(private_key.public_key()))
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag as exc:
        raise SealError("sealed data failed authentication") from exc


def _derive(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=_INFO + epk + recipient).derive(
        shared
    )


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, name: str) -> bytes:
    if not isinstance(value, str) or len(value) > _MAX_CIPHERTEXT_CHARS:
        raise SealError(f"{name} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError(f"{name} is not base64") from exc
