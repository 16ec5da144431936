"""A booth made of simulators: every device and the server, each the real other end of its wire.

Used by `kiosk run` (a person plays the resident with `kiosk sim ...` from another terminal), by
`kiosk demo`, and by the scenario runner. The simulators run in this process, on this loop, each on
its own PTY, TCP port, IPP printer (ippeveprinter) or HTTPS server, exactly as their
``python -m simulators.<name>`` forms do.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Protocol

from drivers.clock import Clock
from simulators.control import ControlServer, control_socket_path, dispatch
from simulators.process import Simulator, die_with_parent, helper_environment

log = logging.getLogger(__name__)

# vsmartcard-vpcd: reader "Virtual PCD 00 NN" listens on TCP 35963 + NN.
VPCD_BASE_PORT = 35963
VPCD_READER = re.compile(r"Virtual PCD 00 (\d\d)")
# pcscd lists its vpcd readers well under a second after it starts (test-stacks.md); 5 s means it will not.
PCSCD_START_SECONDS = 5.0


class Pcscd:
    """The machine's one pcscd (fixed socket path): reuse a running one, else start `pcscd -f` and
    stop only that one."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None

    async def ensure(self) -> list[str]:
        from drivers.card import pcsc  # pyscard only when a scenario enables the card

        readers = await asyncio.to_thread(pcsc.readers_listed)
        if readers is None:
            binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
            if not Path(binary).exists():
                raise SimulatorError("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
            # No -a: it would log every APDU, card numbers included.
            self.process = await asyncio.create_subprocess_exec(
                binary, "-f", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=helper_environment(),
                preexec_fn=die_with_parent())
            deadline = time.monotonic() + PCSCD_START_SECONDS
            while (readers := await asyncio.to_thread(pcsc.readers_listed)) is None or not any(
                    VPCD_READER.fullmatch(r) for r in readers):
                if self.process.returncode is not None or time.monotonic() > deadline:
                    await self.stop()
                    raise SimulatorError("pcscd did not come up with vsmartcard-vpcd readers")
                await asyncio.sleep(0.05)
        if not any(VPCD_READER.fullmatch(r) for r in readers):
            raise SimulatorError(f"pcscd runs without vsmartcard-vpcd readers: {readers}")
        return readers

    async def free_slot(self, readers: list[str]) -> tuple[str, int]:
        """The first vpcd reader holding no card, and its TCP port."""
        from drivers.card import pcsc

        for reader in readers:
            match = VPCD_READER.fullmatch(reader)
            if match and not await asyncio.to_thread(pcsc.reader_has_card, reader):
                return reader, VPCD_BASE_PORT + int(match.group(1))
        raise SimulatorError(f"every vpcd reader holds a card: {readers}")

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()


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
                 fast_poll: bool = False, card: bool = False, clock: Clock | None = None) -> None:
        self.run_dir = run_dir
        self.card = card  # start pcscd (if none runs) and the smartcard simulator on a free vpcd slot
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
        from simulators.cctalk import CcTalkSimulator
        from simulators.fingerprint import FingerprintSimulator
        from simulators.receipt_printer import ReceiptPrinterSimulator
        from simulators.server import ServerSimulator

        dev = self.run_dir / "dev"
        return {
            "server": ServerSimulator(self.run_dir / "pki", self.run_dir / "server.sqlite3"),
            # Paced at the line's baud rate for people; instant for scripted sessions.
            "fingerprint": FingerprintSimulator(protocol=self.fingerprint_protocol, link=dev / "fingerprint",
                                                pace=not self.fast_poll, clock=self.clock),
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
            if self.card:
                from simulators.smartcard import SmartcardSimulator

                self.card_reader, port = await self.pcscd.free_slot(await self.pcscd.ensure())
                # The card waits outside the reader until the resident (a scenario step) inserts it.
                self.simulators["smartcard"] = SmartcardSimulator(port=port, insert_on_start=False)
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
        return overrides | {
            "fingerprint": {"port": endpoints["fingerprint"], "protocol": self.fingerprint_protocol},
            "cash": cash,
            "receipt_printer": {"endpoint": endpoints["receipt_printer"]},
            "a4_printer": {"uri": endpoints["a4_printer"]},
            "server": {"base_url": endpoints["server"], "pki_dir": str(self.run_dir / "pki")},
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
