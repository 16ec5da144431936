"""Redraw the idle screen when the hours turn: at opening, at the last start before closing, at closing,
and when a document's own service hours begin or end.

Nothing else happens at those instants (no device speaks), so without this an idle booth would show
"open" past its closing time until someone touched it.
"""

from __future__ import annotations

from typing import Protocol

from common.clock import Clock
from kiosk.availability import Availability
from kiosk.machine import S


class Kiosk(Protocol):
    """What the watch reads of the controller (kiosk.controller.Kiosk satisfies it: mypy checks)."""

    clock: Clock

    @property
    def availability(self) -> Availability: ...

    @property
    def state(self) -> str: ...

    def publish(self) -> None: ...

# A minute: the hours, the last start and the documents' hours are all set to the minute.
CHECK_SECONDS = 60.0


def _shown(kiosk: Kiosk) -> tuple[object, ...]:
    availability = kiosk.availability
    return (availability.open_reason, availability.opens_at,
            tuple((d.code, d.available) for d in availability.documents))


async def watch_hours(kiosk: Kiosk) -> None:
    last = _shown(kiosk)
    while True:
        # Sleep to the next minute boundary of the wall clock (the hours are whole minutes).
        now = kiosk.clock.now()
        await kiosk.clock.sleep(CHECK_SECONDS - now.second - now.microsecond / 1e6 + 0.01)
        shown = _shown(kiosk)
        if shown != last and kiosk.state in (S.IDLE, S.OUT_OF_SERVICE):
            kiosk.publish()
        last = shown
