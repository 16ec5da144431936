"""`kiosk diag` runs the workshop's actions with the technician recorded as `console:<user>`, also while a
technician is logged in at the screen with card and PIN (T0042): a root user's action over SSH is not
journaled as T0042's own step, and T0042's own touches stay theirs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.booth.diag_socket import DiagServer
from kiosk.rig.scenario import ScenarioRun, _step

CARD = {"config": {"card": {"enabled": True}}, "io_module": True}


async def play(run: ScenarioRun, *steps: dict[str, Any]) -> None:
    for step in steps:
        await _step(run, step)


@pytest.mark.timeout(180)
async def test_diag_action_while_a_card_technician_is_in_is_journaled_as_the_console_user(tmp_path: Path) -> None:
    run = ScenarioRun(tmp_path, None, CARD)
    await run.start()
    try:
        await play(run, {"expect_screen": "idle"}, {"technician_card": {"id": "T0042", "pin": "1234"}},
                   {"expect_screen": "tech_login", "data": {"step": "pin"}}, {"keys": "1234"}, {"tap": "ok"},
                   {"expect_screen": "maintenance"})
        diag = DiagServer(run.kiosk)
        answer = await diag.act("refill_paper", {"which": "a4"})  # what `kiosk diag refill paper a4` sends
        assert answer["ok"]
        row = run.kiosk.journal.tail_of_kind("paper_refilled", 1)[0]
        assert row.detail.get("technician") == "console:root", row.detail
        await play(run, {"tap": "maint:page:paper"}, {"expect_screen": "maint_paper"}, {"tap": "paper:refill:a4"},
                   {"expect_maint": {"do": "refill_paper", "ok": True, "which": "a4"}})
        mine = run.kiosk.journal.tail_of_kind("paper_refilled", 1)[0]
        assert mine.detail.get("technician") == "T0042", mine.detail
    finally:
        await run.stop()
