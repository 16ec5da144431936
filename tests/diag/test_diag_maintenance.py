"""`kiosk diag maintenance enter|exit`: the console's way into maintenance (root, no card), journaled,
and back to service through the self-test."""

from __future__ import annotations

from kiosk.rig.diag_booth import DiagBooth
from tests.diag.conftest import run_diag


async def test_enter_then_exit_from_the_console(booth: DiagBooth) -> None:
    kiosk = booth.run.kiosk
    ran = await run_diag(booth, "maintenance", "enter", "--user", "kim", "--json")
    assert ran.code == 0, ran.stderr
    assert ran.json() == {"ok": True, "technician": "console:kim"}
    await booth.run.until(lambda: kiosk.state == "maintenance", "maintenance never opened")
    assert kiosk.view.screen == "maintenance"
    entered = kiosk.journal.tail_of_kind("maintenance_entered", 1)[-1]
    assert entered.detail["technician"] == "console:kim" and entered.detail["via"] == "console"

    again = await run_diag(booth, "maintenance", "enter")
    assert again.code == 1
    assert "already-in-maintenance" in again.stderr

    left = await run_diag(booth, "maintenance", "exit")
    assert left.code == 0, left.stderr
    await booth.run.until(lambda: kiosk.state == "idle", "the self-test never returned the booth to service")
    assert kiosk.journal.tail_of_kind("maintenance_left", 1)[-1].detail["technician"] == "console:kim"


async def test_exit_outside_maintenance_is_refused_with_exit_1(booth: DiagBooth) -> None:
    ran = await run_diag(booth, "maintenance", "exit", "--json")
    assert ran.code == 1
    assert ran.json() == {"ok": False, "error": "not-in-maintenance", "state": "idle"}

