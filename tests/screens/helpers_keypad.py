"""A stand-in resident screen for the keypad, menu and speech tests (a plain module, not a conftest)."""

from __future__ import annotations

import pygame

from kiosk.views import Intent, View
from screens.screen import Screen
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


class MenuHost(Screen):
    """A resident screen as the layout work gives every one: language, accessibility, help, back."""

    name = "host"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        # Two by two at the bottom, each as wide as half the screen and a button tall: the words fit
        # at any zoom, and reading order stays lang, access, help, back.
        width, height, gap = (theme.width - 3 * 40) // 2, theme.min_button, 40
        specs = [
            ("lang", Intent("menu", {"name": "language"})),
            ("access", Intent("menu", {"name": "access"})),
            ("help", Intent("help")),
            ("back", Intent("back")),
        ]
        bottom = theme.reach_bottom - gap
        return [
            Widget(
                wid,
                pygame.Rect(40 + (i % 2) * (width + gap), bottom - (2 - i // 2) * (height + gap) + gap, width, height),
                intent,
                wid,
            )
            for i, (wid, intent) in enumerate(specs)
        ]

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        surface.fill(theme.colors.bg)
        draw_widgets(surface, theme, self.layout(view, theme))
