"""What a sensor family's command handling sees of the simulated sensor: the finger on the glass,
the faults a test set, and the wire back to the host.

The families (zfm.py, sfm.py) work on this narrow view, not on the whole `FingerprintSimulator`,
so the simulator can build them without the two importing each other.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal, Protocol

from common.clock import Clock

Quality = Literal["good", "wet", "dry", "partial"]
QUALITIES: tuple[Quality, ...] = ("good", "wet", "dry", "partial")


@dataclass(frozen=True)
class Finger:
    kind: Literal["resident", "unknown", "fake"]
    resident: int = 0
    finger: int = 1


class Personality(Protocol):
    """One sensor family's command handling on top of the shared finger state."""

    def feed(self, data: bytes) -> None: ...

    def reset(self) -> None: ...


class Glass(Protocol):
    """The shared sensor state a family reads and the one way it answers."""

    clock: Clock
    baudrate: int
    finger: Finger | None
    finger_present: asyncio.Event
    captures: int
    requests: int

    def send(self, data: bytes) -> None:
        """Answer the host (the simulator adds line noise or stays silent as a test asked)."""

    def take_quality(self) -> Quality:
        """The quality of this read, counting it against a limited fault."""

    def peek_quality(self) -> Quality: ...

    def template_for(self, finger: Finger) -> bytes:
        """The template this read of `finger` yields; counts the capture."""
