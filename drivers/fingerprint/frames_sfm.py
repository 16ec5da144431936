"""Frames of the Suprema UniFinger SFM family (pure, no I/O).

Source: Suprema "UF Protocol Manual", section "Packet Protocol" (supremainc/sfmdev,
docs/documents/UF_Protocol_Manual.md), and the SDK headers UF_Packet.h, UF_Command.h, UF_Error.h,
UF_SysParameter.h (supremainc/sfm-sdk-android, sfm_sdk/src/main/include/).

    0x40 | command (1) | param (4, LE) | size (4, LE) | flag/error (1) | checksum (1) | 0x0A

The checksum is the sum of the 12 bytes from the start code to the flag, modulo 256. Binary data
(a template) follows a response whose `size` says how long it is; it ends with 0x0A ("the end code is
also used as a code indicating the end of binary data"). When Scan Template is sent with flag
ADD_CHECKSUM (0x70), the data is followed by a 4-byte little-endian sum of its bytes before the 0x0A
(SDK UF_ScanTemplate: receives `size` bytes, then a 4-byte checksum, then the end code).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from drivers.fingerprint._framing import cut_frames
from drivers.fingerprint.errors import FrameError

START = 0x40
END = 0x0A
PACKET_LEN = 13
DEFAULT_BAUDRATE = 115200  # UF manual, system parameter Baudrate 0x71: default 0x35 = 115200 bps
ADD_CHECKSUM = 0x70  # ST request flag: append a 4-byte checksum to the template (SDK SFM_ADD_CHECKSUM)


class Command(enum.IntEnum):
    SW = 0x01  # write system parameter: flag = parameter id, size = value
    SR = 0x03  # read system parameter: flag = parameter id; answer size = value
    SS = 0x04  # system status check: answer param 0x30 = normal
    ST = 0x21  # scan template
    CA = 0x60  # cancel


class Flag(enum.IntEnum):
    """Response flag / error codes (UF_Error.h, UF_PROTOCOL_RET_CODE)."""

    SUCCESS = 0x61
    SCAN_SUCCESS = 0x62
    SCAN_FAIL = 0x63
    NOT_FOUND = 0x69
    NOT_MATCH = 0x6A
    TRY_AGAIN = 0x6B
    TIME_OUT = 0x6C
    MEM_FULL = 0x6D
    UNSUPPORTED = 0x75
    INVALID_ID = 0x76
    BUSY = 0x80
    CANCELED = 0x81
    DATA_ERROR = 0x82
    FAKE_DETECTED = 0xB0


class SysParam(enum.IntEnum):
    """System parameter ids (UF manual, "System Parameter Summary")."""

    TIMEOUT = 0x62  # 0x30 infinite, 0x31 = 1 s ... 0x3A = 10 s (default) ... 0x44 = 20 s
    TEMPLATE_SIZE = 0x64
    BAUDRATE = 0x71
    SEND_SCAN_SUCCESS = 0x75  # 0x31 (default): send SCAN_SUCCESS before the result
    IMAGE_QUALITY = 0x81
    FAKE_DETECT = 0x98  # 0x30 off (default), 0x31 weak, 0x32 normal, 0x33 strong


SYSTEM_STATUS_NORMAL = 0x30  # SS answer param when the module is ready (pysfm tutorial trace)


def packet_checksum(data: bytes | bytearray) -> int:
    return sum(data[:11]) & 0xFF


@dataclass(frozen=True)
class Packet:
    """One 13-byte UniFinger packet."""

    command: int
    param: int = 0
    size: int = 0
    flag: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.command <= 0xFF or not 0 <= self.flag <= 0xFF:
            raise FrameError("command and flag are single bytes")
        if not 0 <= self.param <= 0xFFFFFFFF or not 0 <= self.size <= 0xFFFFFFFF:
            raise FrameError("param and size are 4-byte values")

    def to_bytes(self) -> bytes:
        body = struct.pack("<BBIIB", START, self.command, self.param, self.size, self.flag)
        return body + bytes([packet_checksum(body), END])

    @classmethod
    def from_bytes(cls, data: bytes | bytearray) -> Packet:
        """Exactly one packet; FrameError for anything else."""
        if len(data) != PACKET_LEN:
            raise FrameError(f"a packet is {PACKET_LEN} bytes, got {len(data)}")
        got = decode_at(data, 0)
        if got is None:  # pragma: no cover - 13 bytes are never incomplete
            raise FrameError("incomplete packet")
        return got[0]


def decode_at(buf: bytes | bytearray, i: int) -> tuple[Packet, int] | None:
    """The packet starting at `buf[i]`, None while incomplete, FrameError if it cannot be one."""
    if i >= len(buf) or buf[i] != START:
        raise FrameError("no 0x40 start code")
    if len(buf) - i < PACKET_LEN:
        return None
    if buf[i + 12] != END:
        raise FrameError("no 0x0A end code")
    if buf[i + 11] != packet_checksum(buf[i:i + 11]):
        raise FrameError("checksum mismatch")
    _, command, param, size, flag = struct.unpack_from("<BBIIB", buf, i)
    return Packet(command, param, size, flag), i + PACKET_LEN


def cut(buf: bytes | bytearray, max_frames: int | None = None) -> tuple[list[Packet], int]:
    """Complete packets at the front of `buf`, and how many bytes (with garbage) they used up."""
    return cut_frames(buf, bytes([START]), decode_at, max_frames)


def data_block_len(size: int, *, with_checksum: bool) -> int:
    return size + (4 if with_checksum else 0) + 1


def encode_data_block(data: bytes | bytearray, *, with_checksum: bool) -> bytes:
    """Binary data as the module sends it after a response packet."""
    tail = struct.pack("<I", sum(data) & 0xFFFFFFFF) if with_checksum else b""
    return bytes(data) + tail + bytes([END])


def decode_data_block(raw: bytes | bytearray, size: int, *, with_checksum: bool) -> bytearray:
    """The `size` data bytes of a block, checked; a new bytearray the caller can wipe."""
    expected = data_block_len(size, with_checksum=with_checksum)
    if len(raw) != expected:
        raise FrameError(f"data block of {len(raw)} bytes, expected {expected}")
    if raw[-1] != END:
        raise FrameError("data block does not end with 0x0A")
    data = bytearray(raw[:size])
    if with_checksum:
        (sent,) = struct.unpack_from("<I", raw, size)
        if sent != sum(data) & 0xFFFFFFFF:
            data[:] = bytes(len(data))
            raise FrameError("data block checksum mismatch")
    return data
