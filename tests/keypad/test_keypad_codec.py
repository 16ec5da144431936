"""The evdev wire format, pinned to the kernel header's values, and the stream decoder's promises:
a read torn anywhere loses no key, and no bytes whatever make it raise."""

from __future__ import annotations

import itertools
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from common.keypad_keys import Key
from drivers.keypad import DEFAULT_KEYMAP, build_keymap
from drivers.keypad.codec import (
    EV_KEY,
    EV_MSC,
    EV_SW,
    EV_SYN,
    LAYOUT_32,
    LAYOUT_64,
    MSC_SCAN,
    SW_HEADPHONE_INSERT,
    SYN_DROPPED,
    SYN_REPORT,
    EventDecoder,
    InputEvent,
    PacketAssembler,
    key_packet,
    pack,
    unpack,
)
from drivers.keypad.keymap import parse_code

# KEY_KP5 (76 = 0x4C) pressed at 1,700,000,000.123456 s, written out by hand as x86_64 lays it out.
KP5_PRESS = bytes.fromhex(
    "00f1536500000000"  # tv_sec  = 1700000000, int64 little-endian
    "40e2010000000000"  # tv_usec = 123456, int64 little-endian
    "0100"              # type    = EV_KEY (1)
    "4c00"              # code    = KEY_KP5 (76)
    "01000000"          # value   = 1 (press)
)


def test_a_kp5_press_is_the_kernels_24_bytes() -> None:
    assert len(KP5_PRESS) == 24 == LAYOUT_64.size
    event = InputEvent(EV_KEY, 76, 1, 1_700_000_000, 123_456)
    assert pack(event) == KP5_PRESS
    assert unpack(KP5_PRESS) == event
    assert DEFAULT_KEYMAP[event.code] is Key.DIGIT_5


def test_header_values_and_the_32_bit_layout() -> None:
    assert (EV_SYN, EV_KEY, EV_MSC, EV_SW) == (0, 1, 4, 5)
    assert (SYN_REPORT, SYN_DROPPED, MSC_SCAN, SW_HEADPHONE_INSERT) == (0, 3, 4, 2)
    assert LAYOUT_32.size == 16
    assert pack(InputEvent(EV_KEY, 76, 1, 1, 2), LAYOUT_32) == struct.pack("<iiHHi", 1, 2, 1, 76, 1)


def test_the_default_table_maps_every_key_of_the_keypad() -> None:
    assert set(DEFAULT_KEYMAP.values()) == set(Key)
    expect = {103: Key.UP, 108: Key.DOWN, 105: Key.LEFT, 106: Key.RIGHT, 28: Key.OK, 96: Key.OK, 14: Key.BACK,
              1: Key.BACK, 138: Key.HELP, 115: Key.VOLUME_UP, 114: Key.VOLUME_DOWN, 129: Key.REPLAY,
              164: Key.PAUSE, 119: Key.PAUSE, 82: Key.DIGIT_0, 11: Key.DIGIT_0, 2: Key.DIGIT_1, 73: Key.DIGIT_9}
    assert {code: DEFAULT_KEYMAP[code] for code in expect} == expect


def test_a_booth_remaps_and_unmaps_codes_by_name_or_number() -> None:
    keymap = build_keymap({"KEY_F5": "voice", "59": "help", "KEY_ESC": "none"})
    assert keymap[63] is Key.VOICE and keymap[59] is Key.HELP and 1 not in keymap
    assert parse_code("key_kp5") == 76


def _stream(events: list[InputEvent]) -> bytes:
    return b"".join(pack(e) for e in events)


event_strategy = st.builds(InputEvent, type=st.integers(0, 0xFFFF), code=st.integers(0, 0xFFFF),
                           value=st.integers(-(2**31), 2**31 - 1), sec=st.integers(-(2**63), 2**63 - 1),
                           usec=st.integers(0, 999_999))


@settings(max_examples=200, deadline=None)
@given(events=st.lists(event_strategy, max_size=20), cuts=st.lists(st.integers(0, 480), max_size=12))
def test_any_split_of_a_stream_decodes_to_the_same_events(events: list[InputEvent], cuts: list[int]) -> None:
    data = _stream(events)
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    decoder = EventDecoder()
    out: list[InputEvent] = []
    for start, end in itertools.pairwise(points):
        out += decoder.feed(data[start:end])
    assert out == events
    assert decoder.pending_bytes == 0


@settings(max_examples=200, deadline=None)
@given(garbage=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=8))
def test_garbage_of_any_length_never_raises(garbage: bytes, cuts: list[int]) -> None:
    decoder = EventDecoder()
    assembler = PacketAssembler()
    points = sorted({min(c, len(garbage)) for c in cuts} | {0, len(garbage)})
    records = 0
    for start, end in itertools.pairwise(points):
        events = decoder.feed(garbage[start:end])
        records += len(events)
        for packet in assembler.feed(events):
            assert packet
    assert records == len(garbage) // 24 and decoder.pending_bytes == len(garbage) % 24


def test_packets_end_at_syn_report_and_a_dropped_one_is_skipped() -> None:
    assembler = PacketAssembler()
    kp5 = key_packet(76, 1, scan=0x7005D, at=0.0)
    assert list(assembler.feed(kp5)) == [kp5[:2]]
    dropped = [InputEvent(EV_KEY, 103, 1), InputEvent(EV_SYN, SYN_DROPPED, 0), InputEvent(EV_KEY, 108, 1),
               InputEvent(EV_SYN, SYN_REPORT, 0)]
    assert list(assembler.feed(dropped)) == []
    assert list(assembler.feed(key_packet(28, 1, at=0.0))) == [[InputEvent(EV_KEY, 28, 1)]]
