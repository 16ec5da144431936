"""DLE EOT answers decoded per Epson's ESC/POS reference ("DLE EOT n — Transmit real-time status").

Each vector is a row of the manual's bit table for n = 1..4: fixed bits 0x12 plus the one bit under
test. Property tests: arbitrary bytes never raise anything but StatusByteError.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.status import DeviceState, SupplyLevel
from drivers.receipt_printer.errors import StatusByteError
from drivers.receipt_printer.status import (
    ErrorCause,
    OfflineCause,
    PrinterStatus,
    RealTimeStatus,
    RollPaper,
    StatusKind,
    is_status_byte,
    no_answer,
    request,
)


def test_requests_are_dle_eot_n() -> None:
    assert [request(k) for k in StatusKind] == [
        b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03", b"\x10\x04\x04"]
    with pytest.raises(ValueError, match=r"1\.\.4"):
        request(5)


# n = 1, printer status: bit 2 drawer pin 3 (0x04), bit 3 offline (0x08), bit 5 waiting for online
# recovery (0x20), bit 6 paper feed button pressed (0x40).
@pytest.mark.parametrize(("value", "expected"), [
    (0x12, PrinterStatus(False, False, False, False)),
    (0x16, PrinterStatus(True, False, False, False)),
    (0x1A, PrinterStatus(False, True, False, False)),
    (0x32, PrinterStatus(False, False, True, False)),
    (0x52, PrinterStatus(False, False, False, True)),
])
def test_printer_status_table(value: int, expected: PrinterStatus) -> None:
    assert PrinterStatus.from_byte(value) == expected


# n = 2, offline cause: bit 2 cover open (0x04), bit 3 paper fed by button (0x08), bit 5 printing
# stopped by paper end (0x20), bit 6 error occurred (0x40).
@pytest.mark.parametrize(("value", "expected"), [
    (0x12, OfflineCause(False, False, False, False)),
    (0x16, OfflineCause(True, False, False, False)),
    (0x1A, OfflineCause(False, True, False, False)),
    (0x32, OfflineCause(False, False, True, False)),
    (0x52, OfflineCause(False, False, False, True)),
])
def test_offline_cause_table(value: int, expected: OfflineCause) -> None:
    assert OfflineCause.from_byte(value) == expected


# n = 3, error cause: bit 2 recoverable (0x04), bit 3 autocutter (0x08), bit 5 unrecoverable (0x20),
# bit 6 automatically recoverable, e.g. head overheating (0x40).
@pytest.mark.parametrize(("value", "expected"), [
    (0x12, ErrorCause(False, False, False, False)),
    (0x16, ErrorCause(True, False, False, False)),
    (0x1A, ErrorCause(False, True, False, False)),
    (0x32, ErrorCause(False, False, True, False)),
    (0x52, ErrorCause(False, False, False, True)),
])
def test_error_cause_table(value: int, expected: ErrorCause) -> None:
    assert ErrorCause.from_byte(value) == expected


# n = 4, roll paper sensor: bits 2,3 near end (0x0C), bits 5,6 paper end (0x60).
@pytest.mark.parametrize(("value", "near_end", "paper_end"), [
    (0x12, False, False),
    (0x1E, True, False),
    (0x72, False, True),
    (0x7E, True, True),
    (0x16, True, False),  # models that set only one bit of the pair (Citizen CT-S2000 table)
    (0x32, False, True),
])
def test_roll_paper_table(value: int, near_end: bool, paper_end: bool) -> None:
    assert RollPaper.from_byte(value) == RollPaper(near_end, paper_end)


@pytest.mark.parametrize("value", [0x00, 0xFF, 0x10, 0x02, 0x13, 0x92])
def test_bytes_without_the_fixed_bits_are_rejected(value: int) -> None:
    with pytest.raises(StatusByteError):
        PrinterStatus.from_byte(value)


@pytest.mark.parametrize(("answers", "state", "reason", "paper"), [
    (b"\x12\x12\x12\x12", DeviceState.ONLINE, "", SupplyLevel.FULL),
    (b"\x12\x12\x12\x1e", DeviceState.ONLINE, "paper-near-end", SupplyLevel.LOW),
    (b"\x1a\x32\x12\x7e", DeviceState.OFFLINE, "paper-end", SupplyLevel.OUT),
    (b"\x1a\x16\x12\x12", DeviceState.OFFLINE, "cover-open", SupplyLevel.FULL),
    (b"\x1a\x52\x1a\x12", DeviceState.HARDWARE_ERROR, "autocutter-error", SupplyLevel.FULL),
    (b"\x1a\x52\x32\x12", DeviceState.HARDWARE_ERROR, "unrecoverable-error", SupplyLevel.FULL),
    (b"\x1a\x52\x52\x12", DeviceState.OFFLINE, "auto-recoverable-error", SupplyLevel.FULL),
    (b"\x3a\x12\x12\x12", DeviceState.OFFLINE, "offline", SupplyLevel.FULL),
])
def test_answers_become_the_kiosk_status(answers: bytes, state: DeviceState, reason: str,
                                         paper: SupplyLevel) -> None:
    status = RealTimeStatus.from_bytes(answers).to_device_status()
    assert (status.device, status.state, status.reason, status.supplies) == (
        "receipt_printer", state, reason, {"paper": paper})


def test_near_end_is_a_warning_not_a_stop() -> None:
    status = RealTimeStatus.from_bytes(b"\x12\x12\x12\x1e").to_device_status()
    assert status.usable
    assert status.warnings == ["paper"]


def test_paper_end_makes_the_printer_unusable() -> None:
    assert not RealTimeStatus.from_bytes(b"\x1a\x32\x12\x7e").to_device_status().usable


def test_no_answer_is_offline_with_unknown_paper() -> None:
    status = no_answer()
    assert status.state is DeviceState.OFFLINE
    assert status.reason == "no-answer"
    assert status.supplies["paper"] is SupplyLevel.UNKNOWN
    assert not status.usable


@given(st.integers(min_value=0, max_value=255))
def test_any_byte_decodes_or_raises_the_typed_error(value: int) -> None:
    for decoder in (PrinterStatus, OfflineCause, ErrorCause, RollPaper):
        try:
            decoder.from_byte(value)
        except StatusByteError:
            assert not is_status_byte(value)
        else:
            assert is_status_byte(value)


@given(st.binary(max_size=8))
def test_any_answer_bytes_decode_or_raise_the_typed_error(data: bytes) -> None:
    valid = len(data) == 4 and all(is_status_byte(b) for b in data)
    if not valid:
        with pytest.raises(StatusByteError):
            RealTimeStatus.from_bytes(data)
        return
    status = RealTimeStatus.from_bytes(data).to_device_status()
    # Whatever the bits, paper-end bits never read as paper present.
    if data[3] & 0x60 or data[1] & 0x20:
        assert status.supplies["paper"] is SupplyLevel.OUT
        assert not status.usable
