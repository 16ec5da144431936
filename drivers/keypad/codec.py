"""The kernel's evdev wire format: `struct input_event` records, and a decoder for a byte stream.

Every Linux input device (a USB HID keypad, a sound card's jack detector) is read as a stream of
fixed-size records from its event node, ``/dev/input/eventN``, laid out as <linux/input.h> says::

    struct input_event {
        struct timeval time;   /* tv_sec, tv_usec: two longs */
        __u16 type;            /* EV_KEY, EV_SW, EV_SYN, ... */
        __u16 code;            /* KEY_KP5, SW_HEADPHONE_INSERT, SYN_REPORT, ... */
        __s32 value;           /* key: 1 press, 2 autorepeat, 0 release; switch: 1 on, 0 off */
    };

24 bytes on 64-bit Linux (two int64 then u16, u16, s32), 16 bytes with 32-bit longs; native byte
order (little-endian on x86_64 and aarch64). A read of the node returns whole records, but a pipe
standing in for it (the simulator's FIFO) may tear one across two reads: `EventDecoder` keeps the
partial tail until the rest arrives, so a torn read neither loses nor garbles a key.

The kernel reports the events of one moment as a packet closed by EV_SYN/SYN_REPORT (a key's
EV_MSC/MSC_SCAN, then its EV_KEY); SYN_DROPPED says the client's buffer overflowed and the packet
up to the next SYN_REPORT is incomplete. `PacketAssembler` hands on whole packets only, as
libevdev does.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass

# <linux/input-event-codes.h>: event types
EV_SYN = 0x00
EV_KEY = 0x01
EV_MSC = 0x04
EV_SW = 0x05
# EV_SYN codes
SYN_REPORT = 0
SYN_DROPPED = 3
# EV_MSC codes
MSC_SCAN = 0x04
# EV_SW codes
SW_HEADPHONE_INSERT = 0x02
# EV_KEY values
KEY_RELEASE = 0
KEY_PRESS = 1
KEY_REPEAT = 2

# `struct input_event` on 64-bit Linux (x86_64, aarch64): what this booth's PC runs.
LAYOUT_64 = struct.Struct("<qqHHi")
# ... and with 32-bit longs (armhf, i386) and a 32-bit time_t.
LAYOUT_32 = struct.Struct("<iiHHi")


def native_layout() -> struct.Struct:
    """The layout the running kernel uses for this process: 24 bytes where a C long is 8."""
    return LAYOUT_64 if struct.calcsize("l") == 8 else LAYOUT_32


# A packet that never ends (garbage with no SYN_REPORT) is cut here: a real packet of a keypad holds
# a scan code and a key, a few events; 64 leaves room for a whole keyboard's worth.
MAX_PACKET_EVENTS = 64


@dataclass(frozen=True)
class InputEvent:
    type: int
    code: int
    value: int
    sec: int = 0
    usec: int = 0

    @property
    def timestamp(self) -> float:
        return self.sec + self.usec / 1_000_000


def pack(event: InputEvent, layout: struct.Struct = LAYOUT_64) -> bytes:
    return layout.pack(event.sec, event.usec, event.type, event.code, event.value)


def unpack(record: bytes, layout: struct.Struct = LAYOUT_64) -> InputEvent:
    """One record of exactly `layout.size` bytes; struct.error otherwise."""
    sec, usec, type_, code, value = layout.unpack(record)
    return InputEvent(type=type_, code=code, value=value, sec=sec, usec=usec)


def stamped(type_: int, code: int, value: int, at: float | None = None) -> InputEvent:
    """An event with the time the kernel would give it (CLOCK_REALTIME, as evdev does by default)."""
    now = time.time() if at is None else at
    sec = int(now)
    return InputEvent(type_, code, value, sec, int((now - sec) * 1_000_000))


def key_packet(code: int, value: int, *, scan: int | None = None, at: float | None = None) -> list[InputEvent]:
    """What the kernel writes for one key transition: [MSC_SCAN], EV_KEY, SYN_REPORT."""
    out = [stamped(EV_MSC, MSC_SCAN, scan, at)] if scan is not None else []
    return [*out, stamped(EV_KEY, code, value, at), stamped(EV_SYN, SYN_REPORT, 0, at)]


class EventDecoder:
    """Bytes in, records out, whatever the reads' sizes; never raises on any bytes."""

    def __init__(self, layout: struct.Struct = LAYOUT_64) -> None:
        self.layout = layout
        self._tail = bytearray()

    @property
    def pending_bytes(self) -> int:
        """Bytes of a record torn across reads, waiting for the rest."""
        return len(self._tail)

    def feed(self, data: bytes) -> list[InputEvent]:
        self._tail += data
        size = self.layout.size
        whole = len(self._tail) - len(self._tail) % size
        events = [unpack(bytes(self._tail[i:i + size]), self.layout) for i in range(0, whole, size)]
        del self._tail[:whole]
        return events

    def reset(self) -> int:
        """Forget a torn tail (the device went away mid-record); how many bytes were dropped."""
        dropped = len(self._tail)
        self._tail.clear()
        return dropped


class PacketAssembler:
    """Records in, whole packets (the events before each SYN_REPORT) out; a dropped packet is skipped."""

    def __init__(self) -> None:
        self._packet: list[InputEvent] = []
        self._dropping = False
        self.dropped_packets = 0

    def feed(self, events: list[InputEvent]) -> Iterator[list[InputEvent]]:
        for event in events:
            if event.type == EV_SYN and event.code == SYN_DROPPED:
                self._packet.clear()
                self._dropping = True
                self.dropped_packets += 1
            elif event.type == EV_SYN and event.code == SYN_REPORT:
                packet, self._packet = self._packet, []
                if self._dropping:
                    self._dropping = False
                elif packet:
                    yield packet
            elif not self._dropping:
                self._packet.append(event)
                if len(self._packet) > MAX_PACKET_EVENTS:
                    self._packet.clear()
                    self._dropping = True
                    self.dropped_packets += 1

    def reset(self) -> None:
        self._packet.clear()
        self._dropping = False
