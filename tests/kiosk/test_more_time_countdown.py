"""The live "need more time?" prompt counts the grace period down, second by second (issue 11, item 12).

Played against the simulated booth on the virtual clock, as a scenario would, then the frame the
screens drew is read back.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pygame
import pytest

from kiosk.rig.scenario import ScenarioRun, _step
from screens.theme import RGB, Theme


def _reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every string the screens render from now on: what a resident could read."""
    read: list[str] = []
    original = Theme.text

    def reading(self: Theme, text: str, style: str, color: RGB, size: int | None = None) -> pygame.Surface:
        read.append(text)
        return original(self, text, style, color, size)

    monkeypatch.setattr(Theme, "text", reading)
    return read


@pytest.mark.timeout(120)
async def test_live_prompt_counts_down(monkeypatch: pytest.MonkeyPatch) -> None:
    read = _reading(monkeypatch)
    work = Path(tempfile.mkdtemp(prefix="kiosk-countdown-"))
    run = ScenarioRun(work, None, {})
    try:
        await run.start()
        for step in ({"expect_screen": "idle"}, {"tap": "start"}, {"tap": "doc:building_register"},
                     {"keys": "57"}, {"tap": "ok"}, {"expect_screen": "options"}, {"advance": 60},
                     {"expect_prompt": "more_time"}):
            await _step(run, step)
        grace = int(run.kiosk.config.timeouts.grace)
        assert run.kiosk.view.prompt_data.seconds_left == grace
        assert run.screens is not None
        read.clear()
        run.screens.runner.snapshot(work / "prompt.png")
        assert f"{grace}초" in " ".join(read)
        await run.clock.advance(5)
        assert run.kiosk.view.prompt_data.seconds_left == grace - 5
        read.clear()
        run.screens.runner.snapshot(work / "prompt.png")
        assert f"{grace - 5}초" in " ".join(read)
        await run.clock.advance(grace - 5)
        await _step(run, {"expect_screen": "done"})
    finally:
        await run.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.timeout(120)
async def test_payment_screen_counts_its_time_limit_down(monkeypatch: pytest.MonkeyPatch) -> None:
    read = _reading(monkeypatch)
    work = Path(tempfile.mkdtemp(prefix="kiosk-countdown-"))
    run = ScenarioRun(work, None, {})
    try:
        await run.start()
        for step in ({"expect_screen": "idle"}, {"tap": "start"}, {"tap": "doc:building_register"},
                     {"keys": "57"}, {"tap": "ok"}, {"expect_screen": "options"}, {"tap": "ok"},
                     {"expect_screen": "payment"}):
            await _step(run, step)
        limit = int(run.kiosk.config.timeouts.payment)
        assert run.kiosk.view.data_fields()["seconds_left"] == limit
        await run.clock.advance(30)
        assert run.kiosk.view.data_fields()["seconds_left"] == limit - 30
        assert run.screens is not None
        read.clear()
        run.screens.runner.snapshot(work / "payment.png")
        left = limit - 30
        assert f"남은 시간 {left // 60}:{left % 60:02d}" in read
        await _step(run, {"insert_coin": 100})  # a coin is activity: the limit starts again
        assert run.kiosk.view.data_fields()["seconds_left"] == limit
        await _step(run, {"tap": "cancel"})
        await _step(run, {"expect_screen": "done"})
    finally:
        await run.stop()
        shutil.rmtree(work, ignore_errors=True)
