"""A booth made of simulators: every device and the server, each the real other end of its wire.

Used by `kiosk run` (a person plays the resident with `kiosk sim ...` from another terminal), by
`kiosk demo`, and by the scenario runner. The simulators run in this process, on this loop, each on
its own PTY, TCP port, IPP printer (ippeveprinter) or HTTPS server, exactly as their
``python -m simulators.<name>`` forms do.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from simulators.control import ControlServer, control_socket_path, dispatch
from simulators.process import Simulator

log = logging.getLogger(__name__)


class SimulatorError(RuntimeError):
    """A control command the simulator refused: the scenario or the person asked for something wrong."""


class SimulatedBooth:
    def __init__(self, run_dir: Path, *, fingerprint_protocol: str = "zfm", serve_controls: bool = False,
                 fast_poll: bool = False) -> None:
        self.run_dir = run_dir
        self.fingerprint_protocol = fingerprint_protocol
        self.serve_controls = serve_controls
        self.fast_poll = fast_poll
        self.simulators: dict[str, Simulator] = {}
        self._controls: list[ControlServer] = []

    def _build(self) -> dict[str, Simulator]:
        from simulators.a4_printer import A4PrinterSimulator
        from simulators.cctalk import CcTalkSimulator
        from simulators.fingerprint import FingerprintSimulator
        from simulators.receipt_printer import ReceiptPrinterSimulator
        from simulators.server import ServerSimulator

        dev = self.run_dir / "dev"
        return {
            "server": ServerSimulator(self.run_dir / "pki", self.run_dir / "server.sqlite3"),
            # Paced at the line's baud rate for people; instant for scripted sessions.
            "fingerprint": FingerprintSimulator(protocol=self.fingerprint_protocol, link=dev / "fingerprint",
                                                pace=not self.fast_poll),
            "cctalk": CcTalkSimulator(link=dev / "cctalk"),
            "receipt_printer": ReceiptPrinterSimulator(out_dir=self.run_dir / "receipts"),
            "a4_printer": A4PrinterSimulator(spool=self.run_dir / "a4-spool"),
        }

    async def start(self) -> dict[str, Any]:
        """Start every simulator; return the config overrides that point the kiosk at them."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.simulators = self._build()
        endpoints: dict[str, str] = {}
        try:
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
        return {
            "fingerprint": {"port": endpoints["fingerprint"], "protocol": self.fingerprint_protocol},
            "cash": cash,
            "receipt_printer": {"endpoint": endpoints["receipt_printer"]},
            "a4_printer": {"uri": endpoints["a4_printer"]},
            "server": {"base_url": endpoints["server"], "pki_dir": str(self.run_dir / "pki")},
        }

    async def control(self, simulator: str, command: str, **args: Any) -> Any:
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
