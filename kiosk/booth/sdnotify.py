"""systemd's notify protocol without libsystemd: one datagram per message to $NOTIFY_SOCKET.

The unit is Type=notify with WatchdogSec: the kiosk says READY=1 once it can serve, then WATCHDOG=1
from the event loop itself, so a loop that hangs (not just a process that dies) gets restarted.
"""

from __future__ import annotations

import os
import socket


class Notifier:
    def __init__(self, address: str | None = None) -> None:
        self.address = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def send(self, *lines: str) -> bool:
        if not self.address:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            try:
                sock.sendto("\n".join(lines).encode(), target)
            except OSError:
                return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *( [f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    @staticmethod
    def watchdog_interval() -> float | None:
        """Half of $WATCHDOG_USEC in seconds (systemd's advice), or None when no watchdog is set."""
        usec = os.environ.get("WATCHDOG_USEC")
        if not usec or not usec.isdigit():
            return None
        return int(usec) / 2_000_000
