"""A corrupt journal is refused loudly, and the kiosk stays up out of service saying why.

What systemd starts (`kiosk run`), on a journal file that is not a database: the process does not
exit (Restart=always would restart it in a loop with a blank screen); it tells systemd READY=1 with
the reason in STATUS= and keeps petting the watchdog, the touchscreen and `kiosk screen` show the
out-of-service view with reason journal-corrupt, no money device is enabled, the file is left
byte for byte as found, and SIGTERM stops it cleanly.

A journal SQLite cannot open is refused the same way but not called corrupt (the technician must
not move a good journal aside): here a directory stands where the file should be. (A full disk at
start is the same kind of refusal; tests/kiosk/test_journal_unwritable.py makes SQLite meet one.)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GARBAGE = b"not a journal, whatever it was" * 200


def _env(run_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "KIOSK_RUN_DIR": str(run_dir), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
           **extra}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


@dataclass(frozen=True)
class Refusal:
    """One way a journal is refused at start, and what the technician must be told."""

    reason: str  # on the screen and in `kiosk screen`
    status: str  # systemd's STATUS= starts with this
    sqlite_says: str  # SQLite's own message, in STATUS= and the CRITICAL log line
    log_says: str

    def prepare(self, journal: Path) -> None:
        if self.reason == "journal-corrupt":
            journal.write_bytes(GARBAGE)
        else:
            journal.mkdir()

    def left_as_found(self, journal: Path) -> bool:
        if self.reason == "journal-corrupt":
            return journal.read_bytes() == GARBAGE
        return journal.is_dir() and not any(journal.iterdir())


CORRUPT = Refusal("journal-corrupt", "out of service: journal corrupt: ", "file is not a database",
                  "journal is corrupt")
UNOPENABLE = Refusal("journal-unwritable", "out of service: journal unwritable: ", "unable to open database file",
                     "journal cannot be opened or written")


def _refused_journal(tmp_path: Path, refusal: Refusal) -> tuple[Path, Path]:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    journal = run_dir / "journal.sqlite3"
    refusal.prepare(journal)
    return run_dir, journal


def _kiosk_ready(sock: socket.socket) -> str:
    """The kiosk's READY=1 message (the simulators' own daemons, e.g. pcscd, may say READY=1 too)."""
    sock.settimeout(90)
    while not (message := sock.recv(4096).decode()).startswith("READY=1\nSTATUS="):
        pass
    return message


def _datagrams(sock: socket.socket, until: float) -> list[str]:
    """Every notify message that arrives before `until` (monotonic seconds)."""
    got = []
    while (left := until - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            break
    return got


@pytest.mark.timeout(120)
@pytest.mark.parametrize("refusal", [CORRUPT, UNOPENABLE], ids=["corrupt", "unopenable"])
def test_kiosk_stays_up_out_of_service_on_a_refused_journal(tmp_path: Path, refusal: Refusal) -> None:
    run_dir, journal = _refused_journal(tmp_path, refusal)
    notify_path = str(tmp_path / "notify.sock")
    env = _env(run_dir, NOTIFY_SOCKET=notify_path, WATCHDOG_USEC="1000000")  # a pet every 0.5 s
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(notify_path)
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ready = _kiosk_ready(sock)
            assert ready.startswith(f"READY=1\nSTATUS={refusal.status}"), ready
            assert str(journal) in ready and refusal.sqlite_says in ready, ready

            # A technician over SSH: `kiosk screen` shows the out-of-service view and its reason.
            shown = subprocess.run([sys.executable, "-m", "kiosk", "screen"], cwd=ROOT, env=env,
                                   capture_output=True, text=True, timeout=30, check=False)
            assert shown.returncode == 0, shown.stderr
            answer = json.loads(shown.stdout)["result"]
            assert answer["state"] == "out_of_service"
            assert answer["view"]["screen"] == "out_of_service"
            assert answer["view"]["data"]["reason"] == refusal.reason
            assert answer["view"]["data"]["journal"] == str(journal)
            assert answer["widgets"] == ["lang", "access", "help"]  # nothing to start a session with

            # Still up two seconds on, and systemd's watchdog still hears from it.
            later = _datagrams(sock, time.monotonic() + 2.0)
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            assert later.count("WATCHDOG=1") >= 2, later

            # No money device was enabled: the coin acceptor and bill validator stay inhibited.
            cash = subprocess.run([sys.executable, "-m", "kiosk", "sim", "cctalk", "insert_coin", "value=100"],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False)
            assert json.loads(cash.stdout)["result"] == "inhibited", cash.stdout
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)

    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    critical = [line for line in err.splitlines() if " CRITICAL " in line]
    assert len(critical) == 1, err[-2000:]
    assert refusal.log_says in critical[0]
    assert str(journal) in critical[0] and refusal.sqlite_says in critical[0]
    assert refusal.left_as_found(journal)
    assert "kiosk ready" not in out


@pytest.mark.timeout(120)
def test_until_ready_exits_3_on_a_corrupt_journal(tmp_path: Path) -> None:
    """A script that checks a booth (`kiosk run --until-ready`) is not told all is well."""
    run_dir, journal = _refused_journal(tmp_path, CORRUPT)
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", "--until-ready"], cwd=ROOT, env=_env(run_dir),
                          capture_output=True, text=True, timeout=110, check=False)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "journal is corrupt" in done.stderr
    assert "Traceback" not in done.stderr
    assert journal.read_bytes() == GARBAGE
