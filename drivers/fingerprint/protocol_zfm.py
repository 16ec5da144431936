"""Request/response over a ZFM / R30x link: one command at a time, acks in order, data phases.

ZFM acknowledges carry no instruction code, so a request owns every packet that arrives while it
holds the lock; anything arriving with no request waiting is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import struct

from drivers.fingerprint import frames_zfm as zfm
from drivers.fingerprint.errors import FingerprintTimeout, FrameError
from drivers.fingerprint.protocol import Inbox, Link

log = logging.getLogger(__name__)

# Largest upload the driver accepts: an image (36,864 bytes, manual "UpImage") with room to spare;
# anything longer is a runaway stream, not a sensor answer.
MAX_UPLOAD = 65536


class ZfmLink(Link):
    address: int = zfm.DEFAULT_ADDRESS
    packet_size: int = 128  # manual default data packet length; replaced by ReadSysPara

    _inbox: Inbox | None = None
    # Acks still owed to requests that were cancelled after they were written (a capture given up while
    # the sensor was answering). ZFM acks do not say which command they answer: the next request would
    # take the late one as its own (Img2Tz "no finger", left over from a cancelled GenImg), so they are
    # dropped as they come.
    _stale_acks: int = 0
    _acked = False  # the request under way has had its ack delivered (whether or not it was read yet)

    def _process(self) -> None:
        packets, used = zfm.cut(self._buf)
        self._drop(used)
        for packet in packets:
            if packet.address != self.address:
                log.debug("dropped packet for address 0x%08X", packet.address)
                continue
            if packet.pid == zfm.PacketId.ACK:
                if self._stale_acks:
                    self._stale_acks -= 1
                    log.debug("dropped the late ack of a cancelled request")
                    continue
                self._acked = self._inbox is not None
            self._deliver(self._inbox, packet, f"packet id 0x{packet.pid:02X}")

    async def request(self, instruction: int, params: bytes = b"", *,
                      with_data: bool = False) -> tuple[int, bytes, bytearray | None]:
        """(confirmation code, ack parameters, uploaded data) for one command.

        A silent sensor or a "packet error" answer gets one retry, so the worst case is twice the
        response timeout before FingerprintTimeout.
        """
        async with self.lock:
            failure: FingerprintTimeout | None = None
            for attempt in range(2):
                inbox = self.open_inbox()
                self._inbox = inbox
                self._acked = False
                try:
                    self.write(zfm.command(instruction, params, self.address).to_bytes())
                    ack = await self._next_ack(inbox)
                    if ack.code == zfm.Confirm.PACKET_ERROR and attempt == 0:
                        continue
                    data = None
                    if with_data and ack.code == zfm.Confirm.OK:
                        data = await self._collect(inbox)
                    return ack.code, ack.payload[1:], data
                except FingerprintTimeout as exc:
                    failure = exc
                    log.debug("instruction 0x%02X: no answer (attempt %d)", instruction, attempt + 1)
                except asyncio.CancelledError:
                    if not self._acked:  # written, not answered yet: its ack is still on its way
                        self._stale_acks += 1
                    raise
                finally:
                    self._inbox = None
                    self.close_inbox(inbox)
            assert failure is not None
            raise failure

    async def verify_password(self, password: int = zfm.DEFAULT_PASSWORD) -> int:
        code, _, _ = await self.request(zfm.Instruction.VFY_PWD, struct.pack(">I", password))
        return code

    async def read_system_parameters(self) -> tuple[int, zfm.SystemParameters | None]:
        code, params, _ = await self.request(zfm.Instruction.READ_SYS_PARA)
        if code != zfm.Confirm.OK:
            return code, None
        system = zfm.SystemParameters.from_bytes(params)
        self.packet_size = system.packet_size
        return code, system

    async def _next_ack(self, inbox: Inbox) -> zfm.Packet:
        while True:
            packet: zfm.Packet = await self.receive(inbox, self.response_timeout)
            if packet.pid == zfm.PacketId.ACK and packet.payload:
                return packet
            log.debug("dropped packet id 0x%02X while waiting for an ack", packet.pid)

    async def _collect(self, inbox: Inbox) -> bytearray:
        data = bytearray()
        try:
            while True:
                packet: zfm.Packet = await self.receive(inbox, self.response_timeout)
                if packet.pid not in (zfm.PacketId.DATA, zfm.PacketId.END):
                    continue
                data += packet.payload
                if len(data) > MAX_UPLOAD:
                    raise FrameError(f"upload longer than {MAX_UPLOAD} bytes")
                if packet.pid == zfm.PacketId.END:
                    return data
        except BaseException:
            data[:] = bytes(len(data))
            raise
