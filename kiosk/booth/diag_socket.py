"""The diag socket: what `kiosk diag` asks a running kiosk, over a Unix socket only root can open.

JSON lines (common/control_socket.py), one request per line. It reaches the workshop
(kiosk/maintenance/workshop.py): `query(what, args)` (read-only, any time) and `act(do, args)` (a
technician's action: only in maintenance), the console's way in and out of maintenance
(`maintenance_enter(user)`, `maintenance_exit()`), the booth's state and devices (`booth()`), and
the support bundle's parts (`bundle_parts()`, `bundle_part(name)`).

The socket is 0600 (owner only: the kiosk's user, and root): a console technician's way into
maintenance needs no card and no PIN, so it is for root on the booth, never the technicians' group
that may read `kiosk screen` (kiosk/booth/service_dirs.py keeps it owner-only when it opens the other
sockets to that group).
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.control_socket import Command, ControlServer
from kiosk.maintenance.support_bundle import PART_NAMES, RECENT_LOGS, make_part, status_as_dict
from kiosk.views import Intent

if TYPE_CHECKING:
    from kiosk.controller import Kiosk

log = logging.getLogger(__name__)

DIAG_SOCKET = "diag.sock"
DIAG_SOCKET_MODE = 0o600


class DiagServer:
    """Serves the diag commands of one kiosk; `screenshot` (optional) draws the screen shown now as PNG
    bytes, for the bundle's last screens."""

    def __init__(self, kiosk: Kiosk, *, screenshot: Callable[[], bytes | None] | None = None) -> None:
        self.kiosk = kiosk
        self.screenshot = screenshot
        self._server: ControlServer | None = None
        self.path: Path | None = None

    def commands(self) -> Mapping[str, Command]:
        return {
            "booth": self.booth,
            "query": self.query,
            "act": self.act,
            "maintenance_enter": self.maintenance_enter,
            "maintenance_exit": self.maintenance_exit,
            "bundle_parts": self.bundle_parts,
            "bundle_part": self.bundle_part,
        }

    async def start(self, path: Path) -> None:
        server = ControlServer(self.commands())
        await server.start(path)
        os.chmod(path, DIAG_SOCKET_MODE)
        self._server, self.path = server, path
        RECENT_LOGS.install()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None
            RECENT_LOGS.uninstall()

    # ------------------------------------------------------------------ commands

    def booth(self) -> dict[str, Any]:
        """The kiosk's state, why it is out of service, who is in maintenance, and every device's status."""
        kiosk = self.kiosk
        technician = kiosk.technician
        return {"ok": True, "state": str(kiosk.state), "kiosk_id": kiosk.config.kiosk.id,
                "out_of_service_reason": kiosk.out_of_service_reason if kiosk.state == "out_of_service" else "",
                "technician": technician.id if technician else "",
                "page": kiosk.workshop.page if kiosk.in_maintenance else "",
                "devices": {n: status_as_dict(s) for n, s in sorted(kiosk.statuses.items())}}

    async def query(self, what: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        """A read-only workshop query (status, counters, logs, sessions, vouchers, voucher, cash)."""
        return await self.kiosk.workshop.query(what, args or {})

    async def act(self, do: str, args: dict[str, Any] | None = None, user: str = "root") -> dict[str, Any]:
        """A technician's workshop action (only in maintenance): selftest, refill_paper, refill_hopper, ...
        Journaled as the console's technician (`kiosk diag maintenance enter --user`), or as
        `console:<user>` while a card technician is logged in at the screen (not as the card's holder)."""
        technician = self.kiosk.technician
        at_console = technician is not None and technician.id.startswith("console:")
        return await self.kiosk.workshop.act(do, args or {}, by="" if at_console else f"console:{user}")

    async def maintenance_enter(self, user: str = "root") -> dict[str, Any]:
        """Enter maintenance from the booth's console as `user` (no card, no PIN: root only)."""
        kiosk = self.kiosk
        if kiosk.in_maintenance:
            who = kiosk.technician.id if kiosk.technician else ""
            return {"ok": False, "error": "already-in-maintenance", "technician": who}
        if not await kiosk.tech_access.enter_console(user):
            return {"ok": False, "error": "busy", "state": str(kiosk.state)}
        log.warning("maintenance entered from the console by %s", user)
        return {"ok": True, "technician": f"console:{user}"}

    async def maintenance_exit(self) -> dict[str, Any]:
        """Leave maintenance: the self-test runs and returns the booth to service only if it is fit."""
        kiosk = self.kiosk
        if not kiosk.in_maintenance:
            return {"ok": False, "error": "not-in-maintenance", "state": str(kiosk.state)}
        await kiosk.handle_intent(Intent("maintenance_exit", {}))
        return {"ok": True}

    def bundle_parts(self) -> dict[str, Any]:
        """The names of the support bundle's parts, in the order to fetch them."""
        names = list(PART_NAMES)
        if self.screenshot is not None:
            names.append("screens/now.png")
        return {"ok": True, "parts": names}

    async def bundle_part(self, name: str) -> dict[str, Any]:
        """One part of the support bundle, base64 (kiosk/maintenance/support_bundle.py)."""
        if name == "screens/now.png":
            png = self.screenshot() if self.screenshot is not None else None
            data = png or b""
        elif name in PART_NAMES:
            data = await make_part(self.kiosk, name)
        else:
            return {"ok": False, "error": "unknown-part", "parts": list(PART_NAMES)}
        return {"ok": True, "name": name, "base64": base64.b64encode(data).decode("ascii")}
