"""Printing: a progress bar by pages, what the printer is doing, and "take your document"."""

from __future__ import annotations

import pygame

from kiosk.views import PrintingView, View
from screens.blocks import Block, stack, text_block
from screens.frame import build_frame, paint_frame
from screens.icons import draw_alert_icon
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius


class PrintingScreen(Screen):
    name = "printing"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return list(build_frame(view, theme, footer=False).service)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        draw_widgets(surface, theme, frame.service)
        body = frame.body
        stack(surface, body, self._blocks(view, theme, body.width), valign="middle")

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, PrintingView)
        gap = theme.sp(32)
        blocks: list[Block] = []
        doc = data.document
        if doc:
            copies = max(1, data.copies)
            blocks.append(
                text_block(
                    theme,
                    t("payment.summary", lang, doc=document(doc, lang), n=copies),
                    "subtitle",
                    c.primary,
                    width,
                    priority=3,
                    align="center",
                    gap=theme.sp(12),
                )
            )
        blocks.append(
            text_block(
                theme, t("printing.title", lang), "title", c.text, width, priority=1, align="center", gap=gap
            )
        )
        done = max(0, data.pages_done)
        total = max(0, data.pages_total)

        def paint_bar(surface: pygame.Surface, bar: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.surface, bar, border_radius=bar.height // 2)
            if total and done > 0:
                filled = bar.copy()
                filled.width = max(bar.height, bar.width * min(done, total) // total)
                pygame.draw.rect(surface, c.primary, filled, border_radius=bar.height // 2)
            pygame.draw.rect(surface, c.border, bar, width=theme.sp(4), border_radius=bar.height // 2)
            return None

        blocks.append(Block(theme.px(56), paint_bar, 2, theme.sp(20)))
        if total:
            blocks.append(
                text_block(
                    theme,
                    t("printing.pages", lang, done=min(done, total), total=total),
                    "big",
                    c.text,
                    width,
                    priority=2,
                    align="center",
                    gap=gap,
                )
            )
        status = data.status
        if status:
            blocks.append(
                self._status(theme, t(f"status.{status}", lang), status == "waiting-for-paper", width, gap)
            )
        blocks.append(text_block(theme, t("printing.take", lang), "subtitle", c.text, width, align="center"))
        return blocks

    def _status(self, theme: Theme, text: str, warn: bool, width: int, gap: int) -> Block:
        c = theme.colors
        pad = theme.sp(28)
        icon = theme.px(52) if warn else 0
        text_w = width - 2 * pad - (icon + pad if warn else 0)
        h = text_height(theme, text, "subtitle", text_w) + 2 * pad

        def paint(surface: pygame.Surface, box: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.notice if warn else c.primary_soft, box, border_radius=radius(theme))
            if warn:
                draw_alert_icon(
                    surface, theme, (box.left + pad + icon // 2, box.centery), icon, c.text, c.notice
                )
            return draw_text(
                surface,
                theme,
                text,
                "subtitle",
                c.text,
                pygame.Rect(box.right - pad - text_w, box.top, text_w, box.height),
            )

        return Block(h, paint, 0, gap)


SCREEN = PrintingScreen()
SAMPLES: dict[str, PrintingView] = {
    "printing": PrintingView(document="resident_copy", copies=2, pages_done=1, pages_total=2, status=""),
    "paper": PrintingView(
        document="resident_copy",
        copies=1,
        pages_done=0,
        pages_total=1,
        status="waiting-for-paper",
    ),
    # A delivery's confirmation asked again after its answer was lost (kiosk/delivery.py).
    "confirming": PrintingView(document="land_register", copies=1, pages_done=0, pages_total=0,
                               status="confirming-delivery"),
}
