"""The systemd unit is accepted by systemd itself, and the kiosk speaks its notify protocol."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.sdnotify import Notifier

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "kiosk.service"


def test_unit_is_type_notify_with_a_watchdog_and_restart() -> None:
    text = UNIT.read_text()
    for line in ("Type=notify", "WatchdogSec=30", "Restart=always"):
        assert line in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed on this machine")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    # The unit names its install path (/opt/kiosk); point ExecStart at this checkout's interpreter
    # so verify can check that the command exists, and change nothing else.
    unit = tmp_path / "kiosk.service"
    unit.write_text(UNIT.read_text().replace("/opt/kiosk/.venv/bin/python", sys.executable))
    verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert verify.returncode == 0, verify.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)],
                              capture_output=True, text=True, timeout=60, check=False)
    assert "Overall exposure level" in security.stdout
    score = float(security.stdout.split("Overall exposure level for kiosk.service:")[1].split()[0])
    assert score < 5.0, security.stdout[-400:]  # systemd calls < 5 "OK"


def _notify_socket(tmp_path: Path) -> tuple[socket.socket, str]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(60)
    return sock, path


def test_notifier_sends_ready_and_watchdog(tmp_path: Path) -> None:
    sock, path = _notify_socket(tmp_path)
    with sock:
        notifier = Notifier(path)
        assert notifier.ready("idle") and notifier.watchdog()
        assert sock.recv(256) == b"READY=1\nSTATUS=idle"
        assert sock.recv(256) == b"WATCHDOG=1"
    assert not Notifier("").ready()


@pytest.mark.timeout(120)
def test_kiosk_run_reports_ready_to_systemd_once_idle(tmp_path: Path) -> None:
    """`kiosk run` (what the unit starts), against the simulators: READY=1 arrives when the idle screen is up."""
    sock, path = _notify_socket(tmp_path)
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000", "KIOSK_RUN_DIR": str(tmp_path / "run"),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    with sock:
        proc = subprocess.run([sys.executable, "-m", "kiosk", "run", "--until-ready"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=110, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        messages = []
        sock.setblocking(False)
        while True:
            try:
                messages.append(sock.recv(256).decode())
            except BlockingIOError:
                break
    assert "READY=1\nSTATUS=idle" in messages, messages
    assert "kiosk ready (idle)" in proc.stdout
