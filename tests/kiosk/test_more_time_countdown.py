"""The live "need more time?" prompt counts the grace period down, second by second (issue 11, item 12).

Played against the simulated booth on the virtual clock, as a scenario would, then the words of the
frame the screens draw are read back (Theme.recording, as `expect_text` reads them).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from kiosk.rig.scenario import ScenarioRun, _step


@pytest.mark.timeout(120)
async def test_live_prompt_counts_down() -> None:
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
        assert f"{grace}초" in run.screens.drawn_text(run.kiosk.view)
        await run.clock.advance(5)
        assert run.kiosk.view.prompt_data.seconds_left == grace - 5
        assert f"{grace - 5}초" in run.screens.drawn_text(run.kiosk.view)
        await run.clock.advance(grace - 5)
        await _step(run, {"expect_screen": "done"})
    finally:
        await run.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.timeout(120)
async def test_payment_screen_counts_its_time_limit_down() -> None:
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
        left = limit - 30
        assert f"남은 시간 {left // 60}:{left % 60:02d}" in run.screens.drawn_text(run.kiosk.view).splitlines()
        await _step(run, {"insert_coin": 100})  # a coin is activity: the limit starts again
        assert run.kiosk.view.data_fields()["seconds_left"] == limit
        await _step(run, {"tap": "cancel"})
        await _step(run, {"expect_screen": "done"})
    finally:
        await run.stop()
        shutil.rmtree(work, ignore_errors=True)
