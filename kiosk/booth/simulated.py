"""A booth made of simulators: every device and the server, each the real other end of its wire.

Used by `kiosk run` (a person plays the resident with `kiosk sim ...` from another terminal), by
`kiosk demo`, and by the scenario runner. The simulators run in this process, on this loop, each on
its own PTY, TCP port, IPP printer (ippeveprinter) or HTTPS server, exactly as their
``python -m simulators.<name>`` forms do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Protocol

from common.clock import Clock
from common.control_socket import ControlServer, control_socket_path, dispatch
from drivers.speech import RecordingOutput
from simulators.process import Simulator

log = logging.getLogger(__name__)

# A simulated card waits this long for one of the booth's vpcd readers to be empty: pcscd notices a
# card taken out (by the previous scenario of this process) on its next 400 ms poll.
FREE_SLOT_SECONDS = 5.0


class Pcscd:
    """The pcscd a card booth talks to: this process's own (own socket, own vpcd ports; see
    simulators/smartcard/pcscd.py), so that two test runs on one machine never share a reader."""

    async def ensure(self) -> list[str]:
        from simulators.smartcard.pcscd import PcscdUnavailable, shared_pcscd

        try:
            # Started from the loop's own thread: the pcscd is tied to the thread that forks it.
            return shared_pcscd().readers
        except PcscdUnavailable as exc:
            raise SimulatorError(str(exc)) from exc

    async def free_slot(self, readers: list[str]) -> tuple[str, int]:
        """The first vpcd reader holding no card (waiting a little for one), and its TCP port."""
        from drivers.card import pcsc
        from simulators.smartcard.pcscd import vpcd_port

        slots = [(reader, port) for reader in readers if (port := vpcd_port(reader)) is not None]
        deadline = time.monotonic() + FREE_SLOT_SECONDS
        while True:
            for reader, port in slots:
                if not await asyncio.to_thread(pcsc.reader_has_card, reader):
                    return reader, port
            if time.monotonic() > deadline:
                raise SimulatorError(f"every vpcd reader holds a card: {readers}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """Nothing to stop: the process's pcscd serves its later booths too, and ends with it."""


class SimulatorError(RuntimeError):
    """A control command the simulator refused: the scenario or the person asked for something wrong."""


class Booth(Protocol):
    """What a scenario needs of a booth: the kiosk's config overrides, the simulators' controls, and
    what came out of the printers."""

    async def start(self) -> dict[str, Any]: ...

    async def control(self, simulator: str, command: str, /, **args: Any) -> Any: ...

    def printed_documents(self) -> list[Path]: ...

    def receipts(self) -> list[Path]: ...

    async def stop(self) -> None: ...


class SimulatedBooth:
    def __init__(self, run_dir: Path, *, fingerprint_protocol: str = "zfm", serve_controls: bool = False,
                 fast_poll: bool = False, card: bool = False, clock: Clock | None = None,
                 io_module: bool = False) -> None:
        self.run_dir = run_dir
        self.io_module = io_module  # start the Modbus I/O module (doors, tilt, UPS, temperature)
        self.card = card  # start this process's pcscd (once) and the smartcard simulator on a free vpcd slot
        self.pcscd = Pcscd()
        self.card_reader = ""
        self.fingerprint_protocol = fingerprint_protocol
        self.serve_controls = serve_controls
        self.fast_poll = fast_poll
        # The scenario's virtual clock, for simulators whose own timing must follow it (the SFM
        # sensor's scan timeout); None: real time.
        self.clock = clock
        self.simulators: dict[str, Simulator] = {}
        self._controls: list[ControlServer] = []

    def _build(self) -> dict[str, Simulator]:
        from simulators.a4_printer import A4PrinterSimulator
        from simulators.barcode_scanner import BarcodeScannerSimulator
        from simulators.cctalk import CcTalkSimulator
        from simulators.fingerprint import FingerprintSimulator
        from simulators.keypad import KeypadSimulator
        from simulators.receipt_printer import ReceiptPrinterSimulator
        from simulators.server import ServerSimulator
        from simulators.webhook import WebhookReceiver

        dev = self.run_dir / "dev"
        return {
            "server": ServerSimulator(self.run_dir / "pki", self.run_dir / "server.sqlite3"),
            # Paced at the line's baud rate for people; instant for scripted sessions.
            "fingerprint": FingerprintSimulator(protocol=self.fingerprint_protocol, link=dev / "fingerprint",
                                                pace=not self.fast_poll, clock=self.clock),
            "cctalk": CcTalkSimulator(link=dev / "cctalk"),
            "receipt_printer": ReceiptPrinterSimulator(out_dir=self.run_dir / "receipts"),
            "a4_printer": A4PrinterSimulator(spool=self.run_dir / "a4-spool"),
            # FIFOs standing for the keypad's event node and the sound card's headphone-jack node.
            "keypad": KeypadSimulator(dev / "keypad-event-kbd", jack_path=dev / "sound-jack-event"),
            # The city's alert receiver, the other end of `[alerts] webhook_url`.
            "webhook": WebhookReceiver(),
            "barcode_scanner": BarcodeScannerSimulator(link=dev / "barcode_scanner"),  # issue 17
        }

    async def start(self) -> dict[str, Any]:
        """Start every simulator; return the config overrides that point the kiosk at them."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.simulators = self._build()
        endpoints: dict[str, str] = {}
        try:
            if self.card:
                from simulators.smartcard import SmartcardSimulator

                self.card_reader, port = await self.pcscd.free_slot(await self.pcscd.ensure())
                # The card waits outside the reader until the resident (a scenario step) inserts it.
                self.simulators["smartcard"] = SmartcardSimulator(port=port, insert_on_start=False)
            if self.io_module:
                from simulators.io_module import IoModuleSimulator

                self.simulators["io_module"] = IoModuleSimulator(port=0)
            for name, simulator in self.simulators.items():
                endpoints[name] = await simulator.start()
                if self.serve_controls:
                    control = ControlServer(simulator.controls())
                    await control.start(control_socket_path(name, self.run_dir))
                    self._controls.append(control)
        except BaseException:
            await self.stop()
            raise
        cash: dict[str, Any] = {"port": endpoints["cctalk"]}
        if self.fast_poll:
            # Scripted sessions: simulated devices answer at once, so do not wait on the real cadence.
            cash["poll_interval"] = 0.02
        overrides: dict[str, Any] = {"card": {"reader": self.card_reader}} if self.card else {}
        if self.io_module:
            overrides["io_module"] = {"enabled": True, "endpoint": endpoints["io_module"]}
            if self.fast_poll:
                overrides["io_module"]["poll_interval"] = 0.2
        return overrides | {
            "fingerprint": {"port": endpoints["fingerprint"], "protocol": self.fingerprint_protocol},
            "cash": cash,
            "receipt_printer": {"endpoint": endpoints["receipt_printer"]},
            "a4_printer": {"uri": endpoints["a4_printer"]},
            "keypad": {"enabled": True, "device": endpoints["keypad"],
                       "jack_device": str(self.run_dir / "dev" / "sound-jack-event")},
            "server": {"base_url": endpoints["server"], "pki_dir": str(self.run_dir / "pki")},
            # Any free port: several simulated booths may run on one machine (the log names the port).
            "metrics": {"port": 0},
            "alerts": {"webhook_url": endpoints["webhook"]},
            "scanner": {"enabled": True, "port": endpoints["barcode_scanner"]},
        }

    async def control(self, simulator: str, command: str, /, **args: Any) -> Any:
        if simulator not in self.simulators:
            raise SimulatorError(f"no simulator {simulator!r} (have {', '.join(self.simulators)})")
        answer = await dispatch(self.simulators[simulator].controls(), {"cmd": command, "args": args})
        if not answer.get("ok"):
            raise SimulatorError(f"{simulator} {command}: {answer.get('error')}")
        return answer.get("result")

    def _call(self, simulator: str, command: str) -> Any:
        sim = self.simulators.get(simulator)
        return sim.controls()[command]() if sim is not None else []

    def printed_documents(self) -> list[Path]:
        return [Path(p) for p in self._call("a4_printer", "jobs")]

    def voice_output(self, directory: Path | None = None) -> RecordingOutput:
        """The booth's "sound card": every utterance as a WAV plus a transcript line, in `directory`
        (default the run's voice/), heard afterwards rather than through a speaker."""
        return RecordingOutput(directory or self.run_dir / "voice")

    def receipts(self) -> list[Path]:
        return [Path(p) for p in self._call("receipt_printer", "receipts")]

    async def stop(self) -> None:
        for control in self._controls:
            await control.close()
        self._controls.clear()
        for name, simulator in reversed(list(self.simulators.items())):
            try:
                await simulator.stop()
            except Exception as exc:
                log.warning("stopping simulator %s: %s", name, exc)
        await self.pcscd.stop()
