"""Scenario steps of issue 17's pickup of a document reserved online (docs/scenarios.md, "Pickup").

    reserve_online = { resident = 0, document = "resident_copy", prepaid = true }
                                        the resident reserves online (the server simulator's control of the
                                        same name; also copies, valid_for_s, parcel, booth); the code is
                                        remembered for the steps below
    type_pickup_code = true             the remembered code on the on-screen keypad (`= "12345678"`: that code)
    scan_pickup_code = true             the resident shows the code's QR on a phone to the barcode scanner
                                        (`= "text"`: a QR of that text; `= { grouped = "-" }`: the
                                        code as 4 + 4 with that separator, as reservation messages print it)
    expect_pickup = { state = "used", journal_agrees = true }
                                        the server's record of the remembered code holds these fields (state:
                                        open, held, used, expired); `journal_agrees`: the kiosk's journal says
                                        the same of the session that held it (committed when used, voided or no
                                        reservation when open)
    present_mobile_id = { resident = 0 }
                                        the resident's wallet app scans the mobile ID QR the kiosk shows and
                                        presents the credential (the server simulator plays wallet and
                                        verifier); `valid = false`: one that does not verify
    expect_nowhere = "01012345678"      (or a list) these words are in no file the booth wrote: the journal
                                        (with its WAL), receipts, spools, voice transcripts (issue 17's
                                        notices: the number typed is used once, kept nowhere)
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

# kiosk.rig.scenario.ScenarioRun, not imported: the runner imports this module.
ScenarioRun = Any
# As the runner's: how long an expectation waits for the kiosk and the simulators (real seconds).
PATIENCE_SECONDS = 15.0

PICKUP_STEPS = ("reserve_online", "type_pickup_code", "scan_pickup_code", "expect_pickup", "expect_nowhere",
                "present_mobile_id")

# The codes each run's resident reserved online, newest last.
_CODES: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()


def last_code(run: ScenarioRun) -> str:
    codes = _CODES.get(run)
    if not codes:
        raise AssertionError("no pickup code yet: a `reserve_online` step comes first")
    return codes[-1]


async def pickup_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    if "reserve_online" in step:
        args = dict(step["reserve_online"])
        code = await run.booth.control("server", "reserve_online", **args)
        _CODES.setdefault(run, []).append(str(code))
    elif "present_mobile_id" in step:
        spec = dict(step["present_mobile_id"])
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not (run.kiosk.view.screen == "mobile_id" and run.kiosk.view.data_fields().get("qr")):
            if time.monotonic() > deadline:
                raise AssertionError(f"no mobile ID QR on screen (screen {run.kiosk.view.screen!r})")
            await asyncio.sleep(0.005)
        await run.booth.control("server", "present_mobile_id", qr=run.kiosk.view.data_fields()["qr"],
                                resident=int(spec.get("resident", 0)), valid=bool(spec.get("valid", True)))
    elif "expect_nowhere" in step:
        words = step["expect_nowhere"]
        _expect_nowhere(run, [words] if isinstance(words, str) else list(words))
    elif "scan_pickup_code" in step:
        value = step["scan_pickup_code"]
        if isinstance(value, dict):  # { grouped = " " }: the remembered code as 4 + 4 with that separator
            code = last_code(run)
            text = code[:4] + str(value.get("grouped", "")) + code[4:]
        else:
            text = last_code(run) if value is True else str(value)
        await run.booth.control("barcode_scanner", "show_phone", text=text)
    elif "type_pickup_code" in step:
        value = step["type_pickup_code"]
        await _type(run, last_code(run) if value is True else str(value))
    else:
        want = dict(step["expect_pickup"])
        agrees = bool(want.pop("journal_agrees", False))

        async def differs() -> list[str]:
            code = last_code(run)
            record = next((p for p in await run.booth.control("server", "pickups") if p["code"] == code), None)
            if record is None:
                return [f"the server has no pickup {code[:4]}****"]
            wrong = [f"{k}: expected {v!r}, got {record.get(k)!r}" for k, v in want.items() if record.get(k) != v]
            if agrees:
                wrong += _journal_disagrees(run, record)
            return wrong

        await _until_async(run, differs)


def _expect_nowhere(run: ScenarioRun, words: list[str]) -> None:
    """No regular file under the run's work directory (the journal, receipts, spools, transcripts)
    holds any of `words`, in UTF-8 or UTF-16 (SQLite may store text either way)."""
    needles = [w.encode(enc) for w in words for enc in ("utf-8", "utf-16-le")]
    found = []
    for path in Path(run.work_dir).rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        found += [f"{path.name}: {n[:6]!r}..." for n in needles if n in data]
    if found:
        raise AssertionError("kept where it must not be: " + "; ".join(found))


def _journal_disagrees(run: ScenarioRun, record: dict[str, Any]) -> list[str]:
    """The server's state of a code against the journal of the session whose key held it."""
    holder = record.get("holder")
    state = record.get("state")
    if holder is None:
        return [] if state in ("open", "expired") else [f"server says {state!r} with no holder"]
    kinds = {e.kind for e in run.kiosk.journal.entries(str(holder[1]))}
    if state == "used" and "committed" not in kinds:
        return [f"server says used, the journal of {str(holder[1])[:8]} has no commit"]
    if state == "open" and "committed" in kinds:
        return ["server says open, the journal committed"]
    if state == "held" and kinds & {"committed", "voided", "session_closed"}:
        return [f"server says held, the journal has {sorted(kinds & {'committed', 'voided', 'session_closed'})}"]
    return []


async def _type(run: ScenarioRun, digits: str) -> None:
    """The digits on the on-screen keypad, as the runner's `keys` step taps them (each once its key is
    drawn, after the screen's touch guard)."""
    runner = run.screens.runner
    for char in digits:
        key = f"key:{char}"
        deadline = time.monotonic() + PATIENCE_SECONDS
        while key not in runner.widgets():
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} not on screen")
            await asyncio.sleep(0.005)
        run.glass.advance(runner.guard_left())
        runner.tap(key)
        await asyncio.sleep(0.002)


async def _until_async(run: ScenarioRun, differs: Callable[[], Awaitable[list[str]]]) -> None:
    """`run.until` for a check that asks a simulator (a coroutine)."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        last = await differs()
        if not last:
            return
        if time.monotonic() > deadline:
            raise AssertionError("pickup: " + "; ".join(last))
        await asyncio.sleep(0.01)
