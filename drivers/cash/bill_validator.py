"""The bill validator at ccTalk address 40: inhibits, buffered bill events, escrow routing (Part 2)."""

from __future__ import annotations

from collections.abc import Iterable

from drivers.cash.errors import EscrowEmptyError, FrameError, RouteBillError
from drivers.cash.frames import (
    BILL_VALIDATOR_ADDRESS,
    MASTER_ENABLED,
    MASTER_INHIBITED,
    ROUTE_ERROR_ESCROW_EMPTY,
    ROUTE_RETURN,
    ROUTE_STACK,
    EventBuffer,
    Header,
    inhibit_mask,
)
from drivers.cash.protocol import CcTalkBus


class BillValidator:
    """Typed ccTalk commands for one bill validator."""

    def __init__(self, bus: CcTalkBus, address: int = BILL_VALIDATOR_ADDRESS) -> None:
        self.bus = bus
        self.address = address

    async def simple_poll(self) -> None:
        await self.bus.request(self.address, Header.SIMPLE_POLL)

    async def set_inhibits(self, bill_types: Iterable[int]) -> None:
        """231: accept exactly these bill types."""
        await self.bus.request(self.address, Header.MODIFY_INHIBIT_STATUS, inhibit_mask(bill_types))

    async def set_master(self, *, enabled: bool) -> None:
        """228: master inhibit off or on."""
        await self.bus.request(self.address, Header.MODIFY_MASTER_INHIBIT_STATUS,
                               bytes((MASTER_ENABLED if enabled else MASTER_INHIBITED,)))

    async def master_enabled(self) -> bool:
        """227: True when the master inhibit is off (the device may accept)."""
        reply = await self.bus.request(self.address, Header.REQUEST_MASTER_INHIBIT_STATUS)
        if len(reply.data) != 1:
            raise FrameError("master inhibit status reply must be one byte")
        return bool(reply.data[0] & MASTER_ENABLED)

    async def read_buffered_events(self) -> EventBuffer:
        """159: event counter and the last five bill events (B = 1: held in escrow)."""
        reply = await self.bus.request(self.address, Header.READ_BUFFERED_BILL_EVENTS)
        return EventBuffer.from_data(reply.data)

    async def route(self, *, stack: bool, retries: int | None = None) -> None:
        """154: stack (1) or return (0) the bill in escrow.

        The reply is ACK, or one error byte: 254 escrow empty, 255 failed to route.
        """
        reply = await self.bus.request(self.address, Header.ROUTE_BILL,
                                       bytes((ROUTE_STACK if stack else ROUTE_RETURN,)), retries=retries)
        if not reply.data:
            return
        if reply.data[0] == ROUTE_ERROR_ESCROW_EMPTY:
            raise EscrowEmptyError("no bill in escrow")
        raise RouteBillError(f"route bill failed with code {reply.data[0]}")

    async def self_check(self) -> int:
        """232: fault code, 0 when healthy."""
        reply = await self.bus.request(self.address, Header.PERFORM_SELF_CHECK)
        if not reply.data:
            raise FrameError("self-check reply without a fault code")
        return reply.data[0]
