"""ccTalk packets and the payloads this kiosk uses, as pure data (no I/O).

Reference: ccTalk Serial Communication Protocol, Generic Specification issue 4.7 (Crane Payment
Solutions; called "Part 1/2/3" below). A packet is ``[dest] [length] [src] [header] [data...] [checksum]``
(Part 1 "Message structure"); `length` counts data bytes only, so a packet is `length + 5` bytes.
Two integrity modes:

* simple (Part 1 "8-bit checksum"): all bytes of the packet sum to 0 mod 256.
* CRC-16 (Part 1 "16-bit CRC checksum"): CRC-CCITT, polynomial x^16 + x^12 + x^5 + 1, initial register
  0x0000, over dest, length, header and data; its LSB takes the place of `src`, its MSB the place of
  the checksum. The wire then carries no source address: a reply is known by who was asked.
"""

from __future__ import annotations

import binascii
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from drivers.cash.errors import ChecksumError, FrameError

ChecksumMode = Literal["simple", "crc16"]

# Part 1, "Standard address" table: 1 host, 2 coin acceptor, 3 payout (hopper), 40 bill validator.
HOST_ADDRESS = 1
COIN_ACCEPTOR_ADDRESS = 2
HOPPER_ADDRESS = 3
BILL_VALIDATOR_ADDRESS = 40
BUS_ADDRESSES = frozenset({HOST_ADDRESS, COIN_ACCEPTOR_ADDRESS, HOPPER_ADDRESS, BILL_VALIDATOR_ADDRESS})

MAX_DATA = 255  # the length byte
MIN_PACKET = 5


class Header(enum.IntEnum):
    """The ccTalk headers used here (Part 2, "Command list")."""

    ACK = 0  # reply header: "return message" / ACK
    RESET_DEVICE = 1
    NAK = 5
    BUSY = 6
    ROUTE_BILL = 154
    READ_BUFFERED_BILL_EVENTS = 159
    TEST_HOPPER = 163
    ENABLE_HOPPER = 164
    REQUEST_HOPPER_STATUS = 166
    DISPENSE_HOPPER_COINS = 167
    REQUEST_HOPPER_DISPENSE_COUNT = 168
    REQUEST_PAYOUT_HIGH_LOW_STATUS = 217
    REQUEST_MASTER_INHIBIT_STATUS = 227
    MODIFY_MASTER_INHIBIT_STATUS = 228
    READ_BUFFERED_CREDIT_OR_ERROR_CODES = 229
    REQUEST_INHIBIT_STATUS = 230
    MODIFY_INHIBIT_STATUS = 231
    PERFORM_SELF_CHECK = 232
    REQUEST_SOFTWARE_REVISION = 241
    REQUEST_SERIAL_NUMBER = 242
    REQUEST_EQUIPMENT_CATEGORY_ID = 245
    SIMPLE_POLL = 254


def simple_checksum(body: bytes) -> int:
    """The byte that makes `body` + it sum to 0 mod 256 (Part 1, 8-bit checksum)."""
    return (-sum(body)) & 0xFF


def crc16(data: bytes) -> int:
    """CRC-CCITT, poly 0x1021, init 0x0000, no reflection (Part 1, 16-bit CRC checksum)."""
    return binascii.crc_hqx(data, 0)


@dataclass(frozen=True)
class Frame:
    """One ccTalk packet. `src` is None for a packet read in CRC-16 mode (the wire does not carry it)."""

    dest: int
    src: int | None
    header: int
    data: bytes = b""

    def __post_init__(self) -> None:
        for name, value in (("dest", self.dest), ("header", self.header)):
            if not 0 <= value <= 255:
                raise FrameError(f"{name} {value} is not a byte")
        if self.src is not None and not 0 <= self.src <= 255:
            raise FrameError(f"src {self.src} is not a byte")
        if len(self.data) > MAX_DATA:
            raise FrameError(f"{len(self.data)} data bytes; ccTalk allows at most {MAX_DATA}")

    def to_bytes(self, checksum: ChecksumMode = "simple") -> bytes:
        if checksum == "crc16":
            crc = crc16(bytes((self.dest, len(self.data), self.header)) + self.data)
            head = bytes((self.dest, len(self.data), crc & 0xFF, self.header))
            return head + self.data + bytes((crc >> 8,))
        if self.src is None:
            raise FrameError("a simple-checksum packet needs a source address")
        body = bytes((self.dest, len(self.data), self.src, self.header)) + self.data
        return body + bytes((simple_checksum(body),))

    @classmethod
    def from_bytes(cls, raw: bytes, checksum: ChecksumMode = "simple") -> Frame:
        """Exactly one packet; FrameError (or its ChecksumError) for anything else."""
        if len(raw) < MIN_PACKET:
            raise FrameError(f"{len(raw)} bytes is shorter than the {MIN_PACKET}-byte minimum packet")
        expected = raw[1] + MIN_PACKET
        if len(raw) != expected:
            raise FrameError(f"length byte says {expected} bytes, got {len(raw)}")
        data = bytes(raw[4:-1])
        if checksum == "crc16":
            got = raw[2] | (raw[-1] << 8)
            want = crc16(bytes((raw[0], raw[1], raw[3])) + data)
            if got != want:
                raise ChecksumError(f"CRC-16 {got:04x} != {want:04x}")
            return cls(dest=raw[0], src=None, header=raw[3], data=data)
        if sum(raw) & 0xFF:
            raise ChecksumError(f"checksum leaves {sum(raw) & 0xFF} mod 256")
        return cls(dest=raw[0], src=raw[2], header=raw[3], data=data)

    def hex(self, checksum: ChecksumMode = "simple") -> str:
        return self.to_bytes(checksum).hex(" ").upper()


# A real bus never holds more than a request, its echo and a reply (< 3 x 260 bytes); a buffer that
# grows past this is garbage and is cut from the front.
MAX_BUFFER = 1024


@dataclass
class FrameDecoder:
    """Cuts a byte stream into packets, resynchronising after garbage.

    ccTalk has no start byte, so a packet can only be recognised by its shape: a destination on this
    bus (`addresses`, when given), a length, and a checksum that matches. A byte that cannot start a
    packet is dropped at once; a complete packet with a bad checksum costs one byte (resync). Garbage
    that claims a long length holds the decoder until enough bytes arrive or the bus layer calls
    `reset` — which it does before every request, so noise costs at most one retried transaction
    (Part 1 "Timing requirements": a receiver discards a packet whose bytes stop arriving).
    Never raises: bytes that are not packets are counted in `discarded`.
    """

    checksum: ChecksumMode = "simple"
    addresses: frozenset[int] | None = None
    discarded: int = 0
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, chunk: bytes) -> list[Frame]:
        self._buffer += chunk
        if len(self._buffer) > MAX_BUFFER:
            cut = len(self._buffer) - MAX_BUFFER
            del self._buffer[:cut]
            self.discarded += cut
        out: list[Frame] = []
        while self._buffer:
            if self.addresses is not None and self._buffer[0] not in self.addresses:
                del self._buffer[:1]
                self.discarded += 1
                continue
            if len(self._buffer) < MIN_PACKET:
                break
            total = self._buffer[1] + MIN_PACKET
            if len(self._buffer) >= total:
                frame = self._try(0, total)
                if frame is not None:
                    out.append(frame)
                    del self._buffer[:total]
                else:
                    del self._buffer[:1]
                    self.discarded += 1
                continue
            break
        return out

    def reset(self) -> None:
        """Forget a partial packet (start of a new transaction, or after an inter-byte gap)."""
        self.discarded += len(self._buffer)
        self._buffer.clear()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def _try(self, start: int, total: int) -> Frame | None:
        try:
            return Frame.from_bytes(bytes(self._buffer[start:start + total]), self.checksum)
        except FrameError:
            return None


# ---------------------------------------------------------------- payloads


@dataclass(frozen=True)
class EventBuffer:
    """Reply to 229 (coins) or 159 (bills): an event counter and five (A, B) results, newest first.

    Part 2, header 229 / 159: the counter goes 1..255 then wraps to 1; 0 only after power-up or reset.
    """

    counter: int
    results: tuple[tuple[int, int], ...]

    @classmethod
    def from_data(cls, data: bytes) -> EventBuffer:
        if len(data) != 11:
            raise FrameError(f"buffered events reply has {len(data)} data bytes, expected 11")
        pairs = tuple((data[i], data[i + 1]) for i in range(1, 11, 2))
        return cls(counter=data[0], results=pairs)

    def to_data(self) -> bytes:
        if len(self.results) != 5:
            raise FrameError("an event buffer holds exactly five results")
        return bytes((self.counter, *(b for pair in self.results for b in pair)))


@dataclass(frozen=True)
class NewEvents:
    """What changed between two reads of an event buffer."""

    events: tuple[tuple[int, int], ...]  # oldest first
    lost: int  # events that fell out of the 5-deep buffer before we read them
    reset: bool  # the device was reset (counter back to 0) since the last read


def counter_distance(last: int, now: int) -> int:
    """Events between two counter readings, for counters in 1..255 that wrap 255 -> 1."""
    if last == 0:
        return now
    if now == 0:
        return 0
    return (now - last) % 255


def new_events(last: int | None, buffer: EventBuffer) -> NewEvents:
    """The events in `buffer` not yet seen when the counter last read `last` (None: never read)."""
    if last is None:
        return NewEvents(events=(), lost=0, reset=False)
    if buffer.counter == 0:
        return NewEvents(events=(), lost=0, reset=last != 0)
    count = counter_distance(last, buffer.counter)
    seen = min(count, len(buffer.results))
    events = tuple(reversed(buffer.results[:seen]))
    return NewEvents(events=events, lost=count - seen, reset=False)


def counter_before(counter: int, steps: int) -> int:
    """The counter `steps` events before `counter` (1..255 wrapping, as the device counts)."""
    return (counter - 1 - steps) % 255 + 1


def next_counter(counter: int) -> int:
    """The device side of the counter: 1..255, wrapping to 1 (never back to 0 except by reset)."""
    return 1 if counter >= 255 else counter + 1


@dataclass(frozen=True)
class HopperStatus:
    """Reply to 166 Request hopper status (Part 2, header 166)."""

    event_counter: int
    remaining: int  # payout coins remaining
    paid: int  # last payout: coins paid
    unpaid: int  # last payout: coins unpaid

    @classmethod
    def from_data(cls, data: bytes) -> HopperStatus:
        if len(data) != 4:
            raise FrameError(f"hopper status reply has {len(data)} data bytes, expected 4")
        return cls(*data)

    def to_data(self) -> bytes:
        return bytes((self.event_counter, self.remaining, self.paid, self.unpaid))


@dataclass(frozen=True)
class LevelStatus:
    """Reply to 217 Request payout high / low status (Part 2, header 217)."""

    low: bool  # bit 0: lower than the low level trigger ("nearly empty")
    high: bool  # bit 1: higher than or equal to the high level trigger ("nearly full")
    low_supported: bool  # bit 4
    high_supported: bool  # bit 5

    @classmethod
    def from_data(cls, data: bytes) -> LevelStatus:
        if len(data) != 1:
            raise FrameError(f"level status reply has {len(data)} data bytes, expected 1")
        b = data[0]
        return cls(low=bool(b & 0x01), high=bool(b & 0x02), low_supported=bool(b & 0x10),
                   high_supported=bool(b & 0x20))

    def to_data(self) -> bytes:
        return bytes((self.low | self.high << 1 | self.low_supported << 4 | self.high_supported << 5,))


# Test hopper (163) status register 1 bits (Part 2, header 163).
HOPPER_MAX_CURRENT = 0x01
HOPPER_PAYOUT_TIMEOUT = 0x02
HOPPER_OPTO_BLOCKED_PAYOUT = 0x20
HOPPER_DISABLED = 0x80


def inhibit_mask(channels: Iterable[int]) -> bytes:
    """231 Modify inhibit status data: 2 bytes, bit n-1 set = channel n enabled (channels 1..16)."""
    mask = 0
    for channel in channels:
        if not 1 <= channel <= 16:
            raise FrameError(f"channel {channel} is outside 1..16")
        mask |= 1 << (channel - 1)
    return bytes((mask & 0xFF, mask >> 8))


def channels_from_mask(data: bytes) -> frozenset[int]:
    if len(data) != 2:
        raise FrameError(f"inhibit mask has {len(data)} bytes, expected 2")
    mask = data[0] | data[1] << 8
    return frozenset(n + 1 for n in range(16) if mask >> n & 1)


def serial_number(data: bytes) -> int:
    """242 Request serial number: 3 bytes, least significant first (Part 2, header 242)."""
    if len(data) != 3:
        raise FrameError(f"serial number reply has {len(data)} data bytes, expected 3")
    return data[0] | data[1] << 8 | data[2] << 16


def serial_bytes(number: int) -> bytes:
    return bytes((number & 0xFF, number >> 8 & 0xFF, number >> 16 & 0xFF))


# Header 168 answers a 3-byte count (LSB first): it wraps after this many coins.
DISPENSE_COUNT_MODULUS = 1 << 24


def dispense_count(data: bytes) -> int:
    """Reply to 168 Request hopper dispense count: coins the hopper paid over its life (LSB first)."""
    if len(data) != 3:
        raise FrameError(f"dispense count reply has {len(data)} data bytes, expected 3")
    return data[0] | data[1] << 8 | data[2] << 16


def dispense_count_bytes(count: int) -> bytes:
    return serial_bytes(count % DISPENSE_COUNT_MODULUS)


# ------------------------------------------------------------- event codes

# Coin acceptor error codes, result B when result A is 0 (Part 3, "Coin acceptor error codes").
COIN_NULL_EVENT = 0
COIN_REJECT = 1
COIN_INHIBITED = 2
COIN_MULTIPLE_WINDOW = 3
COIN_CREDIT_SENSOR_BLOCKED = 14
COIN_SORTER_OPTO_BLOCKED = 15
COIN_GOING_BACKWARDS = 17
COIN_ON_STRING = 20
COIN_REJECT_SLUG = 25
COIN_RETURN_MECHANISM = 254
COIN_INHIBITED_TYPE_FIRST = 128  # 128..159: inhibited coin (type 1..32)
COIN_INHIBITED_TYPE_LAST = 159

COIN_FRAUD_CODES = frozenset({COIN_GOING_BACKWARDS, COIN_ON_STRING, COIN_REJECT_SLUG})
COIN_FAULT_CODES = frozenset({COIN_CREDIT_SENSOR_BLOCKED, COIN_SORTER_OPTO_BLOCKED})

# Bill validator status codes, result B when result A is 0 (Part 2, header 159 table).
BILL_MASTER_INHIBIT_ACTIVE = 0
BILL_RETURNED_FROM_ESCROW = 1
BILL_INVALID_VALIDATION = 2
BILL_INVALID_TRANSPORT = 3
BILL_INHIBITED_SERIAL = 4
BILL_INHIBITED_DIP = 5
BILL_JAM_TRANSPORT_UNSAFE = 6
BILL_JAM_STACKER = 7
BILL_PULLED_BACKWARDS = 8
BILL_TAMPER = 9
BILL_STACKER_OK = 10
BILL_STACKER_REMOVED = 11
BILL_STACKER_INSERTED = 12
BILL_STACKER_FAULTY = 13
BILL_STACKER_FULL = 14
BILL_STACKER_JAMMED = 15
BILL_JAM_TRANSPORT_SAFE = 16
BILL_OPTO_FRAUD = 17
BILL_STRING_FRAUD = 18

# Result B for a bill type (A = 1..255).
BILL_ROUTE_STACKED = 0  # validated correctly and sent to cashbox / stacker
BILL_ROUTE_ESCROW = 1  # validated correctly and held in escrow ("pending")

# 154 Route bill: route codes and the error codes it may answer (Part 2, header 154).
ROUTE_RETURN = 0
ROUTE_STACK = 1
ROUTE_EXTEND_ESCROW = 255
ROUTE_ERROR_ESCROW_EMPTY = 254
ROUTE_ERROR_FAILED = 255

# 164 Enable hopper: only this value enables payout (Part 2, header 164).
HOPPER_ENABLE_CODE = 0xA5

# 228 Modify master inhibit status: bit 0 = 1 normal operation, 0 master inhibit active.
MASTER_ENABLED = 0x01
MASTER_INHIBITED = 0x00

# 232 Perform self-check fault codes used here (Part 3, "Fault codes").
FAULT_OK = 0
FAULT_CREDIT_SENSOR = 3
FAULT_UNSPECIFIED = 255
