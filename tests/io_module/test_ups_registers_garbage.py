"""A UPS whose own link to the I/O module drops reads 0xFFFF in its charge and runtime registers. The
booth must still see its doors, its tilt switch and the mains (they are the module's own contacts), say
which register reads garbage, and still shut down cleanly on battery, on an estimated runtime.

The I/O module is the simulator, read over Modbus TCP by the real driver; the kiosk around the sensor
policy is the small stand-in below (what `SensorContext` asks of the controller), on a virtual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus
from drivers.io_module import IoModule
from kiosk.config import SensorsSection
from kiosk.sensors import SensorPolicy
from simulators.io_module import IoModuleSimulator

MARGIN = SensorsSection().shutdown_margin_s  # 180 s


class Booth:
    """What the sensor policy uses of the controller: its journal rows, gates and device statuses."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.technician = None
        self.start_gate = ""
        self.sensor_fault = ""
        self.session: object | None = None
        self.rows: list[tuple[str, int, str, dict[str, Any]]] = []
        self.statuses: list[DeviceStatus] = []
        self.shutdowns: list[str] = []

    def record(self, session_id: str, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> int:
        self.rows.append((kind, amount, ref, detail))
        return len(self.rows)

    def kinds(self) -> list[str]:
        return [kind for kind, _, _, _ in self.rows]

    def row(self, kind: str) -> tuple[int, str, dict[str, Any]]:
        (found,) = [(amount, ref, detail) for k, amount, ref, detail in self.rows if k == kind]
        return found

    async def service_door_changed(self, opened: bool) -> None:
        pass

    def sensors_changed(self) -> None:
        pass

    def on_device_status(self, status: DeviceStatus) -> None:
        self.statuses.append(status)


@asynccontextmanager
async def booth_with_module(clock: VirtualClock) -> AsyncIterator[tuple[IoModuleSimulator, Booth, SensorPolicy]]:
    sim = IoModuleSimulator(port=0)
    module = IoModule(await sim.start(), timeout=0.3)
    booth = Booth(clock)
    policy = SensorPolicy(booth, module, SensorsSection(), poll_interval=1.0, shutdown=booth.shutdowns.append)
    try:
        yield sim, booth, policy
    finally:
        await module.close()
        await sim.stop()


async def test_a_cash_box_door_opened_at_night_alarms_though_the_ups_registers_read_garbage(
        clock: VirtualClock) -> None:
    async with booth_with_module(clock) as (sim, booth, policy):
        await policy.poll()
        assert booth.rows == [] and policy.io.status.state is DeviceState.ONLINE
        await sim.set(ups_link=False, cashbox_door=True)  # the UPS's link drops; the box is opened, no one in
        await policy.poll()
        assert ("door_alarm", 0, "cashbox_door", {"door": "cashbox"}) in booth.rows
        # The booth's device board says which register reads what, and the module still counts as working.
        said = booth.statuses[-1]
        assert (said.state, said.reason) == (DeviceState.ONLINE, "bad-values")
        assert "ups_charge=65535" in said.detail and "ups_runtime=65535" in said.detail
        assert policy.last is not None and (policy.last.ups_charge, policy.last.ups_runtime_s) == (None, None)
        await sim.set(ups_link=True, cashbox_door=False)
        await policy.poll()
        assert (booth.statuses[-1].state, booth.statuses[-1].reason) == (DeviceState.ONLINE, "")
        assert booth.kinds() == ["door_alarm"]


async def test_a_tilt_is_seen_with_the_ups_registers_reading_garbage(clock: VirtualClock) -> None:
    async with booth_with_module(clock) as (sim, booth, policy):
        await sim.set(ups_link=False, tilt=True)
        await policy.poll()
        assert booth.kinds() == ["tilt_alarm"]


async def test_a_power_cut_is_seen_and_the_booth_shuts_down_on_the_last_runtime_counted_down(
        clock: VirtualClock) -> None:
    """The UPS said 600 s before its link dropped: the booth stops new sessions at once and shuts down
    once 600 s less the margin have passed on battery, as it would have had the register gone on reading."""
    async with booth_with_module(clock) as (sim, booth, policy):
        await sim.set(runtime=600, charge=100)
        await policy.poll()
        await clock.advance(3600)  # an hour on mains: the battery does not drain
        await sim.set(ups_link=False, mains=False)
        await policy.poll()
        assert booth.start_gate == "on-battery"
        assert booth.row("on_battery") == (600, "unknown", {"runtime_estimated": True})
        await clock.advance(600 - MARGIN - 10)
        await policy.poll()
        assert booth.shutdowns == []
        await clock.advance(20)
        await policy.poll()
        assert booth.shutdowns == ["on-battery"]
        amount, ref, detail = booth.row("battery_shutdown")
        assert amount < MARGIN and ref == "unknown" and detail["runtime_estimated"] is True


async def test_mains_back_before_the_estimate_runs_out_reopens_the_booth(clock: VirtualClock) -> None:
    async with booth_with_module(clock) as (sim, booth, policy):
        await sim.set(runtime=900)
        await policy.poll()
        await sim.set(ups_link=False, mains=False)
        await policy.poll()
        await clock.advance(300)
        await sim.set(mains=True)
        await policy.poll()
        assert booth.start_gate == "" and booth.kinds() == ["on_battery", "mains_restored"]
        assert booth.row("mains_restored")[1] == "unknown" and booth.shutdowns == []


async def test_with_no_runtime_ever_read_a_session_gets_half_the_margin_and_an_idle_booth_none(
        clock: VirtualClock) -> None:
    async with booth_with_module(clock) as (sim, booth, policy):
        await sim.set(ups_link=False)
        await policy.poll()  # the link was already down when the booth started: no runtime ever read
        await sim.set(mains=False)
        booth.session = object()  # a resident is paying
        await policy.poll()
        assert booth.start_gate == "on-battery" and booth.shutdowns == []
        await clock.advance(MARGIN / 2 - 5)
        await policy.poll()
        assert booth.shutdowns == []  # the session in progress may still finish
        await clock.advance(10)
        await policy.poll()
        assert booth.shutdowns == ["on-battery"]  # it did not: the booth goes down before the battery does


async def test_an_idle_booth_with_no_runtime_ever_read_shuts_down_at_the_next_poll(clock: VirtualClock) -> None:
    async with booth_with_module(clock) as (sim, booth, policy):
        await sim.set(ups_link=False, mains=False)
        await policy.poll()
        assert booth.start_gate == "on-battery"
        await clock.advance(1.0)
        await policy.poll()
        assert booth.shutdowns == ["on-battery"]
