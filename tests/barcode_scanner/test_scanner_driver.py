"""The barcode scanner driver against its simulator over a real PTY: the kiosk sets the scanner up,
reads the resident's phone only while armed, and reports a scanner that does not answer as offline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from common.clock import VirtualClock
from common.status import DeviceState
from drivers.barcode_scanner import BarcodeScanner
from simulators.barcode_scanner import BarcodeScannerSimulator

pytestmark = pytest.mark.timeout(20)


async def _until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll what a simulator and a driver report on their own (real) time, up to `seconds`."""
    for _ in range(int(seconds / 0.005)):
        if predicate():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never held")


async def test_setup_then_reads_only_while_armed(tmp_path: Path, clock: VirtualClock) -> None:
    sim = BarcodeScannerSimulator(link=tmp_path / "scanner")
    await sim.start()
    reads: list[str] = []
    scanner = BarcodeScanner(str(sim.port.link), clock=clock, on_read=reads.append)
    try:
        await scanner.start()
        assert scanner.status.state is DeviceState.ONLINE
        assert sim.state()["settings"] == {"TRGMOD": "0", "TRGSTO": "0", "SUFBK2": "990D"}
        sim.show_phone("20261123")  # held up before the pickup screen: not read
        await asyncio.sleep(0.05)
        assert reads == [] and sim.state()["reads"] == []
        scanner.arm()
        await _until(lambda: reads == ["20261123"])
        assert not scanner.armed  # one read per trigger: the booth arms again when the screen waits again
        sim.show_phone("55501234")
        await asyncio.sleep(0.05)
        assert reads == ["20261123"]
        scanner.arm()
        await _until(lambda: reads == ["20261123", "55501234"])
        scanner.arm()
        await _until(lambda: sim.state()["triggered"] is True)
        scanner.disarm()
        await _until(lambda: sim.state()["triggered"] is False)
        sim.show_phone("11112222")
        await asyncio.sleep(0.05)
        assert reads == ["20261123", "55501234"]
    finally:
        await scanner.close()
        await sim.stop()


async def test_a_port_that_never_answers_is_offline(tmp_path: Path, clock: VirtualClock) -> None:
    sim = BarcodeScannerSimulator(link=tmp_path / "scanner")
    sim._menu = lambda menu: None  # type: ignore[method-assign]  # a device that stays silent
    await sim.start()
    scanner = BarcodeScanner(str(sim.port.link), clock=clock, on_read=lambda _: None)
    try:
        starting = asyncio.create_task(scanner.start())
        await asyncio.sleep(0.1)  # the port opened and the first command went out
        await clock.advance(2.0)
        await starting
        assert (scanner.status.state, scanner.status.reason) == (DeviceState.OFFLINE, "no-answer")
    finally:
        await scanner.close()
        await sim.stop()
