"""Out of service: why, since when, where else to go. In both languages: nobody can choose one here.

A reason that needs a technician's hand (a journal fault) also says what to do, in the kiosk's
language, naming the file it is about.
"""

from __future__ import annotations

import pygame

from kiosk.views import DeviceLine, OutOfServiceView, View
from screens.blocks import Block, stack, text_block
from screens.frame import build_frame, paint_frame
from screens.icons import draw_alert_icon
from screens.screen import Screen, lang_of, view_data
from screens.strings import has, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets


class OutOfServiceScreen(Screen):
    name = "out_of_service"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return list(build_frame(view, theme, footer=False).service)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, footer=False)
        paint_frame(surface, view, theme, frame)
        draw_widgets(surface, theme, frame.service)
        c = theme.colors
        body = frame.body
        # For the technician who walks up: devices that are not online, one caption line each.
        data = view_data(view, OutOfServiceView)
        rows = [line for line in data.devices if line.state != "online"]
        texts = [f"{line.device}: {line.state} {line.reason}".strip() for line in rows]
        heights = [text_height(theme, text, "caption", body.width) for text in texts]
        y = body.bottom - sum(heights)
        for text, h in zip(texts, heights, strict=True):
            draw_text(surface, theme, text, "caption", c.muted, pygame.Rect(body.left, y, body.width, h), align="left")
            y += h
        info = pygame.Rect(body.left, body.top, body.width, body.height - sum(heights) - theme.sp(16))
        stack(surface, info, self._blocks(view, theme, body.width), valign="middle")

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        other = "en" if lang == "ko" else "ko"
        data = view_data(view, OutOfServiceView)
        reason = f"reason.{data.reason or 'unknown'}"
        since = data.since
        icon = theme.px(160)

        def paint_icon(surface: pygame.Surface, rect: pygame.Rect) -> object:
            draw_alert_icon(surface, theme, (rect.centerx, rect.top + icon // 2), icon, c.danger, c.bg)
            return None

        def paint_rule(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.line(
                surface, c.disabled, (rect.left, rect.centery), (rect.right, rect.centery), theme.sp(3)
            )
            return None

        blocks = [
            Block(icon, paint_icon, 3, theme.sp(48)),
            text_block(theme, t("out.title", lang), "big", c.danger, width, align="center", gap=theme.sp(16)),
            text_block(theme, t(reason, lang), "subtitle", c.text, width, align="center", gap=theme.sp(16)),
        ]
        if since:
            blocks.append(
                text_block(
                    theme,
                    t("out.since", lang, since=since),
                    "body_bold",
                    c.muted,
                    width,
                    priority=2,
                    align="center",
                    gap=theme.sp(16),
                    transient=True,  # a time of day: one line a day, never kept (Theme.text)
                )
            )
        blocks.append(
            text_block(
                theme,
                t("out.help", lang),
                "subtitle",
                c.text,
                width,
                priority=1,
                align="center",
                gap=theme.sp(40),
            )
        )
        # What the technician must do, for reasons that need a hand (a journal fault names its file).
        tech = f"tech.{data.reason}"
        if has(tech):
            journal = data.journal or "journal.sqlite3"
            blocks.append(
                text_block(
                    theme,
                    t(tech, lang, journal=journal),
                    "body",
                    c.text,
                    width,
                    priority=2,
                    align="center",
                    gap=theme.sp(40),
                )
            )
        # The same in the other language, smaller: a foreign resident cannot switch languages here.
        blocks.append(Block(theme.sp(40), paint_rule, 4, theme.sp(24)))
        blocks.extend(
            text_block(theme, t(code, other), "body", c.muted, width, priority=4, align="center")
            for code in ("out.title", reason, "out.help")
        )
        return blocks


SCREEN = OutOfServiceScreen()
SAMPLES: dict[str, OutOfServiceView] = {
    "server": OutOfServiceView(
        reason="server-unavailable",
        since="14:05",
        devices=[DeviceLine("fingerprint", "online", ""), DeviceLine("a4", "online", "")],
    ),
    "door": OutOfServiceView(
        reason="door-open",
        since="02:13",
        devices=[DeviceLine("door", "hardwareError", "open")],
    ),
    # `kiosk run` found the journal corrupt: no device was opened, the file was left as found.
    "journal_corrupt": OutOfServiceView(
        reason="journal-corrupt",
        since="03:12",
        devices=[],
        journal="/var/lib/kiosk/journal.sqlite3",
    ),
    "journal_unwritable": OutOfServiceView(
        reason="journal-unwritable",
        since="21:47",
        devices=[DeviceLine("cash", "online", ""), DeviceLine("a4_printer", "online", "")],
        journal="/var/lib/kiosk/journal.sqlite3",
    ),
    # The I/O module's thermometer passed [sensors] overheat_c: the technician is told what to check.
    "overheat": OutOfServiceView(
        reason="overheat",
        since="15:20",
        devices=[DeviceLine("io_module", "online", ""), DeviceLine("a4_printer", "online", "")],
    ),
}
