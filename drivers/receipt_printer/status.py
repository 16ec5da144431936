"""DLE EOT real-time status: the request bytes and the decoding of the printer's one-byte answers.

Pure functions of bytes. Bit tables from Epson's ESC/POS Application Programming Guide / Command
Reference, "DLE EOT n — Transmit real-time status" (n = 1 printer status, 2 offline cause,
3 error cause, 4 roll paper sensor). Every answer has bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0,
which is how a host tells a status byte from anything else on the wire.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.receipt_printer.errors import StatusByteError

DEVICE = "receipt_printer"

DLE = 0x10
EOT = 0x04

# Fixed bits of every DLE EOT answer (Epson table, rows "Fixed"): bits 0,1,4,7 must read 0,1,1,0.
FIXED_MASK = 0x93
FIXED_VALUE = 0x12


class StatusKind(enum.IntEnum):
    """The `n` of DLE EOT n."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    ROLL_PAPER = 4


def request(kind: StatusKind | int) -> bytes:
    """The three bytes `10 04 n` that ask for one status byte."""
    n = int(kind)
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n is 1..4 here, not {n}")
    return bytes((DLE, EOT, n))


def is_status_byte(value: int) -> bool:
    """True when `value` has the fixed bits every DLE EOT answer carries."""
    return 0 <= value <= 0xFF and value & FIXED_MASK == FIXED_VALUE


def _check(value: int, kind: StatusKind) -> None:
    if not is_status_byte(value):
        raise StatusByteError(f"0x{value:02X} is not a DLE EOT {int(kind)} answer (fixed bits wrong)")


@dataclass(frozen=True)
class PrinterStatus:
    """DLE EOT 1: bit 2 drawer pin 3, bit 3 offline, bit 5 waiting for online recovery, bit 6 feed button."""

    drawer_pin3_high: bool
    offline: bool
    waiting_online_recovery: bool
    feed_button_pressed: bool

    @classmethod
    def from_byte(cls, value: int) -> PrinterStatus:
        _check(value, StatusKind.PRINTER)
        return cls(bool(value & 0x04), bool(value & 0x08), bool(value & 0x20), bool(value & 0x40))


@dataclass(frozen=True)
class OfflineCause:
    """DLE EOT 2: bit 2 cover open, bit 3 feeding by button, bit 5 stopped by paper end, bit 6 error."""

    cover_open: bool
    feeding_by_button: bool
    paper_end_stop: bool
    error: bool

    @classmethod
    def from_byte(cls, value: int) -> OfflineCause:
        _check(value, StatusKind.OFFLINE_CAUSE)
        return cls(bool(value & 0x04), bool(value & 0x08), bool(value & 0x20), bool(value & 0x40))


@dataclass(frozen=True)
class ErrorCause:
    """DLE EOT 3: bit 2 recoverable, bit 3 autocutter, bit 5 unrecoverable, bit 6 auto-recoverable error.

    Bit 2 is "recoverable error" on Epson TM models; other vendors leave it undefined or use it for
    black-mark detection, so it counts only as a recoverable error here.
    """

    recoverable: bool
    autocutter: bool
    unrecoverable: bool
    auto_recoverable: bool

    @classmethod
    def from_byte(cls, value: int) -> ErrorCause:
        _check(value, StatusKind.ERROR_CAUSE)
        return cls(bool(value & 0x04), bool(value & 0x08), bool(value & 0x20), bool(value & 0x40))


@dataclass(frozen=True)
class RollPaper:
    """DLE EOT 4: bits 2-3 near-end sensor (0x0C = near end), bits 5-6 paper-end sensor (0x60 = no paper)."""

    near_end: bool
    paper_end: bool

    @classmethod
    def from_byte(cls, value: int) -> RollPaper:
        _check(value, StatusKind.ROLL_PAPER)
        # Either bit of a pair counts: some models set only one of the two (e.g. Citizen CT-S2000).
        return cls(bool(value & 0x0C), bool(value & 0x60))


@dataclass(frozen=True)
class RealTimeStatus:
    """The four answers together, decoded."""

    printer: PrinterStatus
    offline_cause: OfflineCause
    error_cause: ErrorCause
    roll_paper: RollPaper

    @classmethod
    def from_bytes(cls, answers: bytes) -> RealTimeStatus:
        """Decode the answers to DLE EOT 1, 2, 3, 4, in that order."""
        if len(answers) != 4:
            raise StatusByteError(f"need the 4 answers to DLE EOT 1..4, got {len(answers)} bytes")
        return cls(
            PrinterStatus.from_byte(answers[0]),
            OfflineCause.from_byte(answers[1]),
            ErrorCause.from_byte(answers[2]),
            RollPaper.from_byte(answers[3]),
        )

    def to_device_status(self) -> DeviceStatus:
        """The kiosk's view: hardware errors first, then why it is offline, then paper warnings."""
        paper = SupplyLevel.FULL
        if self.roll_paper.paper_end or self.offline_cause.paper_end_stop:
            paper = SupplyLevel.OUT
        elif self.roll_paper.near_end:
            paper = SupplyLevel.LOW
        status = DeviceStatus(device=DEVICE, state=DeviceState.ONLINE, supplies={"paper": paper})
        err = self.error_cause
        if err.unrecoverable:
            return status.with_state(DeviceState.HARDWARE_ERROR, "unrecoverable-error")
        if err.autocutter:
            return status.with_state(DeviceState.HARDWARE_ERROR, "autocutter-error")
        if self.offline_cause.cover_open:
            return status.with_state(DeviceState.OFFLINE, "cover-open")
        if paper is SupplyLevel.OUT:
            return status.with_state(DeviceState.OFFLINE, "paper-end")
        if err.auto_recoverable:
            return status.with_state(DeviceState.OFFLINE, "auto-recoverable-error", "e.g. head overheating")
        if err.recoverable or self.offline_cause.error:
            return status.with_state(DeviceState.OFFLINE, "recoverable-error")
        if self.printer.offline or self.printer.waiting_online_recovery:
            return status.with_state(DeviceState.OFFLINE, "offline")
        if paper is SupplyLevel.LOW:
            return status.with_state(DeviceState.ONLINE, "paper-near-end")
        return status


def no_answer(detail: str = "") -> DeviceStatus:
    """A printer that did not answer: OFFLINE, paper unknown (never "adequate")."""
    return DeviceStatus(device=DEVICE, state=DeviceState.OFFLINE, reason="no-answer", detail=detail,
                        supplies={"paper": SupplyLevel.UNKNOWN})


def disconnected(detail: str = "") -> DeviceStatus:
    """A printer whose link is down: OFFLINE, paper unknown."""
    return DeviceStatus(device=DEVICE, state=DeviceState.OFFLINE, reason="disconnected", detail=detail,
                        supplies={"paper": SupplyLevel.UNKNOWN})
