"""Serial ports (drivers/serial_transport.py) whose reads fail must end, not spin the event loop.

pyserial reads through select(), which refuses descriptors numbered 1024 and up; the library's
transport let that ValueError escape its reader, so the port stayed readable and the loop called the
failing reader again at once, for ever (the in-process crash harness stalled that way once earlier
kill points had pushed the descriptor numbers up). Here a real device (the scanner simulator, on a
PTY) sits behind a port numbered above 1023: the kiosk must read it, and once the cable is pulled the
loop must stay idle while the driver waits out its backoff on the virtual clock. Loop work is counted
in ready events, not measured in wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import selectors
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from common.clock import VirtualClock
from common.status import DeviceState
from drivers import serial_transport
from drivers.barcode_scanner import BarcodeScanner
from kiosk.rig.loop_watch import kiosk_watchers
from simulators.barcode_scanner import BarcodeScannerSimulator

pytestmark = pytest.mark.timeout(30)

SELECT_LIMIT = 1024  # FD_SETSIZE: select() refuses a descriptor numbered this or more


@contextlib.contextmanager
def descriptors_numbered_from(low: int) -> Iterator[None]:
    """Hold every free descriptor below `low`, so the next files opened are numbered `low` or more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = low + 256
    if hard != resource.RLIM_INFINITY and hard < wanted:
        limit = f"at most {hard} open files, fewer than the {wanted} needed past select()'s 1024"
        pytest.skip(f"a machine limit: {limit}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    held: list[int] = []
    try:
        while (fd := os.open(os.devnull, os.O_RDONLY)) < low:
            held.append(fd)
        os.close(fd)
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@contextlib.contextmanager
def ready_events(loop: asyncio.AbstractEventLoop) -> Iterator[list[int]]:
    """Count the descriptors the loop finds ready, turn by turn (one entry per ready descriptor)."""
    selector: selectors.BaseSelector = loop._selector  # type: ignore[attr-defined]
    real = selector.select
    seen: list[int] = []

    def counting(timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = real(timeout)
        seen.extend(key.fd for key, _ in events)
        return events

    selector.select = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        selector.select = real  # type: ignore[method-assign]


async def _until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.005)):
        if predicate():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never held")


async def test_a_scanner_above_select_limit_reads_and_once_unplugged_leaves_the_loop_idle(
        tmp_path: Path, clock: VirtualClock) -> None:
    loop = asyncio.get_running_loop()
    with descriptors_numbered_from(SELECT_LIMIT):
        sim = BarcodeScannerSimulator(link=tmp_path / "scanner")
        await sim.start()
        reads: list[str] = []
        scanner = BarcodeScanner(str(sim.port.link), clock=clock, on_read=reads.append)

        def online() -> bool:
            return scanner.status.state is DeviceState.ONLINE

        try:
            await asyncio.wait_for(scanner.start(), 5)
            assert online()
            watched = kiosk_watchers(loop)
            assert len(watched) == 1 and "SerialTransport._read_ready" in watched[0], watched
            assert int(watched[0].split()[1].rstrip(":")) >= SELECT_LIMIT
            scanner.arm()
            sim.show_phone("20261123")
            await _until(lambda: reads == ["20261123"])

            with ready_events(loop) as ready:
                await sim.unplug()
                await _until(lambda: not online())
                assert scanner.status.reason == "unplugged"
                for _ in range(200):  # 200 turns of the loop while the driver waits to reconnect
                    await asyncio.sleep(0)
                await clock.advance(5.0)  # its tries against the missing port, on the backoff
                for _ in range(200):
                    await asyncio.sleep(0)
            assert kiosk_watchers(loop) == []  # the dead port is no longer watched
            # A spinning reader is ready on every turn (400+); an idle loop wakes for the unplug itself
            # and a few thread hand-offs (the port closed and reopened off the loop).
            assert len(ready) < 40, f"the loop woke {len(ready)} times for {sorted(set(ready))}"
            await sim.replug()
            for _ in range(40):
                if online():
                    break
                await clock.advance(1.0)
            assert online()
        finally:
            await scanner.close()
            await sim.stop()


class _Failing(asyncio.Protocol):
    """A protocol with a bug: every byte it is given raises."""

    def __init__(self) -> None:
        self.lost: list[Exception | None] = []
        self.calls = 0

    def data_received(self, data: bytes) -> None:
        self.calls += 1
        raise ValueError("a bug in the protocol")

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.append(exc)


async def test_a_protocol_that_fails_on_its_bytes_ends_its_port_once() -> None:
    # As asyncio's own transports do: the failure is reported once and the connection ends, instead of
    # the loop handing the next bytes to the same failing code for as long as the device talks.
    loop = asyncio.get_running_loop()
    reports: list[str] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reports.append(str(context.get("message"))))
    device, kiosk_end = os.openpty()
    port = serial.Serial(os.ttyname(kiosk_end), timeout=0)
    os.close(kiosk_end)
    try:
        transport, protocol = await serial_transport.connection_for_serial(loop, _Failing, port)
        assert isinstance(protocol, _Failing)
        await asyncio.sleep(0)  # connection_made and the reader are scheduled, not immediate
        for _ in range(5):
            os.write(device, b"\x02hello\r")
            for _ in range(5):
                await asyncio.sleep(0)
        await _until(lambda: protocol.lost != [])
        assert protocol.calls == 1
        assert [type(exc) for exc in protocol.lost] == [ValueError]
        assert reports == ["Fatal error: protocol.data_received() call failed"]
        assert transport.is_closing() and kiosk_watchers(loop) == []
    finally:
        loop.set_exception_handler(previous)
        os.close(device)
        if port.is_open:
            port.close()


async def test_the_scenario_runner_ends_a_transport_whose_reader_keeps_failing() -> None:
    # The rig's exception handler (kiosk/rig/scenario.py) stands behind every transport, ours or a
    # library's: the library's own serial transport, on a port above select()'s limit, raises from its
    # reader on the first byte; the handler reports it once and aborts that transport, and the loop is
    # idle again (before, the same report came back on every turn of the loop, for ever).
    import serial_asyncio_fast

    from kiosk.rig.scenario import _quiet_about_dead_tasks

    loop = asyncio.get_running_loop()
    reports: list[str] = []
    loop.set_exception_handler(lambda _loop, context: reports.append(str(context.get("exception"))))
    _quiet_about_dead_tasks(loop)
    with descriptors_numbered_from(SELECT_LIMIT):
        device, kiosk_end = os.openpty()
        port = serial.Serial(os.ttyname(kiosk_end), timeout=0)
    os.close(kiosk_end)
    lost: list[Exception | None] = []

    class Quiet(asyncio.Protocol):
        def connection_lost(self, exc: Exception | None) -> None:
            lost.append(exc)

    try:
        assert port.fileno() >= SELECT_LIMIT
        transport = serial_asyncio_fast.SerialTransport(loop, Quiet(), port)
        await asyncio.sleep(0)
        os.write(device, b"\x06")
        with ready_events(loop) as ready:
            for _ in range(200):
                await asyncio.sleep(0)
        await _until(lambda: lost != [])
        assert reports == ["filedescriptor out of range in select()"]
        assert transport.is_closing() and kiosk_watchers(loop) == []
        assert len(ready) < 10, f"the loop woke {len(ready)} times"
    finally:
        loop.set_exception_handler(None)
        os.close(device)
        if port.is_open:
            port.close()
