"""Request/response over a UniFinger SFM link: answers routed by command code, raw data blocks.

Every SFM answer repeats the command code, so a waiter is registered per command: Cancel (CA) can be
sent while a Scan Template (ST) is still waiting for a finger. After an ST answer that announces
`size` bytes, the next bytes are the raw data block, not packets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from common.clock import Clock
from drivers.fingerprint import frames_sfm as sfm
from drivers.fingerprint.errors import FingerprintTimeout
from drivers.fingerprint.protocol import Inbox, Link

log = logging.getLogger(__name__)

# Largest data block the driver accepts: UF_DEFAULT_DATA_PACKET_SIZE, 4 KiB (SDK UF_Packet.h); a
# template is 256..384 bytes (manual, Template Size parameter 0x64).
MAX_DATA = 4096
# After SCAN_SUCCESS the module extracts the template before answering. 1 s is an allowance chosen
# here, not a datasheet figure: generous against the sub-second extraction the module is sold on.
EXTRACT_ALLOWANCE = 1.0


@dataclass
class _Block:
    data: bytearray


class SfmLink(Link):
    def __init__(self, clock: Clock, response_timeout: float,
                 on_lost: Callable[[Link, Exception | None], None] | None = None) -> None:
        super().__init__(clock, response_timeout, on_lost)
        self._waiters: dict[int, Inbox] = {}
        self._data_commands: dict[int, bool] = {}
        self._raw: tuple[int, Inbox | None] | None = None

    def _process(self) -> None:
        while self._buf:
            if self._raw is not None:
                need, target = self._raw
                if len(self._buf) < need:
                    return
                self._raw = None
                self._deliver(target, _Block(self._consume(need)), "data block")
                continue
            packets, used = sfm.cut(self._buf, max_frames=1)
            self._drop(used)
            if not packets:
                return
            packet = packets[0]
            inbox = self._waiters.get(packet.command)
            if packet.command in self._data_commands and packet.flag == sfm.Flag.SUCCESS and packet.size:
                if packet.size > MAX_DATA:
                    log.debug("ignored a %d-byte data announcement", packet.size)
                    continue
                with_checksum = self._data_commands[packet.command]
                self._raw = (sfm.data_block_len(packet.size, with_checksum=with_checksum), inbox)
            self._deliver(inbox, packet, f"answer to 0x{packet.command:02X}")

    def _register(self, command: int, *, data_checksum: bool | None = None) -> Inbox:
        inbox = self.open_inbox()
        self._waiters[command] = inbox
        if data_checksum is not None:
            self._data_commands[command] = data_checksum
        return inbox

    def _unregister(self, command: int, inbox: Inbox) -> None:
        if self._waiters.get(command) is inbox:
            del self._waiters[command]
        self.close_inbox(inbox)

    async def request(self, command: int, param: int = 0, size: int = 0, flag: int = 0) -> sfm.Packet:
        """The answer to one command; a silent module gets one retry (twice the response timeout)."""
        async with self.lock:
            failure: FingerprintTimeout | None = None
            for attempt in range(2):
                inbox = self._register(command)
                try:
                    self.write(sfm.Packet(command, param, size, flag).to_bytes())
                    answer: sfm.Packet = await self.receive(inbox, self.response_timeout)
                    return answer
                except FingerprintTimeout as exc:
                    failure = exc
                    log.debug("command 0x%02X: no answer (attempt %d)", command, attempt + 1)
                finally:
                    self._unregister(command, inbox)
            assert failure is not None
            raise failure

    async def status_check(self) -> sfm.Packet:
        return await self.request(sfm.Command.SS)

    async def write_parameter(self, parameter: int, value: int) -> int:
        return (await self.request(sfm.Command.SW, 0, value, parameter)).flag

    async def read_parameter(self, parameter: int) -> tuple[int, int]:
        answer = await self.request(sfm.Command.SR, 0, 0, parameter)
        return answer.flag, answer.size

    async def scan_template(self, first_answer_within: float,
                            on_scan_success: Callable[[], None]) -> tuple[sfm.Packet, bytearray | None]:
        """Send ST with ADD_CHECKSUM; return the final answer and, on success, the checked template."""
        async with self.lock:
            inbox = self._register(sfm.Command.ST, data_checksum=True)
            try:
                self.write(sfm.Packet(sfm.Command.ST, 0, 0, sfm.ADD_CHECKSUM).to_bytes())
                within = first_answer_within
                while True:
                    answer: sfm.Packet = await self.receive(inbox, within)
                    if answer.flag == sfm.Flag.SCAN_SUCCESS:
                        on_scan_success()
                        within = self.response_timeout + EXTRACT_ALLOWANCE
                        continue
                    if answer.flag != sfm.Flag.SUCCESS or not answer.size:
                        return answer, None
                    block: _Block = await self.receive(inbox, self.response_timeout)
                    try:
                        return answer, sfm.decode_data_block(block.data, answer.size, with_checksum=True)
                    finally:
                        block.data[:] = bytes(len(block.data))
            finally:
                self._unregister(sfm.Command.ST, inbox)

    async def cancel(self) -> int | None:
        """Send CA (outside the lock, so it can stop a pending ST); its answer flag, None if silent."""
        if sfm.Command.CA in self._waiters:
            return None
        inbox = self._register(sfm.Command.CA)
        try:
            self.write(sfm.Packet(sfm.Command.CA).to_bytes())
            answer: sfm.Packet = await self.receive(inbox, self.response_timeout)
            return answer.flag
        except FingerprintTimeout:
            return None
        finally:
            self._unregister(sfm.Command.CA, inbox)
