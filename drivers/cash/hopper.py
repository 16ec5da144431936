"""The payout hopper at ccTalk address 3: enable, dispense, status, level sensors (Part 2).

Dispense (167) comes in protected forms only: Money Controls' Serial Compact Hopper takes an 8-byte
cipher, others take the hopper's 3-byte serial number ahead of the coin count ("ITA serial" mode,
e.g. Suzo-Happ Flow hopper manual §7.3: ``03 04 01 A7 DF D7 0A 01 90``). This driver implements the
unencrypted serial-number form: read the serial number (242) once, then send
``[serial LSB] [serial] [serial MSB] [N coins]``. An encrypted hopper would need its vendor's cipher.
"""

from __future__ import annotations

from drivers.cash.errors import FrameError
from drivers.cash.frames import (
    HOPPER_ADDRESS,
    HOPPER_ENABLE_CODE,
    Header,
    HopperStatus,
    LevelStatus,
    dispense_count,
    serial_bytes,
    serial_number,
)
from drivers.cash.protocol import CcTalkBus

# 167 takes an 8-bit coin count: one command pays at most 255 coins.
MAX_COINS_PER_DISPENSE = 255


class Hopper:
    """Typed ccTalk commands for one payout hopper."""

    def __init__(self, bus: CcTalkBus, address: int = HOPPER_ADDRESS) -> None:
        self.bus = bus
        self.address = address
        self.serial: int | None = None

    async def simple_poll(self) -> None:
        await self.bus.request(self.address, Header.SIMPLE_POLL)

    async def read_serial(self) -> int:
        """242: the 3-byte serial number the dispense command must carry."""
        reply = await self.bus.request(self.address, Header.REQUEST_SERIAL_NUMBER)
        self.serial = serial_number(reply.data)
        return self.serial

    async def enable(self, *, on: bool = True) -> None:
        """164: payout enabled only by 0xA5; a reset disables the hopper again."""
        await self.bus.request(self.address, Header.ENABLE_HOPPER, bytes((HOPPER_ENABLE_CODE if on else 0,)))

    async def dispense(self, coins: int) -> int:
        """167 (serial-number form), sent once: returns the hopper's event counter after it.

        Never retried here: a lost reply may hide a started payout. The caller compares the event
        counter from 166 instead, as Part 2 header 167 advises.
        """
        if not 0 <= coins <= MAX_COINS_PER_DISPENSE:
            raise ValueError(f"one dispense pays 0..{MAX_COINS_PER_DISPENSE} coins, not {coins}")
        serial = self.serial if self.serial is not None else await self.read_serial()
        reply = await self.bus.request(self.address, Header.DISPENSE_HOPPER_COINS,
                                       serial_bytes(serial) + bytes((coins,)), retries=0)
        if len(reply.data) != 1:
            raise FrameError(f"dispense reply has {len(reply.data)} data bytes, expected 1")
        return reply.data[0]

    async def status(self) -> HopperStatus:
        """166: event counter, coins remaining, paid and unpaid in the last payout."""
        reply = await self.bus.request(self.address, Header.REQUEST_HOPPER_STATUS)
        return HopperStatus.from_data(reply.data)

    async def dispense_count(self) -> int:
        """168: coins paid over the hopper's life, from its non-volatile memory (NakError on a model
        that does not keep one). Unlike the event counter it survives a power cut."""
        reply = await self.bus.request(self.address, Header.REQUEST_HOPPER_DISPENSE_COUNT)
        return dispense_count(reply.data)

    async def level(self) -> LevelStatus:
        """217: low / high level sensors."""
        reply = await self.bus.request(self.address, Header.REQUEST_PAYOUT_HIGH_LOW_STATUS)
        return LevelStatus.from_data(reply.data)

    async def test(self) -> int:
        """163: hopper status register 1 (payout timeout, opto blocked, disabled ...)."""
        reply = await self.bus.request(self.address, Header.TEST_HOPPER)
        if not reply.data:
            raise FrameError("test hopper reply without a status register")
        return reply.data[0]
