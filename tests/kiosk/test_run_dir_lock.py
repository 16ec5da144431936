"""One kiosk per run directory: a second `kiosk run` there is refused and the first carries on.

Two real processes, as a technician would start them over SSH: the first kiosk is up (READY=1), the
second is started in the same KIOSK_RUN_DIR. Before the lock, the second bound the same control
sockets, printed a traceback, and on exit deleted the first kiosk's sockets.
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

from kiosk.booth.live import EXIT_RUN_DIR_BUSY

ROOT = Path(__file__).resolve().parents[2]


def _env(run_dir: Path, notify: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "KIOSK_RUN_DIR": str(run_dir), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("NOTIFY_SOCKET", None)
    if notify is not None:
        env["NOTIFY_SOCKET"] = str(notify)
    return env


def _kiosk(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _wait_ready(sock: socket.socket, patience: float = 60.0) -> None:
    deadline = time.monotonic() + patience
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        if sock.recv(4096).decode().startswith("READY=1"):
            return
    raise AssertionError("the first kiosk never said READY=1")


@pytest.mark.timeout(180)
def test_a_second_kiosk_in_the_same_run_directory_is_refused_and_the_first_carries_on(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    notify = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(notify))
        first = subprocess.Popen([sys.executable, "-m", "kiosk", "run"], cwd=ROOT, env=_env(run_dir, notify),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_ready(sock)
            sockets = sorted(p.relative_to(run_dir) for p in run_dir.rglob("*.sock"))
            assert Path("kiosk.sock") in sockets and Path("sim/cctalk.sock") in sockets
            journal_before = _kiosk("journal", "--path", str(run_dir / "journal.sqlite3"), "--tail", "50",
                                    env=_env(run_dir))
            assert journal_before.returncode == 0, journal_before.stderr

            started = time.monotonic()
            second = _kiosk("run", "--until-ready", env=_env(run_dir))
            assert second.returncode == EXIT_RUN_DIR_BUSY, second.stdout + second.stderr
            assert time.monotonic() - started < 30  # refused at once, not after starting a booth
            assert "Traceback" not in second.stderr, second.stderr
            lines = second.stderr.strip().splitlines()
            assert len(lines) == 1, second.stderr
            assert "already running" in lines[0] and str(run_dir) in lines[0]
            assert f"pid {first.pid}" in lines[0]

            # The first kiosk is untouched: same sockets, still answering; same journal.
            assert sorted(p.relative_to(run_dir) for p in run_dir.rglob("*.sock")) == sockets
            screen = _kiosk("screen", env=_env(run_dir))
            assert screen.returncode == 0, screen.stderr
            assert '"state": "idle"' in screen.stdout
            coin = _kiosk("sim", "cctalk", "help", env=_env(run_dir))
            assert coin.returncode == 0, coin.stderr
            journal_after = _kiosk("journal", "--path", str(run_dir / "journal.sqlite3"), "--tail", "50",
                                   env=_env(run_dir))
            assert journal_after.stdout == journal_before.stdout
            assert first.poll() is None
        finally:
            if first.poll() is None:
                first.send_signal(signal.SIGTERM)
            _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]

    # Once the first is gone the directory is free again (the lock dies with its holder).
    again = _kiosk("run", "--until-ready", env=_env(run_dir))
    assert again.returncode == 0, again.stderr[-2000:]
