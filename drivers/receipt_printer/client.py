"""The receipt printer as the controller sees it: status, and print a receipt or say why not.

One background task keeps the link up (reconnecting with capped backoff) and reads the printer's
bytes; status requests (`DLE EOT 1..4`) and print jobs share one lock so a request is never written
into the middle of a job. Every status answer waits on the injected clock: a printer that stays silent
is OFFLINE "no-answer", never "paper adequate".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.receipt_printer import printer_id
from drivers.receipt_printer.errors import (
    ReceiptCoverOpen,
    ReceiptHardwareError,
    ReceiptPaperOut,
    ReceiptPrinterError,
    ReceiptPrinterOffline,
    ReceiptPrinterTimeout,
)
from drivers.receipt_printer.receipt import Receipt
from drivers.receipt_printer.render import KOREAN_MODES, KoreanMode, render_receipt
from drivers.receipt_printer.status import (
    DEVICE,
    RealTimeStatus,
    StatusKind,
    disconnected,
    is_status_byte,
    no_answer,
    request,
)
from drivers.receipt_printer.transport import Transport, TransportClosed, make_transport, parse_endpoint

log = logging.getLogger(__name__)

# 0.5 s per DLE EOT answer: Epson specifies the answer is sent as soon as the command is received,
# even while printing, so anything slower than a network round trip plus a job's worth of bytes
# ahead of it in the printer's receive buffer is a printer that is not there.
DEFAULT_STATUS_TIMEOUT = 0.5
# 5 s to open a link: a TCP connect on a kiosk LAN takes milliseconds, so this only bounds an
# unreachable host (the OS would wait minutes); backoff then takes over.
CONNECT_TIMEOUT = 5.0


class ReceiptPrinter:
    """An ESC/POS receipt printer on TCP, serial or USB (see `transport.parse_endpoint`)."""

    def __init__(self, endpoint: str, *, clock: Clock, font_regular: Path, font_bold: Path,
                 korean_mode: str = "raster", on_status: Callable[[DeviceStatus], None] | None = None,
                 status_timeout: float = DEFAULT_STATUS_TIMEOUT, backoff: Backoff | None = None,
                 usb_backend: Any = None) -> None:
        if korean_mode not in KOREAN_MODES:
            raise ValueError(f"korean_mode must be one of {KOREAN_MODES}, not {korean_mode!r}")
        self.endpoint = endpoint
        self._parsed = parse_endpoint(endpoint)  # fail at construction on a bad config, not later
        self._clock = clock
        self._font_regular = font_regular
        self._font_bold = font_bold
        self._korean_mode: KoreanMode = korean_mode
        self._on_status = on_status
        self._status_timeout = status_timeout
        self._backoff = backoff or Backoff()
        self._usb_backend = usb_backend
        self._status = DeviceStatus.unknown(DEVICE)
        self._transport: Transport | None = None
        self._answers: asyncio.Queue[int] = asyncio.Queue()
        # GS I answers (drivers.receipt_printer.printer_id): collected only while identify() waits for one.
        self._blocks: asyncio.Queue[bytes] = asyncio.Queue()
        self._block: bytearray | None = None
        self._want_block = False
        self._lock = asyncio.Lock()
        self._first_attempt = asyncio.Event()
        self._proven = False  # a status byte has come back since start: "answering" is logged once
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the link task and wait for its first connection attempt (it retries on its own)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"receipt-printer {self.endpoint}")
        await self._first_attempt.wait()

    async def close(self) -> None:
        """Stop the link task and close the link; the status becomes OFFLINE "closed"."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task})
        self._publish(disconnected().with_state(DeviceState.OFFLINE, "closed", "driver closed"))

    @property
    def status(self) -> DeviceStatus:
        """The last observed status (OFFLINE "not-yet-contacted" before the first query)."""
        return self._status

    async def query_status(self) -> DeviceStatus:
        """Ask DLE EOT 1, 2, 3, 4 (each with `status_timeout` on the clock) and publish the result."""
        async with self._lock:
            status = await self._query_locked()
        self._publish(status)
        return status

    async def identify(self) -> dict[str, str]:
        """GS I 65..68: firmware version, maker, model and serial number, for the technician's board;
        an item the printer does not answer within `status_timeout` is left out."""
        found: dict[str, str] = {}
        async with self._lock:
            transport = self._transport
            if transport is None:
                return found
            self._want_block = True
            try:
                for name, n in printer_id.INFO.items():
                    while not self._blocks.empty():
                        self._blocks.get_nowait()
                    self._block = None
                    try:
                        await transport.write(printer_id.request(n))
                        block = await self._clock.wait_for(self._blocks.get(), self._status_timeout)
                        text = printer_id.parse_block(block).strip()
                    except (TimeoutError, ValueError, TransportClosed):
                        continue
                    if text:
                        found[name] = text
            finally:
                self._want_block = False
                self._block = None
        return found

    async def print_receipt(self, receipt: Receipt) -> None:
        """Print `receipt`, checking status before and after; raises a ReceiptPrinterError subclass."""
        self._raise_unless_printable(await self.query_status())
        try:
            job = await asyncio.to_thread(render_receipt, receipt, font_regular=self._font_regular,
                                          font_bold=self._font_bold, korean_mode=self._korean_mode)
        except Exception as exc:  # Pillow / escpos failures: a receipt we could not lay out
            raise ReceiptPrinterError(f"could not render the receipt: {exc}") from exc
        async with self._lock:
            transport = self._transport
            if transport is None:
                raise ReceiptPrinterOffline("receipt printer disconnected before the job was sent")
            try:
                await transport.write(job)
            except TransportClosed as exc:
                await transport.close()  # the link task sees the close and reconnects
                raise ReceiptPrinterOffline(f"receipt printer link lost mid-job: {exc}") from exc
        after = await self.query_status()
        if after.supplies.get("paper") is SupplyLevel.OUT:
            raise ReceiptPaperOut("paper ran out while the receipt was printing")
        self._raise_unless_printable(after)

    # -- internals ---------------------------------------------------------------------------

    async def _query_locked(self) -> DeviceStatus:
        transport = self._transport
        if transport is None:
            return disconnected("not connected")
        answers = bytearray()
        for kind in StatusKind:
            while not self._answers.empty():  # a late answer to an earlier, timed-out request
                self._answers.get_nowait()
            try:
                await transport.write(request(kind))
            except TransportClosed as exc:
                await transport.close()
                return disconnected(str(exc))
            try:
                answers.append(await self._clock.wait_for(self._answers.get(), self._status_timeout))
            except TimeoutError:
                return no_answer(f"no answer to DLE EOT {int(kind)} within {self._status_timeout:g} s")
        return RealTimeStatus.from_bytes(bytes(answers)).to_device_status()

    @staticmethod
    def _raise_unless_printable(status: DeviceStatus) -> None:
        if status.reason == "no-answer":
            raise ReceiptPrinterTimeout(f"receipt printer did not answer: {status.detail}")
        if status.reason in ("disconnected", "closed", "not-yet-contacted"):
            raise ReceiptPrinterOffline(f"receipt printer {status.reason}: {status.detail}")
        if status.supplies.get("paper") is SupplyLevel.OUT:
            raise ReceiptPaperOut("receipt paper is out")
        if status.state is DeviceState.HARDWARE_ERROR:
            raise ReceiptHardwareError(f"receipt printer error: {status.reason}")
        if status.reason == "cover-open":
            raise ReceiptCoverOpen("receipt printer cover is open")
        if not status.usable:
            raise ReceiptPrinterOffline(f"receipt printer is {status.state.value}: {status.reason}")

    def _publish(self, status: DeviceStatus) -> None:
        if status == self._status:
            return
        old, self._status = self._status, status
        log.info("receipt printer %s: %s %s -> %s %s %s", self.endpoint, old.state.value, old.reason,
                 status.state.value, status.reason, {k: v.value for k, v in status.supplies.items()})
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:  # a listener's bug must not stop the printer
                log.exception("receipt printer on_status callback failed")

    async def _run(self) -> None:
        """Keep the link up for ever: connect, read until it drops, back off, repeat. Never raises."""
        while True:
            transport = make_transport(self._parsed, usb_backend=self._usb_backend)
            try:
                await self._clock.wait_for(transport.open(), CONNECT_TIMEOUT)
            except (TransportClosed, TimeoutError, OSError) as exc:
                await transport.close()
                self._first_attempt.set()
                self._publish(disconnected(str(exc) or type(exc).__name__))
                await self._pause(f"cannot reach receipt printer {self.endpoint}: {exc}")
                continue
            except asyncio.CancelledError:
                await transport.close()
                raise
            # The backoff restarts only once the printer answers (_read_loop): a network card that
            # accepts while the printer behind it hangs up must not be redialled every 0.2 s.
            self._transport = transport
            self._first_attempt.set()
            log.debug("receipt printer %s connected", self.endpoint)
            reason = "closed"
            try:
                await self._read_loop(transport)
            except TransportClosed as exc:
                reason = str(exc)
            except Exception as exc:  # keep the task alive whatever a transport throws
                reason = f"{type(exc).__name__}: {exc}"
            finally:
                self._transport = None
                await transport.close()
            self._publish(disconnected(reason))
            await self._pause(f"receipt printer {self.endpoint} link lost: {reason}")

    async def _pause(self, message: str) -> None:
        level = logging.WARNING if self._backoff.first_failure else logging.DEBUG
        delay = self._backoff.next_delay()
        log.log(level, "%s; retrying in %.1f s", message, delay)
        await asyncio.sleep(delay)  # reconnect cadence: real time by design (brief), tiny in tests

    def _answered(self) -> None:
        """A status byte came back: the link is proven, and the next loss starts the backoff afresh."""
        if self._backoff.tries or not self._proven:
            log.info("receipt printer %s answering", self.endpoint)
        self._proven = True
        self._backoff.reset()

    def _collect_block(self, byte: int) -> bool:
        """A byte of a GS I answer block (while one is awaited): kept until its NUL, then queued."""
        if self._block is None:
            if not (self._want_block and byte == printer_id.BLOCK_HEADER):
                return False
            self._block = bytearray()
        self._block.append(byte)
        if byte == printer_id.BLOCK_END:
            self._blocks.put_nowait(bytes(self._block))
            self._block = None
        return True

    async def _read_loop(self, transport: Transport) -> None:
        while True:
            for byte in await transport.read():
                if self._collect_block(byte):
                    continue
                if is_status_byte(byte):
                    self._answered()
                    self._answers.put_nowait(byte)
                else:
                    log.debug("receipt printer sent 0x%02X, not a status byte: ignored", byte)

