"""Typed errors of the ccTalk cash driver, so the controller can tell a jam from a dead wire."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.cash.events import DispenseResult


class CashError(Exception):
    """Anything the cash driver raises."""


class FrameError(CashError):
    """Bytes that are not a well-formed ccTalk packet (wrong length, bad checksum, bad field)."""


class ChecksumError(FrameError):
    """A packet whose checksum (8-bit sum or CRC-16) does not match its bytes."""


class BusError(CashError):
    """The serial port could not be opened, or went away."""


class DeviceTimeout(CashError, TimeoutError):
    """A device did not answer within the response deadline, after the allowed retries."""


class PayoutStalled(DeviceTimeout):
    """A payout stopped making progress; `paid` coins of it are known to have come out."""

    def __init__(self, message: str, paid: int) -> None:
        super().__init__(message)
        self.paid = paid


class NakError(CashError):
    """A device answered NAK (header 5): it understood the packet and refused it."""


class BusyError(CashError):
    """A device answered BUSY (header 6) on every try."""


class EscrowEmptyError(CashError):
    """Route bill (154) found no bill in escrow: it was already returned (escrow timeout) or routed."""


class RouteBillError(CashError):
    """Route bill (154) failed inside the validator (error code 255): the bill stays where it was."""


class DispenseError(CashError):
    """A payout whose outcome is not fully known: `result` holds what is known (paid so far).

    `unknown`: the hopper could not say how the payout ended (it went quiet, or was reset, under a
    payout it had started, and keeps no dispense count): `result.paid` is only the coins seen
    falling, and some of `result.unpaid` may have fallen too. Never pay that part again in coins."""

    def __init__(self, message: str, result: DispenseResult, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.result = result
        self.unknown = unknown
