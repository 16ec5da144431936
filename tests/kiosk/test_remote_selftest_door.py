"""The operators' remote self-test (heartbeat command `selftest`) counts as technician "remote" while it
talks to the server. A service door opened meanwhile is looked at when it ends (the booth asks for a
technician card, and alarms after the grace), and a technician who logged in meanwhile stays logged in.
Before, the booth stayed idle taking residents with the door open, and the technician was logged out
behind their back. The server's round trip is held open (up to 15 s on a real link) by holding the
self-test's server check until the door has opened."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import ScenarioRun, _step

CARD = {"config": {"card": {"enabled": True}}, "io_module": True}


def _technician_id(kiosk: Any) -> str:
    """Who counts as in (read afresh each time: the self-test changes it behind the test's back)."""
    return "" if kiosk.technician is None else str(kiosk.technician.id)


def _hold_the_server_check(kiosk: Any) -> asyncio.Event:
    """The self-test's server round trip (up to 15 s on a real link) held open until the event is set."""
    release = asyncio.Event()

    async def slow_server() -> dict[str, Any]:
        await release.wait()
        return {"ok": True, "device": "server", "detail": {"code": "ok"}}

    kiosk.workshop.self_tests._server = slow_server
    return release


async def play(run: ScenarioRun, *steps: dict[str, Any]) -> None:
    for step in steps:
        await _step(run, step)


@pytest.mark.timeout(180)
async def test_door_opened_during_remote_selftest_still_asks_for_a_technician(tmp_path: Path) -> None:
    run = ScenarioRun(tmp_path, None, CARD)
    await run.start()
    try:
        await play(run, {"expect_screen": "idle"})
        kiosk = run.kiosk
        release = _hold_the_server_check(kiosk)
        remote = asyncio.ensure_future(kiosk._remote_selftest())
        for _ in range(200):
            if kiosk.technician is not None:
                break
            await asyncio.sleep(0.01)
        assert _technician_id(kiosk) == "remote"

        await play(run, {"io": {"service_door": True}})  # the technician opens the service door
        release.set()
        await remote
        assert _technician_id(kiosk) == ""
        # Expected: the door is open and nobody is logged in, so the booth asks for a technician card
        # and no resident is taken (as when the door opens at idle at any other moment).
        await play(run, {"expect_screen": "tech_login", "data": {"step": "card", "door_open": True}})
        # and after door_grace_seconds a door_alarm is journaled
        await play(run, {"advance": kiosk.config.maintenance.door_grace_seconds + 5},
                   {"expect_journaled": {"kind": "door_alarm"}})
    finally:
        await run.stop()


@pytest.mark.timeout(180)
async def test_technician_logging_in_during_remote_selftest_keeps_their_rights(tmp_path: Path) -> None:
    """Same root cause: a technician who logs in (card + PIN) while the remote self-test runs is logged
    out behind their back when it ends (`finally: self.technician = None`): every action on the pages
    is then refused with "not-in-maintenance" although the maintenance pages are on screen."""
    run = ScenarioRun(tmp_path, None, CARD)
    await run.start()
    try:
        await play(run, {"expect_screen": "idle"})
        kiosk = run.kiosk
        release = _hold_the_server_check(kiosk)
        remote = asyncio.ensure_future(kiosk._remote_selftest())
        for _ in range(200):
            if kiosk.technician is not None:
                break
            await asyncio.sleep(0.01)
        await play(run, {"technician_card": {"id": "T0042", "pin": "1234"}},
                   {"expect_screen": "tech_login", "data": {"step": "pin", "technician": "T0042"}},
                   {"keys": "1234"}, {"tap": "ok"}, {"expect_screen": "maintenance"})
        release.set()
        await remote
        await play(run, {"tap": "maint:page:paper"}, {"expect_screen": "maint_paper"}, {"tap": "paper:refill:a4"},
                   {"expect_maint": {"do": "refill_paper", "ok": True, "which": "a4"}})
    finally:
        await run.stop()
