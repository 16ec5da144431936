"""The simulator as its own process, and the paced transfer measurement bench/ will call."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bench.fingerprint_transfer import measure_template_transfer_async
from common.clock import MonotonicClock
from common.control_socket import send_control
from common.status import DeviceState
from drivers.fingerprint import open_reader
from simulators import residents

pytestmark = pytest.mark.timeout(30)
REPO = Path(__file__).resolve().parents[2]


async def test_simulator_process_announces_ready_and_takes_controls(tmp_path: Path) -> None:
    link = tmp_path / "dev" / "fingerprint"
    control = tmp_path / "fingerprint.sock"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.fingerprint", "--protocol", "sfm", "--link", str(link),
        "--control", str(control), "--no-pace", cwd=REPO, stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 15)
        assert line.decode().strip() == f"READY {link}"
        assert link.is_symlink()
        placed = await send_control(control, "place_finger", resident=0, finger=1)
        assert placed["ok"], placed
        reader = open_reader(str(link), protocol="sfm", clock=MonotonicClock(), heartbeat_interval=3600)
        try:
            await reader.start()
            assert reader.status.state is DeviceState.ONLINE
            captured = await asyncio.wait_for(reader.capture(lambda _code: None), 5)
            assert bytes(captured.template) == residents.captured_template(0, 1, "sfm", capture=0)
        finally:
            await reader.close()
        state = await send_control(control, "state")
        assert state["result"]["captures"] == 1
        assert (await send_control(control, "quality", kind="soggy"))["ok"] is False
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize("protocol", ["zfm", "sfm"])
async def test_transfer_measurement_is_paced_at_the_baud_rate(protocol: str) -> None:
    report = await measure_template_transfer_async(protocol, captures=1)  # type: ignore[arg-type]
    assert report["template_bytes"] == residents.TEMPLATE_SIZE[protocol]  # type: ignore[index]
    assert report["wire_bytes"] > report["template_bytes"]
    floor = report["wire_bytes"] * 10 / report["baudrate"]
    assert report["baud_limit_seconds"] == pytest.approx(floor, abs=1e-3)
    # Paced: the transfer cannot beat the line, and should not be far behind it.
    assert report["baud_limit_seconds"] * 0.95 <= report["seconds"] <= report["baud_limit_seconds"] * 3 + 0.2
