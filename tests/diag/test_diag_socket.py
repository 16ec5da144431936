"""The diag socket: root only, and a tool that says clearly when it cannot reach the kiosk."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.booth.service_dirs import restrict_to_group
from kiosk.rig.diag_booth import DiagBooth
from tests.diag.conftest import run_diag


async def test_the_diag_socket_is_owner_only_even_after_the_sockets_are_given_to_the_group(booth: DiagBooth) -> None:
    assert stat.S_IMODE(booth.socket.stat().st_mode) == 0o600
    # `kiosk run` gives every control socket to the technicians' group: the diag socket stays owner-only.
    restrict_to_group(booth.socket.parent, None)
    assert stat.S_IMODE(booth.socket.stat().st_mode) == 0o600


async def test_no_kiosk_running_is_exit_2_with_what_to_do(tmp_path: Path) -> None:
    ran = await run_diag(None, "--socket", str(tmp_path / "diag.sock"), "status")
    assert ran.code == 2
    assert "no kiosk is running" in ran.stderr and "diag.sock" in ran.stderr


async def test_status_shows_the_state_and_every_device(booth: DiagBooth) -> None:
    ran = await run_diag(booth, "status", "--json")
    assert ran.code == 0, ran.stderr
    answer = ran.json()
    assert answer["ok"] is True
    assert answer["booth"]["state"] == "idle"
    assert {"fingerprint", "cash", "receipt_printer", "a4_printer"} <= set(answer["booth"]["devices"])
    assert answer["booth"]["devices"]["fingerprint"]["state"] == "online"
    assert (await run_diag(booth, "--json", "status")).json()["booth"]["state"] == "idle"  # --json before too
    human = await run_diag(booth, "status")
    assert human.code == 0
    assert "idle" in human.stdout and "fingerprint" in human.stdout and "online" in human.stdout
