"""The kiosk's key files, checked at start-up rather than at the first resident.

The private TLS key must be its owner's alone (whoever reads it can pose as the booth); the document
signing key must be an Ed25519 public key, the only kind the client verifies signatures with.
"""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from drivers.issuance_server.errors import KeyFileExposed

_READABLE_BY_OTHERS = stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH


def refuse_exposed_key(path: Path) -> None:
    """Refuse a client key that group or others may read or write (0666 was accepted silently)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & _READABLE_BY_OTHERS:
        raise KeyFileExposed(
            f"{path}: the kiosk's private key is readable or writable by other users (mode {mode:04o}); "
            f"allow only its owner: chmod 600 {path}"
        )


def load_signing_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key
