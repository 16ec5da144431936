"""Shared test helpers for the screen tests (a plain module, not a conftest)."""

from __future__ import annotations

from typing import Any

from kiosk.views import Intent
from screens.runner import ScreenRunner
from screens.screen import STILL_HERE
from screens.theme import Theme

MODES: dict[str, dict[str, Any]] = {
    "normal": {},
    "zoom200": {"scale": 2.0},
    "low": {"low_position": True},
    "low-zoom200": {"scale": 2.0, "low_position": True},
}


class Recorder:
    """on_intent that keeps what it got: the residents' wishes in `intents`, and apart from them how
    often the screens only said the resident is still there (a page turned, a chooser opened)."""

    def __init__(self) -> None:
        self.intents: list[Intent] = []
        self.still_here = 0

    def __call__(self, intent: Intent) -> None:
        if intent.name == STILL_HERE:
            self.still_here += 1
            return
        self.intents.append(intent)


def runner(mode: str = "normal") -> tuple[ScreenRunner, Recorder]:
    """A headless runner in one of MODES, and the intents it reported."""
    rec = Recorder()
    return ScreenRunner(headless=True, on_intent=rec, theme=Theme(**MODES[mode])), rec
