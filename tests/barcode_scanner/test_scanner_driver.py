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
from drivers.barcode_scanner.client import TORN_READ_S
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


async def test_unplugged_then_replugged_the_scanner_comes_back_by_itself(
        tmp_path: Path, clock: VirtualClock, caplog: pytest.LogCaptureFixture) -> None:
    # The cable is pulled while the pickup screen waits (armed): the kiosk hears "offline, unplugged"
    # and the log says so in words; plugged back, the driver reopens the port on its backoff, sets
    # the (factory-fresh) scanner up again, triggers it since the screen still waits, and reads.
    sim = BarcodeScannerSimulator(link=tmp_path / "scanner")
    await sim.start()
    reads: list[str] = []
    statuses: list[tuple[DeviceState, str]] = []
    scanner = BarcodeScanner(str(sim.port.link), clock=clock, on_read=reads.append,
                             on_status=lambda s: statuses.append((s.state, s.reason)))

    def online() -> bool:
        return scanner.status.state is DeviceState.ONLINE

    try:
        await scanner.start()
        scanner.arm()
        await _until(lambda: sim.state()["triggered"] is True)
        with caplog.at_level("INFO", logger="drivers.barcode_scanner"):
            await sim.unplug()
            await _until(lambda: not online())
            assert (scanner.status.state, scanner.status.reason) == (DeviceState.OFFLINE, "unplugged")
            assert "barcode scanner offline (unplugged)" in caplog.text
            await clock.advance(5.0)  # tries against a missing port: still offline, no crash
            assert not online()
            assert sim.state()["settings"]["TRGMOD"] == "3"  # the replugged scanner forgot its setup
            await sim.replug()
            for _ in range(40):
                if online():
                    break
                await clock.advance(1.0)
            assert online()
            assert "barcode scanner back online" in caplog.text
        assert statuses[-3:] == [(DeviceState.ONLINE, ""), (DeviceState.OFFLINE, "unplugged"),
                                 (DeviceState.ONLINE, "")]
        assert sim.state()["settings"] == {"TRGMOD": "0", "TRGSTO": "0", "SUFBK2": "990D"}
        await _until(lambda: sim.state()["triggered"] is True)
        sim.show_phone("20261123")
        await _until(lambda: reads == ["20261123"])
    finally:
        await scanner.close()
        await sim.stop()


async def test_a_torn_read_is_dropped_after_the_silence_and_the_scanner_triggered_again(
        tmp_path: Path, clock: VirtualClock) -> None:
    # Half a code on the wire, then nothing: no read reaches the kiosk; after TORN_READ_S of silence
    # on the clock the driver drops it (counted as garbage), tells the kiosk the read was unreadable and
    # triggers the scanner again, and the next code shown reads whole, not glued to the torn half.
    sim = BarcodeScannerSimulator(link=tmp_path / "scanner")
    await sim.start()
    reads: list[str] = []
    unreadable: list[str] = []
    scanner = BarcodeScanner(str(sim.port.link), clock=clock, on_read=reads.append, on_unreadable=unreadable.append)
    try:
        await scanner.start()
        scanner.arm()
        await _until(lambda: sim.state()["triggered"] is True)
        sim.tear_read("20261123")
        await _until(lambda: sim.state()["triggered"] is False)
        await asyncio.sleep(0.05)  # the half code crossed the PTY
        assert reads == [] and scanner.garbage == 0  # held, not handed out, while the line may go on
        for _ in range(100):  # silence on the clock (again, should the PTY have been slow)
            await clock.advance(TORN_READ_S + 0.1)
            if scanner.garbage:
                break
        await _until(lambda: scanner.garbage == 1 and sim.state()["triggered"] is True)
        assert scanner.armed and reads == [] and unreadable == ["torn"]  # the screen says: show it again
        sim.show_phone("55501234")
        await _until(lambda: reads == ["55501234"])
    finally:
        await scanner.close()
        await sim.stop()
