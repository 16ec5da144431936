"""Attract screen: where the kiosk is, whether it can issue now, and one huge "touch to start" (greyed,
saying it cannot, while no session can start).

Static on purpose: nothing moves, so an idle booth draws one frame and then sleeps.
"""

from __future__ import annotations

import datetime as dt

import pygame

from kiosk.views import IdleView, Intent, View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import Frame, build_frame, button_height, paint_frame, place_below
from screens.icons import draw_alert_icon, draw_check_icon
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

__all__ = ["SAMPLES", "SCREEN", "IdleScreen"]


class IdleScreen(Screen):
    name = "idle"

    def _pickup_rect(self, view: View, theme: Theme, body: pygame.Rect) -> pygame.Rect | None:
        """Issue 17: the pickup of a document reserved online, a full-width button under "start" while
        documents can be issued (the bottom band of the body; None when closed)."""
        if not view_data(view, IdleView).issuance_open:
            return None
        lang = lang_of(view)
        h = max(button_height(theme), text_height(theme, t("button.pickup", lang), "label", body.width - theme.sp(80))
                + 2 * theme.sp(16))
        return pygame.Rect(body.left, body.bottom - h, body.width, h)

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect]:
        frame = build_frame(view, theme, footer=False)
        body = frame.body
        pickup = self._pickup_rect(view, theme, body)
        if pickup is not None:  # "start" ends a gap above the pickup button
            body = pygame.Rect(body.left, body.top, body.width, pickup.top - theme.sp(32) - body.top)
        blocks = self._blocks(view, theme, body.width)
        gap = theme.sp(48)
        top = place_below(frame, body.top + stack_height(blocks), gap)
        # The start button stays big whatever the zoom: at least 35 % of the body; the words give way.
        min_h = max(3 * theme.min_target, body.height * 35 // 100)
        if body.bottom - top < min_h:
            top = max(frame.controls.top, body.bottom - min_h)
        start = pygame.Rect(body.left, top, body.width, max(theme.min_target, body.bottom - top))
        info = pygame.Rect(body.left, body.top, body.width, max(0, top - gap // 2 - body.top))
        return frame, info, start

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, IdleView)
        blocks = [text_block(theme, t("kiosk.title", lang), "big", c.text, width, priority=2, align="center")]
        location = data.location
        if location:
            blocks.append(text_block(theme, location, "subtitle", c.primary, width, align="center"))
        blocks.append(Block(theme.sp(24), lambda s, r: None, 3))
        blocks.append(
            text_block(
                theme,
                t("idle.what", lang),
                "body",
                c.muted,
                width,
                priority=3,
                align="center",
                gap=theme.sp(40),
            )
        )
        is_open = data.issuance_open
        reason = "" if is_open else data.closed_reason
        if is_open:
            status = t("idle.open", lang)
        else:
            status = t(f"reason.{reason}", lang) if reason else t("idle.closed", lang)
        icon = theme.px(52)
        pad = theme.sp(28)
        text_w = width - 3 * pad - icon
        h = text_height(theme, status, "subtitle", text_w) + 2 * theme.sp(16)
        fg, soft = (c.success, c.success_soft) if is_open else (c.danger, c.danger_soft)

        def paint_status(surface: pygame.Surface, box: pygame.Rect) -> object:
            pygame.draw.rect(surface, soft, box, border_radius=theme.sp(20))
            centre = (box.left + pad + icon // 2, box.centery)
            if is_open:
                draw_check_icon(surface, centre, icon, fg, soft)
            else:
                draw_alert_icon(surface, theme, centre, icon, fg, soft)
            return draw_text(
                surface,
                theme,
                status,
                "subtitle",
                fg,
                pygame.Rect(box.left + 2 * pad + icon, box.top, text_w, box.height),
                align="left",
            )

        blocks.append(Block(h, paint_status, 1 if is_open else 0))
        opens = "" if is_open else opens_text(data, lang)
        if opens:  # the most useful line of a closed booth after why: it gives way only to the status
            blocks.append(Block(theme.sp(16), lambda s, r: None, 1))
            blocks.append(text_block(theme, opens, "subtitle", c.text, width, priority=1, align="center"))
        if not is_open and data.offered_then:
            names = ", ".join(document(code, lang) for code in data.offered_then)
            blocks.append(Block(theme.sp(24), lambda s, r: None, 2))
            blocks.append(text_block(theme, t("idle.offered-then", lang, documents=names), "body", c.text, width,
                                     priority=2, align="center"))
        return blocks

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, start = self._geometry(view, theme)
        lang = lang_of(view)
        other = "en" if lang == "ko" else "ko"
        # A booth that cannot start a session (closed, out of hours, on battery) does not invite a touch
        # that would do nothing: the panel is disabled and says so in both languages.
        invite = "idle.touch" if view_data(view, IdleView).issuance_open else "idle.closed"
        intent = Intent("start") if invite == "idle.touch" else None
        widgets = [Widget("start", start, intent, t(invite, lang), "custom", t(invite, other))]
        pickup = self._pickup_rect(view, theme, frame.body)
        if pickup is not None:
            widgets.append(Widget("pickup", pickup, Intent("pickup"), t("button.pickup", lang), "secondary"))
        return widgets + list(frame.service)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, info, _ = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        stack(
            surface,
            info,
            self._blocks(view, theme, info.width),
            valign="bottom" if theme.low_position else "top",
        )
        widgets = self.layout(view, theme)
        self._draw_start(surface, theme, widgets[0])
        draw_widgets(surface, theme, widgets[1:])

    def _draw_start(self, surface: pygame.Surface, theme: Theme, widget: Widget) -> None:
        c = theme.colors
        rect = widget.rect
        fill, ink = (c.primary, c.on_dark) if widget.enabled else (c.disabled, c.on_disabled)
        pygame.draw.rect(surface, fill, rect, border_radius=theme.sp(36))
        if c.outlines or not widget.enabled:  # a disabled panel keeps a visible edge on the page
            pygame.draw.rect(surface, c.border, rect, width=theme.sp(3), border_radius=theme.sp(36))
        inner_w = rect.width - 2 * theme.sp(40)
        label_h = text_height(theme, widget.label, "big", inner_w)
        detail_h = text_height(theme, widget.detail, "subtitle", inner_w)
        words_h = label_h + theme.sp(12) + detail_h
        # A fingertip ring above the words when there is room: the one picture every language reads.
        ring = min(theme.px(170), rect.height // 3)
        with_ring = widget.enabled and rect.height >= ring + theme.sp(40) + words_h + 2 * theme.sp(32)
        block_h = words_h + (ring + theme.sp(40) if with_ring else 0)
        y = rect.top + max(theme.sp(16), (rect.height - block_h) // 2)
        if with_ring:
            cy = y + ring // 2
            pygame.draw.circle(surface, ink, (rect.centerx, cy), ring // 2, theme.sp(8))
            pygame.draw.circle(surface, ink, (rect.centerx, cy), ring // 5)
            y += ring + theme.sp(40)
        left = rect.left + theme.sp(40)
        room = max(0, rect.bottom - theme.sp(16) - y)
        used = draw_text(
            surface,
            theme,
            widget.label,
            "big",
            ink,
            pygame.Rect(left, y, inner_w, min(label_h, room)),
            valign="top",
        )
        y += used + theme.sp(12)
        rest = max(0, rect.bottom - theme.sp(16) - y)
        if detail_h > rest:
            return  # the other language's line is a courtesy: it gives way at 200 %, never half-drawn
        draw_text(
            surface,
            theme,
            widget.detail,
            "subtitle",
            ink,
            pygame.Rect(left, y, inner_w, rest),
            valign="top",
        )


def opens_text(data: IdleView, lang: str) -> str:
    """"Opens tomorrow at 07:00" in the resident's language; "" when the view does not know."""
    if not data.opens_at:
        return ""
    if data.opens_day in ("today", "tomorrow"):
        return t(f"idle.opens-{data.opens_day}", lang, time=data.opens_at)
    try:
        day = dt.date.fromisoformat(data.opens_day)
    except ValueError:
        return ""
    date = t("idle.date", lang, day=day.day, weekday=t(f"weekday.{day.weekday()}", lang),
             month_name=t(f"month.{day.month}", lang))
    return t("idle.opens-on", lang, date=date, time=data.opens_at)


SCREEN = IdleScreen()

SAMPLES: dict[str, IdleView] = {
    "open": IdleView(
        kiosk_name="무인민원발급기",
        location="세종특별자치시청 1층 365 코너",
        clock="14:05",
        issuance_open=True,
        closed_reason="",
    ),
    "closed": IdleView(
        kiosk_name="무인민원발급기",
        location="세종특별자치시청 1층 365 코너",
        clock="23:41",
        issuance_open=False,
        closed_reason="outside-hours",
        opens_at="07:00",
        opens_day="tomorrow",
        offered_then=["resident_copy", "resident_abstract", "family_relations", "local_tax"],
    ),
    "holiday": IdleView(
        kiosk_name="무인민원발급기",
        location="세종특별자치시청 1층 365 코너",
        clock="10:12",
        issuance_open=False,
        closed_reason="holiday",
        opens_at="07:00",
        opens_day="2026-09-28",
        offered_then=["resident_copy", "resident_abstract", "family_relations", "local_tax", "land_register",
                      "building_register"],
    ),
}
