"""Capped exponential backoff for reconnecting to a device that went away.

A kiosk left unplugged for a night must neither hammer the port nor fill the disk: the delay grows
as ``min(base * factor**tries, cap)`` (aioesphomeapi's shape) and callers log the first failure at
WARNING and the rest at DEBUG.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    base: float = 0.2
    factor: float = 1.8
    # 30 s: a replugged device is back in service within half a minute, and a missing one costs
    # at most two reconnect attempts a minute.
    cap: float = 30.0
    tries: int = 0

    def next_delay(self) -> float:
        delay = min(self.base * self.factor**self.tries, self.cap)
        self.tries += 1
        return delay

    def reset(self) -> None:
        self.tries = 0

    @property
    def first_failure(self) -> bool:
        """True until the first delay has been handed out: log that failure loudly, later ones quietly."""
        return self.tries == 0
