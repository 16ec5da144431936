"""A technician over SSH sees the last sessions one line each, and the documents issued per type,
straight from the journal of a real session run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.booth.cli import main
from kiosk.rig.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(120)
async def test_last_sessions_and_documents_per_type_from_two_residents(capsys: pytest.CaptureFixture[str]) -> None:
    result = await run_scenario(ROOT / "scenarios" / "cash_two_residents_change.toml", keep_work_dir=True)
    assert result.work_dir is not None
    journal = result.work_dir / "journal.sqlite3"
    try:
        capsys.readouterr()
        assert main(["journal", "--path", str(journal), "--sessions", "5"]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 2
        for line in lines:
            assert "resident_copy" in line and "x1" in line
            assert "in  1,000 kept    200 change   800" in line and line.rstrip().endswith("issued")
        assert main(["journal", "--path", str(journal), "--sessions", "1"]) == 0
        assert len(capsys.readouterr().out.strip().splitlines()) == 1  # only the newest
        assert main(["journal", "--path", str(journal), "--totals"]) == 0
        totals = json.loads(capsys.readouterr().out)
        assert totals["documents"] == {"resident_copy": 2}
        assert totals["cash_box"] == {"bill:1000": 2}
    finally:
        shutil.rmtree(result.work_dir, ignore_errors=True)
