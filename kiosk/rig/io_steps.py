"""Scenario steps of the booth's I/O module (docs/scenarios.md, "Sensors"): what its sensors read, and
the shutdown the booth asked for. A scenario that uses them says `io_module = true` at its top.

    io = { temperature = 55.0 }            the cabinet thermometer reads 55.0 C (also service_door,
    io = { cashbox_door = true }           cashbox_door, tilt, mains, battery_low, charge, runtime)
    io = { mains = false, runtime = 300 }  a power cut with 300 s of UPS runtime left
    expect_shutdown = "on-battery"         the booth asked to be shut down, for this reason (the clock
                                           moves a poll at a time until it did)
    expect_journaled = { kind = "door_alarm", ref = "cashbox_door", count = 1 }   rows of that kind
    expect_not_journaled = "door_alarm"    no row of that kind (checked at once)

`io` sets the simulator through its control channel, then moves the kiosk's clock a poll at a time
until the kiosk has read the new values (the I/O module is polled, like a real one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.clock import KST
from kiosk.rig.step_run import ScenarioRun

IO_STEPS = ("io", "expect_shutdown", "expect_journaled", "expect_not_journaled")
# Polls an `io` step waits for the kiosk to read what was set (a poll fails now and then on a busy machine).
MAX_POLLS = 20


def scenario_clock_start(settings: dict[str, Any]) -> dt.datetime | None:
    """The wall time a scenario's virtual clock starts at (`clock_start = "2026-12-24T22:45:00"`, Korean
    time unless an offset is given); None: the real now. Hours, holidays and closing need a fixed day."""
    text = settings.get("clock_start")
    if text is None:
        return None
    start = dt.datetime.fromisoformat(str(text))
    return start if start.tzinfo is not None else start.replace(tzinfo=KST)


def scenario_uses_io(settings: dict[str, Any]) -> bool:
    return bool(settings.get("io_module", False))


def _read_as_set(run: ScenarioRun, want: dict[str, Any]) -> bool:
    policy = run.app.sensors if run.app is not None else None
    last = policy.last if policy is not None else None
    if last is None:
        return False
    seen = {"service_door": last.service_door_open, "cashbox_door": last.cashbox_door_open, "tilt": last.tilted,
            "mains": not last.mains_lost, "battery_low": last.battery_low, "temperature": last.temperature_c,
            "charge": last.ups_charge, "runtime": last.ups_runtime_s}
    return all(seen.get(key) == value for key, value in want.items())


async def io_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    if "io" in step:
        want = dict(step["io"])
        await run.booth.control("io_module", "set", **want)
        if run.app is None or run.app.sensors is None:
            raise AssertionError("the kiosk has no I/O module: say `io_module = true` at the scenario's top")
        interval = run.app.config.io_module.poll_interval
        for _ in range(MAX_POLLS):
            if _read_as_set(run, want):
                return
            await run.clock.advance(interval)
        raise AssertionError(f"the kiosk never read {want} from the I/O module")
    elif "expect_journaled" in step:
        spec = dict(step["expect_journaled"])
        kind, ref, count = str(spec["kind"]), spec.get("ref"), spec.get("count")

        def rows() -> int:
            return sum(1 for e in run.kiosk.journal.tail_of_kind(kind, 1000) if ref is None or e.ref == ref)

        await run.until(lambda: rows() >= 1 if count is None else rows() == int(count),
                        lambda: f"journal rows of {kind!r} (ref {ref!r}): {rows()}, expected {count or 'some'}")
    elif "expect_not_journaled" in step:
        kind = str(step["expect_not_journaled"])
        found = run.kiosk.journal.tail_of_kind(kind, 10)
        if found:
            raise AssertionError(f"journal has {len(found)} row(s) of {kind!r}: {found[0]}")
    else:
        # The policy decides on its polls: the clock moves a poll at a time until it asked (or gave up).
        reason = str(step["expect_shutdown"])
        interval = run.app.config.io_module.poll_interval if run.app is not None else 1.0
        for _ in range(MAX_POLLS):
            if reason in run.shutdowns:
                return
            await run.clock.advance(interval)
        await run.until(lambda: reason in run.shutdowns, lambda: f"no shutdown for {reason!r} (asked: {run.shutdowns})")
