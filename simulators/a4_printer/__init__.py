"""Simulated A4 document printer: the real ippeveprinter IPP server with kiosk faults."""

from __future__ import annotations

from simulators.a4_printer.simulator import A4PrinterSimulator

__all__ = ["A4PrinterSimulator"]
