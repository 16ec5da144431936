"""The three ccTalk peripherals on the kiosk's cash bus, as behaviour (no I/O).

Each device answers one request at a time through `handle(header, data)`, which returns the reply's
data bytes (ACK when empty), NAK, or None for silence. What they do follows the ccTalk Generic
Specification Part 2 for the headers the kiosk uses; see drivers/cash/frames.py for the codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from drivers.cash.frames import (
    BILL_INHIBITED_SERIAL,
    BILL_INVALID_VALIDATION,
    BILL_JAM_TRANSPORT_SAFE,
    BILL_MASTER_INHIBIT_ACTIVE,
    BILL_RETURNED_FROM_ESCROW,
    BILL_ROUTE_ESCROW,
    BILL_ROUTE_STACKED,
    BILL_STACKER_FULL,
    BILL_STACKER_INSERTED,
    BILL_STACKER_REMOVED,
    COIN_CREDIT_SENSOR_BLOCKED,
    COIN_INHIBITED,
    COIN_INHIBITED_TYPE_FIRST,
    COIN_REJECT,
    COIN_REJECT_SLUG,
    FAULT_CREDIT_SENSOR,
    FAULT_OK,
    FAULT_UNSPECIFIED,
    HOPPER_DISABLED,
    HOPPER_ENABLE_CODE,
    HOPPER_OPTO_BLOCKED_PAYOUT,
    HOPPER_PAYOUT_TIMEOUT,
    MASTER_ENABLED,
    ROUTE_ERROR_ESCROW_EMPTY,
    ROUTE_EXTEND_ESCROW,
    ROUTE_RETURN,
    ROUTE_STACK,
    EventBuffer,
    Header,
    HopperStatus,
    LevelStatus,
    channels_from_mask,
    dispense_count_bytes,
    inhibit_mask,
    next_counter,
    serial_bytes,
)

NAK: Final = "NAK"
BUSY: Final = "BUSY"
Reply = bytes | str | None  # data bytes (ACK), NAK, BUSY, or no answer


@dataclass
class _Buffered:
    """The 5-deep event buffer with its counter, shared by coin acceptor and bill validator."""

    counter: int = 0
    results: list[tuple[int, int]] = field(default_factory=lambda: [(0, 0)] * 5)

    def push(self, a: int, b: int) -> None:
        self.counter = next_counter(self.counter)
        self.results = [(a, b), *self.results[:4]]

    def snapshot(self) -> bytes:
        return EventBuffer(self.counter, tuple(self.results)).to_data()

    def reset(self) -> None:
        self.counter = 0
        self.results = [(0, 0)] * 5


# What each part answers to 242 (serial number, 3 bytes LSB first) and 241 (software revision, ASCII):
# made-up but shaped like real units' answers, so the technician's board has something to show.
COIN_SERIAL = 1020304
COIN_SOFTWARE = "CV2-1.07"
BILL_SERIAL = 7700123
BILL_SOFTWARE = "BV-KRW 3.12"
HOPPER_SOFTWARE = "SCH2 2.04"


@dataclass
class CoinAcceptorSim:
    """Coin acceptor, address 2. Channels map to won; all inhibited after power-up / reset."""

    channels: dict[int, int]
    category: str = "Coin Acceptor"
    serial: int = COIN_SERIAL
    software: str = COIN_SOFTWARE
    buffer: _Buffered = field(default_factory=_Buffered)
    enabled: frozenset[int] = frozenset()
    master: bool = False
    jammed: bool = False
    accepted: list[int] = field(default_factory=list)  # every coin taken, ever
    cashbox: list[int] = field(default_factory=list)  # the coins in the cash box now (until it is emptied)

    def insert(self, value: int) -> str:
        """A genuine coin of `value` won: credited, or rejected with the reason the acceptor gives."""
        channel = next((ch for ch, won in self.channels.items() if won == value), None)
        if channel is None:
            self.buffer.push(0, COIN_REJECT)
            return "rejected"
        if self.jammed:
            self.buffer.push(0, COIN_CREDIT_SENSOR_BLOCKED)
            return "jammed"
        if not self.master:
            self.buffer.push(0, COIN_INHIBITED)
            return "inhibited"
        if channel not in self.enabled:
            self.buffer.push(0, COIN_INHIBITED_TYPE_FIRST + channel - 1)
            return "inhibited"
        self.buffer.push(channel, 1)  # sorter path 1: cash box
        self.accepted.append(value)
        self.cashbox.append(value)
        return "accepted"

    def insert_foreign(self, kind: str) -> None:
        self.buffer.push(0, COIN_REJECT_SLUG if kind == "fraud" else COIN_REJECT)

    def jam(self) -> None:
        self.jammed = True
        self.buffer.push(0, COIN_CREDIT_SENSOR_BLOCKED)

    def reset(self) -> None:
        self.buffer.reset()
        self.enabled = frozenset()
        self.master = False

    def power_cycle(self) -> None:
        """Power off and on: the same as a reset (the event buffer lives in RAM); a jam stays jammed."""
        self.reset()

    def handle(self, header: int, data: bytes) -> Reply:
        if header in (Header.SIMPLE_POLL, Header.RESET_DEVICE):
            if header == Header.RESET_DEVICE:
                self.reset()
            return b""
        if header == Header.REQUEST_EQUIPMENT_CATEGORY_ID:
            return self.category.encode()
        if header == Header.REQUEST_SERIAL_NUMBER:
            return serial_bytes(self.serial)
        if header == Header.REQUEST_SOFTWARE_REVISION:
            return self.software.encode("ascii")
        if header == Header.MODIFY_INHIBIT_STATUS and len(data) == 2:
            self.enabled = channels_from_mask(data)
            return b""
        if header == Header.REQUEST_INHIBIT_STATUS:
            return inhibit_mask(self.enabled)
        if header == Header.MODIFY_MASTER_INHIBIT_STATUS and len(data) == 1:
            self.master = bool(data[0] & MASTER_ENABLED)
            return b""
        if header == Header.REQUEST_MASTER_INHIBIT_STATUS:
            return bytes((MASTER_ENABLED if self.master else 0,))
        if header == Header.READ_BUFFERED_CREDIT_OR_ERROR_CODES:
            return self.buffer.snapshot()
        if header == Header.PERFORM_SELF_CHECK:
            return bytes((FAULT_CREDIT_SENSOR if self.jammed else FAULT_OK,))
        return NAK


@dataclass
class BillValidatorSim:
    """Bill validator, address 40, with a one-bill escrow held until routed or timed out."""

    channels: dict[int, int]
    buffer: _Buffered = field(default_factory=_Buffered)
    enabled: frozenset[int] = frozenset()
    master: bool = False
    jammed: bool = False
    serial: int = BILL_SERIAL
    software: str = BILL_SOFTWARE
    stacker_full: bool = False
    stacker_removed: bool = False
    escrow: int | None = None  # bill type held
    escrow_deadline: float = 0.0
    stacked: list[int] = field(default_factory=list)  # every bill stacked, ever
    returned: list[int] = field(default_factory=list)
    stacker: list[int] = field(default_factory=list)  # the bills in the stacker now (until it is emptied)

    def insert(self, value: int, now: float, escrow_timeout: float) -> str:
        bill_type = next((t for t, won in self.channels.items() if won == value), None)
        if bill_type is None:
            self.buffer.push(0, BILL_INVALID_VALIDATION)
            self.returned.append(value)
            return "invalid"
        if self.stacker_full or self.stacker_removed:
            # The bill goes back at the bezel; the validator says why in its event buffer, as it did
            # when the stacker filled (a host that missed that event learns it here).
            self.buffer.push(0, BILL_STACKER_FULL if self.stacker_full else BILL_STACKER_REMOVED)
            self.returned.append(value)
            return "refused"
        if self.jammed or self.escrow is not None:
            self.returned.append(value)
            return "refused"
        if not self.master:
            self.buffer.push(0, BILL_MASTER_INHIBIT_ACTIVE)
            self.returned.append(value)
            return "inhibited"
        if bill_type not in self.enabled:
            self.buffer.push(0, BILL_INHIBITED_SERIAL)
            self.returned.append(value)
            return "inhibited"
        self.escrow = bill_type
        self.escrow_deadline = now + escrow_timeout
        self.buffer.push(bill_type, BILL_ROUTE_ESCROW)
        return "escrow"

    def expire(self, now: float) -> None:
        """A bill left in escrow past its timeout goes back to the resident."""
        if self.escrow is not None and now >= self.escrow_deadline:
            self._return()

    def _return(self) -> None:
        assert self.escrow is not None
        self.returned.append(self.channels[self.escrow])
        self.escrow = None
        self.buffer.push(0, BILL_RETURNED_FROM_ESCROW)

    def jam(self) -> None:
        self.jammed = True
        self.buffer.push(0, BILL_JAM_TRANSPORT_SAFE)

    def set_stacker_full(self, on: bool) -> None:
        if on and not self.stacker_full:
            self.buffer.push(0, BILL_STACKER_FULL)
        self.stacker_full = on

    def set_stacker_removed(self, on: bool) -> None:
        if on != self.stacker_removed:
            self.buffer.push(0, BILL_STACKER_REMOVED if on else BILL_STACKER_INSERTED)
        self.stacker_removed = on
        if not on:
            self.stacker_full = False  # an emptied stacker went back in

    def reset(self) -> None:
        if self.escrow is not None:
            self.returned.append(self.channels[self.escrow])
            self.escrow = None
        self.buffer.reset()
        self.enabled = frozenset()
        self.master = False

    def power_cycle(self) -> None:
        """Power off and on: a bill held in escrow is pushed back out to the resident at power-up (as
        validators do), the event buffer and inhibits are lost; the stacker keeps what it holds."""
        self.reset()

    def handle(self, header: int, data: bytes, now: float, escrow_timeout: float) -> Reply:
        if header == Header.SIMPLE_POLL:
            return b""
        if header == Header.RESET_DEVICE:
            self.reset()
            return b""
        if header == Header.REQUEST_EQUIPMENT_CATEGORY_ID:
            return b"Bill Validator"
        if header == Header.REQUEST_SERIAL_NUMBER:
            return serial_bytes(self.serial)
        if header == Header.REQUEST_SOFTWARE_REVISION:
            return self.software.encode("ascii")
        if header == Header.MODIFY_INHIBIT_STATUS and len(data) == 2:
            self.enabled = channels_from_mask(data)
            return b""
        if header == Header.MODIFY_MASTER_INHIBIT_STATUS and len(data) == 1:
            self.master = bool(data[0] & MASTER_ENABLED)
            return b""
        if header == Header.REQUEST_MASTER_INHIBIT_STATUS:
            return bytes((MASTER_ENABLED if self.master else 0,))
        if header == Header.READ_BUFFERED_BILL_EVENTS:
            return self.buffer.snapshot()
        if header == Header.ROUTE_BILL and len(data) == 1:
            if self.escrow is None:
                return bytes((ROUTE_ERROR_ESCROW_EMPTY,))
            if data[0] == ROUTE_STACK:
                self.stacked.append(self.channels[self.escrow])
                self.stacker.append(self.channels[self.escrow])
                self.buffer.push(self.escrow, BILL_ROUTE_STACKED)
                self.escrow = None
            elif data[0] == ROUTE_RETURN:
                self._return()
            elif data[0] == ROUTE_EXTEND_ESCROW:
                self.escrow_deadline = now + escrow_timeout
            return b""
        if header == Header.PERFORM_SELF_CHECK:
            return bytes((FAULT_UNSPECIFIED if self.jammed else FAULT_OK,))
        return NAK


# Hopper serial number: the one in the Suzo-Happ Flow manual's 242 example (4E 46 05 = 345678).
HOPPER_SERIAL = 345678
# Level probes: below LOW coins the low-level sensor trips; at HIGH or more the high one does.
LOW_LEVEL_COINS = 20
HIGH_LEVEL_COINS = 400


@dataclass
class HopperSim:
    """Payout hopper, address 3: pays from a coin count, one coin per tick of the simulator."""

    coin_value: int
    count: int = 200
    serial: int = HOPPER_SERIAL
    enabled: bool = False
    jammed: bool = False
    timed_out: bool = False
    event_counter: int = 0
    remaining: int = 0
    paid: int = 0
    unpaid: int = 0
    paid_total: int = 0
    # Header 168: coins dispensed over the hopper's life, kept in non-volatile memory, so it survives a
    # power cut. False: a model without it (answers NAK).
    counts_dispensed: bool = True
    count_offset: int = 0  # what the dispense count read before this hopper paid its first coin here
    # The motor is held (a coin stuck at the exit): a payout in progress pays nothing until released.
    held: bool = False
    hold_at: int | None = None  # the motor stalls when the lifetime count reaches this (hopper_hold)
    status_reads_since_coin: int = 0  # 166 requests answered since the last coin fell

    @property
    def paying(self) -> bool:
        return self.remaining > 0

    def pay_one(self) -> None:
        """One payout tick: a coin leaves, or the payout stops (empty: payout timeout; jam)."""
        if self.hold_at is not None and self.paid_total >= self.hold_at:
            self.held = True
        if not self.paying or self.held:
            return
        if self.jammed or self.count == 0:
            self.timed_out = self.count == 0
            self.unpaid, self.remaining = self.remaining, 0
            return
        self.count -= 1
        self.status_reads_since_coin = 0
        self.paid += 1
        self.paid_total += 1
        self.remaining -= 1

    def jam(self) -> None:
        self.jammed = True
        if self.paying:
            self.unpaid, self.remaining = self.remaining, 0

    def reset(self) -> None:
        self.enabled = False
        self.event_counter = 0
        if self.paying:
            self.unpaid, self.remaining = self.remaining, 0

    def power_cycle(self) -> None:
        """Power off and on: a payout stops where it was, and every register held in RAM is back to
        its power-up value (disabled, event counter 0, last payout 0 paid / 0 unpaid). Only the coins
        themselves and the non-volatile dispense count (168) remember what happened."""
        self.reset()
        self.remaining = self.paid = self.unpaid = 0
        self.timed_out = self.held = False
        self.hold_at = None

    def handle(self, header: int, data: bytes) -> Reply:
        if header == Header.SIMPLE_POLL:
            return b""
        if header == Header.RESET_DEVICE:
            self.reset()
            return b""
        if header == Header.REQUEST_EQUIPMENT_CATEGORY_ID:
            return b"Payout"
        if header == Header.REQUEST_SERIAL_NUMBER:
            return serial_bytes(self.serial)
        if header == Header.REQUEST_SOFTWARE_REVISION:
            return HOPPER_SOFTWARE.encode("ascii")
        if header == Header.ENABLE_HOPPER and len(data) == 1:
            self.enabled = data[0] == HOPPER_ENABLE_CODE
            return b""
        if header == Header.REQUEST_HOPPER_STATUS:
            self.status_reads_since_coin += 1
            return HopperStatus(self.event_counter, self.remaining, self.paid, self.unpaid).to_data()
        if header == Header.REQUEST_HOPPER_DISPENSE_COUNT and self.counts_dispensed:
            return dispense_count_bytes(self.paid_total + self.count_offset)
        if header == Header.REQUEST_PAYOUT_HIGH_LOW_STATUS:
            return LevelStatus(low=self.count < LOW_LEVEL_COINS, high=self.count >= HIGH_LEVEL_COINS,
                               low_supported=True, high_supported=True).to_data()
        if header == Header.TEST_HOPPER:
            register = ((HOPPER_PAYOUT_TIMEOUT if self.timed_out else 0)
                        | (HOPPER_OPTO_BLOCKED_PAYOUT if self.jammed else 0)
                        | (0 if self.enabled else HOPPER_DISABLED))
            return bytes((register,))
        if header == Header.DISPENSE_HOPPER_COINS and len(data) == 4:
            # Part 2 header 167 / Flow manual: the counter counts every dispense command, NAK'd or not.
            self.event_counter = next_counter(self.event_counter)
            if data[:3] != serial_bytes(self.serial) or not self.enabled or self.jammed or self.paying:
                return NAK
            self.remaining, self.paid, self.unpaid, self.timed_out = data[3], 0, 0, False
            return bytes((self.event_counter,))
        return NAK
