"""A networked ESC/POS receipt printer (raw TCP, "port 9100"): answers DLE EOT, prints receipts to PNG.

The other end of the driver's wire. Status bytes are answered as soon as the DLE EOT is parsed, even
in the middle of a job; pages are drawn by a worker (off the event loop) and saved at each cut as
``receipt-NNNN.png`` in the output directory. Faults: paper near end / paper end / cover open /
silent. With paper end or cover open the printer is offline and prints nothing (`state()` says so);
silent answers nothing and prints nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.control_socket import bounded
from common.fonts import BOLD, REGULAR
from drivers.receipt_printer.printer_id import encode_block
from simulators.receipt_printer.escpos import Command, Cut, EscPosParser, RealTimeStatus, TransmitPrinterId
from simulators.receipt_printer.paper import Paper

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("out/receipts")
# 64 KiB reads: a receipt with a few raster lines is 10-30 KiB, so most jobs arrive in one or two reads.
READ_SIZE = 65536
_NAME = re.compile(r"receipt-(\d+)\.png$")


# What GS I 65..68 answer: firmware version, maker, model, serial number (an Epson TM-T20II's shape).
PRINTER_INFO = {65: "30.04 ESC/POS", 66: "EPSON", 67: "TM-T20II", 68: "X4CF012345"}


@dataclass
class _Job:
    paper: Paper
    commands: list[Command]
    spoiled: bool  # some of its commands arrived while the printer could not print


class ReceiptPrinterSimulator:
    """An ESC/POS printer on 127.0.0.1 that a `ReceiptPrinter` driver connects to over TCP."""

    name = "receipt_printer"

    def __init__(self, out_dir: Path = DEFAULT_OUT, port: int = 0, host: str = "127.0.0.1",
                 font_regular: Path = REGULAR, font_bold: Path = BOLD) -> None:
        self.out_dir = Path(out_dir)
        self.host, self.port = host, port
        self._fonts = (font_regular, font_bold)
        self._near_end = False
        self._paper_end = False
        self._cover_open = False
        self._silent = False
        self._hang_up = False
        self._receipts: list[str] = []
        self._receipt_texts: list[str] = []  # each receipt's printed text, as the print head decoded it
        self._discarded = 0
        self._status_requests = 0
        self._bytes_received = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._printed = asyncio.Condition()
        self._next_number = 1

    # -- Simulator protocol ------------------------------------------------------------------------

    async def start(self) -> str:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.out_dir.iterdir() if (m := _NAME.match(p.name))]
        self._next_number = max(numbers, default=0) + 1
        self._worker = asyncio.create_task(self._print_worker(), name="receipt-sim printer")
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return f"tcp://{self.host}:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.drop_connections()
        if self._handlers:
            await asyncio.wait(set(self._handlers))
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._worker is not None:
            await self._jobs.join()  # pages already cut still come out
            self._worker.cancel()
            await asyncio.wait({self._worker})
            self._worker = None

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "paper_near_end": self.paper_near_end,
            "paper_end": self.paper_end,
            "cover_open": self.cover_open,
            "silent": self.silent,
            "hang_up": self.hang_up,
            "receipts": self.receipts,
            "last_receipt": self.last_receipt,
            "receipt_texts": self.receipt_texts,
            "state": self.state,
            "wait_printed": self.wait_printed,
            "drop_connections": self.drop_connections,
            "power_cycle": self.power_cycle,
        }

    # -- controls ------------------------------------------------------------------------------------

    def paper_near_end(self, on: bool) -> None:
        """Roll near its end: DLE EOT 4 reports 0x0C; printing goes on."""
        self._near_end = bool(on)

    def paper_end(self, on: bool) -> None:
        """Roll empty: offline, DLE EOT 4 reports 0x60 (and 0x0C), nothing prints."""
        self._paper_end = bool(on)

    def cover_open(self, on: bool) -> None:
        """Cover open: offline, DLE EOT 2 reports it, nothing prints."""
        self._cover_open = bool(on)

    def silent(self, on: bool) -> None:
        """Printer hung: no status answers and no printing, but the TCP connection stays up."""
        self._silent = bool(on)

    def hang_up(self, on: bool) -> None:
        """Network card alive, printer wedged: each connection is accepted, then closed before a byte."""
        self._hang_up = bool(on)

    def receipts(self) -> list[str]:
        """Paths of the receipt PNGs printed so far, oldest first."""
        return list(self._receipts)

    def receipt_texts(self) -> list[str]:
        """The text of each receipt printed so far, oldest first; raster images leave no text.

        The characters the print head decoded (cp949 double-byte Hangul included), one line per
        printed line."""
        return list(self._receipt_texts)

    def last_receipt(self) -> str | None:
        """Path of the newest receipt PNG, or None."""
        return self._receipts[-1] if self._receipts else None

    def state(self) -> dict[str, Any]:
        """Sensors, what printing does now, and counters."""
        if self._hang_up:
            printing = "stopped: hangs up every connection"
        elif self._silent:
            printing = "stopped: silent"
        elif self._paper_end:
            printing = "stopped: paper end, nothing prints"
        elif self._cover_open:
            printing = "stopped: cover open, nothing prints"
        else:
            printing = "ready"
        return {
            "endpoint": f"tcp://{self.host}:{self.port}",
            "paper": "end" if self._paper_end else "near_end" if self._near_end else "ok",
            "cover_open": self._cover_open,
            "silent": self._silent,
            "hang_up": self._hang_up,
            "online": self._can_print,
            "printing": printing,
            "receipts": len(self._receipts),
            "discarded_jobs": self._discarded,
            "status_requests": self._status_requests,
            "bytes_received": self._bytes_received,
            "connections": len(self._writers),
            "out_dir": str(self.out_dir),
        }

    @bounded(count=(0, 10000), within=(0, 600))
    async def wait_printed(self, count: int, within: float = 5.0) -> list[str]:
        """Wait (up to `within` real seconds) until at least `count` receipts exist; returns their paths."""
        async with asyncio.timeout(within), self._printed:
            await self._printed.wait_for(lambda: len(self._receipts) >= count)
        return self.receipts()

    def drop_connections(self) -> int:
        """Close every client connection (the printer was power-cycled); returns how many."""
        writers = list(self._writers)
        for writer in writers:
            writer.close()
        return len(writers)

    def power_cycle(self) -> dict[str, Any]:
        """Power off and on: connections drop, and receipts not yet printed are lost.

        A receipt cut but not yet printed, or still arriving, is lost; the paper and cover sensors
        still sense what is there."""
        self._silent = self._hang_up = False
        while not self._jobs.empty():
            self._jobs.get_nowait()
            self._jobs.task_done()
            self._discarded += 1
        self.drop_connections()
        return self.state()

    # -- wire ------------------------------------------------------------------------------------------

    @property
    def _can_print(self) -> bool:
        return not (self._hang_up or self._silent or self._paper_end or self._cover_open)

    def printer_id(self, n: int) -> bytes:
        """The answer to GS I n: an ID byte for 1-3 (49-51), a "_" text NUL block for 65-68, else nothing."""
        ids = {1: 0x20, 2: 0x02, 3: 0x40}  # model, type (multi-byte characters), version
        if n in ids or n - 48 in ids:
            return bytes((ids[n if n in ids else n - 48],))
        text = PRINTER_INFO.get(n)
        return encode_block(text) if text is not None else b""

    def status_byte(self, n: int) -> int:
        """The answer to DLE EOT n from the current sensors (Epson bit tables; fixed bits 0x12)."""
        value = 0x12
        if n == 1 and (self._paper_end or self._cover_open):
            value |= 0x08  # offline
        elif n == 2:
            value |= (0x04 if self._cover_open else 0) | (0x20 if self._paper_end else 0)
        elif n == 4:
            value |= (0x0C if self._near_end or self._paper_end else 0) | (0x60 if self._paper_end else 0)
        return value

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        parser = EscPosParser()
        paper = Paper(*self._fonts)
        page: list[Command] = []
        spoiled = False
        try:
            while not self._hang_up and (data := await reader.read(READ_SIZE)):
                self._bytes_received += len(data)
                for cmd in parser.feed(data):
                    if isinstance(cmd, RealTimeStatus):
                        if not self._silent:
                            self._status_requests += 1
                            writer.write(bytes((self.status_byte(cmd.n),)))
                        continue
                    if isinstance(cmd, TransmitPrinterId):
                        answer = self.printer_id(cmd.n)
                        if answer and not self._silent:
                            writer.write(answer)
                        continue
                    spoiled = spoiled or not self._can_print
                    page.append(cmd)
                    if isinstance(cmd, Cut):
                        self._jobs.put_nowait(_Job(paper, page, spoiled))
                        page, spoiled = [], False
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
            self._handlers.discard(task)

    async def _print_worker(self) -> None:
        while True:
            job = await self._jobs.get()
            try:
                path = None if job.spoiled else self.out_dir / f"receipt-{self._next_number:04d}.png"
                if path is not None:
                    self._next_number += 1
                text = await asyncio.to_thread(_print_page, job, path)
                async with self._printed:
                    if path is None:
                        self._discarded += 1
                    else:
                        self._receipts.append(str(path))
                        self._receipt_texts.append(text)
                    self._printed.notify_all()
            except Exception:  # a drawing bug must not stop the printer answering status
                log.exception("receipt simulator could not print a page")
            finally:
                self._jobs.task_done()


def _print_page(job: _Job, path: Path | None) -> str:
    """Run a page's commands through its connection's print head; save the page unless spoiled.
    Returns the text the page printed."""
    page = None
    for cmd in job.commands:
        page = job.paper.apply(cmd) or page
    if page is not None and path is not None:
        page.save(path, format="PNG", optimize=True)
    return job.paper.take_text()
