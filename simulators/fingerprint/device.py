"""The fingerprint sensor simulator: a finger, its faults, and the wire, for either family.

The sensor speaks only when asked. A placed finger stays on the glass until `lift()`; each template
it yields is `residents.captured_template(resident, finger, fmt, capture=n)` with `n` counting the
templates this simulator has produced, so tests know exactly what the driver must return.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from common.clock import Clock, MonotonicClock
from common.control_socket import bounded, default_run_dir
from drivers.fingerprint import frames_sfm, frames_zfm
from simulators import residents
from simulators.fingerprint.glass import QUALITIES, Finger, Personality, Quality
from simulators.fingerprint.port import PtyPort
from simulators.fingerprint.sfm import SfmDevice
from simulators.fingerprint.zfm import ZfmDevice
from simulators.residents import TemplateFormat

DEFAULT_BAUDRATE: dict[TemplateFormat, int] = {
    "zfm": frames_zfm.DEFAULT_BAUDRATE, "sfm": frames_sfm.DEFAULT_BAUDRATE}


def default_link() -> Path:
    """Where the stable device path lives: $KIOSK_RUN_DIR/dev/fingerprint (like /dev/serial/by-id)."""
    return default_run_dir() / "dev" / "fingerprint"


class FingerprintSimulator:
    """Implements `simulators.process.Simulator` for a ZFM or SFM sensor on a PTY."""

    name = "fingerprint"

    def __init__(self, protocol: str, *, link: Path | str | None = None,
                 baudrate: int | None = None, pace: bool = True, clock: Clock | None = None,
                 seed: int = 0, check_baud: bool = False) -> None:
        if protocol not in ("zfm", "sfm"):
            raise ValueError(f"unknown protocol {protocol!r}; expected zfm or sfm")
        self.protocol: TemplateFormat = "zfm" if protocol == "zfm" else "sfm"
        self.clock = clock or MonotonicClock()
        self.baudrate = baudrate or DEFAULT_BAUDRATE[self.protocol]
        self.port = PtyPort(Path(link) if link is not None else default_link(), self._received,
                            baudrate=self.baudrate, pace=pace, check_baud=check_baud)
        self.finger: Finger | None = None
        self.finger_present = asyncio.Event()
        self.captures = 0
        self.requests = 0
        self._quality: Quality = "good"
        self._quality_left: int | None = None
        self._silent = False
        self._garbage = 0
        self._rng = random.Random(seed)
        self._device: Personality = self._new_personality()

    # Simulator protocol -----------------------------------------------------------------------
    async def start(self) -> str:
        await self.port.plug()
        return str(self.port.link)

    async def stop(self) -> None:
        self._device.reset()
        await self.port.unplug()

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "place_finger": self.place_finger, "place_unknown": self.place_unknown,
            "fake_finger": self.fake_finger, "lift": self.lift, "quality": self.quality,
            "silent": self.silent, "garbage": self.garbage, "unplug": self.unplug,
            "replug": self.replug, "power_cycle": self.power_cycle, "state": self.state,
        }

    # Controls ---------------------------------------------------------------------------------
    def place_finger(self, resident: int, finger: int = 1) -> dict[str, Any]:
        """Put a synthetic resident's finger (1..10) on the sensor; it stays until lift()."""
        residents.resident(resident)  # KeyError for an index outside the synthetic population
        if not 1 <= finger <= 10:
            raise ValueError("finger is 1..10")
        return self._place(Finger("resident", resident, finger))

    def place_unknown(self) -> dict[str, Any]:
        """Put a finger nobody enrolled on the sensor."""
        return self._place(Finger("unknown"))

    def fake_finger(self) -> dict[str, Any]:
        """Put a replica (gelatine, silicone) on the sensor: a liveness check rejects it."""
        return self._place(Finger("fake"))

    def lift(self) -> dict[str, Any]:
        """Take the finger off the sensor."""
        self.finger = None
        self.finger_present.clear()
        return self.state()

    def quality(self, kind: str, captures: int | None = None) -> dict[str, Any]:
        """Make the next `captures` reads (all, if omitted) wet/dry/partial; "good" resets."""
        if kind not in QUALITIES:
            raise ValueError(f"quality is one of {QUALITIES}")
        assert kind in ("good", "wet", "dry", "partial")
        self._quality = kind
        self._quality_left = None if kind == "good" else captures
        return self.state()

    def silent(self, on: bool = True) -> dict[str, Any]:
        """Stop (or resume) answering, as a hung module does."""
        self._silent = on
        return self.state()

    @bounded(count=(0, 4096))  # a burst of line noise, not a flood that exhausts memory
    def garbage(self, count: int) -> dict[str, Any]:
        """Put `count` bytes of line noise in front of the next answer."""
        self._garbage += max(0, int(count))
        return self.state()

    async def unplug(self) -> dict[str, Any]:
        """Pull the cable: the PTY closes and the device path disappears."""
        self._device.reset()
        await self.port.unplug()
        return self.state()

    async def replug(self) -> dict[str, Any]:
        """Plug the cable back: a new PTY behind the same path, the module freshly powered up."""
        self._device = self._new_personality()
        await self.port.plug()
        return self.state()

    def power_cycle(self) -> dict[str, Any]:
        """Power off and on: the module reboots and wire faults end; a finger on the glass stays.

        A half-received command and anything the module held for the session are gone."""
        self._device.reset()
        self._device = self._new_personality()
        self._silent, self._garbage = False, 0
        return self.state()

    def state(self) -> dict[str, Any]:
        """What the sensor is doing (never the template bytes)."""
        finger: Any = None
        if self.finger is not None:
            finger = ({"resident": self.finger.resident, "finger": self.finger.finger}
                      if self.finger.kind == "resident" else self.finger.kind)
        return {
            "protocol": self.protocol, "endpoint": str(self.port.link), "plugged": self.port.plugged,
            "silent": self._silent, "finger": finger, "quality": self._quality,
            "quality_captures_left": self._quality_left, "captures": self.captures,
            "requests": self.requests, "bytes_sent": self.port.bytes_sent,
            "baudrate": self.baudrate, "pace": self.port.pace,
        }

    # For the personalities ----------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Answer the host, unless silent; pending line noise goes first."""
        if self._silent:
            return
        if self._garbage:
            data = self._noise(self._garbage) + data
            self._garbage = 0
        self.port.send(data)

    def take_quality(self) -> Quality:
        """The quality of this read, counting it against a limited fault."""
        quality = self._quality
        if quality != "good" and self._quality_left is not None:
            self._quality_left -= 1
            if self._quality_left <= 0:
                self._quality, self._quality_left = "good", None
        return quality

    def peek_quality(self) -> Quality:
        return self._quality

    def template_for(self, finger: Finger) -> bytes:
        """The template this read of `finger` yields; counts the capture."""
        n = self.captures
        self.captures += 1
        if finger.kind == "resident":
            return residents.captured_template(finger.resident, finger.finger, self.protocol, capture=n)
        return residents.unknown_template(self.protocol, capture=n)

    # Internals ------------------------------------------------------------------------------
    def _place(self, finger: Finger) -> dict[str, Any]:
        self.finger = finger
        self.finger_present.set()
        return self.state()

    def _received(self, data: bytes) -> None:
        if self._silent:
            return
        self._device.feed(data)

    def _noise(self, count: int) -> bytes:
        noise = bytearray(self._rng.randbytes(count))
        # Plant a plausible frame start in the noise: resync must not wait for bytes never coming.
        start = (frames_zfm.HEADER + b"\xff\xff\xff\xff\x02\x00\x82" if self.protocol == "zfm"
                 else bytes([frames_sfm.START, frames_sfm.Command.ST]))
        if count >= len(start) + 1:
            at = self._rng.randrange(0, count - len(start))
            noise[at:at + len(start)] = start
        return bytes(noise)

    def _new_personality(self) -> Personality:
        return ZfmDevice(self) if self.protocol == "zfm" else SfmDevice(self)
