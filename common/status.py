"""One status model for every device, in XFS4IoT's words.

The controller decides what the kiosk can offer from these values alone, so a driver must never
report a state it has not observed: a device that does not answer is OFFLINE (or NO_DEVICE), never
"online with paper".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class DeviceState(enum.Enum):
    """XFS4IoT Common.Status.device values."""

    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "powerOff"
    NO_DEVICE = "noDevice"
    HARDWARE_ERROR = "hardwareError"
    USER_ERROR = "userError"
    DEVICE_BUSY = "deviceBusy"
    FRAUD_ATTEMPT = "fraudAttempt"

    @property
    def usable(self) -> bool:
        """A device in these states can serve a resident right now."""
        return self in (DeviceState.ONLINE, DeviceState.DEVICE_BUSY, DeviceState.USER_ERROR)


class SupplyLevel(enum.Enum):
    """XFS4IoT supply values, plus UNKNOWN for a device that did not say.

    What the kiosk hands out (paper, toner, the hopper's coins) uses the printer vocabulary: FULL is
    plenty, LOW, OUT. A container the kiosk fills (the bill stacker) uses XFS4IoT's cash-in storage
    words: OK while it has room, FULL when it can take no more, MISSING when it was pulled out.
    """

    FULL = "full"
    LOW = "low"
    OUT = "out"
    JAMMED = "jammed"
    UNKNOWN = "unknown"
    NOT_SUPPORTED = "notSupported"
    OK = "ok"
    MISSING = "missing"


@dataclass(frozen=True)
class DeviceStatus:
    """What one device is doing, as last observed.

    `reason` is a short machine-readable code (``"serial-timeout"``, ``"media-empty"``, ``"hopper-empty"``)
    that technicians see and tests assert; `detail` is free text for the log.
    `supplies` maps a supply name (``"paper"``, ``"toner"``, ``"coins:500"``) to its level.
    """

    device: str
    state: DeviceState
    reason: str = ""
    detail: str = ""
    supplies: dict[str, SupplyLevel] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.state.usable and not any(
            level in (SupplyLevel.OUT, SupplyLevel.JAMMED) for level in self.supplies.values()
        )

    @property
    def warnings(self) -> list[str]:
        """Supplies that a technician should refill before residents notice."""
        return sorted(name for name, level in self.supplies.items() if level is SupplyLevel.LOW)

    def with_state(self, state: DeviceState, reason: str = "", detail: str = "") -> DeviceStatus:
        return replace(self, state=state, reason=reason, detail=detail)

    def with_supply(self, name: str, level: SupplyLevel) -> DeviceStatus:
        return replace(self, supplies={**self.supplies, name: level})

    @classmethod
    def unknown(cls, device: str) -> DeviceStatus:
        """The status of a device before it has answered anything."""
        return cls(device=device, state=DeviceState.OFFLINE, reason="not-yet-contacted")
