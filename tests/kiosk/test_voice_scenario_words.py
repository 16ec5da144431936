"""The scenario words for voice: a wrong phrase or setting is a FAIL line saying what the booth did say."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.rig import scenario
from kiosk.rig.scenario import ScenarioFailed, run_scenario

STEPS = '''name = "voice words"
[[step]]
expect_screen = "idle"
[[step]]
earphone = true
[[step]]
expect_said = "음성 안내"
[[step]]
expect_voice = { device = "earphone" }
'''


@pytest.mark.timeout(60)
async def test_wrong_expectations_fail_naming_what_was_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "PATIENCE_SECONDS", 0.5)
    path = tmp_path / "s.toml"
    path.write_text(STEPS + '[[step]]\nexpect_voice = { device = "speaker", volume_db = -15 }\n', encoding="utf-8")
    with pytest.raises(ScenarioFailed) as failed:
        await run_scenario(path, out_dir=tmp_path / "out")
    assert failed.value.index == 5 and "device: expected 'speaker', got 'earphone'" in failed.value.why
    lines = (tmp_path / "out" / "voice" / "transcript.jsonl").read_text(encoding="utf-8").splitlines()
    assert "음성 안내를 시작합니다" in lines[0]  # then the idle screen, read whole
    path.write_text(STEPS + '[[step]]\nexpect_said = "음성 안내"\n', encoding="utf-8")
    with pytest.raises(ScenarioFailed) as failed:
        await run_scenario(path)
    assert failed.value.index == 5 and "since the last expect_said the booth said" in failed.value.why
    path.write_text(STEPS + '[[step]]\nvoice_key = "ok"\n', encoding="utf-8")
    with pytest.raises(ScenarioFailed, match="not a voice key"):
        await run_scenario(path)
