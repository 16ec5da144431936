"""The coin acceptor at ccTalk address 2: inhibits, master inhibit, buffered credits (Part 2)."""

from __future__ import annotations

from collections.abc import Iterable

from drivers.cash.errors import FrameError
from drivers.cash.frames import (
    COIN_ACCEPTOR_ADDRESS,
    MASTER_ENABLED,
    MASTER_INHIBITED,
    EventBuffer,
    Header,
    channels_from_mask,
    inhibit_mask,
)
from drivers.cash.protocol import CcTalkBus


class CoinAcceptor:
    """Typed ccTalk commands for one coin acceptor."""

    def __init__(self, bus: CcTalkBus, address: int = COIN_ACCEPTOR_ADDRESS) -> None:
        self.bus = bus
        self.address = address

    async def simple_poll(self) -> None:
        """254: the device is there and answering."""
        await self.bus.request(self.address, Header.SIMPLE_POLL)

    async def equipment_category(self) -> str:
        """245: "Coin Acceptor" for a coin acceptor."""
        reply = await self.bus.request(self.address, Header.REQUEST_EQUIPMENT_CATEGORY_ID)
        return reply.data.decode("ascii", errors="replace")

    async def set_inhibits(self, channels: Iterable[int]) -> None:
        """231: accept exactly these coin channels (every other one inhibited)."""
        await self.bus.request(self.address, Header.MODIFY_INHIBIT_STATUS, inhibit_mask(channels))

    async def inhibits(self) -> frozenset[int]:
        """230: the channels currently enabled."""
        reply = await self.bus.request(self.address, Header.REQUEST_INHIBIT_STATUS)
        return channels_from_mask(reply.data)

    async def set_master(self, *, enabled: bool) -> None:
        """228: master inhibit off (accept per channel) or on (accept nothing)."""
        await self.bus.request(self.address, Header.MODIFY_MASTER_INHIBIT_STATUS,
                               bytes((MASTER_ENABLED if enabled else MASTER_INHIBITED,)))

    async def master_enabled(self) -> bool:
        """227: True when the master inhibit is off (the device may accept)."""
        reply = await self.bus.request(self.address, Header.REQUEST_MASTER_INHIBIT_STATUS)
        if len(reply.data) != 1:
            raise FrameError("master inhibit status reply must be one byte")
        return bool(reply.data[0] & MASTER_ENABLED)

    async def read_buffered_credit(self) -> EventBuffer:
        """229: event counter and the last five credits or error codes."""
        reply = await self.bus.request(self.address, Header.READ_BUFFERED_CREDIT_OR_ERROR_CODES)
        return EventBuffer.from_data(reply.data)

    async def self_check(self) -> int:
        """232: fault code, 0 when healthy."""
        reply = await self.bus.request(self.address, Header.PERFORM_SELF_CHECK)
        if not reply.data:
            raise FrameError("self-check reply without a fault code")
        return reply.data[0]
