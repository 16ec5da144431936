"""Technician mode: every device's state and supplies, the counters, the journal tail."""

from __future__ import annotations

import pygame

from kiosk.views import DeviceLine, MaintenanceView, View
from screens.frame import Frame, paint_frame
from screens.maint_nav import maintenance_frame, nav_widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


class MaintenanceScreen(Screen):
    name = "maintenance"

    def _frame(self, view: View, theme: Theme) -> Frame:
        return maintenance_frame(view, theme)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return nav_widgets(view, theme, self._frame(view, theme))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, MaintenanceView)
        body = frame.body
        y = body.top
        y += draw_text(
            surface,
            theme,
            t("maint.title", lang),
            "title",
            c.text,
            pygame.Rect(body.left, y, body.width, theme.line_height("title")),
            align="left",
        )
        lh = theme.line_height("body")
        ch = theme.line_height("caption")

        def heading(text: str, y: int) -> int:
            y += theme.sp(24)
            used = draw_text(
                surface,
                theme,
                text,
                "subtitle",
                c.primary,
                pygame.Rect(body.left, y, body.width, theme.line_height("subtitle")),
                align="left",
            )
            return y + used + theme.sp(8)

        y = heading(t("maint.devices", lang), y)
        col = body.width * 2 // 5
        for row in data.devices:
            if y + lh > body.bottom:
                break
            device, state, reason, supplies = row.device, row.state, row.reason, row.supplies
            colour = c.success if state == "online" else c.danger
            draw_text(
                surface, theme, device, "body_bold", c.text, pygame.Rect(body.left, y, col, lh), align="left"
            )
            draw_text(
                surface,
                theme,
                f"{state} {reason}".strip(),
                "body",
                colour,
                pygame.Rect(body.left + col, y, body.width - col, lh),
                align="left",
            )
            y += lh
            text = " ".join(f"{k}={v}" for k, v in sorted(supplies.items()))
            supplies_h = text_height(theme, text, "caption", body.width - col)
            if supplies and y + supplies_h <= body.bottom:
                low = any(v in {"out", "jammed", "empty", "low"} for v in supplies.values())
                draw_text(
                    surface,
                    theme,
                    text,
                    "caption",
                    c.danger if low else c.muted,
                    pygame.Rect(body.left + col, y, body.width - col, supplies_h),
                    align="left",
                )
                y += supplies_h
        counters = data.counters
        if counters:
            y = heading(t("maint.counters", lang), y)
            items = sorted((str(k), v) for k, v in counters.items())
            half = (len(items) + 1) // 2
            for i, (name, value) in enumerate(items):
                x = body.left + (0 if i < half else body.width // 2)
                row_y = y + (i % half) * lh
                if row_y + lh > body.bottom:
                    continue
                draw_text(
                    surface,
                    theme,
                    f"{name}: {value}",
                    "body",
                    c.text,
                    pygame.Rect(x, row_y, body.width // 2 - theme.sp(16), lh),
                    align="left",
                )
            y += half * lh
        journal = data.journal_tail
        if journal:
            y = heading(t("maint.journal", lang), y)
            room = max(0, (body.bottom - y) // ch)
            for line in journal[-room:] if room else []:
                draw_text(
                    surface,
                    theme,
                    line,
                    "caption",
                    c.muted,
                    pygame.Rect(body.left, y, body.width, ch),
                    align="left",
                )
                y += ch
        draw_widgets(surface, theme, self.layout(view, theme))


SCREEN = MaintenanceScreen()
SAMPLES: dict[str, MaintenanceView] = {
    "default": MaintenanceView(
        devices=[
            DeviceLine("fingerprint", "online", ""),
            DeviceLine("cash", "online", "", {"hopper100": "low", "hopper500": "full"}),
            DeviceLine("receipt", "online", "", {"paper": "out"}),
            DeviceLine("a4", "hardwareError", "media-jam", {"paper": "jammed"}),
            DeviceLine("server", "online", ""),
        ],
        counters={"issued": 1423, "cancelled": 87, "refunded": 3, "coins_in": 41200, "bills_in": 118000},
        journal_tail=[
            "14:02:11 session 812 issued resident_copy x1",
            "14:05:40 a4 media-jam reported",
            "14:06:02 out_of_service a4-printer-unavailable",
            "14:20:15 technician card accepted",
        ],
    ),
}
