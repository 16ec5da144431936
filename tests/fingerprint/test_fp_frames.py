"""Frame vectors from the manuals, and properties of the parsers over arbitrary bytes."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.fingerprint import frames_sfm as sfm
from drivers.fingerprint import frames_zfm as zfm
from drivers.fingerprint.errors import FrameError

# --- ZFM / R30x -------------------------------------------------------------------------------
# Command vectors: R30x user manual, "Instruction set": GenImg "EF01 xxxx 01H 03H 01H 05H";
# Empty "0xEF01 Xxxx 01H 03H 0dH 0011H" (R303A manual); TempleteNum "0x0003 0x1d 0x0021";
# Img2Tz BufferID 1, UpChar BufferID 1, ReadSysPara and VfyPwd(0) from the same package layout.
ZFM_COMMANDS = [
    ("ef01ffffffff010003010005", zfm.Instruction.GEN_IMG, b""),
    ("ef01ffffffff0100030d0011", 0x0D, b""),
    ("ef01ffffffff0100031d0021", 0x1D, b""),
    ("ef01ffffffff01000402010008", zfm.Instruction.IMG2TZ, b"\x01"),
    ("ef01ffffffff0100040801000e", zfm.Instruction.UP_CHAR, b"\x01"),
    ("ef01ffffffff0100030f0013", zfm.Instruction.READ_SYS_PARA, b""),
    ("ef01ffffffff0100071300000000001b", zfm.Instruction.VFY_PWD, b"\x00\x00\x00\x00"),
]


@pytest.mark.parametrize(("wire", "instruction", "params"), ZFM_COMMANDS)
def test_zfm_command_vectors(wire: str, instruction: int, params: bytes) -> None:
    packet = zfm.command(instruction, params)
    assert packet.to_bytes().hex() == wire
    assert zfm.Packet.from_bytes(bytes.fromhex(wire)) == packet


def test_zfm_ack_and_system_parameters_from_a_real_trace() -> None:
    # Adafruit fingerprint library debug trace of an R30x (pastebin Xcpz16Vv): ReadSysPara ack
    # "0 0 0 0 0 1 F4 0 3 FF FF FF FF 0 2 0 6" = ok, status 0, id 0, capacity 500, level 3,
    # address FFFFFFFF, packet size code 2 (128 bytes), baud factor 6 (57,600).
    payload = bytes.fromhex("00" "0000" "0000" "01f4" "0003" "ffffffff" "0002" "0006")
    wire = zfm.Packet(zfm.PacketId.ACK, payload).to_bytes()
    assert wire[:9].hex() == "ef01ffffffff070013"
    packet = zfm.Packet.from_bytes(wire)
    assert packet.code == zfm.Confirm.OK
    system = zfm.SystemParameters.from_bytes(packet.payload[1:])
    assert (system.library_size, system.security_level, system.packet_size, system.baudrate) == (
        500, 3, 128, 57600)
    # Manual: acknowledge "07H 03H xxH sum" — confirmation 0x02 (no finger) sums to 0x000C.
    assert zfm.ack(zfm.Confirm.NO_FINGER).to_bytes().hex() == "ef01ffffffff07000302000c"


def test_zfm_checksum_drops_carries_beyond_two_bytes() -> None:
    payload = b"\xff" * 256
    assert zfm.checksum(zfm.PacketId.DATA, payload) == (2 + 1 + 2 + 255 * 256) & 0xFFFF


def test_zfm_rejects_bad_frames() -> None:
    good = zfm.command(zfm.Instruction.GEN_IMG).to_bytes()
    with pytest.raises(FrameError):
        zfm.Packet.from_bytes(good[:-1] + b"\x00")  # checksum
    with pytest.raises(FrameError):
        zfm.Packet.from_bytes(good[:6] + b"\x05" + good[7:])  # packet id 5
    with pytest.raises(FrameError):
        zfm.Packet.from_bytes(good + b"\x00")  # trailing byte
    with pytest.raises(FrameError):
        zfm.Packet(zfm.PacketId.DATA, bytes(257))


def test_zfm_cut_resyncs_past_a_false_header_that_never_completes() -> None:
    # A planted "EF01 ... length 0x0082" claims 128 bytes that never come; the real ack after it
    # is complete, so it is taken at once instead of waiting.
    real = zfm.ack(zfm.Confirm.OK).to_bytes()
    buf = b"\x13\x37" + zfm.HEADER + b"\xff\xff\xff\xff\x02\x00\x82" + b"\x99" * 5 + real
    packets, used = zfm.cut(buf)
    assert packets == [zfm.ack(zfm.Confirm.OK)]
    assert used == len(buf)


def test_zfm_cut_keeps_a_split_frame() -> None:
    wire = zfm.ack(zfm.Confirm.NO_FINGER).to_bytes()
    packets, used = zfm.cut(b"\x00" + wire[:1])
    assert (packets, used) == ([], 1)
    packets, used = zfm.cut(wire[:7])
    assert (packets, used) == ([], 0)


@given(st.binary(max_size=600))
def test_zfm_arbitrary_bytes_raise_only_frame_error(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        zfm.Packet.from_bytes(data)
    with contextlib.suppress(FrameError):
        zfm.SystemParameters.from_bytes(data)
    packets, used = zfm.cut(data)
    assert 0 <= used <= len(data)
    assert all(isinstance(p, zfm.Packet) for p in packets)


@given(st.sampled_from(list(zfm.PacketId)), st.binary(max_size=zfm.MAX_PAYLOAD),
       st.integers(0, 0xFFFFFFFF), st.binary(max_size=64))
def test_zfm_round_trip_and_found_after_noise(pid: int, payload: bytes, address: int, noise: bytes) -> None:
    packet = zfm.Packet(pid, payload, address)
    wire = packet.to_bytes()
    assert zfm.Packet.from_bytes(wire) == packet
    packets, used = zfm.cut(noise + wire)
    assert packets[-1:] == [packet]
    assert used == len(noise) + len(wire)


# --- Suprema UniFinger SFM ----------------------------------------------------------------------
SFM_VECTORS = [
    # pysfm tutorial (supremainc/sfmdev docs/tutorials/pysfm/tutorial.md): SS request and answer.
    ("4004000000000000000000440a", sfm.Packet(sfm.Command.SS)),
    ("4004300000000000000061d50a", sfm.Packet(sfm.Command.SS, 0x30, 0, sfm.Flag.SUCCESS)),
    # pysfm_packet.py unit test: an SR (0x03) answer, param 0x89, flag SUCCESS, checksum 0x49.
    (bytes([64, 3, 137, 0, 0, 0, 0, 3, 3, 22, 97, 73, 10]).hex(),
     sfm.Packet(sfm.Command.SR, 0x89, 0x16030300, sfm.Flag.SUCCESS)),
]


def test_sfm_manual_enroll_example() -> None:
    # UF Protocol Manual, "Packet Protocol": ES (0x05) with user ID 0x9929 is sent as
    # 0x40, 0x05, 0x29, 0x99, 0x00 x7, checksum 0x07, 0x0A.
    packet = sfm.Packet(0x05, 0x9929, 0, 0)
    assert packet.to_bytes().hex() == "4005299900" "000000000000" "070a"
    assert sfm.Packet.from_bytes(packet.to_bytes()) == packet


@pytest.mark.parametrize(("wire", "packet"), SFM_VECTORS)
def test_sfm_vectors(wire: str, packet: sfm.Packet) -> None:
    assert packet.to_bytes().hex() == wire
    assert sfm.Packet.from_bytes(bytes.fromhex(wire)) == packet


def test_sfm_scan_template_request_asks_for_the_checksum() -> None:
    wire = sfm.Packet(sfm.Command.ST, 0, 0, sfm.ADD_CHECKSUM).to_bytes()
    assert wire.hex() == "40210000000000000000" "70d10a"


def test_sfm_data_block_checksum() -> None:
    template = bytes(range(256)) + bytes(128)
    block = sfm.encode_data_block(template, with_checksum=True)
    assert block[-5:] == (sum(template)).to_bytes(4, "little") + b"\x0a"
    decoded = sfm.decode_data_block(block, len(template), with_checksum=True)
    assert isinstance(decoded, bytearray)
    assert decoded == template
    corrupt = bytearray(block)
    corrupt[10] ^= 0x01
    with pytest.raises(FrameError):
        sfm.decode_data_block(corrupt, len(template), with_checksum=True)
    plain = sfm.encode_data_block(template, with_checksum=False)
    assert plain == template + b"\x0a"
    assert sfm.decode_data_block(plain, len(template), with_checksum=False) == template


def test_sfm_rejects_bad_frames() -> None:
    good = sfm.Packet(sfm.Command.SS).to_bytes()
    for bad in (good[:-1] + b"\x0b", good[:11] + b"\x00\x0a", b"\x41" + good[1:], good[:12]):
        with pytest.raises(FrameError):
            sfm.Packet.from_bytes(bad)


@given(st.binary(max_size=300))
def test_sfm_arbitrary_bytes_raise_only_frame_error(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        sfm.Packet.from_bytes(data)
    for checked in (True, False):
        with contextlib.suppress(FrameError):
            sfm.decode_data_block(data, max(0, len(data) - 5), with_checksum=checked)
    packets, used = sfm.cut(data)
    assert 0 <= used <= len(data)
    assert all(isinstance(p, sfm.Packet) for p in packets)


@given(st.integers(0, 255), st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFFFFFFFF), st.integers(0, 255),
       st.binary(max_size=40))
def test_sfm_round_trip_and_found_after_noise(command: int, param: int, size: int, flag: int,
                                              noise: bytes) -> None:
    packet = sfm.Packet(command, param, size, flag)
    wire = packet.to_bytes()
    assert sfm.Packet.from_bytes(wire) == packet
    packets, _ = sfm.cut(noise + wire)
    assert packet in packets


@given(st.binary(max_size=500), st.booleans())
def test_sfm_data_block_round_trip(data: bytes, checked: bool) -> None:
    block = sfm.encode_data_block(data, with_checksum=checked)
    assert len(block) == sfm.data_block_len(len(data), with_checksum=checked)
    assert sfm.decode_data_block(block, len(data), with_checksum=checked) == data
