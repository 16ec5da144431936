"""A corrupt journal is refused loudly: the kiosk says it is out of service and why, and does not open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(120)
def test_kiosk_refuses_to_start_on_a_corrupt_journal(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "journal.sqlite3").write_bytes(b"not a journal, whatever it was" * 200)
    env = {**os.environ, "KIOSK_RUN_DIR": str(run_dir), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", "--until-ready"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=110, check=False)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "OUT OF SERVICE: the journal is corrupt" in done.stderr
    assert "Traceback" not in done.stderr
    assert (run_dir / "journal.sqlite3").read_bytes().startswith(b"not a journal")  # left as found
