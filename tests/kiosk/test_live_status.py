"""`systemctl status kiosk` tells a technician over SSH what the kiosk is doing, and why it is out of service.

`kiosk run` (what the unit starts) keeps systemd's STATUS= current after READY=1: when the kiosk goes
out of service while running, STATUS names the reason, as the touchscreen does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _next_status(sock: socket.socket, prefix: str, patience: float = 60.0) -> str:
    """The first notify message from the kiosk that starts with `prefix` (pcscd may speak too)."""
    deadline = time.monotonic() + patience
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        message = sock.recv(4096).decode()
        if message.startswith(prefix):
            return message
    raise AssertionError(f"no {prefix!r} from the kiosk")


def _headless_env(tmp_path: Path) -> dict[str, str]:
    """`kiosk run` as systemd starts it (a notify socket, a watchdog), headless, in its own run directory."""
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "2000000",
           "KIOSK_RUN_DIR": str(tmp_path / "run"), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


@pytest.mark.timeout(120)
def test_status_follows_the_kiosk_out_of_service(tmp_path: Path) -> None:
    env = _headless_env(tmp_path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(env["NOTIFY_SOCKET"])
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert _next_status(sock, "READY=1\nSTATUS=") == "READY=1\nSTATUS=idle"
            tray = subprocess.run([sys.executable, "-m", "kiosk", "sim", "a4_printer", "empty_tray"], cwd=ROOT,
                                  env=env, capture_output=True, text=True, timeout=30, check=False)
            assert tray.returncode == 0, tray.stderr
            assert _next_status(sock, "STATUS=") == "STATUS=out of service: a4-paper-out"
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]


@pytest.mark.timeout(120)
def test_a_kiosk_stopped_on_battery_exits_with_the_status_its_unit_does_not_restart(tmp_path: Path) -> None:
    """Mains lost and the UPS nearly flat: the kiosk stops cleanly and exits EXIT_ON_BATTERY, which the
    unit's RestartPreventExitStatus names. Exiting 0 let systemd start it again every 2 s on the same
    battery (each boot journaling another shutdown) until the battery died under a write."""
    from kiosk.booth.live import EXIT_ON_BATTERY

    unit = (ROOT / "systemd" / "kiosk.service").read_text()
    prevented = next(line for line in unit.splitlines() if line.startswith("RestartPreventExitStatus="))
    assert str(EXIT_ON_BATTERY) in prevented.partition("=")[2].split()
    env = _headless_env(tmp_path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(env["NOTIFY_SOCKET"])
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert _next_status(sock, "READY=1\nSTATUS=") == "READY=1\nSTATUS=idle"
            ups = subprocess.run([sys.executable, "-m", "kiosk", "sim", "io_module", "set", "mains=false",
                                  "charge=5", "runtime=60"], cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=30, check=False)
            assert ups.returncode == 0, ups.stderr
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
    assert proc.returncode == EXIT_ON_BATTERY, err[-2000:]
    assert "on battery" in err and "Traceback" not in err, err[-2000:]
