"""Byte transports to an ESC/POS printer, chosen by the endpoint string in config.

``tcp://host:9100`` (raw TCP, "port 9100" printing), ``serial:///dev/ttyUSB0?baud=19200`` (RS-232 via
pyserial-asyncio-fast) and ``usb://04b8:0202`` (USB printer class bulk OUT/IN endpoints via pyusb; every
pyusb call runs in a thread). A transport moves bytes only; it never interprets them.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
from dataclasses import dataclass
from typing import Any, Protocol

from drivers.receipt_printer.errors import EndpointError, ReceiptPrinterOffline


class TransportClosed(ReceiptPrinterOffline, ConnectionError):
    """The link to the printer is gone (peer closed, cable pulled, device unplugged)."""


class Transport(Protocol):
    description: str

    async def open(self) -> None:
        """Connect; raises TransportClosed (or OSError) when the printer cannot be reached."""

    async def write(self, data: bytes) -> None:
        """Send all of `data`; raises TransportClosed when the link is gone."""

    async def read(self) -> bytes:
        """At least one byte from the printer; raises TransportClosed when the link is gone."""

    async def close(self) -> None: ...


@dataclass(frozen=True)
class TcpEndpoint:
    host: str
    port: int


@dataclass(frozen=True)
class SerialEndpoint:
    path: str
    baud: int


@dataclass(frozen=True)
class UsbEndpoint:
    vendor_id: int
    product_id: int


Endpoint = TcpEndpoint | SerialEndpoint | UsbEndpoint

# 9100: the raw-TCP printing port every networked ESC/POS printer listens on (HP JetDirect convention).
DEFAULT_TCP_PORT = 9100
# 19200: Epson TM series factory default serial speed (TM-T20II/T88V DIP switch default).
DEFAULT_BAUD = 19200


def parse_endpoint(endpoint: str) -> Endpoint:
    """The endpoint described by `endpoint`; EndpointError when it cannot be used."""
    url = urllib.parse.urlsplit(endpoint)
    try:
        if url.scheme == "tcp":
            if not url.hostname:
                raise EndpointError(f"{endpoint!r}: tcp endpoint needs a host")
            return TcpEndpoint(url.hostname, url.port or DEFAULT_TCP_PORT)
        if url.scheme == "serial":
            if not url.path:
                raise EndpointError(f"{endpoint!r}: serial endpoint needs a device path")
            query = urllib.parse.parse_qs(url.query)
            baud = int(query.get("baud", [str(DEFAULT_BAUD)])[0])
            return SerialEndpoint(url.path, baud)
        if url.scheme == "usb":
            vid, _, pid = url.netloc.partition(":")
            return UsbEndpoint(int(vid, 16), int(pid, 16))
    except ValueError as exc:
        if isinstance(exc, EndpointError):
            raise
        raise EndpointError(f"{endpoint!r}: {exc}") from exc
    raise EndpointError(f"{endpoint!r}: use tcp://host:port, serial:///dev/X?baud=N or usb://vid:pid")


def make_transport(endpoint: str | Endpoint, *, usb_backend: Any = None) -> Transport:
    """A closed transport for `endpoint`; `usb_backend` is a pyusb backend (tests pass an emulated one)."""
    ep = parse_endpoint(endpoint) if isinstance(endpoint, str) else endpoint
    if isinstance(ep, TcpEndpoint):
        return TcpTransport(ep.host, ep.port)
    if isinstance(ep, SerialEndpoint):
        return SerialTransport(ep.path, ep.baud)
    return UsbTransport(ep.vendor_id, ep.product_id, backend=usb_backend)


class _StreamTransport:
    """Shared read/write/close over asyncio streams (TCP and serial)."""

    description = ""

    def __init__(self) -> None:
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def write(self, data: bytes) -> None:
        if self._writer is None:
            raise TransportClosed(f"{self.description}: not connected")
        try:
            self._writer.write(data)
            await self._writer.drain()
        except (OSError, RuntimeError) as exc:
            raise TransportClosed(f"{self.description}: write failed: {exc}") from exc

    async def read(self) -> bytes:
        if self._reader is None:
            raise TransportClosed(f"{self.description}: not connected")
        try:
            data = await self._reader.read(4096)
        except Exception as exc:  # pyserial raises SerialException (not an OSError) when a PTY peer closes
            raise TransportClosed(f"{self.description}: read failed: {exc}") from exc
        if not data:
            raise TransportClosed(f"{self.description}: peer closed the connection")
        return data

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class TcpTransport(_StreamTransport):
    """Raw TCP to a networked printer (asyncio streams)."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.host, self.port = host, port
        self.description = f"tcp://{host}:{port}"

    async def open(self) -> None:
        try:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        except OSError as exc:
            raise TransportClosed(f"{self.description}: {exc}") from exc


class SerialTransport(_StreamTransport):
    """RS-232 (or a PTY) through pyserial-asyncio-fast."""

    def __init__(self, path: str, baud: int) -> None:
        super().__init__()
        self.path, self.baud = path, baud
        self.description = f"serial://{path}?baud={baud}"

    async def open(self) -> None:
        from drivers import serial_transport

        try:
            self._reader, self._writer = await serial_transport.open_serial_connection(
                url=self.path, baudrate=self.baud)
        except Exception as exc:  # SerialException is not an OSError subclass on every version
            raise TransportClosed(f"{self.description}: {exc}") from exc


# A bulk IN read waits this long in its thread before returning empty-handed: short, so close() (which
# waits for the read in flight) is quick, long enough not to spin (10 polls a second).
USB_READ_POLL_MS = 100
# A bulk OUT write may be held off (NAK) while the printer's receive buffer is full during a long job;
# 10 s covers a receipt's worth of paper feeding at the slowest TM speeds (~100 mm/s).
USB_WRITE_TIMEOUT_MS = 10_000


class UsbTransport:
    """USB printer class device: bulk OUT for the job, bulk IN for status bytes (pyusb, in threads)."""

    def __init__(self, vendor_id: int, product_id: int, *, backend: Any = None) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.description = f"usb://{vendor_id:04x}:{product_id:04x}"
        self._backend = backend
        self._device: Any = None
        self._ep_out: Any = None
        self._ep_in: Any = None
        self._inflight: asyncio.Future[bytes] | None = None

    async def open(self) -> None:
        try:
            await asyncio.to_thread(self._open_sync)
        except TransportClosed:
            raise
        except Exception as exc:  # usb.core.USBError, NoBackendError (ValueError)
            raise TransportClosed(f"{self.description}: {exc}") from exc

    def _open_sync(self) -> None:
        import usb.core
        import usb.util

        device = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id, backend=self._backend)
        if device is None:
            raise TransportClosed(f"{self.description}: no such USB device")
        with contextlib.suppress(NotImplementedError, usb.core.USBError):
            if device.is_kernel_driver_active(0):
                device.detach_kernel_driver(0)  # usblp holds printer-class interfaces on Linux
        with contextlib.suppress(usb.core.USBError):
            device.set_configuration()
        interface = device.get_active_configuration()[(0, 0)]

        def bulk(direction: int) -> Any:
            return usb.util.find_descriptor(
                interface, custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == direction
                and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK)

        ep_out, ep_in = bulk(usb.util.ENDPOINT_OUT), bulk(usb.util.ENDPOINT_IN)
        if ep_out is None or ep_in is None:
            usb.util.dispose_resources(device)
            raise TransportClosed(f"{self.description}: interface 0 has no bulk OUT and IN endpoints")
        self._device, self._ep_out, self._ep_in = device, ep_out, ep_in

    async def write(self, data: bytes) -> None:
        ep = self._ep_out
        if ep is None:
            raise TransportClosed(f"{self.description}: not connected")
        try:
            await asyncio.to_thread(ep.write, data, USB_WRITE_TIMEOUT_MS)
        except Exception as exc:  # usb.core.USBError and friends
            raise TransportClosed(f"{self.description}: write failed: {exc}") from exc

    async def read(self) -> bytes:
        while True:
            ep = self._ep_in
            if ep is None:
                raise TransportClosed(f"{self.description}: not connected")
            self._inflight = asyncio.ensure_future(asyncio.to_thread(self._read_sync, ep))
            # shield: cancelling the reader must not abandon a pyusb call that close() has to wait for
            data = await asyncio.shield(self._inflight)
            if data:
                return data

    def _read_sync(self, ep: Any) -> bytes:
        import usb.core

        try:
            return bytes(ep.read(ep.wMaxPacketSize, USB_READ_POLL_MS))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise TransportClosed(f"{self.description}: read failed: {exc}") from exc

    async def close(self) -> None:
        device, self._device, self._ep_out, self._ep_in = self._device, None, None, None
        inflight, self._inflight = self._inflight, None
        if inflight is not None:
            await asyncio.wait({inflight})  # the pyusb call ends within USB_READ_POLL_MS
            if not inflight.cancelled():
                inflight.exception()  # retrieved: a read failing because we closed is expected
        if device is not None:
            import usb.util

            with contextlib.suppress(Exception):
                await asyncio.to_thread(usb.util.dispose_resources, device)
