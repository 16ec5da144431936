"""What the booth does with its I/O module's readings (drivers/io_module): the cabinet's heat, its doors,
its tilt switch and its power.

- **Overheat**: above `[sensors] overheat_c` issuance stops (out of service, reason "overheat") before
  the printers' fusers and the PC fail, the outdoor booths' summer problem; it resumes once the cabinet
  is `hysteresis_c` cooler, so a booth at the limit does not flap. Journaled both ways.
- **Service door**: every change goes to `kiosk.service_door_changed(opened)` (issue 15's hook; the
  technician's access decides what it means).
- **Cash-box door** opened with no technician in: journaled as `door_alarm` (the alert feed sends it on).
  A tripped tilt switch is journaled as `tilt_alarm` the same way.
- **Mains lost**: the session in progress finishes, no new one starts (reason "on-battery"); once the
  UPS's runtime falls below `shutdown_margin_s` (or it says its battery is low) the booth journals
  `battery_shutdown` and calls the shutdown the booth passed in, after the session in progress ended
  (or at once when half the margin is left: its money is journaled and the next boot settles it).
  While the UPS's registers read garbage (its charge or runtime unknown: drivers/io_module), the doors,
  tilt and mains still count, and the runtime is estimated (`SensorPolicy.runtime_left`).

Readings come every `[io_module] poll_interval` on the kiosk's clock. A module that stops answering
is a device status ("io_module" offline), not a fault of the booth: the last verdicts stand.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from common.clock import Clock
from common.status import DeviceStatus
from drivers.io_module import IoModuleError, IoReading
from kiosk.config import SensorsSection
from kiosk.maintenance import Technician

log = logging.getLogger(__name__)

SESSION = "device"  # the journal's session id for the booth's own rows (as the cash counters use)
Shutdown = Callable[[str], Awaitable[None] | None]


class IoPort(Protocol):
    status: DeviceStatus

    async def read(self) -> IoReading: ...

    async def close(self) -> None: ...


class SensorContext(Protocol):
    """What the policy uses of the controller (kiosk.controller.Kiosk satisfies it: mypy checks)."""

    clock: Clock
    technician: Technician | None
    start_gate: str
    sensor_fault: str

    @property
    def session(self) -> Any: ...

    def record(self, session_id: str, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> int: ...

    async def service_door_changed(self, opened: bool) -> None: ...

    def sensors_changed(self) -> None: ...

    def on_device_status(self, status: DeviceStatus) -> None: ...


class SensorPolicy:
    def __init__(self, kiosk: SensorContext, io: IoPort, config: SensorsSection, *, poll_interval: float,
                 shutdown: Shutdown) -> None:
        self.kiosk = kiosk
        self.io = io
        self.config = config
        self.poll_interval = poll_interval
        self._shutdown = shutdown
        self.last: IoReading | None = None
        self.shutdown_requested = False
        # The last runtime the UPS's register read, and when (the kiosk's monotonic clock); and when the
        # booth went on battery. Together they estimate the runtime while the register reads garbage.
        self._runtime_read: tuple[int, float] | None = None
        self._battery_since: float | None = None

    async def run(self) -> None:
        """Poll forever (the kiosk's task; cancelled at stop)."""
        while True:
            await self.poll()
            await self.kiosk.clock.sleep(self.poll_interval)

    async def poll(self) -> None:
        status_before = self.io.status
        try:
            reading = await self.io.read()
        except IoModuleError as exc:
            log.debug("I/O module unread: %s", exc)
            reading = None
        if self.io.status != status_before:
            self.kiosk.on_device_status(self.io.status)
        if reading is not None:
            await self.apply(reading)

    async def apply(self, reading: IoReading) -> None:
        before, self.last = self.last, reading
        now = self.kiosk.clock.monotonic()
        if reading.ups_runtime_s is not None:
            self._runtime_read = (reading.ups_runtime_s, now)
        if not reading.mains_lost:
            self._battery_since = None
        elif self._battery_since is None:
            self._battery_since = now
        changed = self._temperature(reading) | self._power(reading, before)
        await self._doors(reading, before)
        if changed:
            self.kiosk.sensors_changed()
        await self._maybe_shut_down(reading)

    # -- heat ----------------------------------------------------------------------------------------

    def _temperature(self, reading: IoReading) -> bool:
        celsius = reading.temperature_c
        if celsius is None:  # a broken or unwired probe: the verdict stands until it reads again
            return False
        hot = self.kiosk.sensor_fault == "overheat"
        if not hot and celsius > self.config.overheat_c:
            self.kiosk.sensor_fault = "overheat"
            self.kiosk.record(SESSION, "overheat", ref=f"{celsius:.1f}", limit=self.config.overheat_c)
            log.warning("cabinet at %.1f C (limit %.1f C): issuance stops until it cools", celsius,
                        self.config.overheat_c)
            return True
        if hot and celsius <= self.config.overheat_c - self.config.hysteresis_c:
            self.kiosk.sensor_fault = ""
            self.kiosk.record(SESSION, "overheat_cleared", ref=f"{celsius:.1f}")
            log.info("cabinet cooled to %.1f C: issuance resumes", celsius)
            return True
        return False

    # -- doors and tilt --------------------------------------------------------------------------------

    async def _doors(self, reading: IoReading, before: IoReading | None) -> None:
        was_open = before is not None and before.service_door_open
        if reading.service_door_open != was_open:
            await self.kiosk.service_door_changed(reading.service_door_open)
        technician = self.kiosk.technician
        if reading.cashbox_door_open and not (before is not None and before.cashbox_door_open):
            if technician is None:
                self.kiosk.record(SESSION, "door_alarm", ref="cashbox_door", door="cashbox")
                log.critical("ALARM: the cash box's door opened with no technician in")
            else:
                self.kiosk.record(SESSION, "cashbox_door_opened", technician=technician.id)
        if reading.tilted and not (before is not None and before.tilted):
            self.kiosk.record(SESSION, "tilt_alarm", ref="tilt",
                              technician=technician.id if technician is not None else "")
            log.critical("ALARM: the booth's tilt switch tripped")

    # -- power ---------------------------------------------------------------------------------------

    def runtime_left(self, reading: IoReading) -> tuple[float, bool]:
        """Seconds the UPS will still carry the booth, and whether that is an estimate.

        The UPS's own figure when its register reads one. While it reads garbage (the UPS's link to the
        module dropped; its mains and battery-low contacts still work), a booth on battery must still
        shut down cleanly before the battery is flat, and must not shut down at every flicker of the
        mains either. So the estimate is the last runtime the register read, counted down on the kiosk's
        clock from that reading or from the moment the mains went, whichever is later (on mains the
        battery does not drain). A booth that never read a runtime since it started assumes it had only
        the shutdown margin when the mains went: an idle booth shuts down at the next poll, a session in
        progress gets at most half the margin to finish. The charge plays no part: a percentage says
        nothing of seconds without the load, and the rule is the runtime's. The battery-low contact
        still shuts the booth down at once, whatever the estimate says.
        """
        if reading.ups_runtime_s is not None:
            return float(reading.ups_runtime_s), False
        now = self.kiosk.clock.monotonic()
        since = self._battery_since if self._battery_since is not None else now
        if self._runtime_read is None:
            return max(0.0, self.config.shutdown_margin_s - (now - since)), True
        runtime, read_at = self._runtime_read
        return max(0.0, runtime - (now - max(read_at, since))), True

    def _power(self, reading: IoReading, before: IoReading | None) -> bool:
        on_battery = self.kiosk.start_gate == "on-battery"
        if reading.mains_lost and not on_battery:
            self.kiosk.start_gate = "on-battery"
            left, estimated = self.runtime_left(reading)
            self.kiosk.record(SESSION, "on_battery", amount=round(left), ref=_charge(reading),
                              **({"runtime_estimated": True} if estimated else {}))
            log.warning("mains lost: on battery (%d s%s, charge %s); no new session starts", left,
                        " estimated: the UPS's runtime reads garbage" if estimated else "", _charge(reading))
            return True
        if not reading.mains_lost and on_battery:
            self.kiosk.start_gate = ""
            self.kiosk.record(SESSION, "mains_restored", ref=_charge(reading))
            log.info("mains restored")
            return True
        return False

    async def _maybe_shut_down(self, reading: IoReading) -> None:
        if self.shutdown_requested or not reading.mains_lost:
            return
        margin = self.config.shutdown_margin_s
        left, estimated = self.runtime_left(reading)
        if left >= margin and not reading.battery_low:
            return
        # A session in progress finishes first, unless the battery would not last it out.
        if self.kiosk.session is not None and left >= margin / 2 and not reading.battery_low:
            return
        self.shutdown_requested = True
        self.kiosk.record(SESSION, "battery_shutdown", amount=round(left), ref=_charge(reading),
                          margin=margin, battery_low=reading.battery_low,
                          **({"runtime_estimated": True} if estimated else {}))
        log.critical("on battery with %d s left%s (margin %g s): shutting down cleanly", left,
                     " (estimated)" if estimated else "", margin)
        result = self._shutdown("on-battery")
        if result is not None:
            await result


def _charge(reading: IoReading) -> str:
    """The UPS's charge as the journal's `ref` says it: "64%", or "unknown" while its register reads garbage."""
    return "unknown" if reading.ups_charge is None else f"{reading.ups_charge}%"
