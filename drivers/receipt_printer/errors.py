"""Typed failures of the receipt printer driver, so the controller can tell a resident what happened.

Every error the driver raises is a `ReceiptPrinterError`; those caused by another exception are
raised ``from`` it. Timeouts are also `TimeoutError`s.
"""

from __future__ import annotations


class ReceiptPrinterError(Exception):
    """Anything the receipt printer driver reports as failed."""


class StatusByteError(ReceiptPrinterError, ValueError):
    """A byte that is not a valid DLE EOT answer (its fixed bits are wrong)."""


class EndpointError(ReceiptPrinterError, ValueError):
    """A configured endpoint string the driver cannot use."""


class ReceiptPrinterOffline(ReceiptPrinterError):
    """The printer is unreachable, silent or stopped: the receipt cannot print now."""


class ReceiptPrinterTimeout(ReceiptPrinterOffline, TimeoutError):
    """The printer did not answer a status request within its deadline."""


class ReceiptCoverOpen(ReceiptPrinterOffline):
    """The printer's cover is open: a technician (or the resident) must close it."""


class ReceiptPaperOut(ReceiptPrinterError):
    """The paper roll is empty: nothing was (or could be) printed."""


class ReceiptHardwareError(ReceiptPrinterError):
    """The printer reports a cutter or unrecoverable error: it needs a technician."""
