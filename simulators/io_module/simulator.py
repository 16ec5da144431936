"""A Modbus digital/analog I/O module: the other end of the driver's wire, TCP (pymodbus's server) or
RTU on a PTY (our own responder, framed by drivers/io_module/rtu.py, the codec the tests pin).

The register map is drivers/io_module/registers.py's. Controls set what the sensors read: the doors,
the tilt switch, the mains and the UPS, the cabinet temperature; `ups_link` false makes the UPS's
registers read all ones (a UPS whose own link to the module dropped, while its contacts still work);
`silent` makes the module stop answering (a cut cable or a dead module).
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from common.control_socket import bounded
from drivers.io_module.registers import DISCRETE_INPUTS, from_celsius
from drivers.io_module.rtu import (
    READ_DISCRETE_INPUTS,
    READ_INPUT_REGISTERS,
    RtuFrameError,
    bits_response,
    frame,
    registers_response,
    unframe,
)

log = logging.getLogger(__name__)

ILLEGAL_FUNCTION, ILLEGAL_ADDRESS = 0x01, 0x02
UPS_LINK_DOWN = 0xFFFF  # what many UPSes' registers read on a module once the UPS's own link drops


class IoModuleSimulator:
    """A Modbus digital/analog I/O module (XFS4IoT Auxiliaries): service and cash-box door switches, a tilt
    switch, the UPS's mains-lost and battery-low contacts as discrete inputs; cabinet temperature (0.1 °C),
    UPS charge (%) and runtime (s) as input registers (the map: drivers/io_module/registers.py)."""

    name = "io_module"

    def __init__(self, *, port: int = 0, host: str = "127.0.0.1", device_id: int = 1,
                 rtu_link: Path | None = None) -> None:
        self.host, self.port, self.device_id = host, port, device_id
        self.rtu_link = rtu_link
        self.inputs = dict.fromkeys(DISCRETE_INPUTS, False)
        self.temperature_c = 28.0
        self.ups_charge = 100
        self.ups_runtime_s = 1800
        self.ups_link = True  # False: the UPS's registers read 0xFFFF (its link to the module is down)
        self._silent = False
        self._server: Any = None
        self._server_task: asyncio.Task[Any] | None = None
        self._context: Any = None
        self._pty: Any = None
        self._rx = bytearray()
        self.requests = 0

    # -- the register values -------------------------------------------------------------------------

    def bits(self) -> list[bool]:
        return [self.inputs[name] for name in DISCRETE_INPUTS]

    def registers(self) -> list[int]:
        if not self.ups_link:
            return [from_celsius(self.temperature_c), UPS_LINK_DOWN, UPS_LINK_DOWN]
        return [from_celsius(self.temperature_c), self.ups_charge, self.ups_runtime_s]

    async def _sync(self) -> None:
        """Copy the values into pymodbus's server (TCP); the RTU responder reads them directly."""
        if self._server is None:
            return
        # Function codes 2 (discrete inputs) and 4 (input registers); addresses as on the wire.
        await self._server.async_setValues(self.device_id, 2, 0, self.bits())
        await self._server.async_setValues(self.device_id, 4, 0, self.registers())

    # -- the wire --------------------------------------------------------------------------------------

    async def start(self) -> str:
        if self.rtu_link is not None:
            from simulators.fingerprint.port import PtyPort

            self._pty = PtyPort(self.rtu_link, self._on_rtu_bytes, baudrate=19200, pace=False)
            await self._pty.plug()
            return f"rtu:{self.rtu_link}:19200"
        from pymodbus.simulator import DataType, SimData, SimDevice

        # pymodbus 3.16's SimDevice (its datastore classes are going in v4): four separate tables, of
        # which the module has two (coils and holding registers stay empty).
        def table(kind: DataType) -> list[SimData]:
            return [SimData(0, count=16, values=0, datatype=kind)]

        self._context = SimDevice(self.device_id, simdata=(table(DataType.BITS), table(DataType.BITS),
                                                           table(DataType.REGISTERS), table(DataType.REGISTERS)))
        await self._listen()
        return f"tcp://{self.host}:{self.port}"

    async def _listen(self) -> None:
        from pymodbus.server import ModbusTcpServer

        self._server = ModbusTcpServer(self._context, address=(self.host, self.port), trace_pdu=self._trace_pdu)
        await self._server.listen()
        transport = self._server.transport
        self.port = transport.sockets[0].getsockname()[1] if transport is not None else self.port
        await self._sync()

    def _trace_pdu(self, sending: bool, pdu: Any) -> Any:
        if not sending:
            self.requests += 1
        return pdu

    def _on_rtu_bytes(self, data: bytes) -> None:
        """Requests are 8 bytes (address, function, start, count, CRC): answer each whole one."""
        self._rx += data
        while len(self._rx) >= 8:
            request, self._rx = bytes(self._rx[:8]), self._rx[8:]
            answer = self.answer_rtu(request)
            if answer and self._pty is not None:
                self._pty.send(answer)

    def answer_rtu(self, request: bytes) -> bytes:
        """The module's RTU answer to one request frame (b"" for none: another device's, a bad CRC, silent)."""
        try:
            pdu = unframe(request, self.device_id)
        except RtuFrameError as exc:
            log.debug("io_module: ignored frame %s (%s)", request.hex(" "), exc)
            self._rx.clear()  # resynchronise on the next request (a real device waits 3.5 characters)
            return b""
        self.requests += 1
        if self._silent:
            return b""
        function, start, count = struct.unpack(">BHH", pdu[:5])
        if function not in (READ_DISCRETE_INPUTS, READ_INPUT_REGISTERS):
            return frame(self.device_id, bytes([function | 0x80, ILLEGAL_FUNCTION]))
        table: list[Any] = list(self.bits()) if function == READ_DISCRETE_INPUTS else list(self.registers())
        if count < 1 or start + count > len(table):
            return frame(self.device_id, bytes([function | 0x80, ILLEGAL_ADDRESS]))
        values = table[start:start + count]
        if function == READ_DISCRETE_INPUTS:
            return bits_response(self.device_id, values)
        return registers_response(self.device_id, values)

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.shutdown()
            self._server = None
        if self._pty is not None:
            await self._pty.unplug()
            self._pty = None

    # -- controls --------------------------------------------------------------------------------------

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"set": self.set, "state": self.state, "silent": self.silent}

    @bounded(temperature=(-40.0, 125.0), charge=(0, 100), runtime=(0, 65534))
    async def set(self, *, service_door: bool | None = None, cashbox_door: bool | None = None,
                  tilt: bool | None = None, mains: bool | None = None, battery_low: bool | None = None,
                  temperature: float | None = None, charge: int | None = None,
                  runtime: int | None = None, ups_link: bool | None = None) -> dict[str, Any]:
        """Set what the sensors read: doors open (true), tilt tripped, mains present, °C, UPS % and seconds,
        and whether the UPS's link to the module works (false: its registers read all ones)."""
        for name, value in (("service_door", service_door), ("cashbox_door", cashbox_door), ("tilt", tilt),
                            ("battery_low", battery_low)):
            if value is not None:
                self.inputs[name] = bool(value)
        if mains is not None:
            self.inputs["mains_lost"] = not mains
        if temperature is not None:
            self.temperature_c = float(temperature)
        if charge is not None:
            self.ups_charge = int(charge)
        if runtime is not None:
            self.ups_runtime_s = int(runtime)
        if ups_link is not None:
            self.ups_link = bool(ups_link)
        await self._sync()
        return self.state()

    def state(self) -> dict[str, Any]:
        """What the sensors read now, and how many requests the module has answered."""
        return {**self.inputs, "temperature": self.temperature_c, "charge": self.ups_charge,
                "runtime": self.ups_runtime_s, "ups_link": self.ups_link, "requests": self.requests,
                "silent": self._silent}

    async def silent(self, on: bool) -> None:
        """Stop answering (a cut cable or a dead module) while `on`: on TCP the module drops its
        connections and stops listening; on RTU it hears requests and says nothing."""
        was, self._silent = self._silent, bool(on)
        if self._context is None or was == self._silent:
            return
        if self._silent and self._server is not None:
            await self._server.shutdown()
            self._server = None
        elif not self._silent:
            await self._listen()
