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
        size = theme.min_target * 2
        specs = [
            ("lang", Intent("menu", {"name": "language"})),
            ("access", Intent("menu", {"name": "access"})),
            ("help", Intent("help")),
            ("back", Intent("back")),
        ]
        return [
            Widget(wid, pygame.Rect(40 + i * (size + 40), theme.height - size - 40, size, size), intent, wid)
            for i, (wid, intent) in enumerate(specs)
        ]

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        surface.fill(theme.colors.bg)
        draw_widgets(surface, theme, self.layout(view, theme))
