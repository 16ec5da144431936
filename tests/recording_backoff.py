"""A reconnect backoff that remembers each wait it handed out, so a test can tell a driver that redials
ever more slowly (as common.backoff means it to) from one that restarts from the shortest wait each time."""

from __future__ import annotations

import dataclasses

from common.backoff import Backoff


@dataclasses.dataclass
class RecordingBackoff(Backoff):
    delays: list[float] = dataclasses.field(default_factory=list)

    def next_delay(self) -> float:
        delay = super().next_delay()
        self.delays.append(delay)
        return delay
