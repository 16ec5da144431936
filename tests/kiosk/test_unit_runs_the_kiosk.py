"""The kiosk started exactly as systemd/kiosk.service starts it reaches idle, and writes only where the unit lets it.

Before, the unit's kiosk ignored systemd's directories and tried to create ``run/kiosk.sock`` in its
read-only working directory (``/opt/kiosk`` under ``ProtectSystem=strict``): a restart loop.

What is taken from the unit file, unchanged: every ``Environment=``, the ``ExecStart=`` arguments, the
``WatchdogSec=`` (as ``WATCHDOG_USEC``), and the directories it declares, whose paths the test sets in
the variables systemd would (``RUNTIME_DIRECTORY``, ``STATE_DIRECTORY``, ``CACHE_DIRECTORY``,
``LOGS_DIRECTORY``, ``CONFIGURATION_DIRECTORY``), each a fresh temporary directory. The working
directory is a temporary directory made read-only (0555). ``NOTIFY_SOCKET`` is a datagram socket the
test binds, as systemd's, to read READY=1 and STATUS=.

What differs, and why:
- ``--hardware`` becomes ``--simulators``: the same production kiosk (no touch injection) against a
  booth of simulators, as there is no hardware here. Every other argument is kept.
- The interpreter: ``/opt/kiosk/.venv/bin/python`` is this test's interpreter, with this checkout on
  ``PYTHONPATH`` (what ``make install`` puts in /opt/kiosk).
- The user: the unit's ``kiosk`` user is not created here. As root the kiosk runs as ``nobody:nogroup``
  (``setpriv --reuid=nobody --regid=nogroup``) when nobody can run this interpreter; when it cannot
  (an interpreter under root's 0700 home, as on the CI machine) it runs as uid 0 stripped of every
  capability (``setpriv --bounding-set=-all``), so file permissions bind it like any user and the
  0555 working directory is read-only to it. As another user, it runs as that user.
- The technicians' group: the unit's ``kiosk-tech`` (``KIOSK_CONTROL_GROUP``, and the unit's
  ``SupplementaryGroups=``) is stood in for by a group that exists here (``users``, or one of the
  test user's own), given to the kiosk as its supplementary group the same way.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "kiosk.service"
INSTALLED_PYTHON = "/opt/kiosk/.venv/bin/python"
DIRECTORY_VARIABLES = {"RuntimeDirectory": "RUNTIME_DIRECTORY", "StateDirectory": "STATE_DIRECTORY",
                       "CacheDirectory": "CACHE_DIRECTORY", "LogsDirectory": "LOGS_DIRECTORY",
                       "ConfigurationDirectory": "CONFIGURATION_DIRECTORY"}


def unit_service_section(text: str) -> dict[str, list[str]]:
    """The [Service] settings of a unit file, each key with all its values in order."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _as_user() -> tuple[list[str], int, int, int]:
    """The command prefix that drops to the unprivileged user, that user's uid and gid, and the stand-in
    technicians' group it is given as a supplementary group."""
    if os.geteuid() != 0:
        others = [g for g in os.getgroups() if g != os.getegid()]
        return [], os.geteuid(), os.getegid(), (others or [os.getegid()])[0]
    tech = grp.getgrnam("users").gr_gid
    nobody, nogroup = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    drop = ["setpriv", "--reuid=nobody", "--regid=nogroup", f"--groups={tech}"]
    probe = subprocess.run([*drop, sys.executable, "-c", "import kiosk.booth.live"], env={"PYTHONPATH": str(ROOT)},
                           capture_output=True, timeout=60, check=False)
    if probe.returncode == 0:
        return drop, nobody, nogroup, tech
    no_caps = ["setpriv", "--reuid=0", "--regid=nogroup", f"--groups={tech}", "--bounding-set=-all",
               "--inh-caps=-all"]
    return no_caps, 0, nogroup, tech


@contextlib.contextmanager
def _world_reachable_tmp() -> Iterator[Path]:
    """A temporary tree the unprivileged user can reach (pytest's tmp_path is root's 0700)."""
    base = Path(tempfile.mkdtemp(prefix="kiosk-unit-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for path in base.rglob("*"):
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def _messages(sock: socket.socket, proc: subprocess.Popen[str], until: str, patience: float = 90.0) -> list[str]:
    """Notify messages up to the first starting with `until`; fails with the kiosk's stderr if it exits first."""
    seen: list[str] = []
    deadline = time.monotonic() + patience
    sock.settimeout(0.5)
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(TimeoutError):
            seen.append(sock.recv(4096).decode())
            if seen[-1].startswith(until):
                return seen
    proc.kill()
    said = proc.communicate(timeout=30)[1][-3000:]
    raise AssertionError(f"no {until!r} from the kiosk; heard {seen}; it said: {said}")


# As root the test drops to an unprivileged user with util-linux's setpriv.
CANNOT_DROP_ROOT = shutil.which("setpriv") is None and os.geteuid() == 0


@pytest.mark.skipif(CANNOT_DROP_ROOT, reason="a machine limit: setpriv (util-linux) is not installed")
@pytest.mark.timeout(180)
def test_the_kiosk_runs_as_the_unit_starts_it_and_writes_only_in_systemds_directories() -> None:
    unit = unit_service_section(UNIT.read_text())
    drop, uid, gid, tech_gid = _as_user()
    with _world_reachable_tmp() as base:
        workdir = base / "opt-kiosk"
        workdir.mkdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LANG": "C.UTF-8",
               "PYTHONPATH": str(ROOT), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
        env.update(value.split("=", 1) for value in unit["Environment"])  # type: ignore[misc]
        dirs: dict[str, Path] = {}
        for setting, variable in DIRECTORY_VARIABLES.items():
            if setting in unit:
                path = dirs[variable] = base / variable.lower() / unit[setting][0]
                path.mkdir(parents=True)
                os.chown(path, uid, gid)
                env[variable] = str(path)
        shutil.copy(ROOT / "config" / "site.example.toml", dirs["CONFIGURATION_DIRECTORY"] / "site.toml")
        assert env.get("KIOSK_CONTROL_GROUP"), "the unit names the technicians' group"
        env["KIOSK_CONTROL_GROUP"] = str(tech_gid)  # the stand-in for kiosk-tech (see the docstring)
        env["WATCHDOG_USEC"] = str(int(float(unit["WatchdogSec"][0]) * 1_000_000))

        argv = shlex.split(unit["ExecStart"][0])
        assert argv[0] == INSTALLED_PYTHON and "--hardware" in argv
        argv = [sys.executable, *("--simulators" if a == "--hardware" else a for a in argv[1:])]
        workdir.chmod(0o555)  # /opt/kiosk under ProtectSystem=strict
        notify = base / "notify.sock"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(str(notify))
            notify.chmod(0o666)
            env["NOTIFY_SOCKET"] = str(notify)
            proc = subprocess.Popen([*drop, *argv], cwd=workdir, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, start_new_session=True)
            try:
                heard = _messages(sock, proc, "READY=1")
                assert heard[-1] == "READY=1\nSTATUS=idle", heard
                runtime, state = dirs["RUNTIME_DIRECTORY"], dirs["STATE_DIRECTORY"]
                # The journal is in the state directory, the sockets in the runtime directory.
                assert (state / "journal.sqlite3").is_file()
                sockets = {str(p.relative_to(runtime)): p.lstat() for p in runtime.rglob("*.sock")}
                assert "status.sock" in sockets and "sim/cctalk.sock" in sockets, sorted(sockets)
                # Production: no touch injection, only the read-only status socket.
                assert "kiosk.sock" not in sockets, sorted(sockets)
                # `kiosk diag` opens maintenance with no card: its socket is the kiosk's user's and root's alone.
                assert stat.S_IMODE(sockets.pop("diag.sock").st_mode) == 0o600, sorted(sockets)
                for name, st in sockets.items():
                    assert stat.S_IMODE(st.st_mode) == 0o660 and st.st_gid == tech_gid, (name, oct(st.st_mode))
                for directory in {runtime, runtime / "sim"}:
                    st = directory.stat()
                    assert stat.S_IMODE(st.st_mode) == 0o750 and st.st_gid == tech_gid, directory
                # A technician (here: root, standing for a member of the group) reads the screen; cannot tap.
                tech_env = {**os.environ, "KIOSK_RUN_DIR": str(runtime), "PYTHONPATH": str(ROOT)}
                screen = subprocess.run([sys.executable, "-m", "kiosk", "screen"], env=tech_env, cwd=ROOT,
                                        capture_output=True, text=True, timeout=60, check=False)
                assert screen.returncode == 0 and '"state": "idle"' in screen.stdout, screen.stderr
                tap = subprocess.run([sys.executable, "-m", "kiosk", "tap", "start"], env=tech_env, cwd=ROOT,
                                     capture_output=True, text=True, timeout=60, check=False)
                assert tap.returncode == 2 and "touch injection is off" in tap.stderr, tap.stderr
                # Root on the booth's console: `kiosk diag` finds the running kiosk in the unit's directory.
                diag = subprocess.run([sys.executable, "-m", "kiosk", "diag", "status", "--json"], env=tech_env,
                                      cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
                assert diag.returncode == 0 and '"state": "idle"' in diag.stdout, diag.stderr
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        workdir.chmod(0o755)
        assert list(workdir.iterdir()) == [], "the kiosk wrote in its working directory"


def test_without_systemds_variables_a_checkout_keeps_its_run_directory() -> None:
    from kiosk.booth.service_dirs import ServiceDirs, control_run_dirs

    developer = ServiceDirs.from_environment({})
    assert developer.run == Path("run") and developer.journal_path() == Path("run/journal.sqlite3")
    assert developer.site_config() == [] and developer.control_group is None
    unit = ServiceDirs.from_environment({"RUNTIME_DIRECTORY": "/run/kiosk", "STATE_DIRECTORY": "/var/lib/kiosk",
                                         "CONFIGURATION_DIRECTORY": "/etc/kiosk", "KIOSK_CONTROL_GROUP": "kiosk-tech"})
    assert unit.run == Path("/run/kiosk") and unit.journal_path() == Path("/var/lib/kiosk/journal.sqlite3")
    assert unit.site_config() == [Path("/etc/kiosk/site.toml")] and unit.control_group == "kiosk-tech"
    # A technician's shell has none of them: `kiosk screen` looks in ./run, then in the unit's directory.
    assert control_run_dirs({}) == [Path("run"), Path("/run/kiosk")]
    explicit = ServiceDirs.from_environment({"KIOSK_RUN_DIR": "/tmp/x", "RUNTIME_DIRECTORY": "/run/kiosk"})
    assert explicit.run == Path("/tmp/x")


def test_a_control_group_that_does_not_exist_leaves_the_sockets_owner_only(tmp_path: Path) -> None:
    """A mistyped KIOSK_CONTROL_GROUP must not open the sockets wider, nor stop the booth."""
    from kiosk.booth.service_dirs import restrict_to_group

    run = tmp_path / "run"
    (run / "sim").mkdir(parents=True)
    with socket.socket(socket.AF_UNIX) as a, socket.socket(socket.AF_UNIX) as b:
        a.bind(str(run / "status.sock"))
        b.bind(str(run / "sim" / "cctalk.sock"))
        restrict_to_group(run, "no-such-group-kiosk")
        modes = {p.name: stat.S_IMODE(p.lstat().st_mode) for p in run.rglob("*.sock")}
    assert modes == {"status.sock": 0o600, "cctalk.sock": 0o600}
    assert stat.S_IMODE(run.stat().st_mode) == 0o750
