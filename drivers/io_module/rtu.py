"""Modbus RTU framing (Modbus over Serial Line V1.02, §2.5.1): address, PDU, CRC-16 low byte first.

pymodbus frames the bytes the driver sends; this is our own reading of the specification, pinned by
its test vectors (tests/io_module), so a pymodbus upgrade that changed the bytes on the wire would
be caught by comparing the two.
"""

from __future__ import annotations

import struct

READ_DISCRETE_INPUTS = 0x02
READ_INPUT_REGISTERS = 0x04


class RtuFrameError(ValueError):
    """A frame too short, with a wrong CRC, or from another device."""


def crc16(data: bytes) -> int:
    """CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF), §6.2.2 of the serial line spec."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(device_id: int, pdu: bytes) -> bytes:
    """An RTU ADU: the device address, the PDU and the CRC (low byte first)."""
    if not 0 <= device_id <= 247:
        raise RtuFrameError(f"device address {device_id} is outside 0..247")
    body = bytes([device_id]) + pdu
    return body + struct.pack("<H", crc16(body))


def read_request(device_id: int, function: int, address: int, count: int) -> bytes:
    """A read request (FC 02 discrete inputs, FC 04 input registers) as it goes on the wire."""
    return frame(device_id, struct.pack(">BHH", function, address, count))


def unframe(adu: bytes, device_id: int) -> bytes:
    """The PDU of an RTU ADU from `device_id`, its CRC checked."""
    if len(adu) < 4:
        raise RtuFrameError(f"{len(adu)} bytes is shorter than an RTU frame")
    body, (crc,) = adu[:-2], struct.unpack("<H", adu[-2:])
    if crc16(body) != crc:
        raise RtuFrameError(f"CRC {crc:04x} does not match {crc16(body):04x}")
    if body[0] != device_id:
        raise RtuFrameError(f"frame from device {body[0]}, expected {device_id}")
    return body[1:]


def registers_response(device_id: int, registers: list[int]) -> bytes:
    """A device's answer to FC 04: byte count, then each register big-endian."""
    payload = b"".join(struct.pack(">H", r) for r in registers)
    return frame(device_id, bytes([READ_INPUT_REGISTERS, len(payload)]) + payload)


def bits_response(device_id: int, bits: list[bool]) -> bytes:
    """A device's answer to FC 02: byte count, then the inputs packed LSB first."""
    packed = bytearray((len(bits) + 7) // 8)
    for index, bit in enumerate(bits):
        if bit:
            packed[index // 8] |= 1 << (index % 8)
    return frame(device_id, bytes([READ_DISCRETE_INPUTS, len(packed)]) + bytes(packed))
