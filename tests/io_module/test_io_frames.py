"""The I/O module's bytes, pinned by the specifications' own examples, and its register decoding.

Vectors: Modbus over Serial Line V1.02 §6.2.2 / Appendix B (the CRC of 02 07 is 0x1241, sent low byte
first: 41 12) and the Modicon Modbus Protocol Reference Guide PI-MBUS-300 rev. J examples (read input
register 30009 of slave 17: 11 04 00 08 00 01 B2 98, answered 11 04 02 00 0A F8 F4; read discrete
inputs 10197-10218 of slave 17: 11 02 00 C4 00 16 BA A9).
"""

from __future__ import annotations

import asyncio
import os
import pty
import tty

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.io_module import IoModule, RegisterError, decode, from_celsius
from drivers.io_module.registers import TEMPERATURE_RANGE, to_signed
from drivers.io_module.rtu import (
    RtuFrameError,
    bits_response,
    crc16,
    frame,
    read_request,
    registers_response,
    unframe,
)


def test_crc_and_frames_match_the_specifications_examples() -> None:
    assert crc16(bytes([0x02, 0x07])) == 0x1241
    assert frame(2, bytes([0x07]))[-2:] == bytes([0x41, 0x12])  # low byte first
    assert read_request(17, 0x04, 0x0008, 1) == bytes.fromhex("11 04 00 08 00 01 B2 98")
    assert registers_response(17, [10]) == bytes.fromhex("11 04 02 00 0A F8 F4")
    assert read_request(17, 0x02, 0x00C4, 0x16) == bytes.fromhex("11 02 00 C4 00 16 BA A9")
    assert read_request(1, 0x04, 0, 1) == bytes.fromhex("01 04 00 00 00 01 31 CA")


def test_a_frame_with_a_wrong_crc_or_from_another_device_is_refused() -> None:
    good = registers_response(17, [10])
    assert unframe(good, 17) == bytes.fromhex("04 02 00 0A")
    with pytest.raises(RtuFrameError, match="CRC"):
        unframe(good[:-1] + bytes([good[-1] ^ 1]), 17)
    with pytest.raises(RtuFrameError, match="device 17"):
        unframe(good, 3)


async def test_the_driver_sends_exactly_the_specified_rtu_bytes_and_reads_the_answer() -> None:
    """pymodbus frames the driver's requests; over a PTY the bytes are the ones the spec's CRC gives."""
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    module = IoModule(f"rtu:{os.ttyname(slave)}:19200", device_id=17, timeout=1.0)
    loop = asyncio.get_running_loop()
    seen: list[bytes] = []

    def answer() -> None:
        request = os.read(master, 256)
        seen.append(request)
        reply = bits_response(17, [True, False, True, True, False]) if request[1] == 0x02 else \
            registers_response(17, [from_celsius(-12.5), 64, 420])
        os.write(master, reply)

    loop.add_reader(master, answer)
    try:
        reading = await module.read()
    finally:
        await module.close()
        loop.remove_reader(master)
        os.close(master)
        os.close(slave)
    assert seen == [read_request(17, 0x02, 0, 5), read_request(17, 0x04, 0, 3)]
    assert (reading.service_door_open, reading.cashbox_door_open, reading.tilted, reading.mains_lost) == \
        (True, False, True, True)
    assert (reading.temperature_c, reading.ups_charge, reading.ups_runtime_s) == (-12.5, 64, 420)


words = st.integers(0, 0xFFFF)
# Anything a module (or a garbled answer) could hand the decoder: 16-bit words, and a few that are not.
any_words = st.one_of(words, st.integers(-0x10000, 0x2FFFF))


@given(st.lists(st.booleans(), min_size=5, max_size=16), words, st.integers(0, 100), st.integers(0, 0xFFFE))
def test_any_well_formed_reading_decodes_to_what_the_registers_mean(bits: list[bool], temp: int, charge: int,
                                                                    runtime: int) -> None:
    reading = decode(bits, [temp, charge, runtime])
    assert (reading.service_door_open, reading.cashbox_door_open, reading.tilted, reading.mains_lost,
            reading.battery_low) == tuple(bits[:5])
    celsius = to_signed(temp) / 10
    low, high = TEMPERATURE_RANGE
    assert reading.temperature_c == (celsius if low <= celsius <= high else None)
    assert (reading.ups_charge, reading.ups_runtime_s) == (charge, runtime)
    assert [note.partition("=")[0] for note in reading.unreadable] == \
        ([] if reading.temperature_c is not None else ["temperature"])


@given(st.lists(st.booleans(), min_size=5, max_size=16), st.lists(any_words, min_size=3, max_size=6))
def test_each_register_decodes_on_its_own_and_garbage_never_hides_the_doors(bits: list[bool],
                                                                           regs: list[int]) -> None:
    """A register no sensor can mean (a UPS's 0xFFFF) is unknown and named; the other values and every
    digital input arrive as they are."""
    reading = decode(bits, regs)
    assert (reading.service_door_open, reading.cashbox_door_open, reading.tilted, reading.mains_lost,
            reading.battery_low) == tuple(bits[:5])
    temp, charge, runtime = regs[:3]
    celsius = to_signed(temp) / 10 if 0 <= temp <= 0xFFFF else None
    low, high = TEMPERATURE_RANGE
    expected = {
        "temperature": celsius if celsius is not None and low <= celsius <= high else None,
        "ups_charge": charge if 0 <= charge <= 100 else None,
        "ups_runtime": runtime if 0 <= runtime <= 0xFFFE else None,
    }
    assert (reading.temperature_c, reading.ups_charge, reading.ups_runtime_s) == tuple(expected.values())
    named = [note.partition("=")[0] for note in reading.unreadable]
    assert named == [name for name, value in expected.items() if value is None]
    words_named = [note.partition("=")[2].partition(" ")[0] for note in reading.unreadable]
    assert words_named == [str(word) for word, value in zip(regs, expected.values(), strict=False) if value is None]


@given(st.floats(-40.0, 125.0, allow_nan=False))
def test_a_temperature_survives_the_register_to_a_tenth_of_a_degree(celsius: float) -> None:
    reading = decode([False] * 5, [from_celsius(celsius), 100, 0])
    assert reading.temperature_c is not None and abs(reading.temperature_c - celsius) <= 0.05 + 1e-9


@given(st.lists(st.booleans(), max_size=4), st.lists(words, max_size=2))
def test_a_reading_too_short_to_say_which_input_is_which_is_refused(bits: list[bool], regs: list[int]) -> None:
    with pytest.raises(RegisterError):
        decode(bits, [0, 0, 0])
    with pytest.raises(RegisterError):
        decode([False] * 5, regs)
