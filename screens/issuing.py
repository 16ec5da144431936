"""Issuing: the server is preparing the document. Nothing to touch; one calm sentence."""

from __future__ import annotations

import pygame

from kiosk.views import IssuingView, View
from screens.frame import build_frame, paint_frame
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
from screens.text import draw_text
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


def draw_waiting(surface: pygame.Surface, theme: Theme, centre: tuple[int, int], lit: int) -> None:
    """Three dots, `lit` of them filled: progress without animation (an idle frame stays idle)."""
    c = theme.colors
    r = theme.px(22)
    gap = theme.px(34)
    for i in range(3):
        x = centre[0] + (i - 1) * (2 * r + gap)
        if i < lit:
            pygame.draw.circle(surface, c.primary, (x, centre[1]), r)
        else:
            pygame.draw.circle(surface, c.primary, (x, centre[1]), r, theme.sp(4))


class IssuingScreen(Screen):
    name = "issuing"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return list(build_frame(view, theme, footer=False).service)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        draw_widgets(surface, theme, frame.service)
        c = theme.colors
        lang = lang_of(view)
        body = frame.body
        data = view_data(view, IssuingView)
        step = data.step
        y = body.top + body.height // 3
        doc = data.document
        if doc:
            y += draw_text(
                surface,
                theme,
                document(doc, lang),
                "subtitle",
                c.primary,
                pygame.Rect(body.left, y, body.width, theme.line_height("subtitle") * 2),
                valign="top",
            )
        y += theme.sp(16)
        y += draw_text(
            surface,
            theme,
            t("issuing.title", lang),
            "title",
            c.text,
            pygame.Rect(body.left, y, body.width, theme.line_height("title") * 2),
            valign="top",
        )
        y += theme.sp(56)
        draw_waiting(surface, theme, (body.centerx, y + theme.px(22)), 2 if step == "verifying" else 1)
        y += theme.px(44) + theme.sp(56)
        y += draw_text(
            surface,
            theme,
            t(f"step.{step}", lang),
            "subtitle",
            c.text,
            pygame.Rect(body.left, y, body.width, theme.line_height("subtitle") * 2),
            valign="top",
        )
        draw_text(
            surface,
            theme,
            t("wait", lang),
            "body",
            c.muted,
            pygame.Rect(body.left, y + theme.sp(16), body.width, theme.line_height("body") * 2),
            valign="top",
        )


SCREEN = IssuingScreen()
SAMPLES: dict[str, IssuingView] = {"reserving": IssuingView(document="resident_copy", step="reserving")}
