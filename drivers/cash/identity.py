"""Who each ccTalk part is: its serial number (header 242) and software revision (header 241).

A technician swapping a coin acceptor or chasing a firmware bug needs these from the booth, not from
a label behind the hopper. Part 2 of the ccTalk generic specification: 242 "Request serial number"
answers three bytes, least significant first; 241 "Request software revision" answers ASCII text of
the maker's choosing. A part that refuses (NAK) or is silent is reported as not answering; the
caller keeps polling as before.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from drivers.cash.errors import CashError
from drivers.cash.frames import Header, serial_number
from drivers.cash.protocol import CcTalkBus


@dataclass(frozen=True)
class PartIdentity:
    part: str  # "coin", "bill", "hopper"
    serial: str = ""  # decimal, as printed on the unit's label; "" when it did not answer
    software: str = ""


def software_revision(data: bytes) -> str:
    """241's answer: printable ASCII (trailing NULs and spaces some units pad with dropped)."""
    return data.decode("ascii", errors="replace").rstrip("\x00 ").strip()


async def read_identity(bus: CcTalkBus, part: str, address: int) -> PartIdentity:
    """Ask one part for 242 and 241; a part that does not say leaves the field empty."""
    serial = software = ""
    with contextlib.suppress(CashError):
        serial = str(serial_number((await bus.request(address, Header.REQUEST_SERIAL_NUMBER)).data))
    with contextlib.suppress(CashError):
        software = software_revision((await bus.request(address, Header.REQUEST_SOFTWARE_REVISION)).data)
    return PartIdentity(part, serial, software)
