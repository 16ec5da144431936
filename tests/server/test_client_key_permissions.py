"""Issue 13: the kiosk's private TLS key must be its owner's alone. A key others can read (0644,
0666) lets any local user pose as the booth to the issuance server: refused at start-up, naming
the file and the fix."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from common.clock import VirtualClock
from drivers.issuance_server import IssuanceClient, KeyFileExposed, ServerConfig
from simulators.server.pki import PkiPaths


@pytest.mark.parametrize("mode", [0o666, 0o644, 0o640, 0o604, 0o620])
async def test_a_key_others_can_read_or_write_is_refused(
    pki: PkiPaths, tmp_path: Path, clock: VirtualClock, make_config: Callable[..., ServerConfig], mode: int
) -> None:
    key = tmp_path / "kiosk-key.pem"
    shutil.copyfile(pki.client_key, key)
    key.chmod(mode)
    with pytest.raises(KeyFileExposed) as refused:
        IssuanceClient(make_config("https://127.0.0.1:1", key_file=key), clock=clock)
    message = str(refused.value)
    assert str(key) in message and f"{mode:04o}" in message and "chmod 600" in message


@pytest.mark.parametrize("mode", [0o600, 0o400])
async def test_a_key_only_its_owner_can_read_is_accepted(
    pki: PkiPaths, tmp_path: Path, clock: VirtualClock, make_config: Callable[..., ServerConfig], mode: int
) -> None:
    key = tmp_path / "kiosk-key.pem"
    shutil.copyfile(pki.client_key, key)
    key.chmod(mode)
    client = IssuanceClient(make_config("https://127.0.0.1:1", key_file=key), clock=clock)
    await client.close()
