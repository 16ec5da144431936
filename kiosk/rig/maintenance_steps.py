"""Scenario steps of a technician's visit (docs/scenarios.md, "Technician"): entering maintenance,
acting through the workshop, and checking what it answered.

    console_maintenance = "root"        the booth's console path (kiosk diag maintenance enter): no card
    maint = { do = "refill_paper", args = { which = "a4" } }   one workshop action, as a page's button sends it
    expect_maint = { ok = true, ... }   the last action's answer holds these fields
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk.controller import Kiosk
from kiosk.views import Intent


class ScenarioRun(Protocol):
    """What these steps use of kiosk.rig.scenario.ScenarioRun (which imports this module)."""

    @property
    def kiosk(self) -> Kiosk: ...

    async def until(self, predicate: Callable[[], bool], what: str | Callable[[], str]) -> None: ...

MAINTENANCE_STEPS = ("console_maintenance", "maint", "expect_maint")


async def maintenance_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    kiosk = run.kiosk
    if "console_maintenance" in step:
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
