"""Serial 2D barcode scanner simulator (Honeywell command set) on a PTY behind a stable symlink."""

from __future__ import annotations

from simulators.barcode_scanner.device import BarcodeScannerSimulator, default_link

__all__ = ["BarcodeScannerSimulator", "default_link"]
