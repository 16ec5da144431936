"""`kiosk diag usb`: the USB printers present (interface class 7), with vendor, product and serial.

A receipt printer on USB is configured by vendor and product id (drivers/receipt_printer's USB
transport); a technician who swapped a printer reads the new ids here. Strings (maker, model, serial
number) need the device opened, which may need root: without it they are left empty, ids still shown.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass
from typing import Any

import usb.core
import usb.util

PRINTER_CLASS = 7  # USB-IF class code "Printer" (Printer Class Definition 1.1)


class UsbUnavailable(RuntimeError):
    """No libusb on this machine: pyusb cannot look at the bus at all."""


@dataclass(frozen=True)
class UsbPrinter:
    bus: int
    address: int
    vendor_id: str  # "04b8"
    product_id: str
    manufacturer: str
    product: str
    serial: str
    interface_protocol: int  # 1 unidirectional, 2 bidirectional, 3 IEEE 1284.4

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _printer_interfaces(device: Any) -> list[Any]:
    found = []
    with contextlib.suppress(usb.core.USBError, ValueError, IndexError):
        for config in device:
            for interface in config:
                if interface.bInterfaceClass == PRINTER_CLASS:
                    found.append(interface)
    return found


def is_printer(device: Any) -> bool:
    return device.bDeviceClass == PRINTER_CLASS or bool(_printer_interfaces(device))


def _string(device: Any, index: int) -> str:
    if not index:
        return ""
    try:
        return str(usb.util.get_string(device, index) or "")
    except (usb.core.USBError, ValueError, NotImplementedError):
        return ""  # not allowed to open it (not root), or it does not answer


def describe(device: Any) -> UsbPrinter:
    interfaces = _printer_interfaces(device)
    return UsbPrinter(
        bus=int(device.bus or 0), address=int(device.address or 0),
        vendor_id=f"{device.idVendor:04x}", product_id=f"{device.idProduct:04x}",
        manufacturer=_string(device, device.iManufacturer), product=_string(device, device.iProduct),
        serial=_string(device, device.iSerialNumber),
        interface_protocol=int(interfaces[0].bInterfaceProtocol) if interfaces else 0)


def find_printers(backend: Any = None) -> list[UsbPrinter]:
    """Every USB printer on the machine's buses (`backend`: pyusb's, default libusb)."""
    try:
        devices = list(usb.core.find(find_all=True, custom_match=is_printer, backend=backend) or [])
    except usb.core.NoBackendError as exc:
        raise UsbUnavailable("libusb is not installed (Debian: libusb-1.0-0): cannot look at the USB buses") from exc
    printers = [describe(device) for device in devices]
    for device in devices:
        with contextlib.suppress(Exception):
            usb.util.dispose_resources(device)
    return sorted(printers, key=lambda p: (p.bus, p.address))
