"""Issuing: the server is preparing the document. Nothing to touch; one calm sentence."""

from __future__ import annotations

import pygame

from kiosk.views import IssuingView, View
from screens.blocks import Block, paged, stack, text_block
from screens.frame import build_frame, paint_frame
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
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
        frame = build_frame(view, theme, footer=False)
        _, _, pager = paged(view, theme, frame.body, self._blocks(view, theme, frame.body.width), page)
        return pager + list(frame.service)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        area, blocks, _ = paged(view, theme, frame.body, self._blocks(view, theme, frame.body.width), page)
        stack(surface, area, blocks, valign="middle")
        draw_widgets(surface, theme, self.layout(view, theme, page=page))

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, IssuingView)
        step = data.step
        blocks: list[Block] = []
        if data.document:
            blocks.append(
                text_block(theme, document(data.document, lang), "subtitle", c.primary, width, gap=theme.sp(16),
                           align="center")
            )
        blocks.append(text_block(theme, t("issuing.title", lang), "title", c.text, width, gap=theme.sp(56),
                                 align="center"))
        lit = 2 if step == "verifying" else 1

        def paint_waiting(surface: pygame.Surface, rect: pygame.Rect) -> object:
            draw_waiting(surface, theme, (rect.centerx, rect.top + theme.px(22)), lit)
            return None

        blocks.append(Block(theme.px(44), paint_waiting, 1, theme.sp(56)))
        blocks.append(text_block(theme, t(f"step.{step}", lang), "subtitle", c.text, width, gap=theme.sp(16),
                                 align="center"))
        blocks.append(text_block(theme, t("wait", lang), "body", c.muted, width, priority=1, align="center"))
        return blocks


SCREEN = IssuingScreen()
SAMPLES: dict[str, IssuingView] = {"reserving": IssuingView(document="resident_copy", step="reserving")}
