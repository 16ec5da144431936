"""Simulated ESC/POS receipt printer: `python -m simulators.receipt_printer [--out DIR] [--port N]`."""

from simulators.receipt_printer.simulator import ReceiptPrinterSimulator

__all__ = ["ReceiptPrinterSimulator"]
