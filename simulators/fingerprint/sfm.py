"""The Suprema UniFinger SFM behaviour: SS, SW, SR, ST (with its finger wait), CA.

Scan Template waits for a finger up to the Timeout system parameter (on the simulator's clock),
sends SCAN_SUCCESS when one is placed (Send Scan Success parameter), then the result. Faults use
the module's codes (UF_Error.h): a dry finger SCAN_FAIL (0x63), a wet or partial one TRY_AGAIN
(0x6B), a replica with Fake Finger Detection on FAKE_DETECTED (0xB0).
"""

from __future__ import annotations

import asyncio

from common.clock import wait_for_a_person
from drivers.fingerprint import frames_sfm as sfm
from simulators.fingerprint.glass import Glass

# Power-up values of the parameters the simulator knows (manual, System Parameter Summary).
DEFAULT_PARAMETERS: dict[int, int] = {
    sfm.SysParam.TIMEOUT: 0x3A,  # 10 s
    sfm.SysParam.TEMPLATE_SIZE: 384,
    sfm.SysParam.BAUDRATE: 0x35,  # 115200
    sfm.SysParam.SEND_SCAN_SUCCESS: 0x31,
    sfm.SysParam.IMAGE_QUALITY: 0x31,
    sfm.SysParam.FAKE_DETECT: 0x30,  # off until the host turns it on
}
TIMEOUT_INFINITE = 0x30


class SfmDevice:
    def __init__(self, sim: Glass) -> None:
        self.sim = sim
        self.parameters = dict(DEFAULT_PARAMETERS)
        self._buf = bytearray()
        self._scan: asyncio.Task[None] | None = None

    def reset(self) -> None:
        self._buf.clear()
        if self._scan is not None:
            self._scan.cancel()
            self._scan = None

    def feed(self, data: bytes) -> None:
        self._buf += data
        packets, used = sfm.cut(self._buf)
        del self._buf[:used]
        for packet in packets:
            self.sim.requests += 1
            self._handle(packet)

    def _reply(self, command: int, *, param: int = 0, size: int = 0, flag: int = sfm.Flag.SUCCESS,
               data: bytes = b"") -> None:
        self.sim.send(sfm.Packet(command, param, size, flag).to_bytes() + data)

    def _handle(self, packet: sfm.Packet) -> None:
        command = packet.command
        if command == sfm.Command.SS:
            self._reply(command, param=sfm.SYSTEM_STATUS_NORMAL)
        elif command == sfm.Command.SW:
            if packet.flag in self.parameters:
                self.parameters[packet.flag] = packet.size
                self._reply(command)
            else:
                self._reply(command, flag=sfm.Flag.NOT_FOUND)
        elif command == sfm.Command.SR:
            if packet.flag in self.parameters:
                self._reply(command, size=self.parameters[packet.flag])
            else:
                self._reply(command, flag=sfm.Flag.NOT_FOUND)
        elif command == sfm.Command.ST:
            if self._scan is not None and not self._scan.done():
                self._reply(command, flag=sfm.Flag.BUSY)
            else:
                self._scan = asyncio.create_task(self._scan_template(packet.flag), name="sfm-sim-scan")
        elif command == sfm.Command.CA:
            if self._scan is not None and not self._scan.done():
                self._scan.cancel()
                self._reply(sfm.Command.ST, flag=sfm.Flag.CANCELED)
            self._scan = None
            self._reply(command)
        else:
            self._reply(command, flag=sfm.Flag.UNSUPPORTED)

    async def _scan_template(self, request_flag: int) -> None:
        sim = self.sim
        timeout = self.parameters[sfm.SysParam.TIMEOUT]
        if not sim.finger_present.is_set():
            try:
                if timeout == TIMEOUT_INFINITE:
                    await sim.finger_present.wait()
                else:
                    await wait_for_a_person(sim.clock, sim.finger_present.wait(), float(timeout - TIMEOUT_INFINITE))
            except TimeoutError:
                self._reply(sfm.Command.ST, flag=sfm.Flag.TIME_OUT)
                return
        finger = sim.finger
        if finger is None:  # lifted in the same instant
            self._reply(sfm.Command.ST, flag=sfm.Flag.TIME_OUT)
            return
        if self.parameters[sfm.SysParam.SEND_SCAN_SUCCESS] == 0x31:
            self._reply(sfm.Command.ST, flag=sfm.Flag.SCAN_SUCCESS)
        if finger.kind == "fake" and self.parameters[sfm.SysParam.FAKE_DETECT] != 0x30:
            self._reply(sfm.Command.ST, flag=sfm.Flag.FAKE_DETECTED)
            return
        quality = sim.take_quality()
        if quality == "dry":
            self._reply(sfm.Command.ST, flag=sfm.Flag.SCAN_FAIL)
            return
        if quality in ("wet", "partial"):
            self._reply(sfm.Command.ST, flag=sfm.Flag.TRY_AGAIN)
            return
        template = sim.template_for(finger)
        score = 70 + (sim.captures * 7) % 30  # a plausible 0..100 image quality
        block = sfm.encode_data_block(template, with_checksum=request_flag == sfm.ADD_CHECKSUM)
        self._reply(sfm.Command.ST, param=score, size=len(template), data=block)

