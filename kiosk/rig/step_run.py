"""What the scenario step modules (io_steps, maintenance_steps) use of kiosk.rig.scenario.ScenarioRun,
named once here: the runner imports those modules, so they cannot import it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from common.clock import VirtualClock
from kiosk.booth.app import KioskApp
from kiosk.booth.simulated import Booth
from kiosk.controller import Kiosk


class ScenarioRun(Protocol):
    app: KioskApp | None
    booth: Booth
    clock: VirtualClock
    shutdowns: list[str]

    @property
    def kiosk(self) -> Kiosk: ...

    async def until(self, predicate: Callable[[], bool], what: str | Callable[[], str]) -> None: ...
