"""The barcode scanner simulator: the other end of the serial wire, and a phone held up to it.

A Honeywell-family 2D scanner on a PTY (the same PtyPort as the fingerprint sensor, behind a stable
symlink). It answers menu commands as the family does (the command echoed, ACK / ENQ / NAK before each
punctuation mark), keeps its settings (volatile "!" ones are lost at power-off), and in serial trigger
mode (TRGMOD0) reads one code per trigger: the QR on the resident's phone (`show_phone(text)`), sent
as its characters and the configured suffix; after the beep the resident takes the phone away. At
power-up it is in its factory mode, presentation (TRGMOD3) with no suffix, so a kiosk that did not set
it up reads nothing it can frame.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from common.control_socket import default_run_dir
from drivers.barcode_scanner.frames import ACK, ENQ, NAK, HostMenu, HostTrigger, echo, parse_host
from simulators.fingerprint.port import PtyPort

# Tag SubTag -> the values the simulator accepts (the family's user guide lists many more).
_SETTINGS: dict[str, Callable[[str], bool]] = {
    "TRGMOD": lambda v: v in ("0", "3"),  # manual/serial trigger, presentation
    "TRGSTO": lambda v: v.isdigit() and int(v) <= 300_000,  # serial read time-out, ms (0: none)
    "SUFBK2": lambda v: len(v) >= 4 and v[:2] == "99" and all(c in "0123456789ABCDEFabcdef" for c in v[2:]),
}
FACTORY = {"TRGMOD": "3", "TRGSTO": "0", "SUFBK2": ""}


def default_link() -> Path:
    return default_run_dir() / "dev" / "barcode_scanner"


class BarcodeScannerSimulator:
    """Implements `simulators.process.Simulator` for a serial 2D barcode scanner."""

    name = "barcode_scanner"

    def __init__(self, *, link: Path | str | None = None, pace: bool = False) -> None:
        self.port = PtyPort(Path(link) if link is not None else default_link(), self._received,
                            baudrate=115_200, pace=pace)
        self._inbox = bytearray()
        self.settings: dict[str, str] = dict(FACTORY)
        self.saved: dict[str, str] = dict(FACTORY)  # the non-volatile table
        self.triggered = False
        self.phone: str | None = None  # the code on the phone held up to the window
        self.reads: list[str] = []
        self.commands: list[str] = []

    async def start(self) -> str:
        await self.port.plug()
        return str(self.port.link)

    async def stop(self) -> None:
        await self.port.unplug()

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"show_phone": self.show_phone, "take_phone_away": self.take_phone_away,
                "power_cycle": self.power_cycle, "unplug": self.unplug, "replug": self.replug,
                "tear_read": self.tear_read, "state": self.state}

    # Controls ---------------------------------------------------------------------------------
    def show_phone(self, text: str) -> dict[str, Any]:
        """The resident holds a phone showing a QR of `text` to the scanner's window."""
        self.phone = str(text)
        self._maybe_read()
        return self.state()

    def take_phone_away(self) -> dict[str, Any]:
        self.phone = None
        return self.state()

    def power_cycle(self) -> dict[str, Any]:
        """Power off and on: volatile settings go back to the saved table, the trigger is released."""
        self._power_off()
        return self.state()

    def _power_off(self) -> None:
        self.settings = dict(self.saved)
        self.triggered = False
        self._inbox.clear()

    async def unplug(self) -> dict[str, Any]:
        """Pull the USB cable: the PTY closes, the device path goes, the scanner forgets its setup.

        The driver's port fails; without power the scanner loses its volatile settings and its trigger."""
        await self.port.unplug()
        self._power_off()
        return self.state()

    async def replug(self) -> dict[str, Any]:
        """Plug it back: a new PTY behind the same path, the scanner in its saved (factory) settings.

        A kiosk must set it up again (trigger mode, suffix) before it reads anything it can frame."""
        await self.port.plug()
        return self.state()

    def tear_read(self, text: str, keep: int | None = None) -> dict[str, Any]:
        """A read cut short: the first `keep` bytes of `text` (default half), no suffix, then silence.

        As when the cable is pulled or the scanner browns out mid-transmission; the trigger is spent."""
        data = str(text).encode("utf-8")
        cut = len(data) // 2 if keep is None else max(0, min(int(keep), len(data)))
        self.port.send(data[:cut])
        self.triggered = False
        return self.state()

    def state(self) -> dict[str, Any]:
        """Settings, whether the trigger is on, the phone shown, and every read sent (oldest first)."""
        return {"settings": dict(self.settings), "triggered": self.triggered, "phone": self.phone,
                "reads": list(self.reads), "commands": list(self.commands), "plugged": self.port.plugged}

    # The wire -----------------------------------------------------------------------------------
    def _received(self, data: bytes) -> None:
        self._inbox += data
        for frame in parse_host(self._inbox):
            if isinstance(frame, HostTrigger):
                self.triggered = frame.on and self.settings["TRGMOD"] == "0"
                self._maybe_read()
            else:
                self._menu(frame)

    def _menu(self, menu: HostMenu) -> None:
        statuses: list[int] = []
        for command in menu.commands:
            self.commands.append(command)
            key, value = command[:6].upper(), command[6:]
            check = _SETTINGS.get(key)
            if check is None:
                statuses.append(ENQ)
            elif not check(value):
                statuses.append(NAK)
            else:
                self.settings[key] = value.upper()
                if menu.storage == ".":
                    self.saved[key] = value.upper()
                statuses.append(ACK)
        self.port.send(echo(menu.raw, statuses, menu.storage))

    def _maybe_read(self) -> None:
        presenting = self.settings["TRGMOD"] == "3"
        if self.phone is None or not (self.triggered or presenting):
            return
        self.reads.append(self.phone)
        self.port.send(self.phone.encode("utf-8") + _suffix(self.settings["SUFBK2"]))
        self.triggered = False  # serial trigger mode: one read per trigger
        self.phone = None  # the scanner beeped: the resident takes the phone away


def _suffix(setting: str) -> bytes:
    """SUFBK2 "99" + hex bytes: the suffix after every symbology ("990D": CR)."""
    hexes = setting[2:]
    return bytes.fromhex(hexes) if hexes else b""
