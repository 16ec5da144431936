"""The technician's paper page: for the A4 tray and the receipt roll, what the printer reports, the
sheets used since the last refill and when that was; a button to record a refill (the counter starts
again from 0, journaled with the technician), and what to do next."""

from __future__ import annotations

import pygame

from kiosk.views import Intent, PaperLine, PaperView, View
from screens.frame import paint_frame
from screens.maint_body import ButtonSpec, Column, button_rows, buttons_area
from screens.maint_nav import MaintenancePage, nav_widgets
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


class PaperScreen(MaintenancePage):
    name = "maint_paper"

    def _buttons(self, view: View) -> list[list[ButtonSpec]]:
        lang = lang_of(view)
        return [[(f"paper:refill:{which}", Intent("maint", {"do": "refill_paper", "which": which}),
                  t(f"paper.refill.{which}", lang), "primary") for which in ("a4", "receipt")]]

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame = self._frame(view, theme)
        _, area = buttons_area(frame.body, theme, 1)
        return button_rows(area, theme, self._buttons(view)) + nav_widgets(view, theme, frame)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, PaperView)
        text_area, _ = buttons_area(frame.body, theme, 1)
        pen = Column(surface, theme, text_area)
        pen.line(t("paper.title", lang), "title", c.text)
        for printer in data.printers:
            pen.gap(16)
            bad = printer.paper in ("out", "jammed")
            pen.line(f"{t(f'paper.which.{printer.which}', lang)}: {t(f'board.level.{printer.paper}', lang)}",
                     "body_bold", c.danger if bad else c.text)
            pen.line(t(f"paper.used.{printer.which}", lang, n=f"{printer.sheets_since:,}"), "body", c.text)
            when = (t("paper.refilled_at", lang, when=printer.refilled_at) if printer.refilled_at
                    else t("paper.never", lang))
            pen.line(when, "body", c.muted)
        last = data.last
        if last.get("do") == "refill_paper":
            pen.gap(16)
            ok = bool(last.get("ok"))
            pen.line(t("paper.done" if ok else "paper.still_out", lang), "body_bold", c.success if ok else c.danger)
        pen.gap(16)
        pen.line(t("paper.then", lang), "body", c.muted)
        draw_widgets(surface, theme, self.layout(view, theme))


SCREEN = PaperScreen()
SAMPLES: dict[str, PaperView] = {
    "default": PaperView(printers=[
        PaperLine("a4", 412, "low", "2026-12-01 09:30"),
        PaperLine("receipt", 0, "full", "2026-12-06 14:20"),
    ], last={"do": "refill_paper", "ok": True, "which": "receipt"}),
    "never": PaperView(printers=[PaperLine("a4", 12, "full", ""), PaperLine("receipt", 3, "out", "")]),
}
