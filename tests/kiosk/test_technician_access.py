"""Getting into maintenance (kiosk/maintenance/access.py) on the simulated booth: the technician card in
the smartcard simulator behind pcscd, the service door on the virtual clock, the console, and the
self-test on the way out. (The PIN's privacy: tests/kiosk/test_privacy_technician_pin.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from common.keypad_keys import Key
from kiosk.rig.scenario import ScenarioRun, _step
from kiosk.views import Intent, View
from screens.runner import ScreenRunner
from screens.tech_login import SAMPLES

# The card reader for technician cards, and the I/O module whose input is the service door.
CARD = {"config": {"card": {"enabled": True}}, "io_module": True}


async def play(run: ScenarioRun, *steps: dict[str, Any]) -> None:
    for step in steps:
        await _step(run, step)


@pytest.fixture
async def run(tmp_path: Path) -> Any:
    booth = ScenarioRun(tmp_path, None, CARD)
    await booth.start()
    try:
        await play(booth, {"expect_screen": "idle"})
        yield booth
    finally:
        await booth.stop()


def kinds(run: ScenarioRun, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.kind, e.detail) for e in run.kiosk.journal.tail(500) if e.kind.startswith(prefix)]


def test_the_physical_keypad_types_the_pin_and_its_ok_confirms() -> None:
    intents: list[Intent] = []
    runner = ScreenRunner(headless=True, on_intent=intents.append, touch_guard_seconds=0.0)
    try:
        view = View("tech_login", SAMPLES["typing"])
        runner.render(view)
        for key in (Key("7"), Key("3")):
            runner.keypad(key)
            runner.render(view)
        runner.keypad(Key.OK)
        runner.keypad(Key.BACK)
    finally:
        runner.close()
    typed = [i for i in intents if i.name != "keypad_used"]
    assert typed == [Intent("digit", {"value": "7"}), Intent("digit", {"value": "3"}), Intent("confirm"),
                     Intent("cancel")]


@pytest.mark.timeout(120)
async def test_the_booth_refuses_a_locked_id_even_on_a_new_card_and_pin_screens_time_out(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    await play(run, {"technician_card": {"id": "T0501", "pin": "1357"}}, {"expect_screen": "tech_login"})
    for _ in range(3):
        await play(run, {"keys": "0000"}, {"tap": "ok"}, {"expect_data": {"digits": 0}})
    await play(run, {"expect_data": {"step": "refused", "error": "card-locked"}}, {"remove_card": True},
               {"expect_screen": "idle"})
    # A new card for the same id (its counter fresh): the booth itself remembers the lockout.
    simulator: Any = run.booth.simulators["smartcard"]  # type: ignore[attr-defined]
    simulator.technician_cards.pop("T0501")
    await play(run, {"technician_card": {"id": "T0501", "pin": "1357"}},
               {"expect_screen": "tech_login", "data": {"step": "refused", "error": "card-refused"}},
               {"expect_journal_row": {"kind": "technician_card_refused", "technician": "T0501",
                                       "reason": "locked-here"}})
    # Left there, the screen goes back to service after [maintenance] pin_seconds on the clock.
    await run.clock.advance(kiosk.config.maintenance.pin_seconds - 1)
    assert kiosk.view.screen == "tech_login"
    await run.clock.advance(1)
    await play(run, {"expect_screen": "idle"},
               {"expect_journal_row": {"kind": "technician_login_abandoned", "technician": "T0501",
                                       "reason": "timeout"}}, {"remove_card": True})
    # Another technician cancels on the PIN screen: back in service, nothing entered.
    await play(run, {"technician_card": {"id": "T0502", "pin": "2468"}}, {"expect_screen": "tech_login"},
               {"keys": "24"}, {"tap": "cancel"}, {"expect_screen": "idle"},
               {"expect_journal_row": {"kind": "technician_login_abandoned", "reason": "cancelled"}},
               {"remove_card": True})
    assert not [k for k, _ in kinds(run, "technician_login") if k == "technician_login"]


@pytest.mark.timeout(120)
async def test_an_open_door_with_nobody_logging_in_raises_the_alarm_and_closes_the_booth(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    grace = kiosk.config.maintenance.door_grace_seconds
    await play(run, {"door": "open"}, {"expect_screen": "tech_login", "data": {"step": "card", "door_open": True}},
               {"expect_journal_row": {"kind": "door_opened", "state": "idle"}})
    await run.clock.advance(grace - 1)
    assert kiosk.view.screen == "tech_login" and not kinds(run, "door_alarm")
    await run.clock.advance(1)
    await play(run, {"expect_screen": "out_of_service", "data": {"reason": "door-open"}},
               {"expect_journal_row": {"kind": "door_alarm"}})
    # A technician who comes late still gets in with the card, and the alarm ends with the login.
    await play(run, {"technician_card": {"id": "T0042", "pin": "1234"}}, {"expect_screen": "tech_login"},
               {"keys": "1234"}, {"tap": "ok"}, {"expect_screen": "maintenance"})
    assert kiosk.tech_access.fault == ""
    await play(run, {"door": "closed"}, {"tap": "maint:exit"}, {"expect_screen": "idle"}, {"remove_card": True})
    # Opened and closed again before the grace: journaled, back to idle, no alarm.
    await play(run, {"door": "open"}, {"expect_screen": "tech_login"}, {"door": "closed"}, {"expect_screen": "idle"})
    await run.clock.advance(grace + 1)
    assert kiosk.view.screen == "idle"
    assert [k for k, _ in kinds(run, "door_")] == ["door_opened", "door_alarm", "door_closed", "door_opened",
                                                     "door_closed"]


@pytest.mark.timeout(120)
async def test_maintenance_needs_a_technician_and_its_exit_runs_the_self_test(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    # The old way in, an intent with nobody behind it, opens nothing.
    await kiosk.handle_intent(Intent("maintenance_enter"))
    await play(run, {"wait": "quiet"})
    assert kiosk.state == "idle" and kiosk.technician is None
    # The console path: journaled with who.
    await play(run, {"console_maintenance": "root"}, {"expect_screen": "maintenance"},
               {"expect_journal_row": {"kind": "technician_login", "technician": "console:root", "via": "console"}})
    # Paper runs out while the technician is in: leaving runs the self-test, which keeps the booth out.
    await play(run, {"fault": {"simulator": "a4_printer", "command": "empty_tray"}}, {"tap": "maint:exit"},
               {"expect_screen": "out_of_service", "data": {"reason": "a4-paper-out"}},
               {"expect_journal_row": {"kind": "maintenance_left", "technician": "console:root"}})
    assert kiosk.technician is None
    await play(run, {"sim": {"simulator": "a4_printer", "command": "refill"}}, {"expect_screen": "idle"})


@pytest.mark.timeout(120)
async def test_a_visit_left_open_ends_after_the_idle_countdown_each_action_starting_it_again(run: ScenarioRun) -> None:
    """Review: a technician who walked away left maintenance open for good. Each action starts the idle
    countdown again; the door closed during a card visit shortens it; opened again, the full one is back."""
    kiosk = run.kiosk
    idle = kiosk.config.maintenance.idle_minutes * 60
    short = kiosk.config.maintenance.door_closed_seconds
    await play(run, {"door": "open"}, {"expect_screen": "tech_login"},
               {"technician_card": {"id": "T0042", "pin": "1234"}}, {"expect_screen": "tech_login"},
               {"keys": "1234"}, {"tap": "ok"}, {"expect_screen": "maintenance"})
    await run.clock.advance(idle - 10)
    await play(run, {"tap": "maint:page:cash"}, {"expect_screen": "maint_cash"})  # a touch: the full countdown again
    await run.clock.advance(idle - 10)
    assert kiosk.view.screen == "maint_cash" and not kinds(run, "maintenance_timed_out")
    # The door closed: the short countdown; opened again before it ends: the full one, from then.
    await play(run, {"door": "closed"}, {"expect_journal_row": {"kind": "door_closed", "technician": "T0042"}})
    await run.clock.advance(short - 5)
    await play(run, {"door": "open"}, {"expect_journal_row": {"kind": "door_opened", "technician": "T0042"}})
    await run.clock.advance(short + 5)
    assert kiosk.view.screen == "maint_cash" and not kinds(run, "maintenance_timed_out")
    await run.clock.advance(idle)
    await play(run, {"expect_journal_row": {"kind": "maintenance_timed_out", "technician": "T0042", "reason": "idle"}},
               {"expect_journal_row": {"kind": "maintenance_left", "technician": "T0042"}})
    assert kiosk.technician is None
    assert [k for k, _ in kinds(run, "maintenance_")] == ["maintenance_entered", "maintenance_timed_out",
                                                          "maintenance_left"]
