"""Helpers die with their owner, even when the owner is killed with SIGKILL.

After long runs `ippeveprinter` and `dbus-daemon` were found running with no parent, holding ports
the next start needed. A `kill -9` leaves no `finally` to run, so each helper asks the kernel to
kill it when its parent dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from common.control_socket import send_control
from simulators.a4_printer.simulator import free_port

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[2]


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits for init to reap it, but runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    """The pids still running after `seconds` of real time (the kernel's, not a clock we control)."""
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


async def test_kill_9_of_the_a4_simulator_leaves_no_ippeveprinter_or_dbus(tmp_path: Path) -> None:
    control = tmp_path / "a4.sock"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.a4_printer", "--port", str(free_port()),
        "--spool", str(tmp_path / "spool"), "--control", str(control), cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert (await asyncio.wait_for(process.stdout.readline(), 15)).startswith(b"READY ")
        pids = list((await send_control(control, "state"))["result"]["pids"].values())
        assert pids and all(_running(pid) for pid in pids)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        left = await asyncio.to_thread(_gone_within, pids, 10.0)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    for pid in left:  # do not leave them for the next test either
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"orphans left running: {left}"


def test_a_helper_started_with_die_with_parent_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """The same for any helper (pcscd, a crash-harness kiosk): a parent that starts `sleep`, then is killed."""
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys, time\n"
         "from simulators.process import die_with_parent\n"
         "child = subprocess.Popen(['sleep', '600'], preexec_fn=die_with_parent())\n"
         "print(child.pid, flush=True)\n"
         "time.sleep(600)\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert _running(child)
        parent.kill()
        parent.wait()
        left = _gone_within([child], 10.0)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
