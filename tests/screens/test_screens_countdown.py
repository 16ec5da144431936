"""The "need more time?" prompt shows the seconds left, as the kiosk sends them (issue 11, item 12)."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest
from helpers_screens import Recorder

from kiosk.views import MoreTimePrompt, View
from screens.registry import samples
from screens.runner import ScreenRunner
from screens.theme import RGB, Theme


class ReadingTheme(Theme):
    """A theme that remembers every string it rendered: what a resident could read on the frame."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def text(self, text: str, style: str, color: RGB, size: int | None = None, *, keep: bool = True) -> pygame.Surface:
        self.read.append(text)
        return super().text(text, style, color, size, keep=keep)


def words_on_screen(view: View) -> str:
    theme = ReadingTheme()
    runner = ScreenRunner(headless=True, on_intent=Recorder(), theme=theme)
    try:
        runner.render(view)
        return " ".join(theme.read)
    finally:
        runner.close()


@pytest.mark.parametrize(("lang", "shown"), [("ko", "17초"), ("en", "17 seconds")])
def test_the_prompt_shows_the_seconds_left(lang: str, shown: str) -> None:
    data = samples()["payment"]["waiting"]
    view = View("payment", data, prompt="more_time", prompt_data=MoreTimePrompt(seconds_left=17), language=lang)
    assert shown in words_on_screen(view)


def test_without_a_number_the_prompt_says_soon() -> None:
    view = View("options", samples()["options"]["resident_copy"], prompt="more_time", language="en")
    assert "soon" in words_on_screen(view)


@pytest.mark.parametrize(("lang", "shown"), [("ko", "남은 시간 1:45"), ("en", "Time left 1:45")])
def test_the_payment_screen_shows_its_time_left(lang: str, shown: str) -> None:
    data = replace(samples()["payment"]["waiting"], seconds_left=105)
    assert shown in words_on_screen(View("payment", data, language=lang))
    # Under the prompt the prompt's own countdown is the one that matters.
    assert shown not in words_on_screen(
        View("payment", data, prompt="more_time", prompt_data=MoreTimePrompt(seconds_left=17), language=lang)
    )
