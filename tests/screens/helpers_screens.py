"""Shared test helpers for the screen tests (a plain module, not a conftest)."""

from __future__ import annotations

from typing import Any

from kiosk.views import Intent
from screens.runner import ScreenRunner
from screens.theme import Theme

MODES: dict[str, dict[str, Any]] = {
    "normal": {},
    "zoom200": {"scale": 2.0},
    "low": {"low_position": True},
    "low-zoom200": {"scale": 2.0, "low_position": True},
}


class Recorder:
    """on_intent that keeps what it got."""

    def __init__(self) -> None:
        self.intents: list[Intent] = []

    def __call__(self, intent: Intent) -> None:
        self.intents.append(intent)


def runner(mode: str = "normal") -> tuple[ScreenRunner, Recorder]:
    """A headless runner in one of MODES, and the intents it reported."""
    rec = Recorder()
    return ScreenRunner(headless=True, on_intent=rec, theme=Theme(**MODES[mode])), rec
