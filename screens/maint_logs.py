"""The technician's logs page: the out-of-service history (when, why, how long), the last sessions
(no personal data: kiosk.session_history) and the journal's tail."""

from __future__ import annotations

import pygame

from kiosk.views import LogsView, OutageLine, SessionLine, View
from screens.frame import paint_frame
from screens.maint_body import Column
from screens.maint_nav import MaintenancePage
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.theme import Theme
from screens.widgets import draw_widgets


def outage_text(outage: OutageLine, lang: str) -> str:
    reason = t(f"reason.{outage.reason}", lang)
    if outage.minutes is None:
        return t("logs.outage_ongoing", lang, began=outage.began, reason=reason)
    return t("logs.outage", lang, began=outage.began, reason=reason, minutes=outage.minutes)


def session_text(visit: SessionLine, lang: str) -> str:
    """"12-06 14:01  Resident registration (household) x1 - Money taken in: 1,000 won, ... - Issued"."""
    what = f"{t(f'doc.{visit.document}', lang)} x{visit.copies}" if visit.document else t("logs.no_document", lang)
    money = [f"{t(f'board.count.{name}', lang)}: {t('board.unit.won', lang, n=f'{amount:,}')}"
             for name, amount in (("money_in", visit.money_in), ("fees_kept", visit.fee_kept),
                                  ("change", visit.change), ("refunds", visit.refunds), ("vouchers", visit.vouchers))
             if amount]
    outcome = t(f"logs.outcome.{visit.outcome or 'open'}", lang)
    return " - ".join([f"{visit.opened}  {what}", *([", ".join(money)] if money else []), outcome])


class LogsScreen(MaintenancePage):
    name = "maint_logs"

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
            ("logs.sessions", [session_text(v, lang) for v in data.sessions]),
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
        sessions=[SessionLine("12-06 14:01", "resident_copy", 1, 1000, 200, 800, 0, 0, "issued"),
                  SessionLine("12-06 13:40", "", 0, 0, 0, 0, 0, 0, "timed_out", "timeout")],
        outages=[OutageLine("12-06 14:05", "a4-paper-out", None), OutageLine("12-05 09:12", "server-unavailable", 7)],
    ),
}
