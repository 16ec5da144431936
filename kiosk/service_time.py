"""Seconds out of service, by reason: what a city reads as the booth's downtime.

The controller tells it every state it publishes (every change publishes a view), so the time is
counted from the kiosk's own clock at the edges, not sampled; a reader (the metrics scrape, the
alerts) asks for the figures up to now. Counted since the controller started: Prometheus' counters
are allowed to reset with the process.
"""

from __future__ import annotations

from common.clock import Clock

OUT_OF_SERVICE_STATE = "out_of_service"


class ServiceTime:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._reason = ""  # the current out-of-service reason ("" while in service)
        self._since = 0.0  # clock.monotonic() when the current reason began
        self._closed: dict[str, float] = {}  # seconds of periods that ended, by reason

    def note(self, state: str, reason: str) -> None:
        """The kiosk is in `state` (with `reason` when out of service) from now on."""
        current = (reason or "unknown") if state == OUT_OF_SERVICE_STATE else ""
        if current == self._reason:
            return
        now = self._clock.monotonic()
        if self._reason:
            self._closed[self._reason] = self._closed.get(self._reason, 0.0) + now - self._since
        self._reason, self._since = current, now

    @property
    def reason(self) -> str:
        """The reason the kiosk is out of service now ("" when it is not)."""
        return self._reason

    def current_seconds(self) -> float:
        """How long the kiosk has been out of service for its current reason (0 when in service)."""
        return self._clock.monotonic() - self._since if self._reason else 0.0

    def seconds_by_reason(self) -> dict[str, float]:
        """Every reason's seconds out of service so far, the current period included."""
        out = dict(self._closed)
        if self._reason:
            out[self._reason] = out.get(self._reason, 0.0) + self.current_seconds()
        return out
