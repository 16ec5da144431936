"""Frames of the ZFM / R30x / R50x fingerprint module family (pure, no I/O).

Source: R30x / R503 user manuals, "Communication protocol / Format of data package" and
"Instruction set"; the same layout is in the R503 manual pages 8-10 and Adafruit's library.

    EF 01 | address (4, BE) | packet id (1) | length (2, BE) = len(payload) + 2 | payload | checksum (2, BE)

The checksum is the sum of packet id, both length bytes and every payload byte; carries beyond two
bytes are dropped. A command payload starts with the instruction code; an acknowledge payload starts
with the confirmation code.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from drivers.fingerprint._framing import cut_frames
from drivers.fingerprint.errors import FrameError

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
DEFAULT_PASSWORD = 0x00000000
DEFAULT_BAUDRATE = 57600  # R30x manual: "default 57600 bps" (9600 * N, N = 6)
# Data packets are 32, 64, 128 or 256 bytes (manual, "data package length" system parameter);
# no packet of the protocol carries a longer payload.
MAX_PAYLOAD = 256
_HEAD_LEN = 9  # header 2 + address 4 + packet id 1 + length 2
OVERHEAD = _HEAD_LEN + 2  # plus the checksum


class PacketId(enum.IntEnum):
    COMMAND = 0x01
    DATA = 0x02
    ACK = 0x07
    END = 0x08  # last data packet


class Instruction(enum.IntEnum):
    GEN_IMG = 0x01
    IMG2TZ = 0x02
    UP_CHAR = 0x08
    UP_IMAGE = 0x0A
    READ_SYS_PARA = 0x0F
    VFY_PWD = 0x13


class Confirm(enum.IntEnum):
    OK = 0x00
    PACKET_ERROR = 0x01
    NO_FINGER = 0x02
    IMAGE_FAIL = 0x03  # GenImg: "fail to collect finger"
    IMAGE_MESSY = 0x06  # Img2Tz: "over-disorderly fingerprint image"
    FEATURE_FAIL = 0x07  # Img2Tz: "lackness of character point or over-smallness of image"
    NO_MATCH = 0x08
    NOT_FOUND = 0x09
    UPLOAD_CHAR_FAIL = 0x0D
    UPLOAD_IMAGE_FAIL = 0x0F
    WRONG_PASSWORD = 0x13
    NO_VALID_IMAGE = 0x15  # Img2Tz: "lackness of valid primary image"


# "Data package length" system parameter code -> bytes per data packet (manual, ReadSysPara).
PACKET_SIZES = {0: 32, 1: 64, 2: 128, 3: 256}
# R30x image: 256 x 288 pixels, uploaded as 4 bits per pixel, two pixels per byte (manual, UpImage).
IMAGE_WIDTH, IMAGE_HEIGHT = 256, 288
IMAGE_BYTES = IMAGE_WIDTH * IMAGE_HEIGHT // 2


def checksum(pid: int, payload: bytes | bytearray) -> int:
    length = len(payload) + 2
    return (pid + (length >> 8) + (length & 0xFF) + sum(payload)) & 0xFFFF


@dataclass(frozen=True)
class Packet:
    """One ZFM packet."""

    pid: int
    payload: bytes
    address: int = DEFAULT_ADDRESS

    def __post_init__(self) -> None:
        if self.pid not in PacketId._value2member_map_:
            raise FrameError(f"unknown packet id 0x{self.pid:02X}")
        if len(self.payload) > MAX_PAYLOAD:
            raise FrameError(f"payload of {len(self.payload)} bytes exceeds {MAX_PAYLOAD}")
        if not 0 <= self.address <= 0xFFFFFFFF:
            raise FrameError("address out of range")

    @property
    def code(self) -> int:
        """First payload byte: the instruction of a command, the confirmation code of an ack."""
        if not self.payload:
            raise FrameError("packet has no payload")
        return self.payload[0]

    def to_bytes(self) -> bytes:
        length = len(self.payload) + 2
        return (HEADER + struct.pack(">IBH", self.address, self.pid, length) + self.payload
                + struct.pack(">H", checksum(self.pid, self.payload)))

    @classmethod
    def from_bytes(cls, data: bytes | bytearray) -> Packet:
        """Exactly one packet; FrameError for anything else."""
        got = decode_at(data, 0)
        if got is None:
            raise FrameError(f"incomplete packet ({len(data)} bytes)")
        packet, end = got
        if end != len(data):
            raise FrameError(f"{len(data) - end} bytes after the packet")
        return packet


def command(instruction: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> Packet:
    return Packet(PacketId.COMMAND, bytes([instruction]) + params, address)


def ack(confirm: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> Packet:
    return Packet(PacketId.ACK, bytes([confirm]) + params, address)


def decode_at(buf: bytes | bytearray, i: int) -> tuple[Packet, int] | None:
    """The packet starting at `buf[i]`, None while incomplete, FrameError if it cannot be one."""
    if len(buf) - i < 2:
        return None
    if buf[i:i + 2] != HEADER:
        raise FrameError("no EF01 header")
    if len(buf) - i < _HEAD_LEN:
        return None
    address, pid, length = struct.unpack_from(">IBH", buf, i + 2)
    if pid not in PacketId._value2member_map_:
        raise FrameError(f"unknown packet id 0x{pid:02X}")
    if not 2 <= length <= MAX_PAYLOAD + 2:
        raise FrameError(f"length {length} out of range")
    end = i + _HEAD_LEN + length
    if len(buf) < end:
        return None
    payload = bytes(buf[i + _HEAD_LEN:end - 2])
    (sent,) = struct.unpack_from(">H", buf, end - 2)
    if sent != checksum(pid, payload):
        raise FrameError(f"checksum 0x{sent:04X} != 0x{checksum(pid, payload):04X}")
    return Packet(pid, payload, address), end


def cut(buf: bytes | bytearray) -> tuple[list[Packet], int]:
    """Complete packets at the front of `buf`, and how many bytes (with garbage) they used up."""
    return cut_frames(buf, HEADER, decode_at)


@dataclass(frozen=True)
class SystemParameters:
    """The 16 bytes after the confirmation code of ReadSysPara (0x0F), all big-endian."""

    status: int
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size_code: int
    baud_factor: int

    @property
    def packet_size(self) -> int:
        return PACKET_SIZES.get(self.packet_size_code, 128)

    @property
    def baudrate(self) -> int:
        return 9600 * self.baud_factor

    def to_bytes(self) -> bytes:
        return struct.pack(">HHHHIHH", self.status, self.system_id, self.library_size,
                           self.security_level, self.address, self.packet_size_code, self.baud_factor)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray) -> SystemParameters:
        if len(data) != 16:
            raise FrameError(f"system parameters are 16 bytes, got {len(data)}")
        return cls(*struct.unpack(">HHHHIHH", data))
