"""The accessibility keypad simulator: the kernel's end of an evdev event node, as a FIFO.

The driver reads `struct input_event` records from a path; a real booth's path is the keypad's
/dev/input/by-id/...-event-kbd node, here it is a FIFO this simulator creates (os.mkfifo) and writes
records into exactly as the kernel would for a USB HID keypad: per key transition EV_MSC/MSC_SCAN
(the HID usage), EV_KEY (1 press, 2 autorepeat, 0 release) and EV_SYN/SYN_REPORT. The earphone jack
is EV_SW/SW_HEADPHONE_INSERT, on a second FIFO (`jack_path`: the sound card's jack node, the usual
hardware) or, without one, on the keypad's own stream (a keypad with its own jack).

Unplugging closes the FIFO and removes its path, as a pulled USB cable removes the node: the driver
reads end-of-stream, reports the keypad offline and reopens the path once it is back. The FIFO is
held open read-write, so the driver never sees end-of-stream while the keypad is plugged in,
between presses or before it has connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import random
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from common.control_socket import bounded, default_run_dir
from common.keypad_keys import Key
from drivers.keypad.codec import (
    EV_SW,
    EV_SYN,
    KEY_PRESS,
    KEY_RELEASE,
    KEY_REPEAT,
    SW_HEADPHONE_INSERT,
    SYN_REPORT,
    InputEvent,
    key_packet,
    native_layout,
    pack,
    stamped,
)
from drivers.keypad.keymap import KEY_MAX, PRIMARY_CODE, parse_code

# The HID usage the kernel reports as MSC_SCAN before each of the keypad's own keys: page 0x07
# (Keyboard/Keypad) or 0x0C (Consumer), as hid-input maps them to the key codes the keypad sends.
HID_USAGES: dict[int, int] = {
    82: 0x70062, 79: 0x70059, 80: 0x7005A, 81: 0x7005B, 75: 0x7005C, 76: 0x7005D, 77: 0x7005E,
    71: 0x7005F, 72: 0x70060, 73: 0x70061,  # keypad 0..9
    103: 0x70052, 108: 0x70051, 105: 0x70050, 106: 0x7004F, 96: 0x70058, 14: 0x7002A, 1: 0x70029,
    138: 0x70075, 115: 0x70080, 114: 0x70081, 129: 0x70079, 119: 0x70048,
    208: 0xC00B3, 168: 0xC00B4, 164: 0xC00CD,
}
# Real seconds between the pieces of a torn write, so that the reader runs between them.
TORN_GAP_SECONDS = 0.001


def default_path() -> Path:
    """Where the simulated event node lives: $KIOSK_RUN_DIR/dev/keypad-event-kbd."""
    return default_run_dir() / "dev" / "keypad-event-kbd"


def key_named(name: str) -> Key:
    try:
        return Key(str(name).strip().lower())
    except ValueError:
        raise ValueError(f"no key {name!r}; keys: {', '.join(k.value for k in Key)}") from None


class _Fifo:
    """One event node: a FIFO at `path`, held open while plugged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.records_written = 0
        self.dropped = 0

    @property
    def plugged(self) -> bool:
        return self.fd is not None

    def plug(self) -> None:
        if self.fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.mkfifo(self.path, 0o660)
        # Read-write: never ENXIO for want of a reader, and no end-of-stream for the driver until unplug.
        self.fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)

    def unplug(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            os.close(fd)

    async def write(self, data: bytes, *, chunk: int = 0) -> None:
        """All of `data`, in pieces of `chunk` bytes with a pause between (0: one write)."""
        pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] if chunk > 0 else [data]
        for index, piece in enumerate(pieces):
            if self.fd is None:
                return
            try:
                os.write(self.fd, piece)
            except BlockingIOError:
                # The pipe is full (nobody reads): evdev too drops what its client's buffer cannot hold.
                self.dropped += len(piece)
            except OSError as exc:
                if exc.errno not in (errno.EPIPE, errno.EBADF):
                    raise
            if index < len(pieces) - 1:
                await asyncio.sleep(TORN_GAP_SECONDS)


class KeypadSimulator:
    """Implements `simulators.process.Simulator`: a USB HID audio keypad with an earphone jack."""

    name = "keypad"

    def __init__(self, path: Path | str | None = None, *, jack_path: Path | str | None = None,
                 scan_codes: bool = True, seed: int = 0) -> None:
        self.keypad = _Fifo(Path(path) if path is not None else default_path())
        self.jack = _Fifo(Path(jack_path)) if jack_path is not None else None
        self.scan_codes = scan_codes
        self.layout = native_layout()  # what this machine's kernel would write: 24-byte records on 64-bit
        self.earphone_in = False
        self.chunk = 0  # bytes per write; 0: each packet in one write
        self.presses = 0
        self._rng = random.Random(seed)
        self._lock = asyncio.Lock()

    # Simulator protocol -----------------------------------------------------------------------
    async def start(self) -> str:
        await self.replug()
        if self.jack is not None:
            self.jack.plug()
        return str(self.keypad.path)

    async def stop(self) -> None:
        self.keypad.unplug()
        if self.jack is not None:
            self.jack.unplug()

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "press": self.press, "hold": self.hold, "type": self.type_digits, "send_code": self.send_code,
            "plug_earphone": self.plug_earphone, "unplug_earphone": self.unplug_earphone,
            "unplug": self.unplug, "replug": self.replug, "torn": self.torn, "garbage": self.garbage,
            "state": self.state,
        }

    # Controls ---------------------------------------------------------------------------------
    async def press(self, key: str) -> dict[str, Any]:
        """Press and release one key (`ok`, `down`, `5`, `volume_up`, ...)."""
        k = key_named(key)
        await self._key(PRIMARY_CODE[k], [KEY_PRESS, KEY_RELEASE])
        return self.state()

    @bounded(repeats=(0, 100))
    async def hold(self, key: str, repeats: int = 3) -> dict[str, Any]:
        """Hold a key down for `repeats` autorepeats (EV_KEY value 2), then release it."""
        k = key_named(key)
        await self._key(PRIMARY_CODE[k], [KEY_PRESS, *[KEY_REPEAT] * repeats, KEY_RELEASE])
        return self.state()

    async def type_digits(self, digits: str) -> dict[str, Any]:
        """Press the digit keys of `digits` one after another (from a shell, quote a long number: digits='"0123"')."""
        text = str(digits)
        if not text.isdigit() or not text.isascii():
            raise ValueError(f"type takes digits 0-9 only, got {len(text)} characters that are not all digits")
        for char in text:
            await self._key(PRIMARY_CODE[Key(char)], [KEY_PRESS, KEY_RELEASE])
        return self.state()

    @bounded(value=(0, 2))
    async def send_code(self, code: str, value: int = 1) -> dict[str, Any]:
        """Send one raw EV_KEY (`KEY_F5` or a number; value 1 press, 2 repeat, 0 release), e.g. a key no map knows."""
        number = parse_code(str(code))
        async with self._lock:
            await self.keypad.write(self._bytes(key_packet(number, value, scan=self._scan(number))),
                                    chunk=self.chunk)
        return self.state()

    async def plug_earphone(self) -> dict[str, Any]:
        """Put an earphone into the jack (EV_SW SW_HEADPHONE_INSERT 1)."""
        await self._jack(True)
        return self.state()

    async def unplug_earphone(self) -> dict[str, Any]:
        """Pull the earphone out of the jack (SW_HEADPHONE_INSERT 0)."""
        await self._jack(False)
        return self.state()

    async def unplug(self) -> dict[str, Any]:
        """Pull the keypad's USB cable: the node goes away and the driver reads end-of-stream."""
        async with self._lock:
            self.keypad.unplug()  # an earphone in the keypad's own jack stays in it, and is reported on replug
        return self.state()

    async def replug(self) -> dict[str, Any]:
        """Plug the keypad back in: a new node at the same path."""
        async with self._lock:
            fresh = not self.keypad.plugged
            self.keypad.plug()
            if fresh and self.jack is None and self.earphone_in:
                await self._switch(self.keypad)  # what EVIOCGSW would tell a driver that opens it
        return self.state()

    @bounded(chunk=(0, 4096))
    def torn(self, chunk: int = 5) -> dict[str, Any]:
        """Write every later packet in pieces of `chunk` bytes, records torn across reads (0: whole again)."""
        self.chunk = chunk
        return self.state()

    @bounded(count=(1, 4096))
    async def garbage(self, count: int = 7) -> dict[str, Any]:
        """Write `count` random bytes into the keypad's stream (a broken device; misaligns it until replug)."""
        async with self._lock:
            await self.keypad.write(bytes(self._rng.randrange(256) for _ in range(count)), chunk=self.chunk)
        return self.state()

    def state(self) -> dict[str, Any]:
        """Plugged or not, the earphone, what was written."""
        return {"plugged": self.keypad.plugged, "path": str(self.keypad.path),
                "jack_path": str(self.jack.path) if self.jack else None, "earphone": self.earphone_in,
                "presses": self.presses, "torn_chunk": self.chunk,
                "records_written": self.keypad.records_written + (self.jack.records_written if self.jack else 0),
                "bytes_dropped": self.keypad.dropped + (self.jack.dropped if self.jack else 0)}

    # Wire ---------------------------------------------------------------------------------------
    def _scan(self, code: int) -> int | None:
        return HID_USAGES.get(code) if self.scan_codes else None

    def _bytes(self, events: list[InputEvent]) -> bytes:
        return b"".join(pack(e, self.layout) for e in events)

    async def _key(self, code: int, values: list[int]) -> None:
        if not 0 < code <= KEY_MAX:
            raise ValueError(f"key code {code} outside 1..{KEY_MAX}")
        async with self._lock:
            if not self.keypad.plugged:
                raise RuntimeError("the keypad is unplugged (replug first)")
            at = time.time()
            for value in values:
                events = key_packet(code, value, scan=self._scan(code) if value != KEY_REPEAT else None, at=at)
                await self.keypad.write(self._bytes(events), chunk=self.chunk)
                self.keypad.records_written += len(events)
            self.presses += 1

    async def _jack(self, plugged: bool) -> None:
        async with self._lock:
            node = self.jack or self.keypad
            if not node.plugged:
                raise RuntimeError("the jack's device is unplugged")
            if plugged == self.earphone_in:
                return  # the kernel reports a switch only when it changes
            self.earphone_in = plugged
            await self._switch(node)

    async def _switch(self, node: _Fifo) -> None:
        events = [stamped(EV_SW, SW_HEADPHONE_INSERT, int(self.earphone_in)), stamped(EV_SYN, SYN_REPORT, 0)]
        await node.write(self._bytes(events), chunk=self.chunk)
        node.records_written += len(events)
