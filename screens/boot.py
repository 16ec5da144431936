"""Start-up: a calm "starting, please wait" in Korean and English. No touch targets.

Residents may walk up while the kiosk boots. They see that it is starting and that it will be ready
shortly, never a device checklist: a line like "a4_printer: offline (not-yet-contacted)" in red
means nothing to them and reads as "broken". The devices stay in the View's data for technicians
(`kiosk screen`, the log, the maintenance screen).
"""

from __future__ import annotations

import pygame

from kiosk.views import BootView, DeviceLine, View
from screens.blocks import stack, text_block
from screens.frame import build_frame, paint_frame
from screens.screen import Screen, view_data
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget

# Both languages at once: nobody has chosen one yet, and the screen must not need a touch.
_LANGUAGES = ("ko", "en")


class BootScreen(Screen):
    name = "boot"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        body = frame.body
        step = view_data(view, BootView).step
        blocks = []
        for i, lang in enumerate(_LANGUAGES):
            first = i == 0
            blocks.append(
                text_block(
                    theme,
                    t("boot.title", lang),
                    "title" if first else "subtitle",
                    c.text,
                    body.width,
                    align="center",
                    gap=theme.sp(12),
                )
            )
            blocks.append(
                text_block(
                    theme,
                    t(f"boot.{step}", lang),
                    "body_bold",
                    c.primary,
                    body.width,
                    align="center",
                    priority=1,
                    gap=theme.sp(12),
                )
            )
            blocks.append(
                text_block(
                    theme,
                    t("wait", lang),
                    "body",
                    c.muted,
                    body.width,
                    align="center",
                    priority=2,
                    gap=theme.sp(72) if first else 0,
                )
            )
        stack(surface, body, blocks, valign="middle")


SCREEN = BootScreen()

_DEVICES = [
    DeviceLine("fingerprint", "online", ""),
    DeviceLine("cash", "online", "", {"hopper100": "full"}),
    DeviceLine("receipt", "online", "", {"paper": "low"}),
    DeviceLine("a4_printer", "offline", "not-yet-contacted"),
]
SAMPLES: dict[str, BootView] = {
    "starting": BootView(step="starting", devices=_DEVICES),
    "selftest": BootView(step="selftest", devices=_DEVICES),
    "recovering": BootView(step="recovering", devices=_DEVICES[:2]),
}
