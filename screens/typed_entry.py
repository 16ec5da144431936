"""A screen where the resident types a number on the 12-key keypad: what it is for, the number typed so
far in a large field, the answer in words (busy, or an error on a red card), and the keypad, which at
200 % zoom gives way to the error (keypad.correction_widgets). The pickup code (screens/pickup.py) and
the notice's mobile number (screens/notice.py) are this screen with their own words and footers; each
subclass says what to show, this class where it goes.
"""

from __future__ import annotations

import abc

import pygame

from kiosk.views import View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import FooterSpec, Frame, build_frame, footer_buttons, paint_frame
from screens.icons import draw_alert_icon
from screens.keypad import correction_widgets, key_gap, key_min_height, keypad_widgets
from screens.screen import Screen, lang_of
from screens.text import blit_text, draw_text, text_height
from screens.theme import STYLES, Theme
from screens.widgets import Widget, draw_widgets, radius

_ROWS = 4
# The number is "huge" at 100 %; zoomed it stops at twice the "big" style, and gives way down to "big".
FIELD_MAX_MM = 2 * STYLES["big"][0]
FIELD_MIN_MM = STYLES["big"][0]


def _space(theme: Theme, px: int) -> int:
    return theme.sp(px) if theme.scale <= 1.0 else theme.mm(4.0)


class TypedEntryScreen(Screen, abc.ABC):
    # --- what a subclass says -------------------------------------------------------------------

    @abc.abstractmethod
    def heading(self, view: View) -> tuple[str, str]:
        """The title and the line under it."""

    def notes(self, view: View) -> list[str]:
        """Lines after the heading, in the primary colour (e.g. "or show the QR to the scanner")."""
        return []

    @abc.abstractmethod
    def field(self, view: View) -> str:
        """The number as the field shows it ("" shows the hint)."""

    @abc.abstractmethod
    def hint(self, view: View) -> str:
        """What the empty field says."""

    @abc.abstractmethod
    def busy(self, view: View) -> str:
        """"" or what the booth is doing with the number (it replaces the error)."""

    @abc.abstractmethod
    def error(self, view: View) -> str:
        """"" or the answer in words, on a red card."""

    @abc.abstractmethod
    def footer(self, view: View, *, ready: bool = True) -> list[FooterSpec]:
        """The footer's buttons; `ready`: the number is whole (OK lights up)."""

    @abc.abstractmethod
    def ready(self, view: View) -> bool: ...

    # --- how it is drawn ------------------------------------------------------------------------

    def _field_height(self, theme: Theme, size: int) -> int:
        return theme.line_height("huge", size) + 2 * (theme.sp(20) if theme.scale <= 1.0 else theme.sp(6))

    def _blocks(self, view: View, theme: Theme, width: int, field_px: int) -> list[Block]:
        c = theme.colors
        title, sub = self.heading(view)
        error = self.error(view)
        blocks: list[Block] = [
            text_block(theme, title, "title", c.text, width, priority=1 if error or theme.scale > 1.0 else 0,
                       gap=theme.sp(8)),
            text_block(theme, sub, "body", c.muted, width, priority=2, gap=theme.sp(16)),
        ]
        blocks += [text_block(theme, note, "body_bold", c.primary, width, priority=2, gap=theme.sp(16))
                   for note in self.notes(view)]

        def paint_field(surface: pygame.Surface, rect: pygame.Rect) -> object:
            return self._draw_field(surface, theme, view, rect, field_px)

        blocks.append(Block(self._field_height(theme, field_px), paint_field, 0, _space(theme, 28)))
        busy = self.busy(view)
        if busy:
            blocks.append(text_block(theme, busy, "body_bold", c.primary, width, priority=1))
        elif error:
            blocks.append(self._error_block(theme, error, width))
        return blocks

    def _error_block(self, theme: Theme, text: str, width: int) -> Block:
        c = theme.colors
        icon = theme.px(48)
        text_w = width - 2 * theme.sp(24) - icon - theme.sp(24)
        h = text_height(theme, text, "body_bold", text_w) + 2 * _space(theme, 16)

        def paint_error(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.danger_soft, rect, border_radius=theme.sp(16))
            draw_alert_icon(surface, theme, (rect.left + theme.sp(24) + icon // 2, rect.centery), icon, c.danger,
                            c.danger_soft)
            left = rect.left + theme.sp(48) + icon
            return draw_text(surface, theme, text, "body_bold", c.danger,
                             pygame.Rect(left, rect.top, rect.right - left - theme.sp(16), rect.height), align="left")

        return Block(h, paint_error, 0)

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect, int, bool]:
        """Frame, information area, keypad area, the number's pixel size, and whether the error stands
        in the digit keys' place (200 % zoom: see keypad.correction_widgets)."""
        frame = build_frame(view, theme, nav=self.footer(view))
        body = frame.body
        gap = key_gap(theme)
        field_min = max(theme.min_text_px, theme.glyph_px(FIELD_MIN_MM, bold=True))

        def fit(rows: int) -> tuple[int, int, int]:
            room = body.height - rows * key_min_height(theme) - (rows - 1) * gap - _space(theme, 24)
            field_px = min(theme.style_size("huge"), theme.glyph_px(FIELD_MAX_MM, bold=True))
            while True:
                must = stack_height([b for b in self._blocks(view, theme, body.width, field_px) if b.priority == 0])
                if must <= room or field_px <= field_min:
                    return field_px, must, room
                field_px = max(field_min, int(field_px * 0.9))

        field_px, must, room = fit(_ROWS)
        correcting = bool(self.error(view)) and must > room
        if correcting:
            field_px, must, room = fit(1)
        min_top = max(frame.controls.top, body.top + must + _space(theme, 24))
        if correcting:
            kh = max(key_min_height(theme), min(theme.px(170), body.bottom - min_top))
            keypad = pygame.Rect(body.left, body.bottom - kh, body.width, kh)
        else:
            room_h = body.bottom - min_top - (_ROWS - 1) * gap
            kh = max(key_min_height(theme), min(theme.px(170), room_h // _ROWS))
            pad_h = _ROWS * kh + (_ROWS - 1) * gap
            keypad = pygame.Rect(body.left, body.bottom - pad_h, body.width, pad_h)
        info = pygame.Rect(body.left, body.top, body.width, max(0, keypad.top - _space(theme, 24) - body.top))
        return frame, info, keypad, field_px, correcting

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, keypad, _, correcting = self._geometry(view, theme)
        lang = lang_of(view)
        footer = footer_buttons(frame, theme, self.footer(view, ready=self.ready(view)))
        if correcting:
            return correction_widgets(keypad, theme, lang) + footer
        return keypad_widgets(keypad, theme, lang, rows=_ROWS) + footer

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, info, _, field_px, _ = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        stack(surface, info, self._blocks(view, theme, info.width, field_px),
              valign="bottom" if theme.low_position else "middle")
        draw_widgets(surface, theme, self.layout(view, theme))

    def _draw_field(self, surface: pygame.Surface, theme: Theme, view: View, area: pygame.Rect, field_px: int) -> int:
        """The number typed so far, large, in a white box with the cursor after it; the hint when empty."""
        c = theme.colors
        shown = self.field(view)
        width = min(area.width, theme.px(720))
        box = pygame.Rect(area.centerx - width // 2, area.top, width, self._field_height(theme, field_px))
        pygame.draw.rect(surface, c.surface, box, border_radius=radius(theme))
        pygame.draw.rect(surface, c.primary, box, width=theme.sp(6), border_radius=radius(theme))
        inner = box.inflate(-2 * theme.sp(32), -2 * theme.sp(12))
        if not shown:
            draw_text(surface, theme, self.hint(view), "title", c.muted, inner)
            return box.bottom
        size = field_px
        cursor_w = max(4, theme.px(8))
        while size > theme.style_size("body") and theme.measure(shown, "huge", size)[0] + 3 * cursor_w > inner.width:
            size = int(size * 0.9)
        draw_typed(surface, theme, shown, size, inner)
        return box.bottom


def draw_typed(surface: pygame.Surface, theme: Theme, text: str, size: int, inner: pygame.Rect) -> None:
    """What was typed, centred in `inner` at `size`, with the cursor after it: one look for the number
    fields and the e-mail address."""
    c = theme.colors
    cursor_w = max(4, theme.px(8))
    w, h = theme.measure(text, "huge", size)
    text_rect = pygame.Rect(0, 0, w, h)
    text_rect.center = (inner.centerx - 2 * cursor_w, inner.centery)
    blit_text(surface, theme, text, "huge", c.text, text_rect.topleft, size)
    cursor_h = int(size * 0.9)
    pygame.draw.rect(surface, c.primary,
                     pygame.Rect(text_rect.right + cursor_w, inner.centery - cursor_h // 2, cursor_w, cursor_h))
