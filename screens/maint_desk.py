"""The layout the cash and voucher pages share: what the technician reads on top (the last answer
first, with what to do next), the page's buttons down the left and the on-screen keypad on the right,
both below the 1,220 mm reach line; the page tabs in the footer (screens/maint_nav.py).

The keypad is screens/keypad.py's, its keys sending the workshop's `keypad` action (the typed count or
code lives in the controller, so the page and `kiosk diag` see the same digits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pygame

from kiosk.views import Intent, View
from screens.frame import Frame, button_height, paint_frame
from screens.keypad import key_gap, key_min_height, keypad_widgets
from screens.maint_nav import maintenance_frame, nav_widgets
from screens.screen import lang_of
from screens.text import draw_text, text_height
from screens.theme import RGB, Theme
from screens.widgets import Widget, draw_widgets

ButtonSpec = tuple[str, Intent | None, str, str]  # widget id, intent, label, style


@dataclass(frozen=True)
class Line:
    """One piece of information: lower `priority` is dropped last when the page is short of room."""

    text: str
    style: str
    color: RGB
    priority: int = 1


def _button_h(theme: Theme, labels: Sequence[str], width: int) -> int:
    inner = width - 2 * theme.sp(20)
    tallest = max((text_height(theme, label, "label", inner) for label in labels), default=0)
    return max(button_height(theme), tallest + 2 * theme.sp(12) + 2)


@dataclass(frozen=True)
class DeskLayout:
    frame: Frame
    info: pygame.Rect  # where the information lines go
    buttons: list[Widget]
    typed: pygame.Rect  # the typed count or code, above the keypad
    keys: list[Widget]


def layout(view: View, theme: Theme, specs: Sequence[ButtonSpec], *, field: str, typed_text: str,
           rows: Sequence[ButtonSpec] = ()) -> DeskLayout:
    """`rows`: full-width buttons above the controls (a list to pick from), as many as fit below the
    reach line while the title and two lines of information still fit above them."""
    frame = maintenance_frame(view, theme)
    body = frame.body
    gap = theme.sp(20)
    left_w = body.width * 47 // 100 - gap // 2  # the keypad keeps keys wide enough for "Clear" whole
    right = pygame.Rect(body.left + left_w + gap, 0, body.right - body.left - left_w - gap, 0)
    # The controls start below the reach line and the title; on a zoomed theme (never a technician's,
    # but drawn by the gallery) they shrink to fit rather than run into the page tabs.
    ceiling = max(theme.reach_top, body.top + theme.line_height("title") + theme.sp(8))
    room = body.bottom - ceiling
    n = len(specs)
    bh = min(_button_h(theme, [s[2] for s in specs], left_w), max(theme.min_target, (room - (n - 1) * gap) // n))
    left_h = n * bh + (n - 1) * gap
    typed_h = text_height(theme, typed_text, "body_bold", right.width)
    kgap = key_gap(theme)
    kh = min(max(key_min_height(theme), theme.sp(104)),
             max(theme.min_target, (room - typed_h - gap - 3 * kgap) // 4))
    pad_h = 4 * kh + 3 * kgap
    top = max(ceiling, body.bottom - max(left_h, typed_h + gap + pad_h))
    buttons = [
        Widget(wid, pygame.Rect(body.left, top + i * (bh + gap), left_w, bh), intent, label, style)
        for i, (wid, intent, label, style) in enumerate(specs)
    ]
    pad = pygame.Rect(right.left, body.bottom - pad_h, right.width, pad_h)
    keys = [_remap(w, field) for w in keypad_widgets(pad, theme, lang_of(view), rows=4)]
    typed = pygame.Rect(right.left, pad.top - gap - typed_h, right.width, typed_h)
    info_bottom = min(top, typed.top) - gap
    need = theme.line_height("title") + 2 * theme.line_height("body_bold") + theme.sp(8)
    row_h = button_height(theme)
    for wid, intent, label, style in rows:
        row_top = info_bottom - row_h
        if row_top < max(theme.reach_top, body.top + need + gap):
            break
        buttons.append(Widget(wid, pygame.Rect(body.left, row_top, body.width, row_h), intent, label, style))
        info_bottom = row_top - gap
    info = pygame.Rect(body.left, body.top, body.width, info_bottom - body.top)
    return DeskLayout(frame, info, buttons, typed, keys)


def _remap(widget: Widget, field: str) -> Widget:
    """A keypad key that types into the workshop's `field` instead of a resident's number."""
    key = widget.widget_id.split(":", 1)[1]
    return replace(widget, intent=Intent("maint", {"do": "keypad", "field": field, "key": key}))


def widgets(view: View, theme: Theme, desk: DeskLayout) -> list[Widget]:
    return [*desk.buttons, *desk.keys, *nav_widgets(view, theme, desk.frame)]


def draw(surface: pygame.Surface, view: View, theme: Theme, desk: DeskLayout, *, title: str,
         lines: Sequence[Line], typed_text: str) -> None:
    paint_frame(surface, view, theme, desk.frame)
    c = theme.colors
    info = desk.info
    title_h = theme.line_height("title")
    draw_text(surface, theme, title, "title", c.text, pygame.Rect(info.left, info.top, info.width, title_h),
              align="left")
    room = info.height - title_h - theme.sp(8)
    heights = [text_height(theme, line.text, line.style, info.width) for line in lines]
    shown: set[int] = set()
    for index in sorted(range(len(lines)), key=lambda i: lines[i].priority):
        if heights[index] and heights[index] <= room:
            shown.add(index)
            room -= heights[index]
    y = info.top + title_h + theme.sp(8)
    for index, line in enumerate(lines):
        if index in shown:
            draw_text(surface, theme, line.text, line.style, line.color,
                      pygame.Rect(info.left, y, info.width, heights[index]), align="left")
            y += heights[index]
    if typed_text:
        draw_text(surface, theme, typed_text, "body_bold", c.primary, desk.typed, align="left")
    draw_widgets(surface, theme, widgets(view, theme, desk))
