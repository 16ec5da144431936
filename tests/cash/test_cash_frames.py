"""ccTalk packets pinned to published example bytes, and the framer fuzzed."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.cash.errors import ChecksumError, FrameError
from drivers.cash.frames import (
    BUS_ADDRESSES,
    EventBuffer,
    Frame,
    FrameDecoder,
    Header,
    HopperStatus,
    LevelStatus,
    channels_from_mask,
    inhibit_mask,
    new_events,
    serial_bytes,
    serial_number,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ccTalk Generic Specification Part 1 ("Message structure" examples, 8-bit checksum) and the
# CRC-16 example of the same part ("16-bit CRC checksum": simple poll to address 40).
SPEC_VECTORS = [
    ("simple poll to coin acceptor", "simple", Frame(2, 1, Header.SIMPLE_POLL), "02 00 01 FE FF"),
    ("ACK from coin acceptor", "simple", Frame(1, 2, Header.ACK), "01 00 02 00 FD"),
    ("request equipment category", "simple", Frame(2, 1, Header.REQUEST_EQUIPMENT_CATEGORY_ID), "02 00 01 F5 08"),
    ("category reply 'Coin Acceptor'", "simple", Frame(1, 2, 0, b"Coin Acceptor"),
     "01 0D 02 00 43 6F 69 6E 20 41 63 63 65 70 74 6F 72 16"),
    # Part 1 "8-bit checksum" worked example: enable all coin inhibits, checksum 22.
    ("modify inhibit status, all enabled", "simple", Frame(2, 1, Header.MODIFY_INHIBIT_STATUS, h("FF FF")),
     "02 02 01 E7 FF FF 16"),
    ("CRC-16 simple poll to bill validator", "crc16", Frame(40, None, Header.SIMPLE_POLL), "28 00 B6 FE 21"),
    ("CRC-16 ACK to host", "crc16", Frame(1, None, Header.ACK), "01 00 30 00 37"),
    # Suzo-Happ Flow 18-ccTalk manual §7 (hopper at address 3).
    ("enable hopper", "simple", Frame(3, 1, Header.ENABLE_HOPPER, h("A5")), "03 01 01 A4 A5 B2"),
    ("hopper ACK", "simple", Frame(1, 3, Header.ACK), "01 00 03 00 FC"),
    ("test hopper", "simple", Frame(3, 1, Header.TEST_HOPPER), "03 00 01 A3 59"),
    ("dispense 1 coin, serial-number form", "simple",
     Frame(3, 1, Header.DISPENSE_HOPPER_COINS, h("DF D7 0A 01")), "03 04 01 A7 DF D7 0A 01 90"),
    ("dispense reply, event counter 1", "simple", Frame(1, 3, 0, h("01")), "01 01 03 00 01 FA"),
    ("serial number reply", "simple", Frame(1, 3, 0, h("4E 46 05")), "01 03 03 00 4E 46 05 60"),
    # Alberici hopper manual §2.1.4: request hopper status and its reply.
    ("request hopper status", "simple", Frame(3, 1, Header.REQUEST_HOPPER_STATUS), "03 00 01 A6 56"),
    ("hopper status reply", "simple", Frame(1, 3, 0, h("00 00 07 03")), "01 04 03 00 00 00 07 03 EE"),
    # Azkoyen Modular X6 ccTalk manual §5.19–5.20 (coin acceptor at address 2).
    ("request inhibit status", "simple", Frame(2, 1, Header.REQUEST_INHIBIT_STATUS), "02 00 01 E6 17"),
    ("inhibit status reply: all inhibited", "simple", Frame(1, 2, 0, h("00 00")), "01 02 02 00 00 00 FB"),
    ("read buffered credit", "simple", Frame(2, 1, Header.READ_BUFFERED_CREDIT_OR_ERROR_CODES), "02 00 01 E5 18"),
    ("buffered credit reply", "simple", Frame(1, 2, 0, h("06 06 04 00 14 00 17 06 04 0D 02")),
     "01 0B 02 00 06 06 04 00 14 00 17 06 04 0D 02 9E"),
]


@pytest.mark.parametrize(("name", "mode", "frame", "wire"), SPEC_VECTORS, ids=[v[0] for v in SPEC_VECTORS])
def test_spec_vectors_encode_and_decode(name: str, mode: str, frame: Frame, wire: str) -> None:
    assert frame.to_bytes(mode) == h(wire)  # type: ignore[arg-type]
    assert Frame.from_bytes(h(wire), mode) == frame  # type: ignore[arg-type]


def test_buffered_credit_example_reads_newest_first() -> None:
    buffer = EventBuffer.from_data(h("06 06 04 00 14 00 17 06 04 0D 02"))
    assert buffer.counter == 6
    # X6 manual: newest is coin 6 via path 4, then a string-fraud reject (20), a reject (23), ...
    assert buffer.results == ((6, 4), (0, 20), (0, 23), (6, 4), (13, 2))


def test_payload_vectors() -> None:
    assert serial_number(h("4E 46 05")) == 345678  # Flow manual: "decimal 345678"
    assert serial_bytes(345678) == h("4E 46 05")
    assert HopperStatus.from_data(h("00 00 07 03")) == HopperStatus(0, 0, 7, 3)
    assert inhibit_mask([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) == h("FF FF")
    assert inhibit_mask([1, 3]) == h("05 00")
    assert channels_from_mask(h("05 80")) == {1, 3, 16}
    assert LevelStatus.from_data(h("31")) == LevelStatus(low=True, high=False, low_supported=True,
                                                         high_supported=True)


def test_bad_checksum_is_a_typed_error() -> None:
    with pytest.raises(ChecksumError):
        Frame.from_bytes(h("02 00 01 FE FE"))
    with pytest.raises(ChecksumError):
        Frame.from_bytes(h("28 00 B6 FE 22"), "crc16")
    with pytest.raises(FrameError):
        Frame.from_bytes(h("02 05 01 FE"))


def test_counter_wraps_from_255_to_1_without_losing_or_repeating() -> None:
    def buf(counter: int, *pairs: tuple[int, int]) -> EventBuffer:
        padded = (*pairs, *([(0, 0)] * (5 - len(pairs))))
        return EventBuffer(counter, padded)

    wrapped = new_events(254, buf(2, (3, 1), (2, 1), (1, 1)))  # 255, 1, 2: three new events
    assert wrapped.events == ((1, 1), (2, 1), (3, 1))
    assert wrapped.lost == 0
    assert new_events(7, buf(7, (1, 1))).events == ()  # same counter: nothing new
    jumped = new_events(1, buf(8, (4, 1), (4, 1), (3, 1), (2, 1), (1, 1)))
    assert (len(jumped.events), jumped.lost) == (5, 2)
    assert new_events(9, buf(0)).reset
    assert not new_events(None, buf(0)).reset  # first contact is no reset


# ------------------------------------------------------------------ properties

frames = st.builds(
    Frame,
    dest=st.integers(0, 255),
    src=st.integers(0, 255),
    header=st.integers(0, 255),
    data=st.binary(max_size=40),
)
modes = st.sampled_from(["simple", "crc16"])


@given(st.binary(max_size=300), modes)
def test_arbitrary_bytes_raise_only_frame_error(raw: bytes, mode: str) -> None:
    with contextlib.suppress(FrameError):
        Frame.from_bytes(raw, mode)  # type: ignore[arg-type]


@given(st.lists(st.binary(max_size=64), max_size=20), modes)
def test_decoder_never_raises_and_stays_bounded(chunks: list[bytes], mode: str) -> None:
    decoder = FrameDecoder(mode)  # type: ignore[arg-type]
    for chunk in chunks:
        decoder.feed(chunk)
        assert decoder.pending <= 1024


@given(frames, modes)
def test_round_trip(frame: Frame, mode: str) -> None:
    wire = frame.to_bytes(mode)  # type: ignore[arg-type]
    back = Frame.from_bytes(wire, mode)  # type: ignore[arg-type]
    assert back == (frame if mode == "simple" else Frame(frame.dest, None, frame.header, frame.data))


@given(st.lists(frames, min_size=1, max_size=6), st.data())
def test_stream_of_frames_survives_any_chunking(batch: list[Frame], data: st.DataObject) -> None:
    wire = b"".join(f.to_bytes() for f in batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=8)))
    decoder = FrameDecoder()
    out: list[Frame] = []
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        out += decoder.feed(wire[start:end])
    assert out == batch


bus_frames = st.builds(
    Frame,
    dest=st.sampled_from(sorted(BUS_ADDRESSES)),
    src=st.sampled_from(sorted(BUS_ADDRESSES)),
    header=st.integers(0, 255),
    data=st.binary(max_size=40),
)


@given(st.binary(max_size=60).map(lambda b: bytes(x for x in b if x not in BUS_ADDRESSES)), bus_frames)
def test_garbage_that_cannot_start_a_packet_never_hides_one(garbage: bytes, frame: Frame) -> None:
    decoder = FrameDecoder(addresses=BUS_ADDRESSES)
    assert decoder.feed(garbage + frame.to_bytes()) == [frame]
    assert decoder.discarded == len(garbage)


@given(st.binary(min_size=1, max_size=40), bus_frames)
def test_arbitrary_garbage_before_packets_never_raises(garbage: bytes, frame: Frame) -> None:
    decoder = FrameDecoder(addresses=BUS_ADDRESSES)
    out = decoder.feed(garbage + frame.to_bytes() * 3)
    decoder.reset()
    # Whatever the noise did, the next transaction starts clean.
    assert decoder.feed(frame.to_bytes()) == [frame]
    assert all(f.dest in BUS_ADDRESSES for f in out)


def test_garbage_claiming_a_long_length_holds_only_until_the_next_transaction() -> None:
    decoder = FrameDecoder(addresses=BUS_ADDRESSES)
    reply = Frame(1, 2, 0, b"\x07")
    # "02 FA ..." claims 250 data bytes: the reply behind it is held, never mis-parsed...
    assert decoder.feed(h("02 FA 33") + reply.to_bytes()) == []
    decoder.reset()  # ... until the bus starts its retry with a clean buffer.
    assert decoder.feed(reply.to_bytes()) == [reply]
