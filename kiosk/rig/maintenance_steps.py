"""Scenario steps of a technician's visit (docs/scenarios.md, "Technician"): entering maintenance,
acting through the workshop, and checking what it answered.

    console_maintenance = "root"        the booth's console path (kiosk diag maintenance enter): no card
    maint = { do = "refill_paper", args = { which = "a4" } }   one workshop action, as a page's button sends it
    expect_maint = { ok = true, ... }   the last action's answer holds these fields

Getting in (kiosk.maintenance.access; `access_step`):

    technician_card = { id = "T0042", pin = "1234" }   the smartcard simulator holds technician T0042's card
                                        (made with that PIN the first time; the same card, with its PIN
                                        try counter, every later time) and inserts it; `remove_card` takes it out
    door = "open" | "closed"            the service door's switch (the I/O module's input: io_module = true)
    expect_journal_row = { kind = "technician_login", technician = "T0042", ... }   a journal row of that
                                        kind whose ref / amount / detail hold these values
    expect_board = { device = "cash", condition = "ok", identity = { "coin.serial" = "1020304" } }
                                        the technician's board line of a device holds these fields
"""

from __future__ import annotations

from typing import Any

from kiosk.rig.io_steps import io_step
from kiosk.rig.step_run import ScenarioRun
from kiosk.views import Intent

MAINTENANCE_STEPS: tuple[str, ...] = ("console_maintenance", "maint", "expect_maint")
ACCESS_STEPS = ("technician_card", "door", "expect_journal_row")  # access_step's words
MAINTENANCE_STEPS += ACCESS_STEPS


async def maintenance_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    kiosk = run.kiosk
    if any(word in step for word in ACCESS_STEPS):
        await access_step(run, step)
    elif any(word in step for word in BOARD_STEPS):
        await board_step(run, step)
    elif "console_maintenance" in step:
        user = str(step["console_maintenance"])
        await run.until(lambda: kiosk.state in kiosk.maintenance_from, f"not in {kiosk.maintenance_from}")
        if not await kiosk.tech_access.enter_console(user):
            raise AssertionError(f"console maintenance refused in state {kiosk.state!r}")
    elif "maint" in step:
        spec = step["maint"]
        await kiosk.handle_intent(Intent("maint", {"do": spec["do"], **dict(spec.get("args", {}))}))
    else:
        want = dict(step["expect_maint"])

        def differs() -> list[str]:
            answer = kiosk.workshop.last_answer
            return [f"{k}: expected {v!r}, got {answer.get(k)!r}" for k, v in want.items() if answer.get(k) != v]

        await run.until(lambda: not differs(), lambda: "maintenance answer: " + "; ".join(differs()))


async def access_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    kiosk = run.kiosk
    if "technician_card" in step:
        spec = dict(step["technician_card"])
        await run.booth.control("smartcard", "technician_card", id=str(spec.get("id", "T0042")),
                                pin=str(spec.get("pin", "1234")))
    elif "door" in step:
        if step["door"] not in ("open", "closed"):
            raise ValueError(f"door = {step['door']!r}: \"open\" or \"closed\"")
        # The switch is the I/O module's door input: the simulator's, read by the kiosk over Modbus
        # (the scenario says `io_module = true`).
        await io_step(run, {"io": {"service_door": step["door"] == "open"}})
    else:
        want = dict(step["expect_journal_row"])
        kind = want.pop("kind")

        def found() -> bool:
            for entry in kiosk.journal.tail_of_kind(kind, 1000):
                row = {"ref": entry.ref, "amount": entry.amount, "session": entry.session, **entry.detail}
                if all(row.get(k) == v for k, v in want.items()):
                    return True
            return False

        await run.until(found, lambda: f"no journal row {kind} with {want}: "
                        f"{[(e.ref, e.detail) for e in kiosk.journal.tail_of_kind(kind, 5)]}")
BOARD_STEPS = ("expect_board",)
MAINTENANCE_STEPS = (*MAINTENANCE_STEPS, *BOARD_STEPS)


def _board_differs(line: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Fields of one board line that differ from `want` (a dict value is checked key by key)."""
    out = []
    for key, value in want.items():
        got = line.get(key)
        if isinstance(value, dict) and isinstance(got, dict):
            out += [f"{key}.{k}: expected {v!r}, got {got.get(k)!r} (of {got})" for k, v in value.items()
                    if got.get(k) != v]
        elif got != value:
            out.append(f"{key}: expected {value!r}, got {got!r}")
    return out


async def board_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    """expect_board = { device = "receipt_printer", condition = "paper-out", todo = "refill-receipt-roll",
    identity = { "coin.serial" = "1020304" } }: the technician's board line for that device (waits)."""
    from dataclasses import asdict

    want = dict(step["expect_board"])
    device = str(want.pop("device"))
    board = run.kiosk.workshop.board

    def differs() -> list[str]:
        lines = {line.device: asdict(line) for line in board.devices()}
        if device not in lines:
            return [f"no board line for {device!r} (have {sorted(lines)})"]
        return _board_differs(lines[device], want)

    await run.until(lambda: not differs(), lambda: f"board line {device}: " + "; ".join(differs()))
