"""What the controller needs from each device and from the server, as Protocols.

The drivers in drivers/ implement these; so could a certified payment module or another sensor
family. The controller imports only this module and the drivers' public types (each driver
package's `__init__`: its events, outcomes and errors), never a driver's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from common.status import DeviceStatus
from drivers.a4_printer import PrintOutcome
from drivers.card import CardAuthorisationRequest, PinStatus, TechnicianCardInfo
from drivers.cash import DispenseResult
from drivers.fingerprint import CapturedTemplate
from drivers.issuance_server import (
    Catalog,
    DeliveryOrder,
    HelpRequest,
    IdentityResult,
    MobileIdChallenge,
    MobileIdState,
    NoticeReceipt,
    Parcel,
    PaymentAnswer,
    Pickup,
    Reservation,
    ServerPayment,
    Settlement,
    SupportBundleReceipt,
)
from drivers.receipt_printer import Receipt


class Device(Protocol):
    @property
    def status(self) -> DeviceStatus: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class FingerprintPort(Device, Protocol):
    async def capture(self, on_guidance: Callable[[str], None]) -> CapturedTemplate: ...

    async def wait_lifted(self, on_guidance: Callable[[str], None]) -> None: ...

    async def cancel(self) -> None: ...


class CashPort(Device, Protocol):
    def resume_from(self, *, coin: int | None = None, bill: int | None = None) -> None: ...

    async def enable(self, *, coins: Iterable[int], bills: Iterable[int]) -> None: ...

    async def disable(self) -> None: ...

    async def route_bill(self, *, stack: bool) -> None: ...

    async def dispense(self, amount: int, *, on_progress: Callable[[int], None] | None = None) -> DispenseResult: ...

    def event_counters(self) -> dict[str, int]: ...

    async def payout_mark(self) -> dict[str, int]: ...

    async def paid_since(self, hopper_counter: int | None, requested: int, *, serial: int | None = None,
                         dispensed: int | None = None) -> int | None: ...

    def change_cap(self) -> int | None: ...

    def change_confirmed(self) -> int: ...


class ReceiptPort(Device, Protocol):
    async def query_status(self) -> DeviceStatus: ...

    async def print_receipt(self, receipt: Receipt) -> None: ...


class A4Port(Device, Protocol):
    async def refresh_status(self) -> DeviceStatus: ...

    async def print_pdf(self, pdf: bytes, *, copies: int = 1, job_name: str,
                        expected_pages: int | None = None,
                        on_progress: Callable[[str], None] | None = None) -> PrintOutcome: ...

    async def outcome_of(self, job_name: str, *, expected_pages: int | None = None) -> PrintOutcome | None: ...


class CardPort(Device, Protocol):
    """The EMV card reader (drivers.card.CardReader); its events arrive as `drivers.card.CardEvent`."""

    @property
    def card_present(self) -> bool: ...

    async def read_for_payment(self, amount: int, *, session_id: str = "") -> CardAuthorisationRequest: ...

    async def read_technician_card(self) -> TechnicianCardInfo | None:
        """The technician id and PIN tries left of the card in the reader; None for a payment card."""
        ...

    async def verify_technician_pin(self, pin: bytes | bytearray) -> PinStatus:
        """The technician card checks `pin` itself (VERIFY): right, tries left, or blocked."""
        ...


@dataclass
class Devices:
    """The devices of one booth, as the controller sees them (the composition root builds them)."""

    fingerprint: FingerprintPort | None
    cash: CashPort
    receipt: ReceiptPort | None
    a4: A4Port
    card: CardPort | None = None  # drivers.card.CardReader when [card] enabled = true
    # drivers.keypad.Keypad when [keypad] enabled = true: its keys go to the screens and voice
    # (kiosk/booth/keypad_dispatch.py); the controller sees only its status.
    keypad: Device | None = None

    def all(self) -> list[Device]:
        devices: tuple[Device | None, ...] = (self.fingerprint, self.cash, self.receipt, self.a4, self.card,
                                              self.keypad)
        return [d for d in devices if d is not None]


class ServerPort(Protocol):
    """The issuance server as the controller uses it: typed answers, and a link status like a device's."""

    @property
    def status(self) -> DeviceStatus: ...

    async def catalog(self) -> Catalog: ...

    async def verify_identity(self, resident_number: str | bytearray, template: bytes | bytearray,
                              template_format: str) -> IdentityResult: ...

    async def reserve(self, key: str, document: str, *, options: Sequence[str], copies: int,
                      token: str | None, parcel: str | None = None) -> Reservation: ...

    async def commit(self, key: str, *, pages_printed: int, payment_ref: str) -> None: ...

    async def void(self, key: str, *, reason: str) -> None: ...

    async def heartbeat(self, statuses: Mapping[str, object], *, alerts: Sequence[Mapping[str, object]] = (),
                        public: Mapping[str, object] | None = None) -> list[str]: ...

    async def search_parcels(self, district: str, lot: str) -> list[Parcel]: ...

    async def authorise_payment(self, session: str, *, amount: int, icc_data: str,
                                masked_pan: str) -> PaymentAnswer: ...

    async def void_payment(self, reference: str, *, reason: str) -> None: ...

    async def cancel_payment_part(self, reference: str, *, amount: int, remaining: int, reason: str) -> None: ...

    async def session_payments(self, session: str) -> list[ServerPayment]: ...

    async def request_help(self, key: str, *, screen: str, language: str) -> HelpRequest: ...

    async def settle_cash(self, key: str, counted: Mapping[str, int], journal: Mapping[str, int]) -> Settlement:
        """An emptied cash box's counts, as counted and as journaled (POST /v1/settlements)."""
        ...

    async def upload_support_bundle(self, key: str, bundle: bytes, *, reason: str) -> SupportBundleReceipt: ...

    # Pickup of a document reserved online (issue 17, kiosk/pickup.py).
    async def lookup_pickup(self, code: str) -> Pickup: ...

    async def reserve_pickup(self, code: str, key: str, *, token: str | None = None) -> Reservation: ...

    # Notices by text message or e-mail (issue 17, kiosk/notices.py).
    async def send_notice(self, key: str, *, channel: str, to: str, kind: str, language: str,
                          facts: Mapping[str, object]) -> NoticeReceipt: ...

    # Delivery to the registered address (issue 17, kiosk/delivery.py).
    async def order_delivery(self, key: str, document: str, *, copies: int, token: str | None = None,
                             parcel: str | None = None) -> DeliveryOrder: ...

    async def confirm_delivery(self, key: str) -> DeliveryOrder: ...

    async def cancel_delivery(self, key: str, *, reason: str) -> None: ...

    # Mobile ID (모바일 신분증) as an identity route (issue 17, kiosk/mobile_id.py).
    async def start_mobile_id(self, key: str) -> MobileIdChallenge: ...

    async def poll_mobile_id(self, trxcode: str) -> MobileIdState: ...

    async def close(self) -> None: ...
