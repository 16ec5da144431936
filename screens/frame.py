"""The frame every screen is drawn in: header (name, clock or time left), notices bar, body, footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from kiosk.views import IdleView, Intent, PaymentView, View
from screens.icons import draw_alert_icon
from screens.screen import lang_of
from screens.strings import t
from screens.text import blit_line, blit_text
from screens.theme import Theme
from screens.widgets import Widget


@dataclass(frozen=True)
class Frame:
    """The regions of one screen. Controls go in `controls` (bottom-anchored, below the low line)."""

    header: pygame.Rect
    notices: pygame.Rect
    body: pygame.Rect
    controls: pygame.Rect
    footer: pygame.Rect


def button_height(theme: Theme) -> int:
    """Footer buttons: roomy at 100 %, at 200 % as tall as their floor-size label needs (the band
    below 1,220 mm is short)."""
    return max(theme.min_button, theme.line_height("label") + theme.sp(64) - round(60 * (theme.scale - 1)))


def header_height(theme: Theme) -> int:
    return theme.line_height("body_bold") + theme.sp(48)


def _notice_lines(view: View, theme: Theme, width: int) -> list[str]:
    lang = lang_of(view)
    lines: list[str] = []
    for code in view.notices:
        if isinstance(code, str):
            lines.extend(theme.wrap(t(f"notice.{code}", lang), "body_bold", width))
    return lines


def notice_text_width(theme: Theme) -> int:
    return theme.width - 2 * theme.sp(40) - theme.px(56) - theme.sp(24)


def time_left(view: View) -> int:
    """Seconds left of a time limit the header shows (payment only, and not under a prompt)."""
    data = view.data
    left = data.seconds_left if isinstance(data, PaymentView) else 0
    return left if view.prompt is None else 0


def build_frame(view: View, theme: Theme, *, footer: bool = True, header: bool = True) -> Frame:
    """The regions: in the low position the notices, body and footer lie between the 1,220 mm and
    400 mm lines, and so does the header when it holds a time limit (else it is decoration and
    stays on top); the footer never goes below the 400 mm line."""
    margin = theme.sp(48)
    head_h = header_height(theme) if header else 0
    head_top = theme.info_top if time_left(view) > 0 else 0
    header_r = pygame.Rect(0, head_top, theme.width, head_h)
    lines = _notice_lines(view, theme, notice_text_width(theme))
    notice_h = len(lines) * theme.line_height("body_bold") + 2 * theme.sp(22) if lines else 0
    notices_r = pygame.Rect(0, max(header_r.bottom, theme.info_top), theme.width, notice_h)
    bottom = theme.reach_bottom
    footer_h = button_height(theme) + 2 * theme.sp(28) if footer else 0
    gap = theme.sp(36)
    body_top = notices_r.bottom + gap if notice_h else max(header_r.bottom + gap, theme.info_top)
    body_bottom = bottom - footer_h - theme.sp(28)
    body = pygame.Rect(margin, body_top, theme.width - 2 * margin, max(0, body_bottom - body_top))
    ctrl_top = max(body.top, theme.control_top)
    controls = pygame.Rect(body.left, ctrl_top, body.width, max(0, body.bottom - ctrl_top))
    footer_r = pygame.Rect(0, bottom - footer_h, theme.width, footer_h)
    return Frame(header_r, notices_r, body, controls, footer_r)


def footer_buttons(
    frame: Frame, theme: Theme, specs: Sequence[tuple[str, Intent | None, str, str, int]]
) -> list[Widget]:
    """Buttons side by side in the footer band: (id, intent, label, style, weight).

    A footer holding only "cancel" keeps it where cancel stands in a [cancel, OK] footer (the left
    half), never across the whole band: the screens after "OK" (payment, fingerprint) would
    otherwise put cancel right under the finger of a resident who tapped OK twice.
    """
    if not specs or frame.footer.height == 0:
        return []
    margin, gap = theme.sp(48), theme.sp(24)
    height = button_height(theme)
    y = frame.footer.top + (frame.footer.height - height) // 2
    if len(specs) == 1 and specs[0][3] == "cancel":
        wid, intent, label, style, _ = specs[0]
        half = (theme.width - 2 * margin - gap) // 2
        return [Widget(wid, pygame.Rect(margin, y, half, height), intent, label, style)]
    usable = theme.width - 2 * margin - gap * (len(specs) - 1)
    total = sum(spec[4] for spec in specs)
    x = margin
    widgets: list[Widget] = []
    for i, (wid, intent, label, style, weight) in enumerate(specs):
        w = usable * weight // total if i < len(specs) - 1 else theme.width - margin - x
        widgets.append(Widget(wid, pygame.Rect(x, y, w, height), intent, label, style))
        x += w + gap
    return widgets


def language_specs(view: View) -> list[tuple[str, Intent | None, str, str, int]]:
    lang = lang_of(view)
    return [
        (
            "lang:ko",
            Intent("language", {"code": "ko"}),
            t("lang.ko", lang),
            "lang_on" if lang == "ko" else "lang",
            1,
        ),
        (
            "lang:en",
            Intent("language", {"code": "en"}),
            t("lang.en", lang),
            "lang_on" if lang == "en" else "lang",
            1,
        ),
    ]


def cancel_spec(view: View, weight: int = 1) -> tuple[str, Intent | None, str, str, int]:
    return ("cancel", Intent("cancel"), t("button.cancel", lang_of(view)), "cancel", weight)


def paint_frame(surface: pygame.Surface, view: View, theme: Theme, frame: Frame) -> None:
    """Background, header (kiosk name, clock), notices bar and footer band."""
    c = theme.colors
    surface.fill(c.bg)
    if frame.header.height:
        pygame.draw.rect(surface, c.header, frame.header)
        if c.outlines:
            pygame.draw.line(surface, c.border, frame.header.bottomleft, frame.header.bottomright, theme.sp(3))
        left = time_left(view)
        if left > 0:
            _paint_header(surface, view, theme, frame.header, left)
        else:
            with theme.decorative():
                _paint_header(surface, view, theme, frame.header, left)
    if frame.notices.height:
        pygame.draw.rect(surface, c.notice, frame.notices)
        if c.outlines:
            pygame.draw.rect(surface, c.border, frame.notices, width=theme.sp(3))
        pad = theme.sp(40)
        icon = theme.px(56)
        lines = _notice_lines(view, theme, notice_text_width(theme))
        lh = theme.line_height("body_bold")
        y = frame.notices.top + theme.sp(22)
        draw_alert_icon(surface, theme, (pad + icon // 2, y + lh // 2), icon, c.text, c.notice)
        x = pad + icon + theme.sp(24)
        for line in lines:
            line_h = theme.measure(line, "body_bold")[1]
            blit_text(surface, theme, line, "body_bold", c.text, (x, y + (lh - line_h) // 2))
            y += lh
    if frame.footer.height:
        pygame.draw.rect(surface, c.surface, frame.footer)
        line = c.border if c.outlines else c.disabled
        pygame.draw.line(surface, line, frame.footer.topleft, frame.footer.topright, theme.sp(3))


def _paint_header(surface: pygame.Surface, view: View, theme: Theme, header: pygame.Rect, left: int) -> None:
    """The kiosk's name, and the clock (idle) or the time left (payment) at the right."""
    c = theme.colors
    lang = lang_of(view)
    pad = theme.sp(40)
    data = view.data
    # Only the idle screen sends the kiosk's name and the clock, only payment a time limit.
    name = (data.kiosk_name if isinstance(data, IdleView) else "") or t("kiosk.title", lang)
    clock = data.clock if isinstance(data, IdleView) else ""
    if left > 0:
        # A screen with a time limit shows what is left where the clock would be.
        clock = t("time_left", lang, time=f"{left // 60}:{left % 60:02d}")
    clock_w = theme.measure(clock, "body_bold")[0] + pad if clock else 0
    row = pygame.Rect(pad, header.top, theme.width - 2 * pad - clock_w, header.height)
    blit_line(surface, theme, name, "body_bold", c.on_header, row, align="left")
    if clock:
        row = pygame.Rect(0, header.top, theme.width - pad, header.height)
        blit_line(surface, theme, clock, "body_bold", c.on_header, row, align="right")


def place_below(frame: Frame, info_bottom: int, gap: int) -> int:
    """Top of a control block: right under the info, but never above the low-position line."""
    return max(frame.controls.top, info_bottom + gap)
