"""The same driver over USB (pyusb with the emulated printer backend) and serial (a PTY), to the simulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tty
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from common.clock import VirtualClock
from common.fonts import BOLD, REGULAR
from common.status import DeviceState, SupplyLevel
from drivers.receipt_printer import EndpointError, Receipt, ReceiptPrinter, ReceiptPrinterOffline
from drivers.receipt_printer.transport import SerialEndpoint, TcpEndpoint, UsbEndpoint, parse_endpoint
from simulators.receipt_printer import ReceiptPrinterSimulator


@pytest.mark.parametrize(("endpoint", "parsed"), [
    ("tcp://192.168.0.50:9100", TcpEndpoint("192.168.0.50", 9100)),
    ("tcp://printer.local", TcpEndpoint("printer.local", 9100)),
    ("serial:///dev/ttyS0?baud=38400", SerialEndpoint("/dev/ttyS0", 38400)),
    ("serial:///dev/ttyUSB0", SerialEndpoint("/dev/ttyUSB0", 19200)),
    ("usb://04b8:0202", UsbEndpoint(0x04B8, 0x0202)),
])
def test_endpoints_from_config(endpoint: str, parsed: object) -> None:
    assert parse_endpoint(endpoint) == parsed


@pytest.mark.parametrize("endpoint", ["lpt://1", "usb://zz:01", "tcp://:9100", "serial://?baud=9600",
                                      "serial:///dev/x?baud=fast"])
def test_bad_endpoints_are_refused_at_construction(endpoint: str, clock: VirtualClock) -> None:
    with pytest.raises(EndpointError):
        ReceiptPrinter(endpoint, clock=clock, font_regular=REGULAR, font_bold=BOLD)


async def test_usb_printer_prints_and_reports_paper(
        sim: ReceiptPrinterSimulator, usb_backend: Any, make_printer: Callable[..., ReceiptPrinter],
        korean_receipt: Receipt) -> None:
    printer = make_printer("usb://04b8:0202", usb_backend=usb_backend)
    await printer.start()
    assert (await printer.query_status()).state is DeviceState.ONLINE
    sim.paper_near_end(True)
    await printer.print_receipt(korean_receipt)
    assert await sim.wait_printed(1)
    assert printer.status.supplies["paper"] is SupplyLevel.LOW
    await printer.close()
    assert usb_backend.opened == usb_backend.closed == 1  # pyusb resources disposed


async def test_silent_usb_printer_is_offline_no_answer(
        sim: ReceiptPrinterSimulator, usb_backend: Any, make_printer: Callable[..., ReceiptPrinter],
        clock: VirtualClock) -> None:
    printer = make_printer("usb://04b8:0202", usb_backend=usb_backend)
    await printer.start()
    sim.silent(True)
    query = asyncio.create_task(printer.query_status())
    async with asyncio.timeout(2):  # the USB write runs in a thread: let it land before time moves
        while clock.pending_sleepers == 0:  # noqa: ASYNC110 - VirtualClock offers no event for this
            await asyncio.sleep(0.001)
    await clock.advance(0.5)
    status = await query
    assert (status.state, status.reason) == (DeviceState.OFFLINE, "no-answer")


async def test_unplugged_usb_printer_is_offline(
        usb_backend: Any, make_printer: Callable[..., ReceiptPrinter], korean_receipt: Receipt) -> None:
    usb_backend.unplugged = True
    printer = make_printer("usb://04b8:0202", usb_backend=usb_backend)
    await printer.start()
    assert (printer.status.state, printer.status.reason) == (DeviceState.OFFLINE, "disconnected")
    with pytest.raises(ReceiptPrinterOffline):
        await printer.print_receipt(korean_receipt)


async def test_usb_with_wrong_ids_finds_no_printer(
        usb_backend: Any, make_printer: Callable[..., ReceiptPrinter]) -> None:
    printer = make_printer("usb://04b8:0e15", usb_backend=usb_backend)
    await printer.start()
    assert printer.status.reason == "disconnected"
    assert "no such USB device" in printer.status.detail


@pytest.fixture
async def pty_bridge(sim: ReceiptPrinterSimulator) -> AsyncIterator[str]:
    """A PTY whose far end is wired to the simulator's TCP port: the printer on a serial cable."""
    master, slave = os.openpty()
    tty.setraw(slave)
    tty.setraw(master)
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    loop = asyncio.get_running_loop()

    def from_driver() -> None:
        with contextlib.suppress(OSError):
            writer.write(os.read(master, 65536))

    async def to_driver() -> None:
        while data := await reader.read(4096):
            os.write(master, data)

    loop.add_reader(master, from_driver)
    back = asyncio.create_task(to_driver())
    try:
        yield os.ttyname(slave)
    finally:
        loop.remove_reader(master)
        back.cancel()
        await asyncio.wait({back})
        writer.close()
        os.close(master)
        os.close(slave)


async def test_serial_printer_prints_and_reports(
        sim: ReceiptPrinterSimulator, pty_bridge: str, make_printer: Callable[..., ReceiptPrinter],
        english_receipt: Receipt) -> None:
    printer = make_printer(f"serial://{pty_bridge}?baud=19200")
    await printer.start()
    sim.cover_open(True)
    assert (await printer.query_status()).reason == "cover-open"
    sim.cover_open(False)
    await printer.print_receipt(english_receipt)
    assert await sim.wait_printed(1)
    await printer.close()
