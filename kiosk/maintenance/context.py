"""What the technician's side may use of the controller (kiosk.controller.Kiosk satisfies it).

The maintenance parts depend on this Protocol, never on the controller, which builds them: the
imports run one way (tests/test_import_rules.py). A part that needs more of the controller adds it
here, narrowly.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.context import Context
from kiosk.hopper_inventory import HopperInventory
from kiosk.maintenance.technician import Technician
from kiosk.till import Till
from kiosk.views import Intent


class VisitCountdown(Protocol):
    """The visit's idle countdown (kiosk.maintenance.access.TechnicianAccess)."""

    def touched(self) -> None:
        """A technician's action in maintenance: the countdown starts again."""


class MaintenanceContext(Context, Protocol):
    technician: Technician | None  # who is in maintenance (None outside it)

    @property
    def in_maintenance(self) -> bool: ...

    @property
    def tech_access(self) -> VisitCountdown:
        """Who is in, and for how long with no action (the visit's idle countdown)."""
        ...

    @property
    def hopper(self) -> HopperInventory: ...

    @property
    def till(self) -> Till: ...

    @property
    def out_of_service_reason(self) -> str: ...

    async def health_changed(self) -> None:
        """Look again at whether the booth can serve (out of service, or back), as a device's change does."""

    @property
    def maintenance_from(self) -> tuple[str, ...]:
        """The states a technician may enter maintenance from (a resident's session finishes first)."""
        ...

    async def handle_intent(self, intent: Intent) -> None:
        """A touch or key, as from the screens (the visit's idle countdown leaves by the exit button's)."""
