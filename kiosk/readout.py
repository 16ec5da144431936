"""What the presenter (kiosk.presenter) reads of the controller to build a `View`.

kiosk.controller.Kiosk satisfies this Protocol; the presenter depends on it rather than on the
controller, which calls the presenter: so the two do not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from common.clock import Clock
from common.status import DeviceStatus
from kiosk.availability import Availability
from kiosk.card_payment import CardPayment
from kiosk.config import KioskConfig
from kiosk.journal import Journal
from kiosk.session import Session
from kiosk.till import Till
from kiosk.views import AccessMode, MobileIdView, NoticeView, PickupView, ScreenData, TechLoginView


class MaintenancePages(Protocol):
    """kiosk.maintenance.Workshop, as the presenter sees it: which page is up, and its view."""

    def screen(self) -> str: ...

    def view(self) -> ScreenData: ...


class PinScreen(Protocol):
    """kiosk.maintenance.access.TechnicianAccess, as the presenter sees it."""

    def view(self) -> TechLoginView: ...


class PickupScreen(Protocol):
    """kiosk.pickup.PickupDesk, as the presenter sees it (issue 17)."""

    def view(self) -> PickupView: ...


class NoticeScreen(Protocol):
    """kiosk.notices.NoticeDesk, as the presenter sees it (issue 17)."""

    def view(self) -> NoticeView: ...

    def offered(self) -> bool: ...

    def sent(self) -> bool: ...

    def sent_channel(self) -> str: ...

    @property
    def channel(self) -> str:
        """"" while the resident chooses, then "sms" or "email" (which screen the presenter names)."""
        ...


class DeliveryChoice(Protocol):
    """kiosk.delivery.DeliveryDesk, as the presenter sees it (issue 17)."""

    def option(self, session: Session) -> bool | None: ...


class MobileIdScreen(Protocol):
    """kiosk.mobile_id.MobileIdDesk, as the presenter sees it (issue 17)."""

    def view(self) -> MobileIdView: ...

    def offered(self) -> bool: ...


class Readout(Protocol):
    @property
    def workshop(self) -> MaintenancePages: ...

    @property
    def mobile_id_desk(self) -> MobileIdScreen: ...

    @property
    def delivery_desk(self) -> DeliveryChoice: ...

    @property
    def notice_desk(self) -> NoticeScreen: ...

    @property
    def pickup_desk(self) -> PickupScreen: ...

    @property
    def tech_access(self) -> PinScreen: ...

    @property
    def state(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def prompt(self) -> str | None: ...

    @property
    def access(self) -> AccessMode: ...

    @property
    def help_sent(self) -> bool: ...

    @property
    def boot_step(self) -> str: ...

    @property
    def out_of_service_reason(self) -> str: ...

    @property
    def out_of_service_since(self) -> str: ...

    @property
    def config(self) -> KioskConfig: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def statuses(self) -> Mapping[str, DeviceStatus]: ...

    @property
    def session(self) -> Session | None: ...

    @property
    def availability(self) -> Availability: ...

    @property
    def result_final(self) -> bool: ...

    @property
    def till(self) -> Till: ...

    @property
    def card_payment(self) -> CardPayment: ...

    def fee_per_copy(self, code: str) -> int: ...

    def offered_options(self, code: str) -> list[str]: ...

    def change_available(self) -> int: ...

    def finger_route_closed(self) -> str: ...

    def pay_seconds_left(self) -> int: ...

    def prompt_seconds_left(self) -> int: ...
