"""A serial 2D barcode scanner (Honeywell command set, drivers/barcode_scanner/frames.py) for the kiosk.

`BarcodeScanner(port, clock=..., on_read=...)`: `start()` opens the port, sets serial trigger mode, no
read time-out and a CR suffix (each menu command answered ACK within `response_timeout`, else the
scanner is reported offline), and reports `DeviceStatus("barcode_scanner", ...)`. `arm()` activates
the trigger (the booth does so while the pickup screen waits for a code); in serial trigger mode the
scanner stops after one code, so the driver is disarmed by each read and the booth arms it again when
the screen waits again (not while the code read is being looked up); `disarm()` deactivates it. Each
read is handed to `on_read(text)`; a read arriving while disarmed is dropped (a phone held up to another
screen is not a pickup). A lost port is reported offline and reopened with backoff on the clock; once it
answers again it is set up again (a replugged scanner is back in its factory mode) and re-triggered if
the screen still waits.

A read that is not a code (garbage: binary, over-long) or that is torn on the wire (half a code, then
`TORN_READ_S` of silence on the clock: dropped, never glued to the next read) still ended the scanner's
trigger, so the driver triggers it again while armed: the resident can simply show the phone again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import serial

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus
from drivers import serial_transport
from drivers.barcode_scanner.frames import (
    SETUP_COMMANDS,
    TRIGGER_OFF,
    TRIGGER_ON,
    Garbage,
    MenuReply,
    Read,
    ScannerFramer,
    menu_command,
)

log = logging.getLogger(__name__)

DEVICE = "barcode_scanner"
BAUDRATE = 115_200  # the family's RS-232 default; a USB-COM port ignores it
RESPONSE_TIMEOUT_S = 1.0
# A read comes as one burst (8 KB, the longest, takes 0.7 s at 115,200 baud and arrives without pauses);
# a frame left without its CR for this long was torn on the wire and is dropped.
TORN_READ_S = 0.5


class ScannerUnavailable(Exception):
    """The scanner cannot be used now; `reason` is a short code (port-missing, no-answer, refused)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class _Link(asyncio.Protocol):
    def __init__(self, on_frame: Callable[[Any], None], on_lost: Callable[[Exception | None], None],
                 on_data: Callable[[], None] = lambda: None) -> None:
        self.framer = ScannerFramer()
        self.transport: asyncio.Transport | None = None
        self._on_frame = on_frame
        self._on_lost = on_lost
        self._on_data = on_data
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if not self.opened.done():
            self.opened.set_result(None)

    def data_received(self, data: bytes) -> None:
        for frame in self.framer.feed(data):
            self._on_frame(frame)
        self._on_data()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.opened.done():
            self.opened.set_result(None)
        self._on_lost(exc)

    def write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ScannerUnavailable("serial link is closed", reason="unplugged")
        self.transport.write(data)


class BarcodeScanner:
    """One serial barcode scanner."""

    def __init__(self, port: str, *, clock: Clock, on_read: Callable[[str], None],
                 on_status: Callable[[DeviceStatus], None] | None = None,
                 response_timeout: float = RESPONSE_TIMEOUT_S,
                 on_unreadable: Callable[[str], None] | None = None) -> None:
        self.port = port
        self._clock = clock
        self._on_read = on_read
        self._on_unreadable = on_unreadable
        self._on_status = on_status
        self._timeout = response_timeout
        self._status = DeviceStatus(DEVICE, DeviceState.OFFLINE, "not-started")
        self._link: _Link | None = None
        self._replies: asyncio.Queue[MenuReply] = asyncio.Queue()
        self._armed = False
        self._closing = False
        self._backoff = Backoff()
        self._reconnect: asyncio.Task[None] | None = None
        self._last_bytes_at = 0.0
        self._torn_watch: asyncio.Task[None] | None = None
        self.garbage = 0  # frames that were neither a read nor a reply, for the technician

    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def armed(self) -> bool:
        return self._armed

    async def start(self) -> None:
        try:
            await self._connect()
        except ScannerUnavailable as exc:
            self._went_offline(exc.reason, str(exc))

    async def close(self) -> None:
        self._closing = True
        for task in (self._reconnect, self._torn_watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        link, self._link = self._link, None
        if link is not None and link.transport is not None:
            with contextlib.suppress(Exception):
                link.write(TRIGGER_OFF)
            link.transport.close()
            await link.closed

    def arm(self) -> None:
        """Read codes from now on (trigger on); idempotent."""
        if not self._armed:
            self._armed = True
            self._send(TRIGGER_ON)

    def disarm(self) -> None:
        """Stop reading (trigger off); idempotent."""
        if self._armed:
            self._armed = False
            self._send(TRIGGER_OFF)

    # ------------------------------------------------------------------ link

    def _send(self, data: bytes) -> None:
        if self._link is None:
            return
        try:
            self._link.write(data)
        except ScannerUnavailable as exc:
            log.debug("scanner write failed: %s", exc)

    async def _connect(self) -> None:
        opening = asyncio.ensure_future(asyncio.to_thread(
            serial.serial_for_url, self.port, baudrate=BAUDRATE, exclusive=True))
        try:
            port = await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(_close_opened)
            raise
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ScannerUnavailable(f"cannot open {self.port}: {exc}", reason="port-missing") from exc
        link = _Link(self._frame, lambda exc: self._lost(link, exc), lambda: self._bytes_came(link))
        await serial_transport.connection_for_serial(asyncio.get_running_loop(), lambda: link, port)
        self._link = link
        try:
            await link.opened  # connection_made is scheduled, not immediate
            await self._setup(link)
        except BaseException:
            self._link = None
            if link.transport is not None:
                link.transport.close()
            raise
        self._backoff.reset()
        was = self._status
        self._set(DeviceState.ONLINE)
        if self._armed:
            self._send(TRIGGER_ON)
        if was.reason in ("", "not-started"):
            log.info("barcode scanner online on %s", self.port)
        else:
            log.warning("barcode scanner back online on %s (it was offline: %s)", self.port, was.reason)

    async def _setup(self, link: _Link) -> None:
        while not self._replies.empty():
            self._replies.get_nowait()
        for command in SETUP_COMMANDS:
            link.write(menu_command(command))
            try:
                reply = await self._clock.wait_for(self._replies.get(), self._timeout)
            except TimeoutError as exc:
                raise ScannerUnavailable(f"no answer to {command}", reason="no-answer") from exc
            if not reply.ok or reply.command != command:
                raise ScannerUnavailable(f"{command} refused: {reply}", reason="refused")

    def _frame(self, frame: Read | MenuReply | Garbage) -> None:
        if isinstance(frame, MenuReply):
            self._replies.put_nowait(frame)
        elif isinstance(frame, Garbage):
            self._garbage(frame)
        elif self._armed:
            self._armed = False  # serial trigger mode stops after one read; `arm()` again for the next
            try:
                self._on_read(frame.text)
            except Exception:
                log.exception("scanner read callback failed")
        else:
            log.debug("scanner read while disarmed: dropped")

    def _garbage(self, frame: Garbage) -> None:
        """Something that is no code: counted for the technician; while the screen waits, the trigger,
        which the read ended, is pulled again and `on_unreadable(reason)` tells the screen."""
        self.garbage += 1
        log.info("barcode scanner sent no usable code (%s, %d bytes)", frame.reason, frame.length)
        if self._armed and self._status.state is DeviceState.ONLINE:
            self._send(TRIGGER_ON)
            if self._on_unreadable is not None:
                try:
                    self._on_unreadable(frame.reason)
                except Exception:
                    log.exception("scanner unreadable callback failed")

    def _bytes_came(self, link: _Link) -> None:
        """After each chunk: a frame left open is watched, and dropped if the line stays silent."""
        self._last_bytes_at = self._clock.monotonic()
        if link.framer.pending and (self._torn_watch is None or self._torn_watch.done()):
            self._torn_watch = asyncio.create_task(self._drop_if_torn(link), name="scanner-torn-read")

    async def _drop_if_torn(self, link: _Link) -> None:
        while link is self._link and link.framer.pending:
            left = self._last_bytes_at + TORN_READ_S - self._clock.monotonic()
            if left > 0:
                await self._clock.sleep(left)
                continue
            torn = link.framer.drop_partial()
            if torn is not None:
                self._garbage(torn)
            return

    def _lost(self, link: _Link, exc: Exception | None) -> None:
        if link is not self._link or self._closing:
            return
        self._link = None
        self._went_offline("unplugged", f"serial link lost: {exc}")

    def _went_offline(self, reason: str, detail: str) -> None:
        log.warning("barcode scanner offline (%s): %s; retrying by itself", reason, detail)
        self._set(DeviceState.OFFLINE, reason, detail)
        if not self._closing and (self._reconnect is None or self._reconnect.done()):
            self._reconnect = asyncio.create_task(self._reconnecting(), name="scanner-reconnect")

    async def _reconnecting(self) -> None:
        while not self._closing:
            await self._clock.sleep(self._backoff.next_delay())
            try:
                await self._connect()
                return
            except ScannerUnavailable as exc:
                log.debug("scanner reconnect failed (%s)", exc.reason)

    def _set(self, state: DeviceState, reason: str = "", detail: str = "") -> None:
        new = DeviceStatus(DEVICE, state, reason, detail)
        if new == self._status:
            return
        self._status = new
        if self._on_status is not None:
            try:
                self._on_status(new)
            except Exception:
                log.exception("scanner status callback failed")


def _close_opened(opening: asyncio.Future[Any]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        with contextlib.suppress(Exception):
            opening.result().close()
