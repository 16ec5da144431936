"""The I/O module's client: Modbus TCP or RTU (pymodbus, asyncio), read as one `IoReading` a poll.

A poll is two requests (FC 02 for the five discrete inputs, FC 04 for the three input registers). A
module that does not answer, answers with an exception, or sends fewer values than the map has is
reported through `status` (a `DeviceStatus` named "io_module") and raises `IoModuleError`; the
pymodbus client reconnects by itself on the next poll. A register that reads garbage (the UPS's charge
at 0xFFFF) does not lose the poll: the reading arrives with that value unknown, and the status stays
online with reason "bad-values" and the register named in its detail (logged once a change).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from common.status import DeviceState, DeviceStatus
from drivers.io_module.registers import (
    DISCRETE_INPUTS,
    DISCRETE_START,
    INPUT_REGISTERS,
    INPUT_START,
    IoReading,
    RegisterError,
    decode,
)

log = logging.getLogger(__name__)


class IoModuleError(RuntimeError):
    """The module could not be read: `reason` says why ("no-answer", "exception-response", "short-answer")."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Endpoint:
    kind: str  # "tcp" | "rtu"
    host: str = ""
    port: int = 0
    device: str = ""
    baudrate: int = 19200


def parse_endpoint(text: str) -> Endpoint:
    """"tcp://host:port" or "rtu:/dev/ttyUSB2:19200" (8N1, the serial line spec's default parity aside:
    I/O modules ship 8N1)."""
    if text.startswith("tcp://"):
        host, _, port = text[len("tcp://"):].rpartition(":")
        if host and port.isdigit():
            return Endpoint("tcp", host=host.strip("[]"), port=int(port))
    elif text.startswith("rtu:"):
        device, _, baud = text[len("rtu:"):].rpartition(":")
        if device and baud.isdigit():
            return Endpoint("rtu", device=device, baudrate=int(baud))
    raise ValueError(f"{text!r} is neither tcp://host:port nor rtu:/dev/ttyX:BAUD")


class IoModule:
    name = "io_module"

    def __init__(self, endpoint: str, *, device_id: int = 1, timeout: float = 1.0) -> None:
        self.endpoint = parse_endpoint(endpoint)
        self.device_id = device_id
        self.timeout = timeout
        self.status = DeviceStatus(self.name, DeviceState.OFFLINE, "not-started")
        self._client: Any = None

    def _build(self) -> Any:
        from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient

        e = self.endpoint
        if e.kind == "tcp":
            return AsyncModbusTcpClient(e.host, port=e.port, timeout=self.timeout, retries=1,
                                        reconnect_delay=0)
        return AsyncModbusSerialClient(e.device, baudrate=e.baudrate, bytesize=8, parity="N", stopbits=1,
                                       timeout=self.timeout, retries=1, reconnect_delay=0)

    async def read(self) -> IoReading:
        """One poll: the inputs and registers, decoded. Raises `IoModuleError` (and says so in `status`)."""
        from pymodbus.exceptions import ModbusException

        try:
            if self._client is None:
                self._client = self._build()
            if not self._client.connected and not await self._client.connect():
                raise IoModuleError("no-answer", "cannot connect")
            bits = await self._client.read_discrete_inputs(DISCRETE_START, count=len(DISCRETE_INPUTS),
                                                           device_id=self.device_id)
            regs = await self._client.read_input_registers(INPUT_START, count=len(INPUT_REGISTERS),
                                                           device_id=self.device_id)
            if bits.isError() or regs.isError():
                raise IoModuleError("exception-response", f"{bits} {regs}")
            reading = decode(list(bits.bits), list(regs.registers))
        except IoModuleError as exc:
            self._failed(exc.reason, str(exc))
            raise
        except RegisterError as exc:
            self._failed("short-answer", str(exc))
            raise IoModuleError("short-answer", str(exc)) from exc
        except (ModbusException, OSError, TimeoutError) as exc:
            self._failed("no-answer", repr(exc))
            await self.close()
            raise IoModuleError("no-answer", repr(exc)) from exc
        if not self.status.state.usable:
            log.info("I/O module online")
        self.status = self._answered(reading)
        return reading

    def _answered(self, reading: IoReading) -> DeviceStatus:
        """Online; with reason "bad-values" while a register reads nothing its sensor can mean (logged
        when that starts, changes or ends, not at every poll)."""
        detail = "; ".join(reading.unreadable)
        if detail != (self.status.detail if self.status.reason == "bad-values" else ""):
            if detail:
                log.warning("I/O module: registers read garbage, taken as unknown: %s", detail)
            else:
                log.info("I/O module: every register reads a value again")
        if detail:
            return DeviceStatus(self.name, DeviceState.ONLINE, "bad-values", detail)
        return DeviceStatus(self.name, DeviceState.ONLINE)

    def _failed(self, reason: str, detail: str) -> None:
        if self.status.reason != reason:
            log.warning("I/O module: %s (%s)", reason, detail)
        self.status = DeviceStatus(self.name, DeviceState.OFFLINE, reason, detail)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
