"""A serial port made of a PTY, behind a stable symlink, that can be unplugged and replugged.

Like /dev/serial/by-id, the symlink path survives a replug while the PTY behind it is new; a driver
configured with the symlink finds the sensor again. Output is paced at the configured baud rate
(10 bits a byte, 8N1) so that transfer times mean something on a PTY, which ignores baud rates.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tty
from collections.abc import Callable
from pathlib import Path

from simulators.line_speed import heard_at

# Pacing granularity: bytes are released in slices of about 5 ms of line time, fine enough to
# measure a 0.1 s template transfer to within a few percent, coarse enough for asyncio's timers.
PACE_SLICE_SECONDS = 0.005


class PtyPort:
    """The device end of a PTY; the driver opens `link`."""

    def __init__(self, link: Path, on_bytes: Callable[[bytes], None], *, baudrate: int, pace: bool,
                 check_baud: bool = False) -> None:
        self.link = link
        self.baudrate = baudrate
        self.check_baud = check_baud  # a host at another baud is not heard (simulators/line_speed.py)
        self.pace = pace
        self.bytes_sent = 0
        self._on_bytes = on_bytes
        self._master: int | None = None
        self._slave: int | None = None
        self._out = bytearray()
        self._wake = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None

    @property
    def plugged(self) -> bool:
        return self._master is not None

    async def plug(self) -> None:
        """Create a new PTY and point the symlink at it."""
        if self.plugged:
            return
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self.link.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.link.with_name(self.link.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.link)
        self._master, self._slave = master, slave
        asyncio.get_running_loop().add_reader(master, self._readable)
        self._pump_task = asyncio.create_task(self._pump(), name="fingerprint-sim-pump")

    async def unplug(self) -> None:
        """Close the PTY (the driver's reads fail) and remove the symlink, as a pulled cable would."""
        master, slave = self._master, self._slave
        self._master = self._slave = None
        if master is not None:
            asyncio.get_running_loop().remove_reader(master)
        if self._pump_task is not None:
            self._pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump_task
            self._pump_task = None
        self._out.clear()
        for fd in (master, slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()

    def send(self, data: bytes) -> None:
        if not self.plugged:
            return
        self._out += data
        self._wake.set()

    def _readable(self) -> None:
        if self._master is None:
            return
        try:
            data = os.read(self._master, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if data and heard_at(self._master, self.baudrate, check=self.check_baud):
            self._on_bytes(data)

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        seconds_per_byte = 10 / self.baudrate
        slice_bytes = max(1, int(PACE_SLICE_SECONDS / seconds_per_byte))
        while True:
            await self._wake.wait()
            self._wake.clear()
            release_at = loop.time()
            while self._out:
                n = slice_bytes if self.pace else len(self._out)
                chunk = bytes(self._out[:n])
                del self._out[:n]
                await self._write_all(chunk)
                self.bytes_sent += len(chunk)
                if self.pace:
                    release_at += len(chunk) * seconds_per_byte
                    delay = release_at - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)

    async def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and self._master is not None:
            try:
                written = os.write(self._master, view)
            except BlockingIOError:
                await self._writable()
                continue
            except OSError:
                return
            view = view[written:]

    async def _writable(self) -> None:
        if self._master is None:
            return
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = self._master

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_writer(fd, wake)
        try:
            await ready
        finally:
            loop.remove_writer(fd)
