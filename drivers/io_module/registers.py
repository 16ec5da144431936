"""The I/O module's register map (what the booth integrator wires to which input) and its decoding.

XFS4IoT's Auxiliaries class names these sensors (the cabinet door, the safe door, tilt, the power
supply); a booth integrator wires them to a Modbus digital/analog I/O module. This map is the
module's documented layout; a module wired otherwise is configured to it (or the map is changed here,
in one place, with the simulator that follows it):

| table | address | name | meaning |
| --- | --- | --- | --- |
| discrete input (FC 02) | 0 | service_door | 1 = the service (cabinet) door is open |
| discrete input | 1 | cashbox_door | 1 = the cash box's door is open |
| discrete input | 2 | tilt | 1 = the tilt/vibration switch tripped (the booth was moved or struck) |
| discrete input | 3 | mains_lost | 1 = no mains power: the UPS is running the booth on battery |
| discrete input | 4 | battery_low | 1 = the UPS says its battery is low |
| input register (FC 04) | 0 | temperature | cabinet temperature, 0.1 °C, signed 16 bit (-40.0 .. 125.0) |
| input register | 1 | ups_charge | UPS battery charge, % (0..100) |
| input register | 2 | ups_runtime | UPS runtime left at the present load, seconds (0..65535) |

All addresses are the protocol's (0-based) ones, the ones on the wire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DISCRETE_INPUTS = ("service_door", "cashbox_door", "tilt", "mains_lost", "battery_low")
INPUT_REGISTERS = ("temperature", "ups_charge", "ups_runtime")
DISCRETE_START, INPUT_START = 0, 0
# The thermometer's range: a reading outside it is a broken or unwired probe, not a temperature.
TEMPERATURE_RANGE = (-40.0, 125.0)


class RegisterError(ValueError):
    """A reading the map cannot mean: too few values, a register out of 16 bits, a charge above 100 %."""


@dataclass(frozen=True)
class IoReading:
    service_door_open: bool
    cashbox_door_open: bool
    tilted: bool
    mains_lost: bool
    battery_low: bool
    temperature_c: float | None  # None: the probe reads outside its range (broken or unwired)
    ups_charge: int
    ups_runtime_s: int


def to_signed(word: int) -> int:
    """A 16-bit register as two's complement (temperatures below zero)."""
    if not 0 <= word <= 0xFFFF:
        raise RegisterError(f"register value {word} is not 16 bits")
    return word - 0x10000 if word & 0x8000 else word


def from_celsius(celsius: float) -> int:
    """The register word for a temperature (the simulator writes these)."""
    tenths = round(celsius * 10)
    if not -0x8000 <= tenths <= 0x7FFF:
        raise RegisterError(f"{celsius} C does not fit a signed 16-bit register in 0.1 C")
    return tenths & 0xFFFF


def decode(bits: Sequence[bool], registers: Sequence[int]) -> IoReading:
    """The reading from the discrete inputs (at least 5) and the input registers (at least 3)."""
    if len(bits) < len(DISCRETE_INPUTS) or len(registers) < len(INPUT_REGISTERS):
        raise RegisterError(f"expected {len(DISCRETE_INPUTS)} inputs and {len(INPUT_REGISTERS)} registers, "
                            f"got {len(bits)} and {len(registers)}")
    temperature_word, charge, runtime = registers[0], registers[1], registers[2]
    for word in (charge, runtime):
        if not 0 <= word <= 0xFFFF:
            raise RegisterError(f"register value {word} is not 16 bits")
    if charge > 100:
        raise RegisterError(f"UPS charge {charge} % is above 100 %")
    celsius: float | None = to_signed(temperature_word) / 10
    low, high = TEMPERATURE_RANGE
    if not low <= celsius <= high:  # type: ignore[operator]
        celsius = None
    return IoReading(service_door_open=bool(bits[0]), cashbox_door_open=bool(bits[1]), tilted=bool(bits[2]),
                     mains_lost=bool(bits[3]), battery_low=bool(bits[4]), temperature_c=celsius,
                     ups_charge=charge, ups_runtime_s=runtime)
