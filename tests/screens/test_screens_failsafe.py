"""A screen that breaks shows "please wait", is logged once, and the kiosk comes back by itself."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pygame
import pytest
from helpers_screens import Recorder

from kiosk.views import DoneView, IdleView, NoData, View
from screens.runner import FAILSAFE_SECONDS, ScreenRunner
from screens.screen import Screen
from screens.theme import Theme
from screens.widgets import Widget


class Flaky(Screen):
    """Raises while `broken` is set: a bug in a screen, or bad data it did not expect."""

    name = "flaky"

    def __init__(self) -> None:
        self.broken = True

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        if self.broken:
            raise RuntimeError("screen bug")
        surface.fill((0, 0, 0))


def test_unknown_screen_shows_the_failsafe() -> None:
    r = ScreenRunner(headless=True, on_intent=Recorder())
    try:
        r.render(View("no_such_screen", NoData()))
        assert r.screen_shown == "failsafe"
        assert r.widgets() == []
        r.render(View("idle", NoData()))
        assert r.screen_shown == "idle"
    finally:
        r.close()


def test_a_drawing_error_shows_the_failsafe_then_recovers_after_a_few_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    flaky = Flaky()
    r = ScreenRunner(
        headless=True, on_intent=Recorder(), clock_monotonic=lambda: now[0], screens={"flaky": flaky}
    )
    try:
        with caplog.at_level(logging.WARNING, logger="screens.runner"):
            r.render(View("flaky"))
            assert r.screen_shown == "failsafe"
            now[0] += 1.0
            assert r.screen_shown == "failsafe"  # still broken, not retried yet
            now[0] += FAILSAFE_SECONDS
            assert r.screen_shown == "failsafe"  # retried, still broken, failsafe again
        errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "flaky" in errors[0].getMessage()
        flaky.broken = False
        assert r.screen_shown == "failsafe"
        now[0] += FAILSAFE_SECONDS
        assert r.screen_shown == "flaky"  # came back on its own
    finally:
        r.close()


def test_a_new_view_clears_the_failsafe_at_once() -> None:
    flaky = Flaky()
    r = ScreenRunner(headless=True, on_intent=Recorder(), screens={"flaky": flaky})
    try:
        r.render(View("flaky"))
        assert r.screen_shown == "failsafe"
        r.render(View("done", DoneView(outcome="issued")))
        assert r.screen_shown == "done"
        assert r.widgets() == ["ok", "lang", "access", "help"]
    finally:
        r.close()


def test_failsafe_frame_says_please_wait_in_both_languages() -> None:
    r = ScreenRunner(headless=True, on_intent=Recorder())
    try:
        frame = r.render(View("no_such_screen"))
        # Mostly the navy background with white words on it.
        assert frame.get_at((5, 5))[:3] == r.theme.colors.header
        centre_band = frame.subsurface(pygame.Rect(0, 700, 1080, 500))
        assert pygame.transform.average_color(centre_band)[:3] != r.theme.colors.header
    finally:
        r.close()


async def test_the_loop_retries_by_itself() -> None:
    flaky = Flaky()
    r = ScreenRunner(headless=True, on_intent=Recorder(), screens={"flaky": flaky}, failsafe_seconds=0.05)
    task = asyncio.create_task(r.run())
    try:
        r.show(View("flaky"))
        await asyncio.sleep(0.02)
        assert r.last_drawn == "failsafe"
        flaky.broken = False
        for _ in range(50):
            await asyncio.sleep(0.02)
            if r.last_drawn == "flaky":
                break
        assert r.last_drawn == "flaky"
    finally:
        r.close()
        await asyncio.wait_for(task, 1)


def test_snapshot_writes_a_png(tmp_path: Path) -> None:
    r = ScreenRunner(headless=True, on_intent=Recorder())
    try:
        r.show(View("idle", IdleView(kiosk_name="무인민원발급기", clock="09:00")))
        path = tmp_path / "idle.png"
        r.snapshot(path)
        assert pygame.image.load(str(path)).get_size() == (1080, 1920)
    finally:
        r.close()
