"""A serial 2D barcode scanner (Honeywell command set, USB-COM or RS-232): reads the pickup QR on a
resident's phone (issue 17). `frames.py` is the wire codec (shared with simulators/barcode_scanner);
`client.py` the asyncio driver."""

from __future__ import annotations

from drivers.barcode_scanner.client import DEVICE, BarcodeScanner, ScannerUnavailable
from drivers.barcode_scanner.frames import Garbage, MenuReply, Read, ScannerFramer

__all__ = ["DEVICE", "BarcodeScanner", "Garbage", "MenuReply", "Read", "ScannerFramer", "ScannerUnavailable"]
