"""Lot number (지번) entry for the land and building registers: the district, the number, a keypad.

토지대장 and 건축물대장 need no identity, only the parcel: the booth's own 법정동 (shown from data)
and a lot number typed as 본번 and an optional 부번 ("123", "123-4"). The controller decides which
keys count (kiosk.controller.type_lot); this screen draws what it is given and never judges it,
except to light up OK once the number looks whole.
"""

from __future__ import annotations

import pygame

from common.parcel_lot import is_lot_number
from kiosk.views import Intent, ParcelView, View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import Frame, build_frame, confirm_specs, footer_buttons, paint_frame
from screens.icons import draw_alert_icon
from screens.keypad import correction_widgets, key_gap, key_min_height, key_pad, keypad_widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, has, t
from screens.text import blit_text, draw_text, text_height
from screens.theme import STYLES, Theme
from screens.widgets import Widget, draw_widget, draw_widgets, radius

# Longest lot the field draws ("1234-5678"): a wrong value upstream cannot push text off the glass.
MAX_SHOWN = 9

# Rows 1-4 are the resident-number keypad exactly (clear, 0, back at the bottom); the 부번 dash
# gets its own full-width row under it, labelled, because a lone "-" key is easy to miss.
_ROWS = 5
# The lot is "huge" (36 mm glyphs) at 100 %; zoomed, it stops at the "big" style at 200 % (48 mm)
# so the five key rows are not squeezed, and gives way down to "big" at 100 % (24 mm).
FIELD_MAX_MM = 2 * STYLES["big"][0]
FIELD_MIN_MM = STYLES["big"][0]  # the keypad's own digit size at 100 %


def shown_lot(lot: str) -> str:
    """What the field shows: the digits and dashes the controller sent, at most MAX_SHOWN of them."""
    return "".join(ch for ch in lot if ch.isdigit() or ch == "-")[:MAX_SHOWN]


def _space(theme: Theme, px: int) -> int:
    """A space between blocks: `px` at 100 % (grown at half the zoom rate); zoomed, 4 mm, as between
    the keys (the band below 1,220 mm is short)."""
    return theme.sp(px) if theme.scale <= 1.0 else theme.mm(4.0)


def _dash_min_height(view: View, theme: Theme) -> int:
    """The dash key holds its words ("부번") whole, accents above and below included."""
    words = t("key.dash", lang_of(view))
    return theme.measure(words, "label", theme.min_text_px)[1] + 2 * key_pad(theme) + 4


class ParcelScreen(Screen):
    name = "parcel"

    def _field_height(self, theme: Theme, size: int) -> int:
        return theme.line_height("huge", size) + 2 * (theme.sp(20) if theme.scale <= 1.0 else theme.sp(6))

    def _blocks(self, view: View, theme: Theme, width: int, field_px: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, ParcelView)
        doc = data.document
        error = data.error
        district = data.district
        blocks: list[Block] = []
        if doc:
            blocks.append(text_block(theme, document(doc, lang), "body_bold", c.primary, width, priority=3))
        title_key = f"parcel.title.{doc}" if has(f"parcel.title.{doc}") else "parcel.title"
        # With an error on screen at 200 % zoom, the error and the field matter more than the title.
        blocks.append(
            text_block(
                theme,
                t(title_key, lang),
                "title",
                c.text,
                width,
                priority=1 if error or theme.scale > 1.0 else 0,  # zoomed, the header names the step
                gap=theme.sp(8),
            )
        )
        blocks.append(text_block(theme, t("parcel.sub", lang), "body", c.muted, width, priority=2, gap=theme.sp(24)))
        if district:
            blocks.append(
                text_block(
                    theme,
                    t("parcel.district", lang, district=district),
                    "body_bold",
                    c.text,
                    width,
                    priority=1,
                    gap=theme.sp(16),
                )
            )

        def paint_field(surface: pygame.Surface, rect: pygame.Rect) -> object:
            return self._draw_field(surface, theme, view, rect, field_px)

        blocks.append(Block(self._field_height(theme, field_px), paint_field, 0, _space(theme, 28)))
        if error:
            blocks.append(self._error_block(theme, t(f"lot_error.{error}", lang), width))
        return blocks

    def _error_block(self, theme: Theme, text: str, width: int) -> Block:
        """The error in words on a soft red card with the alert mark (as on resident_number)."""
        c = theme.colors
        icon = theme.px(48)
        text_w = width - 2 * theme.sp(24) - icon - theme.sp(24)
        h = text_height(theme, text, "body_bold", text_w) + 2 * _space(theme, 16)

        def paint_error(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.danger_soft, rect, border_radius=theme.sp(16))
            draw_alert_icon(
                surface, theme, (rect.left + theme.sp(24) + icon // 2, rect.centery), icon, c.danger, c.danger_soft
            )
            left = rect.left + theme.sp(48) + icon
            return draw_text(
                surface,
                theme,
                text,
                "body_bold",
                c.danger,
                pygame.Rect(left, rect.top, rect.right - left - theme.sp(16), rect.height),
                align="left",
            )

        return Block(h, paint_error, 0)

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect, int, bool]:
        """Frame, information area, keypad area, the pixel size of the typed lot, and whether the
        error stands in the digit keys' place (see keypad.correction_widgets)."""
        frame = build_frame(view, theme, nav=confirm_specs(view))
        body = frame.body
        gap = key_gap(theme)
        field_min = max(theme.min_text_px, theme.glyph_px(FIELD_MIN_MM, bold=True))

        def fit(rows: int) -> tuple[int, int, int]:
            # The field gives way before the error does: when the essentials do not fit above a
            # keypad of 20 mm keys (200 % zoom with notices), the typed lot shrinks, down to field_min.
            room = body.height - rows * key_min_height(theme) - (rows - 1) * gap - _space(theme, 24)
            if rows == _ROWS:
                room -= max(0, _dash_min_height(view, theme) - key_min_height(theme))  # the dash row's words
            field_px = min(theme.style_size("huge"), theme.glyph_px(FIELD_MAX_MM, bold=True))
            while True:
                must = stack_height([b for b in self._blocks(view, theme, body.width, field_px) if b.priority == 0])
                if must <= room or field_px <= field_min:
                    return field_px, must, room
                field_px = max(field_min, int(field_px * 0.9))

        field_px, must, room = fit(_ROWS)
        correcting = bool(view_data(view, ParcelView).error) and must > room
        if correcting:
            # The error and five key rows do not fit (200 %): the error takes the digit keys' place.
            field_px, must, room = fit(1)
        min_top = max(frame.controls.top, body.top + must + _space(theme, 24))
        if correcting:
            kh = max(key_min_height(theme), min(theme.px(170), body.bottom - min_top))
            keypad = pygame.Rect(body.left, body.bottom - kh, body.width, kh)
        else:
            # As on resident_number: the keypad sits at the bottom and takes what the essential
            # information leaves; five rows here, so keys stop at 170 px (100 %) to leave the field room.
            taller = max(0, _dash_min_height(view, theme) - key_min_height(theme))  # the dash row's words
            room_h = body.bottom - min_top - (_ROWS - 1) * gap - taller
            kh = max(key_min_height(theme), min(theme.px(170), room_h // _ROWS))
            pad_h = _ROWS * kh + (_ROWS - 1) * gap + max(0, _dash_min_height(view, theme) - kh)
            keypad = pygame.Rect(body.left, body.bottom - pad_h, body.width, pad_h)
        info = pygame.Rect(body.left, body.top, body.width, max(0, keypad.top - _space(theme, 24) - body.top))
        return frame, info, keypad, field_px, correcting

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, keypad, _, correcting = self._geometry(view, theme)
        lang = lang_of(view)
        whole = is_lot_number(view_data(view, ParcelView).lot)  # OK lights up once the lot is whole
        footer = footer_buttons(frame, theme, confirm_specs(view, ready=whole))
        if correcting:
            return correction_widgets(keypad, theme, lang) + footer
        gap = key_gap(theme)
        kw = (keypad.width - 2 * gap) // 3
        dash_h = max((keypad.height - (_ROWS - 1) * gap) // _ROWS, _dash_min_height(view, theme))
        kh = (keypad.height - (_ROWS - 1) * gap - dash_h) // (_ROWS - 1)
        digits = pygame.Rect(keypad.left, keypad.top, keypad.width, (_ROWS - 1) * (kh + gap) - gap)
        widgets = keypad_widgets(digits, theme, lang, rows=_ROWS - 1)
        dash_top = digits.bottom + gap
        dash = pygame.Rect(keypad.left, dash_top, 3 * kw + 2 * gap, keypad.bottom - dash_top)
        widgets.append(Widget("key:dash", dash, Intent("digit", {"value": "-"}), "-", "custom", t("key.dash", lang)))
        return widgets + footer

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, info, _, field_px, _ = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        stack(
            surface,
            info,
            self._blocks(view, theme, info.width, field_px),
            valign="bottom" if theme.low_position else "middle",
        )
        widgets = self.layout(view, theme)
        draw_widgets(surface, theme, widgets)
        for widget in widgets:
            if widget.widget_id == "key:dash":
                self._draw_dash_key(surface, theme, widget)

    def _draw_dash_key(self, surface: pygame.Surface, theme: Theme, widget: Widget) -> None:
        """The dash drawn as a bar (the font's hyphen is a thin stroke) with what it is for beside it."""
        c = theme.colors
        draw_widget(surface, theme, Widget(widget.widget_id, widget.rect, widget.intent, "", "key"))
        inner = widget.rect.inflate(-2 * theme.sp(20), -2 * key_pad(theme))
        bar_w, bar_h = theme.px(56), max(4, theme.px(12))
        gap = theme.sp(28)
        words = widget.detail
        # Shrink like a squeezed button label (draw_widget): never below the 100 % caption size.
        size, floor = theme.style_size("label"), theme.min_text_px
        while size > floor and (
            theme.measure(words, "label", size)[0] > inner.width - bar_w - gap
            or theme.line_height("label", size) > inner.height
        ):
            size = max(floor, int(size * 0.9))
        w, h = theme.measure(words, "label", size)
        left = inner.centerx - (bar_w + gap + w) // 2
        theme.note_drawn(words, clipped=w > inner.width - bar_w - gap)
        blit_text(surface, theme, words, "label", c.text, (left + bar_w + gap, inner.centery - h // 2), size)
        pygame.draw.rect(surface, c.text, pygame.Rect(left, inner.centery - bar_h // 2, bar_w, bar_h))

    def _draw_field(self, surface: pygame.Surface, theme: Theme, view: View, area: pygame.Rect, field_px: int) -> int:
        """The typed lot, large, in a white box with the cursor after it; the example when empty."""
        c = theme.colors
        lang = lang_of(view)
        lot = shown_lot(view_data(view, ParcelView).lot)
        width = min(area.width, theme.px(720))
        box = pygame.Rect(area.centerx - width // 2, area.top, width, self._field_height(theme, field_px))
        pygame.draw.rect(surface, c.surface, box, border_radius=radius(theme))
        pygame.draw.rect(surface, c.primary, box, width=theme.sp(6), border_radius=radius(theme))
        inner = box.inflate(-2 * theme.sp(32), -2 * theme.sp(12))
        if not lot:
            draw_text(surface, theme, t("parcel.hint", lang), "title", c.muted, inner)
            return box.bottom
        size = field_px
        cursor_w = max(4, theme.px(8))
        while size > theme.style_size("body") and theme.measure(lot, "huge", size)[0] + 3 * cursor_w > inner.width:
            size = int(size * 0.9)
        w, h = theme.measure(lot, "huge", size)
        text_rect = pygame.Rect(0, 0, w, h)
        text_rect.center = (inner.centerx - 2 * cursor_w, inner.centery)
        blit_text(surface, theme, lot, "huge", c.text, text_rect.topleft, size)
        cursor_h = int(size * 0.9)
        pygame.draw.rect(
            surface,
            c.primary,
            pygame.Rect(text_rect.right + cursor_w, inner.centery - cursor_h // 2, cursor_w, cursor_h),
        )
        return box.bottom


SCREEN = ParcelScreen()

SAMPLES: dict[str, ParcelView] = {
    "empty": ParcelView(document="land_register", district="세종특별자치시 보람동", lot="", error=""),
    "typing": ParcelView(document="land_register", district="세종특별자치시 보람동", lot="123-4", error=""),
    "dash": ParcelView(document="building_register", district="세종특별자치시 보람동", lot="123-", error=""),
    "not_found": ParcelView(
        document="building_register",
        district="세종특별자치시 보람동",
        lot="9876-5432",
        error="not-found",
    ),
    "incomplete": ParcelView(document="land_register", district="세종특별자치시 보람동", lot="", error="incomplete"),
}
