"""Sealing to the server's X25519 key: round trips, and any tampering is detected."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from common.template_crypto import ALGORITHM, SealError, open_sealed, seal

PRIVATE = X25519PrivateKey.generate()
PUBLIC_PEM = PRIVATE.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
AAD = b"KIOSK-0001"


@settings(max_examples=50, deadline=None)
@given(plaintext=st.binary(max_size=1024), aad=st.binary(max_size=64))
def test_round_trip(plaintext: bytes, aad: bytes) -> None:
    assert open_sealed(PRIVATE, seal(PUBLIC_PEM, bytearray(plaintext), aad), aad) == plaintext


def test_sealing_twice_gives_unlinkable_blobs() -> None:
    a, b = seal(PUBLIC_PEM, b"900101-1234567", AAD), seal(PUBLIC_PEM, b"900101-1234567", AAD)
    assert a["alg"] == ALGORITHM
    assert a["epk"] != b["epk"]
    assert a["ct"] != b["ct"]
    assert b"900101" not in base64.b64decode(a["ct"])


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(["epk", "nonce", "ct"]), position=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_any_flipped_bit_is_detected(field: str, position: int, bit: int) -> None:
    sealed = seal(PUBLIC_PEM, b"\x42" * 512, AAD)
    raw = bytearray(base64.b64decode(sealed[field]))
    raw[position % len(raw)] ^= 1 << bit
    with pytest.raises(SealError):
        open_sealed(PRIVATE, {**sealed, field: base64.b64encode(bytes(raw)).decode()}, AAD)


def test_another_kiosk_or_key_cannot_open_it() -> None:
    sealed = seal(PUBLIC_PEM, b"template", AAD)
    with pytest.raises(SealError):
        open_sealed(PRIVATE, sealed, b"KIOSK-0002")
    with pytest.raises(SealError):
        open_sealed(X25519PrivateKey.generate(), sealed, AAD)


def test_only_x25519_keys_are_accepted() -> None:
    with pytest.raises(SealError):
        seal(b"-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n", b"x", AAD)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["alg", "epk", "nonce", "ct", "x"]),
        st.one_of(st.text(max_size=60), st.binary(max_size=40), st.integers(), st.none())
        | st.just(ALGORITHM),
    )
)
def test_garbage_raises_only_seal_error(garbage: dict[str, Any]) -> None:
    with pytest.raises(SealError):
        open_sealed(PRIVATE, garbage, AAD)
