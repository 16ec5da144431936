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
| input register | 2 | ups_runtime | UPS runtime left at the present load, seconds (0..65534) |

All addresses are the protocol's (0-based) ones, the ones on the wire.

Each value is decoded on its own. An analog register outside its physical range (a charge of 0xFFFF %:
many UPSes report all ones once their own link to the module drops; a runtime of 0xFFFF, the same; a
probe past its range) reads as unknown (None) and is named in `IoReading.unreadable`, while the doors,
the tilt switch and the mains still arrive: one bad register must never hide a cash-box door opened
at night or a power cut. Only a reading too short to say which input is which is refused whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DISCRETE_INPUTS = ("service_door", "cashbox_door", "tilt", "mains_lost", "battery_low")
INPUT_REGISTERS = ("temperature", "ups_charge", "ups_runtime")
DISCRETE_START, INPUT_START = 0, 0
# The thermometer's range: a reading outside it is a broken or unwired probe, not a temperature.
TEMPERATURE_RANGE = (-40.0, 125.0)
# What the UPS's registers can mean. 0xFFFF is left out of the runtime: it is the all-ones word of a UPS
# whose link to the module dropped (18 hours on a booth's UPS is not a reading, it is that word).
UPS_CHARGE_RANGE = (0, 100)
UPS_RUNTIME_RANGE = (0, 0xFFFE)


class RegisterError(ValueError):
    """A reading the map cannot mean at all: fewer inputs or registers than the map has, or a temperature
    that does not fit a register (the simulator's side)."""


@dataclass(frozen=True)
class IoReading:
    service_door_open: bool
    cashbox_door_open: bool
    tilted: bool
    mains_lost: bool
    battery_low: bool
    temperature_c: float | None  # None: the probe reads outside its range (broken or unwired)
    ups_charge: int | None  # None: the register reads no charge (see `unreadable`)
    ups_runtime_s: int | None  # None: the register reads no runtime (see `unreadable`)
    # The registers that read nothing their sensor can mean, each as "name=word (expected range)": the
    # driver reports them in its status, so a technician sees which wire or device to look at.
    unreadable: tuple[str, ...] = ()


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


def _word(name: str, word: int, unreadable: list[str]) -> int | None:
    """A register's 16-bit word, or None (noted in `unreadable`) for a value no register can hold."""
    if 0 <= word <= 0xFFFF:
        return word
    unreadable.append(f"{name}={word} (not a 16-bit register)")
    return None


def _within(name: str, value: float | None, word: int, valid: tuple[float, float], unit: str, *,
            unreadable: list[str]) -> bool:
    """Whether a decoded value is physically possible; if not, it is noted (with its raw word)."""
    if value is None:
        return False
    low, high = valid
    if low <= value <= high:
        return True
    unreadable.append(f"{name}={word} (expected {low:g}..{high:g} {unit})")
    return False


def decode(bits: Sequence[bool], registers: Sequence[int]) -> IoReading:
    """The reading from the discrete inputs (at least 5) and the input registers (at least 3): each analog
    value on its own, unknown (None) when its register reads garbage, the digital inputs always."""
    if len(bits) < len(DISCRETE_INPUTS) or len(registers) < len(INPUT_REGISTERS):
        raise RegisterError(f"expected {len(DISCRETE_INPUTS)} inputs and {len(INPUT_REGISTERS)} registers, "
                            f"got {len(bits)} and {len(registers)}")
    unreadable: list[str] = []
    temperature_word = _word("temperature", registers[0], unreadable)
    celsius = None if temperature_word is None else to_signed(temperature_word) / 10
    if not _within("temperature", celsius, registers[0], TEMPERATURE_RANGE, "C", unreadable=unreadable):
        celsius = None
    charge = _word("ups_charge", registers[1], unreadable)
    if not _within("ups_charge", charge, registers[1], UPS_CHARGE_RANGE, "%", unreadable=unreadable):
        charge = None
    runtime = _word("ups_runtime", registers[2], unreadable)
    if not _within("ups_runtime", runtime, registers[2], UPS_RUNTIME_RANGE, "s", unreadable=unreadable):
        runtime = None
    return IoReading(service_door_open=bool(bits[0]), cashbox_door_open=bool(bits[1]), tilted=bool(bits[2]),
                     mains_lost=bool(bits[3]), battery_low=bool(bits[4]), temperature_c=celsius,
                     ups_charge=charge, ups_runtime_s=runtime, unreadable=tuple(unreadable))
