"""The A4 document printer: IPP over HTTP to any IPP Everywhere printer (or CUPS queue)."""

from __future__ import annotations

from drivers.a4_printer.client import A4Printer, PrintOutcome
from drivers.a4_printer.errors import (
    A4PrinterError,
    IppDecodeError,
    IppEncodeError,
    PrinterTimeout,
    PrinterUnavailable,
    PrintFailed,
    PrintOutcomeUnknown,
    PrintTimedOut,
)

__all__ = [
    "A4Printer",
    "A4PrinterError",
    "IppDecodeError",
    "IppEncodeError",
    "PrintFailed",
    "PrintOutcome",
    "PrintOutcomeUnknown",
    "PrintTimedOut",
    "PrinterTimeout",
    "PrinterUnavailable",
]
