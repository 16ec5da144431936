"""A Modbus digital/analog I/O module (TCP or RTU): the booth's door switches, tilt sensor, UPS state
and cabinet thermometer (XFS4IoT Auxiliaries). `registers` is the documented register map, `rtu` our
reading of the RTU framing (pinned by the specification's vectors), `client` the async reader."""

from __future__ import annotations

from drivers.io_module.client import Endpoint, IoModule, IoModuleError, parse_endpoint
from drivers.io_module.registers import (
    DISCRETE_INPUTS,
    INPUT_REGISTERS,
    IoReading,
    RegisterError,
    decode,
    from_celsius,
)

__all__ = [
    "DISCRETE_INPUTS",
    "INPUT_REGISTERS",
    "Endpoint",
    "IoModule",
    "IoModuleError",
    "IoReading",
    "RegisterError",
    "decode",
    "from_celsius",
    "parse_endpoint",
]
