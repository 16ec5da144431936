"""Start-up: which step the controller is on and each device as it comes up. No touch targets."""

from __future__ import annotations

from typing import Any

import pygame

from kiosk.views import DeviceLine, View
from screens.base import (
    Screen,
    Widget,
    build_frame,
    device_rows,
    draw_check_icon,
    draw_cross_icon,
    draw_text,
    get_str,
    lang_of,
    paint_frame,
)
from screens.strings import t
from screens.theme import Theme


class BootScreen(Screen):
    name = "boot"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        body = frame.body
        y = body.top + theme.sp(80)
        y += draw_text(
            surface,
            theme,
            t("boot.title", lang),
            "title",
            c.text,
            pygame.Rect(body.left, y, body.width, theme.line_height("title") * 2),
            valign="top",
        )
        step = get_str(view.data, "step", "starting")
        y += theme.sp(16)
        y += draw_text(
            surface,
            theme,
            t(f"boot.{step}", lang),
            "subtitle",
            c.primary,
            pygame.Rect(body.left, y, body.width, theme.line_height("subtitle") * 2),
            valign="top",
        )
        y += theme.sp(48)
        icon = theme.px(48)
        lh = max(theme.line_height("body_bold"), icon + theme.sp(16))
        for device, state, reason, _ in device_rows(view.data.get("devices")):
            if y + lh > body.bottom:
                break
            centre = (body.left + icon // 2, y + lh // 2)
            ok = state == "online"
            if ok:
                draw_check_icon(surface, centre, icon, c.success, c.surface)
            else:
                draw_cross_icon(surface, centre, icon, c.danger, c.surface)
            text = device if ok or not reason else f"{device}: {state} ({reason})"
            draw_text(
                surface,
                theme,
                text,
                "body_bold",
                c.text if ok else c.danger,
                pygame.Rect(body.left + icon + theme.sp(24), y, body.width - icon - theme.sp(24), lh),
                align="left",
            )
            y += lh + theme.sp(8)


SCREEN = BootScreen()

_DEVICES = [
    DeviceLine("fingerprint", "online", ""),
    DeviceLine("cash", "online", "", {"hopper100": "full"}),
    DeviceLine("receipt", "online", "", {"paper": "low"}),
    DeviceLine("a4", "offline", "no-answer"),
]
SAMPLES: dict[str, dict[str, Any]] = {
    "selftest": {"step": "selftest", "devices": _DEVICES},
    "recovering": {"step": "recovering", "devices": _DEVICES[:2]},
}
