"""The technician's logs page: the out-of-service history (when, why, how long), the last sessions
(no personal data: kiosk.session_history) and the journal's tail."""

from __future__ import annotations

import pygame

from kiosk.views import LogsView, OutageLine, View
from screens.frame import Frame, paint_frame
from screens.maint_body import Column
from screens.maint_nav import maintenance_frame, nav_widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


def outage_text(outage: OutageLine, lang: str) -> str:
    reason = t(f"reason.{outage.reason}", lang)
    if outage.minutes is None:
        return t("logs.outage_ongoing", lang, began=outage.began, reason=reason)
    return t("logs.outage", lang, began=outage.began, reason=reason, minutes=outage.minutes)


class LogsScreen(Screen):
    name = "maint_logs"

    def _frame(self, view: View, theme: Theme) -> Frame:
        return maintenance_frame(view, theme)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return nav_widgets(view, theme, self._frame(view, theme))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, LogsView)
        pen = Column(surface, theme, frame.body)
        pen.line(t("logs.title", lang), "title", c.text)
        sections = (
            ("logs.outages", [outage_text(o, lang) for o in data.outages]),
            ("logs.sessions", data.sessions),
            ("logs.journal", data.lines),
        )
        for title, lines in sections:
            pen.gap(16)
            pen.line(t(title, lang), "subtitle", c.primary)
            for line in lines or [t("logs.none", lang)]:
                pen.line(line, "caption", c.text)
        draw_widgets(surface, theme, self.layout(view, theme))


SCREEN = LogsScreen()
SAMPLES: dict[str, LogsView] = {
    "default": LogsView(
        lines=["14:02:11 3f2a91c0 print_done resident_copy", "14:05:40 device out_of_service_entered a4-paper-out",
               "14:20:15 maintenance maintenance_entered"],
        sessions=["2026-12-06 14:01:50  3f2a91c0a1b2  resident_copy      x1  in  1,000 kept    200 change   800 "
                  "refund      0 voucher     0  completed"],
        outages=[OutageLine("12-06 14:05", "a4-paper-out", None), OutageLine("12-05 09:12", "server-unavailable", 7)],
    ),
}
