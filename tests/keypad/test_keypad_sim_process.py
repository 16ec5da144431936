"""The keypad simulator as its own process: another process's FIFO is the same wire to the driver."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from common.clock import VirtualClock
from common.control_socket import send_control
from common.keypad_keys import Key
from common.status import DeviceState
from drivers.keypad import EarphoneJack, Keypad, KeypadEvent, KeyPressed

pytestmark = pytest.mark.timeout(30)
REPO = Path(__file__).resolve().parents[2]


async def test_simulator_process_announces_ready_and_its_keys_reach_the_driver(tmp_path: Path) -> None:
    path = tmp_path / "dev" / "keypad-event-kbd"
    control = tmp_path / "keypad.sock"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.keypad", "--path", str(path), "--control", str(control),
        cwd=REPO, stdout=asyncio.subprocess.PIPE)
    events: list[KeypadEvent] = []
    keypad = Keypad(str(path), clock=VirtualClock(), on_event=events.append)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 15)
        assert line.decode().strip() == f"READY {path}"
        await keypad.start()
        assert keypad.status.state is DeviceState.ONLINE
        for command, args in (("press", {"key": "ok"}), ("type", {"digits": "42"}), ("plug_earphone", {})):
            answer = await send_control(control, command, **args)
            assert answer["ok"], answer
        assert (await send_control(control, "press", key="shout"))["ok"] is False
        for _ in range(500):
            if len(events) >= 4:
                break
            await asyncio.sleep(0.01)
        assert events == [KeyPressed(Key.OK), KeyPressed(Key.DIGIT_4), KeyPressed(Key.DIGIT_2), EarphoneJack(True)]
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        for _ in range(500):  # the process removed its node on the way out: the driver sees the cable go
            if keypad.status.state is DeviceState.OFFLINE:
                break
            await asyncio.sleep(0.01)
        assert keypad.status.reason == "unplugged" and not path.exists()
    finally:
        await keypad.close()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
