"""ESC/POS receipt printer driver: content model, rendering, DLE EOT status, transports, client."""

from drivers.receipt_printer import escpos_cache  # first: it must run before escpos is imported

# isort: split
from drivers.receipt_printer.client import ReceiptPrinter
from drivers.receipt_printer.errors import (
    EndpointError,
    ReceiptCoverOpen,
    ReceiptHardwareError,
    ReceiptPaperOut,
    ReceiptPrinterError,
    ReceiptPrinterOffline,
    ReceiptPrinterTimeout,
    StatusByteError,
)
from drivers.receipt_printer.receipt import Receipt, ReceiptLine
from drivers.receipt_printer.transport import parse_endpoint

__all__ = [
    "EndpointError",
    "Receipt",
    "ReceiptCoverOpen",
    "ReceiptHardwareError",
    "ReceiptLine",
    "ReceiptPaperOut",
    "ReceiptPrinter",
    "ReceiptPrinterError",
    "ReceiptPrinterOffline",
    "ReceiptPrinterTimeout",
    "StatusByteError",
    "escpos_cache",
    "parse_endpoint",
]
