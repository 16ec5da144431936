"""Whether the issuance server can be counted on now, kept by the link itself like a device's status.

The controller reads `IssuanceClient.status` as it reads a printer's: ONLINE, or OFFLINE with a
reason. The link only trusts what it has seen: it is up once the catalog was read (no session starts
without the fees and options it holds), and down from the moment a catalog read or a heartbeat
fails, until the catalog is read again. A failed reservation or payment call does not close the
kiosk: the resident in front of it hears about that call, and the next heartbeat decides.
"""

from __future__ import annotations

import enum
import logging

from common.status import DeviceState, DeviceStatus
from drivers.issuance_server.errors import ServerError

log = logging.getLogger(__name__)

# The name the link's status carries, as "a4" or "cash" do a device's.
DEVICE = "server"


class LinkState(enum.Enum):
    NOT_CONTACTED = "not-contacted"  # nothing asked yet (start-up)
    UP = "up"  # the catalog was read, and no heartbeat or catalog read has failed since
    DOWN = "down"  # the last catalog read or heartbeat failed


class ServerLink:
    """The state of one kiosk's link to the server, and the `DeviceStatus` that says it."""

    def __init__(self) -> None:
        self._state = LinkState.NOT_CONTACTED
        self._status = DeviceStatus.unknown(DEVICE)

    @property
    def state(self) -> LinkState:
        return self._state

    @property
    def status(self) -> DeviceStatus:
        """ONLINE when up; OFFLINE with "not-yet-contacted" or the last failure's reason otherwise."""
        return self._status

    def catalog_read(self) -> None:
        self._state = LinkState.UP
        self._status = DeviceStatus(device=DEVICE, state=DeviceState.ONLINE)

    def heartbeat_answered(self) -> None:
        """A heartbeat got through; the link stays down until the catalog is read again."""
        if self._state is not LinkState.UP:
            log.info("issuance server reachable again")

    def failed(self, exc: BaseException) -> None:
        """A catalog read or a heartbeat failed: the link is down, said once when it goes."""
        if self._state is LinkState.UP:
            log.warning("issuance server unreachable: %s", exc)
        reason = exc.reason if isinstance(exc, ServerError) else type(exc).__name__
        self._state = LinkState.DOWN
        self._status = DeviceStatus(device=DEVICE, state=DeviceState.OFFLINE, reason=reason, detail=str(exc))
