"""A pcscd of this process's own: its own socket and its own vpcd ports, shared with nobody.

pcsc-lite 1.9 (Debian 12) binds its socket at the compiled-in ``/run/pcscd/pcscd.comm`` and refuses to
start while another pcscd owns it; the client library (pyscard's libpcsclite) does read
``$PCSCLITE_CSOCK_NAME``, once, at its first call. The vsmartcard-vpcd driver listens on fixed TCP
ports (35963 and 35964 in Debian's ``/etc/reader.conf.d/vpcd``). So two test runs on one machine
used to share one pcscd and one pair of card slots, and met: one run's card appeared in the other's
reader, and a pcscd left behind by someone else decided what every run saw.

Here pcscd runs in a private mount namespace (``unshare --mount``) where ``/run/pcscd`` is a
directory of ours, so its socket lands in that directory and nothing of the machine's pcscd is
touched; ``-c`` gives it a reader.conf directory of its own naming one vpcd reader on two free
ports. The reader's name carries its port ("Virtual PCD 40000 00 00" listens on 40000, "... 00 01"
on 40001), so whoever lists the readers knows where a simulated card must connect.

One pcscd per process (the client library reads the socket path once): `shared_pcscd()` starts it
on first use and sets ``PCSCLITE_CSOCK_NAME`` for this process and every child it starts (a kiosk
process of the kill -9 harness finds it that way). It stops when the process exits, and, through
the kernel's parent-death signal, even when the process is killed with SIGKILL.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from simulators.process import helper_environment

SOCKET_VARIABLE = "PCSCLITE_CSOCK_NAME"
MACHINE_VPCD_PORT = 35963  # Debian's /etc/reader.conf.d/vpcd: "Virtual PCD 00 00" on 35963, "00 01" on 35964
FRIENDLY_NAME = "Virtual PCD"
# "Virtual PCD 00 01" (the machine's, on 35963 + 1) or "Virtual PCD 40000 00 01" (ours, on 40000 + 1).
VPCD_READER = re.compile(r"Virtual PCD(?: (\d+))? 00 (\d\d)")
VPCD_DRIVER_NAME = "libifdvpcd.so"
# pcscd lists its vpcd readers well under a second after it starts (test-stacks.md); 5 s means it will not.
START_SECONDS = 5.0


class PcscdUnavailable(RuntimeError):
    """No private pcscd could be started here (not installed, or no mount namespaces allowed)."""


def vpcd_port(reader: str) -> int | None:
    """The TCP port a simulated card connects to for `reader`, or None for a reader that is no vpcd."""
    match = VPCD_READER.fullmatch(reader)
    if match is None:
        return None
    base = int(match.group(1)) if match.group(1) else MACHINE_VPCD_PORT
    return base + int(match.group(2))


def _vpcd_driver() -> Path:
    for root in (Path("/usr/lib/pcsc/drivers"), Path("/usr/local/lib/pcsc/drivers")):
        found = sorted(root.rglob(VPCD_DRIVER_NAME)) if root.is_dir() else []
        if found:
            return found[0]
    raise PcscdUnavailable("vsmartcard-vpcd is not installed (apt-get install pcscd vsmartcard-vpcd)")


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))  # vpcd listens on every interface
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port p such that p and p + 1 are free now (vpcd opens one per slot)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("0.0.0.0", 0))
            port = int(probe.getsockname()[1])
        if port < 65535 and _port_is_free(port) and _port_is_free(port + 1):
            return port
    raise PcscdUnavailable("no two consecutive free TCP ports for the vpcd reader")


# Inside the namespace: our directory over /run/pcscd, then pcscd itself (same pid as unshare).
_IN_NAMESPACE = 'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec "$1" -f -c "$2"'


class PrivatePcscd:
    """`pcscd -f` in its own mount namespace, with one vpcd reader (two slots) on ports of its own."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.socket = home / "run" / "pcscd.comm"
        self.log = home / "pcscd.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def readers(self) -> list[str]:
        return [f"{FRIENDLY_NAME} {self.port} 00 00", f"{FRIENDLY_NAME} {self.port} 00 01"]

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, attempts: int = 3) -> list[str]:
        """Start pcscd and wait for its two vpcd readers. The client library must already point at
        `self.socket` (PCSCLITE_CSOCK_NAME) if readers are to be listed through it."""
        pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
        unshare, setpriv = shutil.which("unshare"), shutil.which("setpriv")
        if not Path(pcscd).exists():
            raise PcscdUnavailable("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
        if unshare is None:
            raise PcscdUnavailable("unshare (util-linux) is not installed")
        # pcscd gets SIGTERM when we die, even by SIGKILL. The kernel ties that to the thread that
        # forks it, so only the main thread (which lives as long as we do) asks for it.
        die_with_us = ([setpriv, "--pdeathsig", "TERM"]
                       if setpriv and threading.current_thread() is threading.main_thread() else [])
        driver = _vpcd_driver()
        (self.home / "run").mkdir(parents=True, exist_ok=True)
        conf = self.home / "reader.conf.d"
        conf.mkdir(exist_ok=True)
        problem = ""
        for _ in range(attempts):
            self.stop()
            for leftover in (self.socket, self.socket.with_name("pcscd.pid")):  # of a pcscd of ours that was killed
                leftover.unlink(missing_ok=True)
            self.port = free_port_pair()
            # No -a: it would log every APDU, card numbers included.
            (conf / "vpcd").write_text(
                f'FRIENDLYNAME "{FRIENDLY_NAME} {self.port}"\n'
                f"DEVICENAME   /dev/null:{self.port}\n"
                f"LIBPATH      {driver}\n"
                f"CHANNELID    {self.port}\n")
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [unshare, "--mount", "--propagation", "private", *die_with_us, "sh", "-c", _IN_NAMESPACE,
                     str(self.home / "run"), pcscd, str(conf)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=helper_environment())
            problem = self._wait_ready()
            if not problem:
                return self.readers
            self.stop()
        tail = self.log.read_bytes()[-1500:].decode(errors="replace") if self.log.exists() else ""
        raise PcscdUnavailable(f"a private pcscd did not come up: {problem}\n{tail}")

    def _wait_ready(self) -> str:
        from drivers.card import pcsc  # pyscard only when a card is wanted

        deadline = time.monotonic() + START_SECONDS
        while True:
            listed = pcsc.readers_listed() if self.socket.exists() else None
            if listed is not None and all(reader in listed for reader in self.readers):
                return ""
            if self.process is None or self.process.poll() is not None:
                return f"pcscd exited ({None if self.process is None else self.process.returncode})"
            if time.monotonic() > deadline:
                return f"its readers {self.readers} were not listed (saw {listed})"
            time.sleep(0.05)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_SHARED: dict[str, PrivatePcscd] = {}  # "pcscd": this process's one, once started
_SHARED_LOCK = threading.Lock()


def shared_pcscd() -> PrivatePcscd:
    """This process's private pcscd, started on first use (and again if it died).

    Sets PCSCLITE_CSOCK_NAME before the first PC/SC call, so this process and its children use it.
    Raises PcscdUnavailable when it cannot run here, or when this process already talks to another
    pcscd (the client library fixed its socket path at its first call).
    """
    with _SHARED_LOCK:
        pcscd = _SHARED.get("pcscd")
        if pcscd is None:
            pcscd = _SHARED["pcscd"] = PrivatePcscd(Path(tempfile.mkdtemp(prefix="kiosk-pcscd-")))
            atexit.register(_stop_shared)
        os.environ[SOCKET_VARIABLE] = str(pcscd.socket)
        if not pcscd.running():
            pcscd.start()
        return pcscd


def _stop_shared() -> None:
    pcscd = _SHARED.pop("pcscd", None)
    if pcscd is not None:
        pcscd.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(pcscd.home)
