"""The A4 simulator as its own process and as an object: it starts, answers, leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from common.clock import VirtualClock
from common.control_socket import send_control
from common.status import DeviceState
from drivers.a4_printer import A4Printer
from simulators.a4_printer import A4PrinterSimulator
from simulators.a4_printer.simulator import free_port

pytestmark = pytest.mark.timeout(20)
ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_python_m_prints_ready_serves_controls_and_exits_clean(tmp_path: Path) -> None:
    port = free_port()
    control = tmp_path / "a4.sock"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.a4_printer", "--port", str(port),
        "--spool", str(tmp_path / "spool"), "--control", str(control),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        assert line.decode() == f"READY ipp://localhost:{port}/ipp/print\n"
        answer = await send_control(control, "state")
        assert answer["ok"]
        pids = answer["result"]["pids"]
        assert all(_alive(pid) for pid in pids.values())
        assert (await send_control(control, "empty_tray"))["ok"]
        helped = await send_control(control, "help")
        assert {"empty_tray", "refill", "jam_next_job", "toner_low", "toner_ok", "stop", "start_again",
                "jobs", "state"} <= set(helped["result"])
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert not any(_alive(pid) for pid in pids.values())
    assert not control.exists()


async def test_stop_kills_both_children_and_keeps_a_given_spool(
        tmp_path: Path, clock: VirtualClock, pdf_of: Callable[[int], bytes]) -> None:
    simulator = A4PrinterSimulator(spool=tmp_path / "spool")
    pids: list[int] = []
    try:
        endpoint = await simulator.start()
        pids += simulator.state()["pids"].values()
        async with A4Printer(endpoint, clock=clock, poll_interval=0.02) as printer:
            await printer.print_pdf(pdf_of(1), job_name="before-restart")
            await simulator.start_again()  # a new ippeveprinter run: its job ids start at 1 again
            pids.append(simulator.state()["pids"]["ippeveprinter"])
            assert (await printer.refresh_status()).state is DeviceState.ONLINE
            await printer.print_pdf(pdf_of(2), job_name="after-restart")
    finally:
        await simulator.stop()
    assert len(pids) == 3
    assert not any(_alive(pid) for pid in pids)
    runs = [Path(job).relative_to(tmp_path / "spool").as_posix() for job in simulator.jobs()]
    assert runs == ["run-1/1-before-restart.pdf", "run-2/1-after-restart.pdf"]
