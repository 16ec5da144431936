"""How a simulator runs as its own process: ``python -m simulators.<name>``.

The contract every simulator keeps: it prints exactly one line ``READY <endpoint>`` on stdout when
a client can connect (a PTY path, ``tcp://host:port``, ``ipp://...``, ``https://...``), serves its
control channel on ``--control PATH`` (default ``run/sim/<name>.sock``), and exits cleanly on
SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from common.control_socket import ControlServer, control_socket_path


class Simulator(Protocol):
    name: str

    async def start(self) -> str:
        """Open the device's end of the wire; return the endpoint a driver connects to."""

    async def stop(self) -> None: ...

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        """The resident actions and faults this simulator offers, by command name."""


# systemd's per-service variables: a helper process (pcscd, dbus, ippeveprinter) that inherits them
# would talk to the kiosk's notify socket as if it were the kiosk.
SERVICE_MANAGER_VARIABLES = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int | None = None) -> Callable[[], None]:
    """A `preexec_fn` that makes the child get SIGKILL when its parent dies (PR_SET_PDEATHSIG).

    A helper (dbus-daemon, ippeveprinter, pcscd, a kiosk under the crash harness) must not outlive
    the process that owns it, even a `kill -9` of that process: left behind it holds ports and
    sockets the next start needs, and after months of restarts the booth is full of them. Linux
    sends the signal when the forking *thread* exits, so spawn from a thread that lives as long as
    the owner (the event loop's thread or the default executor's workers). Elsewhere a no-op.
    The child runs only `prctl` and `getppid` between fork and exec (both async-signal-safe), which
    is what makes a `preexec_fn` safe with threads; a process group killed in `finally` would not
    survive a `kill -9` of the owner.
    """
    owner = os.getpid() if parent_pid is None else parent_pid
    if not sys.platform.startswith("linux"):
        return lambda: None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it

    def arm() -> None:  # runs in the child between fork and exec
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != owner:  # the owner died before the prctl took effect
            os._exit(1)

    return arm


def helper_environment(**extra: str) -> dict[str, str]:
    """The environment for a helper process a simulator starts: ours, minus the service manager's."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_MANAGER_VARIABLES}
    env.update(extra)
    return env


def base_parser(name: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m simulators.{name}", description=description)
    parser.add_argument("--control", type=Path, default=None, help=f"control socket (default run/sim/{name}.sock)")
    return parser


async def serve(simulator: Simulator, control_path: Path | None) -> None:
    """Start `simulator`, announce READY, serve controls until a signal arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    endpoint = await simulator.start()
    control = ControlServer(simulator.controls())
    await control.start(control_path or control_socket_path(simulator.name))
    try:
        sys.stdout.write(f"READY {endpoint}\n")
        sys.stdout.flush()
        await stop.wait()
    finally:
        await control.close()
        await simulator.stop()


def run(simulator_factory: Callable[[argparse.Namespace], Simulator], parser: argparse.ArgumentParser,
        argv: Sequence[str] | None = None) -> int:
    args = parser.parse_args(argv)
    simulator = simulator_factory(args)
    asyncio.run(serve(simulator, args.control))
    return 0
