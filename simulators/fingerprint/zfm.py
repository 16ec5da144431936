"""The ZFM / R30x behaviour: GenImg, Img2Tz, UpChar, UpImage, VfyPwd, ReadSysPara.

Fault codes are the module's own (R30x manual, confirmation codes): a dry finger fails image
collection (GenImg 0x03), a wet one gives a disorderly image (Img2Tz 0x06), a partial one too few
feature points (Img2Tz 0x07). The family has no liveness check: a fake finger reads as an unknown one.
"""

from __future__ import annotations

import struct
from functools import cache

from drivers.fingerprint import frames_zfm as zfm
from simulators.fingerprint.glass import Finger, Glass, Quality

LIBRARY_SIZE = 1000  # templates the module can store (R307: 1000)
SECURITY_LEVEL = 3


@cache
def synthetic_image() -> bytes:
    """A 256x288 4-bit ridge pattern, two pixels a byte, as UpImage sends it."""
    rows = []
    for y in range(zfm.IMAGE_HEIGHT):
        row = bytearray()
        for x in range(0, zfm.IMAGE_WIDTH, 2):
            a = 15 if ((x + y) // 6) % 2 else 2
            b = 15 if ((x + 1 + y) // 6) % 2 else 2
            row.append(a << 4 | b)
        rows.append(bytes(row))
    return b"".join(rows)


class ZfmDevice:
    def __init__(self, sim: Glass) -> None:
        self.sim = sim
        self.address = zfm.DEFAULT_ADDRESS
        self.packet_size_code = 2  # 128 bytes, the manual's default
        self._buf = bytearray()
        self._image: tuple[Finger, Quality] | None = None
        self._chars: dict[int, bytes] = {}

    def reset(self) -> None:
        self._buf.clear()
        self._image = None
        self._chars.clear()

    def feed(self, data: bytes) -> None:
        self._buf += data
        packets, used = zfm.cut(self._buf)
        del self._buf[:used]
        for packet in packets:
            if packet.pid == zfm.PacketId.COMMAND and packet.payload and packet.address == self.address:
                self.sim.requests += 1
                self._handle(packet.code, packet.payload[1:])

    def _reply(self, confirm: int, params: bytes = b"", data: bytes | None = None) -> None:
        out = zfm.ack(confirm, params, self.address).to_bytes()
        if data is not None:
            size = zfm.PACKET_SIZES[self.packet_size_code]
            chunks = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
            for i, chunk in enumerate(chunks):
                pid = zfm.PacketId.END if i == len(chunks) - 1 else zfm.PacketId.DATA
                out += zfm.Packet(pid, chunk, self.address).to_bytes()
        self.sim.send(out)

    def _handle(self, instruction: int, params: bytes) -> None:
        sim = self.sim
        if instruction == zfm.Instruction.VFY_PWD:
            ok = len(params) == 4 and struct.unpack(">I", params)[0] == zfm.DEFAULT_PASSWORD
            self._reply(zfm.Confirm.OK if ok else zfm.Confirm.WRONG_PASSWORD)
        elif instruction == zfm.Instruction.READ_SYS_PARA:
            system = zfm.SystemParameters(0, 0, LIBRARY_SIZE, SECURITY_LEVEL, self.address,
                                          self.packet_size_code, sim.baudrate // 9600)
            self._reply(zfm.Confirm.OK, system.to_bytes())
        elif instruction == zfm.Instruction.GEN_IMG:
            finger = sim.finger
            if finger is None:
                self._reply(zfm.Confirm.NO_FINGER)
            elif sim.peek_quality() == "dry":
                sim.take_quality()
                self._image = None
                self._reply(zfm.Confirm.IMAGE_FAIL)
            else:
                self._image = (finger, sim.peek_quality())
                self._reply(zfm.Confirm.OK)
        elif instruction == zfm.Instruction.IMG2TZ:
            self._img2tz(params[:1])
        elif instruction == zfm.Instruction.UP_CHAR:
            template = self._chars.get(params[0] if params else 0)
            if template is None:
                self._reply(zfm.Confirm.UPLOAD_CHAR_FAIL)
            else:
                self._reply(zfm.Confirm.OK, data=template)
        elif instruction == zfm.Instruction.UP_IMAGE:
            if self._image is None:
                self._reply(zfm.Confirm.UPLOAD_IMAGE_FAIL)
            else:
                self._reply(zfm.Confirm.OK, data=synthetic_image())
        else:
            self._reply(zfm.Confirm.PACKET_ERROR)

    def _img2tz(self, buffer_id: bytes) -> None:
        if self._image is None or not buffer_id:
            self._reply(zfm.Confirm.NO_VALID_IMAGE)
            return
        finger, quality = self._image
        if quality in ("wet", "partial"):
            self.sim.take_quality()
            self._reply(zfm.Confirm.IMAGE_MESSY if quality == "wet" else zfm.Confirm.FEATURE_FAIL)
            return
        self._chars[buffer_id[0]] = self.sim.template_for(finger)
        self._reply(zfm.Confirm.OK)

