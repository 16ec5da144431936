"""`python -m simulators.server` as its own process: READY line, HTTPS endpoint, control socket."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from common.control_socket import send_control

REPO = Path(__file__).resolve().parents[2]
# Generating the PKI and importing fpdf2 and aiohttp takes about a second; ten leaves CI headroom.
START_DEADLINE_S = 10.0


async def test_runs_as_a_process_and_answers_controls(tmp_path: Path) -> None:
    control = tmp_path / "server.sock"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators.server",
        "--pki",
        str(tmp_path / "pki"),
        "--db",
        str(tmp_path / "db.sqlite3"),
        "--port",
        "0",
        "--control",
        str(control),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        cwd=REPO,
        env={**os.environ, "KIOSK_RUN_DIR": str(tmp_path)},
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), START_DEADLINE_S)).decode().strip()
        assert line.startswith("READY https://127.0.0.1:")
        assert (tmp_path / "pki" / "identity-public.pem").is_file()
        assert oct((tmp_path / "pki" / "signing-key.pem").stat().st_mode & 0o777) == "0o600"
        answer = await send_control(control, "stats")
        assert answer["ok"]
        assert answer["result"]["reservations"] == 0
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), START_DEADLINE_S) == 0
