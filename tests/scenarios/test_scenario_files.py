"""Every file in scenarios/ plays through against the simulators, as `kiosk scenario` would run it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.rig.scenario import run_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario(path: Path) -> None:
    result = await run_scenario(path)
    assert result.journal_totals["open_sessions"] == 0
