"""Who may enter maintenance, and how: a technician card whose PIN the card itself verifies, the
service door, and the booth's console (helper "access" fills this in)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.maintenance.technician import Technician
from kiosk.views import Intent, TechLoginView

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext

log = logging.getLogger(__name__)


class TechnicianAccess:
    def __init__(self, kiosk: MaintenanceContext) -> None:
        self.kiosk = kiosk
        self.door_open = False

    async def handle(self, intent: Intent) -> None:
        """An intent while the PIN screen is up (digits, backspace, confirm, cancel)."""

    def view(self) -> TechLoginView:
        return TechLoginView()

    async def door_changed(self, opened: bool) -> None:
        """The service door's switch (I/O module): journaled; what follows is this module's to decide."""
        self.door_open = opened
        self.kiosk.record("device", "door_opened" if opened else "door_closed",
                          technician=self.kiosk.technician.id if self.kiosk.technician else "")

    async def enter_console(self, user: str) -> bool:
        """The booth's console path (`kiosk diag maintenance enter`, root only): no card, no PIN."""
        if self.kiosk.state not in self.kiosk.maintenance_from:
            return False
        self.kiosk.technician = Technician(id=f"console:{user}", via="console")
        await self.kiosk.fire("maintenance_enter")  # the machine takes it from a task of its own
        return True
