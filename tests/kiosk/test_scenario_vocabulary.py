"""The scenario runner's expectation words: list lengths and nulls in `expect_sim`, a FAIL line
(not a traceback) for a path that leads nowhere, `wait`, `--keep`, `expect_text`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.rig import scenario
from kiosk.rig.scenario import ScenarioFailed, _at_path, run_scenario


def test_paths_give_values_lengths_and_say_why_they_lead_nowhere() -> None:
    state = {"hopper": {"coins": [10, 20, None]}, "jobs": []}
    assert _at_path(state, "hopper.coins.1") == (20, "")
    assert _at_path(state, "hopper.coins.length") == (3, "")
    assert _at_path(state, "jobs.length") == (0, "")
    assert _at_path(state, "hopper.coins.2") == (None, "")
    assert _at_path([1, 2], "length") == (2, "")
    assert "no item 5" in _at_path(state, "hopper.coins.5")[1]
    assert "has no 'hoper'" in _at_path(state, "hoper.coins")[1]
    assert "not a list or a map" in _at_path(state, "hopper.coins.0.x")[1]
    assert "not an index" in _at_path(state, "hopper.coins.first")[1]


def _write(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text('name = "vocabulary"\n\n[[step]]\nexpect_screen = "idle"\n' + steps, encoding="utf-8")
    return path


@pytest.mark.timeout(60)
async def test_a_bad_path_is_a_fail_line_after_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "PATIENCE_SECONDS", 0.5)
    path = _write(tmp_path, '[[step]]\nexpect_sim = { simulator = "cctalk", path = "hopper.nothing.here", '
                            'value = 1 }\n')
    with pytest.raises(ScenarioFailed) as failed:
        await run_scenario(path)
    assert failed.value.index == 2
    assert "no 'hopper.nothing.here'" in str(failed.value) and "has no 'nothing'" in str(failed.value)


@pytest.mark.timeout(60)
async def test_lengths_nulls_quiet_text_and_a_kept_journal(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[[step]]
expect_sim = { simulator = "receipt_printer", command = "receipts", path = "length", value = 0 }
[[step]]
expect_sim = { simulator = "receipt_printer", command = "last_receipt", null = true }
[[step]]
expect_text = "화면을 눌러 시작하세요"
[[step]]
tap = "start"
[[step]]
wait = "quiet"
[[step]]
expect_screen = "choose_document"
[[step]]
tap = "cancel"
[[step]]
wait = "quiet"
[[step]]
expect_data = { settled = true, outcome = "cancelled" }
[[step]]
wait = 0.05
[[step]]
tap = "ok"
[[step]]
expect_screen = "idle"
""")
    kept = tmp_path / "kept" / "journal.sqlite3"
    result = await run_scenario(path, keep_journal=kept)
    assert result.steps == 13
    journal = Journal(kept)
    try:
        assert [e.kind for e in journal.entries()][-2:] == ["session_opened", "session_closed"]
    finally:
        journal.close()


@pytest.mark.timeout(60)
async def test_text_not_on_screen_fails_naming_what_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "PATIENCE_SECONDS", 0.5)
    with pytest.raises(ScenarioFailed, match=r"not on screen; it shows '.*화면을 눌러 시작하세요"):
        await run_scenario(_write(tmp_path, '[[step]]\nexpect_text = "이 글은 없습니다"\n'))
