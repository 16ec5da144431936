"""A booth whose simulators run in another process, reached through their control sockets.

The kill -9 crash harness needs the devices to outlive the kiosk it kills: a bill in escrow, coins
in the hopper's count and a half-printed job stay where they were, as real hardware keeps them when
the controller's PC dies. So the harness process runs the simulators (`SimulatedBooth` with its
control sockets) and writes the kiosk's config overrides to ``booth.json``; each kiosk process it
starts (and kills) finds them there and plays its scenario through this class.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from common.control_socket import control_socket_path, send_control
from kiosk.booth.simulated import SimulatorError

BOOTH_FILE = "booth.json"


def write_booth_file(run_dir: Path, overrides: dict[str, Any]) -> Path:
    path = run_dir / BOOTH_FILE
    path.write_text(json.dumps(overrides, indent=2), encoding="utf-8")
    return path


class RemoteBooth:
    """The same controls and printer outputs as `SimulatedBooth`, over the simulators' sockets."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir

    async def start(self) -> dict[str, Any]:
        overrides: dict[str, Any] = json.loads((self.run_dir / BOOTH_FILE).read_text(encoding="utf-8"))
        return overrides

    async def control(self, simulator: str, command: str, /, **args: Any) -> Any:
        answer = await send_control(control_socket_path(simulator, self.run_dir), command, **args)
        if not answer.get("ok"):
            raise SimulatorError(f"{simulator} {command}: {answer.get('error')}")
        return answer.get("result")

    def _ask(self, simulator: str, command: str) -> Any:
        """A blocking control call, for the scenario's synchronous checks (a few ms on a local socket)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5.0)
            conn.connect(str(control_socket_path(simulator, self.run_dir)))
            conn.sendall(json.dumps({"cmd": command, "args": {}}).encode() + b"\n")
            with conn.makefile("rb") as answers:
                answer = json.loads(answers.readline())
        if not answer.get("ok"):
            raise SimulatorError(f"{simulator} {command}: {answer.get('error')}")
        return answer.get("result")

    def printed_documents(self) -> list[Path]:
        return [Path(p) for p in self._ask("a4_printer", "jobs")]

    def receipts(self) -> list[Path]:
        return [Path(p) for p in self._ask("receipt_printer", "receipts")]

    async def stop(self) -> None:
        """The simulators belong to the harness process: nothing to stop here."""
