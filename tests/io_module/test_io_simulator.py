"""The I/O module's driver against its simulator, over Modbus TCP and over RTU on a PTY: what a
control sets is what the booth reads; a module that stops answering is a device status, and reading
resumes when it answers again."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.control_socket import dispatch
from common.status import DeviceState
from drivers.io_module import IoModule, IoModuleError
from simulators.io_module import IoModuleSimulator


@pytest.mark.parametrize("wire", ["tcp", "rtu"])
async def test_what_the_simulator_is_set_to_is_what_the_driver_reads(wire: str, tmp_path: Path) -> None:
    sim = IoModuleSimulator(port=0, device_id=5, rtu_link=tmp_path / "io" if wire == "rtu" else None)
    endpoint = await sim.start()
    module = IoModule(endpoint, device_id=5, timeout=0.3)
    try:
        first = await module.read()
        assert (first.service_door_open, first.mains_lost, first.temperature_c, first.ups_charge) == \
            (False, False, 28.0, 100)
        answer = await dispatch(sim.controls(), {"cmd": "set", "args": {
            "service_door": True, "cashbox_door": True, "mains": False, "temperature": 55.5, "runtime": 300}})
        assert answer["ok"], answer
        reading = await module.read()
        assert (reading.service_door_open, reading.cashbox_door_open, reading.mains_lost, reading.temperature_c,
                reading.ups_runtime_s) == (True, True, True, 55.5, 300)
        assert module.status.state is DeviceState.ONLINE
        await sim.silent(True)
        with pytest.raises(IoModuleError) as failed:
            await module.read()
        assert failed.value.reason == "no-answer" and module.status.state is DeviceState.OFFLINE
        await sim.silent(False)
        assert (await module.read()).temperature_c == 55.5
        assert module.status.state is DeviceState.ONLINE
    finally:
        await module.close()
        await sim.stop()


async def test_controls_refuse_a_temperature_no_probe_reads() -> None:
    sim = IoModuleSimulator(port=0)
    answer = await dispatch(sim.controls(), {"cmd": "set", "args": {"temperature": 500}})
    assert not answer["ok"]
