"""A simulated booth with its diag socket, for `kiosk diag`'s tests: a scenario's kiosk (simulators,
virtual clock, headless screens) plus the socket a running booth serves (kiosk/booth/diag_socket.py),
and a way to play scenario steps (a resident's session) before the technician looks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.booth.diag_socket import DIAG_SOCKET, DiagServer
from kiosk.rig.scenario import ScenarioRun, _step


@dataclass
class DiagBooth:
    run: ScenarioRun
    socket: Path
    server: DiagServer

    async def play(self, steps: list[dict[str, Any]]) -> None:
        """Scenario steps (docs/scenarios.md), in order."""
        for step in steps:
            await _step(self.run, step)


def _screenshot(run: ScenarioRun, work_dir: Path) -> bytes | None:
    if run.screens is None:
        return None
    path = work_dir / "diag-screen.png"
    try:
        run.screens.runner.snapshot(path)
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


@contextlib.asynccontextmanager
async def diag_booth(work_dir: Path, settings: dict[str, Any] | None = None) -> AsyncIterator[DiagBooth]:
    """A started booth whose diag socket is `work_dir`/diag.sock; everything stopped on the way out."""
    run = ScenarioRun(work_dir, None, settings or {})
    server: DiagServer | None = None
    try:
        await run.start()
        server = DiagServer(run.kiosk, screenshot=lambda: _screenshot(run, work_dir))
        await server.start(work_dir / DIAG_SOCKET)
        yield DiagBooth(run, work_dir / DIAG_SOCKET, server)
    finally:
        if server is not None:
            await server.close()
        await run.stop()
