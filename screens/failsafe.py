"""What the resident sees when a screen cannot be drawn: a calm "please wait" in both languages.

Draws from nothing but the theme (no View data), so it cannot fail the way the broken screen did.
"""

from __future__ import annotations

import pygame

from kiosk.views import NoData, View
from screens.screen import Screen
from screens.strings import t
from screens.text import draw_text
from screens.theme import Theme
from screens.widgets import Widget


class FailsafeScreen(Screen):
    name = "failsafe"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        c = theme.colors
        surface.fill(c.header)
        w = theme.width - 2 * theme.sp(64)
        lh_ko = theme.line_height("big") * 2
        top = theme.height // 2 - lh_ko
        draw_text(
            surface,
            theme,
            t("wait", "ko"),
            "big",
            c.on_header,
            pygame.Rect(theme.sp(64), top, w, lh_ko),
            valign="bottom",
        )
        draw_text(
            surface,
            theme,
            t("wait", "en"),
            "title",
            c.on_header,
            pygame.Rect(theme.sp(64), top + lh_ko + theme.sp(24), w, theme.line_height("title") * 2),
            valign="top",
        )


SCREEN = FailsafeScreen()
SAMPLES: dict[str, NoData] = {"default": NoData()}
