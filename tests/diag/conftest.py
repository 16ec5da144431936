"""`kiosk diag` against a simulated booth: the CLI runs in a thread (it is synchronous, like a terminal),
the booth on the test's event loop, and the two meet on the booth's diag socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kiosk.booth.diag_cli import app
from kiosk.rig.diag_booth import DiagBooth, diag_booth


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_diag_sync(*args: str) -> Ran:
    result = CliRunner().invoke(app, list(args), prog_name="kiosk diag")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


async def run_diag(booth: DiagBooth | None, *args: str) -> Ran:
    """`kiosk diag ARGS` against `booth`'s socket (none: the tool as given), in a thread so the booth
    on this loop keeps answering."""
    socket = ["--socket", str(booth.socket)] if booth is not None else []
    return await asyncio.to_thread(run_diag_sync, *socket, *args)


@pytest.fixture
async def booth(tmp_path: Path) -> AsyncIterator[DiagBooth]:
    async with diag_booth(tmp_path / "booth") as started:
        await started.run.until(lambda: started.run.kiosk.state == "idle", "the booth never became idle")
        yield started
