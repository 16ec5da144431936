"""What the controller needs from each device and from the server, as Protocols.

The drivers in drivers/ implement these; so could a certified payment module or another sensor
family. The controller imports only this module, never a driver's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from common.status import DeviceStatus
from drivers.issuance_server import Catalog, IdentityResult, Parcel, PaymentAnswer, Reservation, ServerPayment


class Device(Protocol):
    @property
    def status(self) -> DeviceStatus: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class Captured(Protocol):
    template: bytearray
    fmt: str


class FingerprintPort(Device, Protocol):
    async def capture(self, on_guidance: Callable[[str], None]) -> Any: ...

    async def wait_lifted(self, on_guidance: Callable[[str], None]) -> None: ...

    async def cancel(self) -> None: ...


class Dispensed(Protocol):
    paid: int
    unpaid: int


class CashPort(Device, Protocol):
    async def enable(self, *, coins: Iterable[int], bills: Iterable[int]) -> None: ...

    async def disable(self) -> None: ...

    async def route_bill(self, *, stack: bool) -> None: ...

    async def dispense(self, amount: int) -> Any: ...

    def change_cap(self) -> int | None: ...

    def change_confirmed(self) -> int: ...


class ReceiptPort(Device, Protocol):
    async def query_status(self) -> DeviceStatus: ...

    async def print_receipt(self, receipt: Any) -> None: ...


class A4Port(Device, Protocol):
    async def refresh_status(self) -> DeviceStatus: ...

    async def print_pdf(self, pdf: bytes, *, copies: int = 1, job_name: str,
                        expected_pages: int | None = None,
                        on_progress: Callable[[str], None] | None = None) -> Any: ...

    async def outcome_of(self, job_name: str, *, expected_pages: int | None = None) -> Any: ...


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

    async def heartbeat(self, statuses: Mapping[str, object]) -> list[str]: ...

    async def search_parcels(self, district: str, lot: str) -> list[Parcel]: ...

    async def authorise_payment(self, session: str, *, amount: int, icc_data: str,
                                masked_pan: str) -> PaymentAnswer: ...

    async def void_payment(self, reference: str, *, reason: str) -> None: ...

    async def session_payments(self, session: str) -> list[ServerPayment]: ...

    async def close(self) -> None: ...
