"""Self-tests a technician runs one device at a time (helper "board" fills this in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from kiosk.views import ScreenData

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Handler, TechnicianLog


class SelfTests:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop

    def actions(self) -> Mapping[str, Handler]:
        return {}

    def queries(self) -> Mapping[str, Handler]:
        return {}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {}
