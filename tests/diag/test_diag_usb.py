"""`kiosk diag usb`: the USB printers present. This machine has none (the path tested first); a pyusb
backend holding descriptors of two devices (an Epson-like printer and a keyboard) shows the table."""

from __future__ import annotations

import array
import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import usb.backend

from kiosk.booth import diag_cli
from kiosk.booth.usb_printers import find_printers
from tests.diag.conftest import run_diag

ROOT = Path(__file__).resolve().parents[2]
STRINGS = {1: "EPSON", 2: "TM-T20III", 3: "X7QF012345"}


class DescriptorBackend(usb.backend.IBackend):  # type: ignore[misc]  # pyusb is untyped
    """Two devices by their descriptors: a printer (interface class 7, strings 1-3) and a keyboard (class 3)."""

    def enumerate_devices(self) -> Iterator[str]:
        yield from ("printer", "keyboard")

    def get_device_descriptor(self, dev: str) -> Any:
        printer = dev == "printer"
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0, bDeviceProtocol=0,
            bMaxPacketSize0=64, idVendor=0x04B8 if printer else 0x046D, idProduct=0x0E28 if printer else 0xC31C,
            bcdDevice=0x0100, iManufacturer=1 if printer else 0, iProduct=2 if printer else 0,
            iSerialNumber=3 if printer else 0, bNumConfigurations=1, address=5 if printer else 2, bus=1,
            port_number=1, port_numbers=(1,), speed=2)

    def get_configuration_descriptor(self, dev: str, config: int) -> Any:
        if config != 0:
            raise IndexError("one configuration")
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1, bConfigurationValue=1,
                               iConfiguration=0, bmAttributes=0xC0, bMaxPower=1, extra_descriptors=[])

    def get_interface_descriptor(self, dev: str, intf: int, alt: int, config: int) -> Any:
        if intf or alt or config:
            raise IndexError("one interface")
        return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0, bNumEndpoints=0,
                               bInterfaceClass=7 if dev == "printer" else 3, bInterfaceSubClass=1,
                               bInterfaceProtocol=2 if dev == "printer" else 1, iInterface=0, extra_descriptors=[])

    def open_device(self, dev: str) -> str:
        return dev

    def close_device(self, handle: str) -> None:
        pass

    def ctrl_transfer(self, *request: Any) -> int:
        """pyusb's (handle, bmRequestType, bRequest, wValue, wIndex, buffer, timeout)."""
        _handle, bmRequestType, bRequest, wValue, _index, data, _timeout = request
        assert (bmRequestType, bRequest, wValue >> 8) == (0x80, 6, 3), "only GET_DESCRIPTOR(string)"
        index = wValue & 0xFF
        body = b"\x09\x04" if index == 0 else STRINGS[index].encode("utf-16-le")  # index 0: the languages
        raw = bytes((2 + len(body), 3)) + body
        data[:len(raw)] = array.array("B", raw)
        return len(raw)


async def test_a_machine_without_usb_printers_says_so() -> None:
    """Through the real `kiosk` command and libusb, in a process of its own (libusb keeps its context,
    descriptors and all, for the life of the process)."""
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "kiosk", "diag", "usb"],
                                   capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "no USB printers found" in done.stdout


@pytest.fixture
def two_devices() -> Iterator[None]:
    diag_cli._USB_BACKEND[0] = DescriptorBackend()
    yield
    diag_cli._USB_BACKEND[0] = None


async def test_the_printer_is_listed_with_its_ids_maker_model_and_serial(two_devices: None) -> None:
    ran = await run_diag(None, "usb", "--json")
    assert ran.json() == {"ok": True, "printers": [
        {"bus": 1, "address": 5, "vendor_id": "04b8", "product_id": "0e28", "manufacturer": "EPSON",
         "product": "TM-T20III", "serial": "X7QF012345", "interface_protocol": 2}]}
    human = await run_diag(None, "usb")
    assert human.code == 0
    for text in ("001:005", "04b8:0e28", "EPSON", "TM-T20III", "X7QF012345"):
        assert text in human.stdout
    assert "046d" not in human.stdout  # the keyboard is not a printer


def test_find_printers_reads_pyusb_devices() -> None:
    assert [p.product for p in find_printers(DescriptorBackend())] == ["TM-T20III"]
