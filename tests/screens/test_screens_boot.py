"""Residents who walk up to a booting kiosk read a calm "starting" in both languages (issue 11, item 18):
no device names, states or reasons, nothing in the danger colour."""

from __future__ import annotations

import pygame
import pytest
from helpers_screens import Recorder
from test_screens_countdown import words_on_screen

from kiosk.views import BootView, DeviceLine, View
from screens.runner import ScreenRunner
from screens.theme import Theme

DEVICES = [
    DeviceLine("fingerprint", "online", ""),
    DeviceLine("a4_printer", "offline", "not-yet-contacted"),
    DeviceLine("receipt_printer", "hardwareError", "paper-out"),
]


@pytest.mark.parametrize("step", ["starting", "selftest", "recovering"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_boot_screen_is_calm_and_bilingual(step: str, lang: str) -> None:
    words = words_on_screen(View("boot", BootView(step=step, devices=DEVICES), language=lang))
    assert "시작하고 있습니다" in words and "Starting up" in words
    assert "잠시만 기다려 주세요" in words and "Please wait" in words
    for developer_word in ("a4_printer", "offline", "not-yet-contacted", "hardwareError", "fingerprint"):
        assert developer_word not in words


def test_boot_screen_has_no_red() -> None:
    theme = Theme()
    runner = ScreenRunner(headless=True, on_intent=Recorder(), theme=theme)
    try:
        frame = runner.render(View("boot", BootView(step="selftest", devices=DEVICES)))
        danger = pygame.Color(*theme.colors.danger)
        reds = pygame.mask.from_threshold(frame, danger, (40, 40, 40, 255)).count()
        assert reds == 0
    finally:
        runner.close()
