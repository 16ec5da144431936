"""A pyusb backend holding one USB printer-class device whose bulk endpoints reach the simulator.

pyusb asks a backend for descriptors and bulk transfers; this one answers with an Epson-like printer
(interface class 7 / subclass 1 / protocol 2 "bidirectional", bulk OUT 0x01, bulk IN 0x82) and carries
bulk OUT bytes to the receipt printer simulator over TCP and the simulator's answers back as bulk IN
data, so the driver's real USB code path (usb.core.find, set_configuration, endpoint lookup, write,
read with timeouts, dispose) runs against the real other end. Synchronous, like libusb: the driver
calls it from threads.
"""

from __future__ import annotations

import array
import select
import socket
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core

EP_OUT = 0x01
EP_IN = 0x82
# 64 bytes: bulk max packet size of a full-speed device (USB 2.0 §5.8.3); TM printers are full speed.
MAX_PACKET = 64
# libusb's codes for what a real backend raises (LIBUSB_ERROR_TIMEOUT / _NO_DEVICE) and errno values.
LIBUSB_ERROR_TIMEOUT, ETIMEDOUT = -7, 110
LIBUSB_ERROR_NO_DEVICE, ENODEV = -4, 19


class _Handle:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.claimed: set[int] = set()


class BridgedPrinterBackend(usb.backend.IBackend):  # type: ignore[misc]  # pyusb is untyped
    """One printer at `vendor_id:product_id`; its bulk pipes are a TCP connection to `host:port`."""

    def __init__(self, host: str, port: int, vendor_id: int = 0x04B8, product_id: int = 0x0202) -> None:
        super().__init__()
        self.host, self.port = host, port
        self.vendor_id, self.product_id = vendor_id, product_id
        self.unplugged = False
        self.opened = 0
        self.closed = 0
        self._device = object()

    # -- descriptors ---------------------------------------------------------------------------------

    def enumerate_devices(self) -> Any:
        if not self.unplugged:
            yield self._device

    def get_device_descriptor(self, dev: Any) -> Any:
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=self.vendor_id, idProduct=self.product_id,
            bcdDevice=0x0100, iManufacturer=0, iProduct=0, iSerialNumber=0, bNumConfigurations=1,
            address=5, bus=1, port_number=1, port_numbers=(1,), speed=2)

    def get_configuration_descriptor(self, dev: Any, config: int) -> Any:
        if config != 0:
            raise IndexError("one configuration")
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
                               bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0, bMaxPower=1,
                               extra_descriptors=[])

    def get_interface_descriptor(self, dev: Any, intf: int, alt: int, config: int) -> Any:
        if config != 0 or intf != 0 or alt != 0:
            raise IndexError("one interface, one alternate setting")
        return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                               bNumEndpoints=2, bInterfaceClass=7, bInterfaceSubClass=1,
                               bInterfaceProtocol=2, iInterface=0, extra_descriptors=[])

    def get_endpoint_descriptor(self, dev: Any, ep: int, intf: int, alt: int, config: int) -> Any:
        if ep not in (0, 1) or intf != 0 or alt != 0 or config != 0:
            raise IndexError("two endpoints")
        return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=EP_OUT if ep == 0 else EP_IN,
                               bmAttributes=0x02, wMaxPacketSize=MAX_PACKET, bInterval=0, bRefresh=0,
                               bSynchAddress=0, extra_descriptors=[])

    # -- device handle -------------------------------------------------------------------------------

    def open_device(self, dev: Any) -> _Handle:
        if self.unplugged:
            raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, ENODEV)
        self.opened += 1
        return _Handle(socket.create_connection((self.host, self.port)))

    def close_device(self, dev_handle: _Handle) -> None:
        self.closed += 1
        dev_handle.sock.close()

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        pass

    def get_configuration(self, dev_handle: _Handle) -> int:
        return 1

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev_handle.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev_handle.claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        return False

    # -- bulk pipes ------------------------------------------------------------------------------------

    def bulk_write(self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int],
                   timeout: int) -> int:
        if ep != EP_OUT or intf not in dev_handle.claimed:
            raise usb.core.USBError("Invalid parameter", -2, 22)
        if self.unplugged:
            raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, ENODEV)
        payload = data.tobytes()
        dev_handle.sock.sendall(payload)
        return len(payload)

    def bulk_read(self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int],
                  timeout: int) -> int:
        if ep != EP_IN or intf not in dev_handle.claimed:
            raise usb.core.USBError("Invalid parameter", -2, 22)
        if self.unplugged:
            raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, ENODEV)
        readable, _, _ = select.select([dev_handle.sock], [], [], timeout / 1000)
        if not readable:
            raise usb.core.USBTimeoutError("Operation timed out", LIBUSB_ERROR_TIMEOUT, ETIMEDOUT)
        chunk = dev_handle.sock.recv(len(buff))
        if not chunk:
            raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, ENODEV)
        buff[: len(chunk)] = array.array("B", chunk)
        return len(chunk)
