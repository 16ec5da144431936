"""The device board and the booth's history, for a technician: what each device is doing and why the
booth was out of service (helper "board" fills this in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from kiosk.views import DeviceLine, MaintenanceView, ScreenData

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Handler, TechnicianLog


class DeviceBoard:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop

    def actions(self) -> Mapping[str, Handler]:
        return {}

    def queries(self) -> Mapping[str, Handler]:
        return {}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {"board": self.board_view}

    def board_view(self) -> MaintenanceView:
        kiosk = self.kiosk
        devices = [DeviceLine(device=s.device, state=s.state.value, reason=s.reason,
                              supplies={k: v.value for k, v in s.supplies.items()})
                   for s in sorted(kiosk.statuses.values(), key=lambda s: s.device)]
        return MaintenanceView(devices=devices, counters=kiosk.journal.totals(), cash_box=kiosk.journal.cash_box(),
                               journal_tail=[e.line() for e in kiosk.journal.tail(12)])
