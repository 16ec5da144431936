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

    def _power(self, reading: IoReading, before: IoReading | None) -> bool:
        on_battery = self.kiosk.start_gate == "on-battery"
        if reading.mains_lost and not on_battery:
            self.kiosk.start_gate = "on-battery"
            self.kiosk.record(SESSION, "on_battery", amount=reading.ups_runtime_s, ref=f"{reading.ups_charge}%")
            log.warning("mains lost: on battery (%d s, %d %%); no new session starts", reading.ups_runtime_s,
                        reading.ups_charge)
            return True
        if not reading.mains_lost and on_battery:
            self.kiosk.start_gate = ""
            self.kiosk.record(SESSION, "mains_restored", ref=f"{reading.ups_charge}%")
            log.info("mains restored")
            return True
        return False

    async def _maybe_shut_down(self, reading: IoReading) -> None:
        if self.shutdown_requested or not reading.mains_lost:
            return
        margin = self.config.shutdown_margin_s
        if reading.ups_runtime_s >= margin and not reading.battery_low:
            return
        # A session in progress finishes first, unless the battery would not last it out.
        if self.kiosk.session is not None and reading.ups_runtime_s >= margin / 2 and not reading.battery_low:
            return
        self.shutdown_requested = True
        self.kiosk.record(SESSION, "battery_shutdown", amount=reading.ups_runtime_s, ref=f"{reading.ups_charge}%",
                          margin=margin, battery_low=reading.battery_low)
        log.critical("on battery with %d s left (margin %g s): shutting down cleanly", reading.ups_runtime_s, margin)
        result = self._shutdown("on-battery")
        if result is not None:
            await result
