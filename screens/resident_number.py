"""Resident number entry: 13 slots, an on-screen keypad, and the error in words.

The controller sends the number already masked (`900101-1******`); this screen draws at most the
first 7 digits whatever it is given (`visible_slots`), so a bug upstream still cannot put the
private part of the number on the glass.
"""

from __future__ import annotations

import pygame

from kiosk.views import Intent, ResidentNumberView, View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import FooterSpec, Frame, build_frame, confirm_specs, footer_buttons, paint_frame
from screens.icons import draw_alert_icon
from screens.keypad import correction_widgets, key_gap, key_min_height, keypad_widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
from screens.text import blit_text, draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

DIGITS = 13
VISIBLE = 7  # birth date + the century/sex digit, as on Korean receipts (kiosk.privacy.VISIBLE_DIGITS)
HIDDEN = "*"


def visible_slots(masked: str, digits: int = 0) -> list[str]:
    """What each of the 13 slots shows: a digit (first 7 only), HIDDEN for an entered hidden digit, or ""."""
    chars = [ch for ch in masked if ch != "-"][:DIGITS]
    slots = [ch if (i < VISIBLE and ch.isdigit()) else HIDDEN for i, ch in enumerate(chars)]
    while len(slots) < min(max(digits, 0), DIGITS):
        slots.append(HIDDEN)
    return slots + [""] * (DIGITS - len(slots))





def _space(theme: Theme, px: int) -> int:
    """A space between blocks: `px` at 100 % (grown at half the zoom rate); zoomed, 4 mm, as between
    the keys (the band below 1,220 mm is short)."""
    return theme.sp(px) if theme.scale <= 1.0 else theme.mm(4.0)

def _specs(view: View, *, ready: bool = True) -> list[FooterSpec]:
    """Back, cancel and OK; with issue 17's mobile ID (no number, no finger) before OK when offered."""
    specs = confirm_specs(view, ready=ready)
    if view_data(view, ResidentNumberView).mobile_id_offered:
        specs.insert(2, ("mobile_id", Intent("mobile_id"), t("button.mobile_id", lang_of(view)), "secondary", 1))
    return specs


class ResidentNumberScreen(Screen):
    name = "resident_number"

    def _slot_geometry(self, theme: Theme, width: int) -> tuple[int, int, int, int, int]:
        """(slot width, slot height, gap, dash width, rows): one row of 13 if it fits, else 6 + 7."""
        gap = theme.sp(8)
        dash = theme.px(36)
        sw = theme.px(64)
        rows = 1
        # A digit at the smallest legal size must fit its slot.
        digit_w = theme.measure("0", "big", theme.min_text_px)[0] + 2 * theme.sp(2)
        tall = theme.line_height("big", theme.min_text_px)
        if DIGITS * sw + (DIGITS - 1) * gap + dash > width:
            # Zoomed: one row of narrower slots while a digit still fits, else two rows.
            dash, gap = theme.sp(24), theme.sp(4)
            sw = (width - dash - (DIGITS - 1) * gap) // DIGITS
            if sw < digit_w:
                rows = 2
                sw = min(theme.px(56), (width - 6 * gap) // 7)
        return sw, max(int(sw * 1.35), tall), gap, dash, rows

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, ResidentNumberView)
        blocks: list[Block] = []
        doc = data.document
        if doc:
            blocks.append(text_block(theme, document(doc, lang), "body_bold", c.primary, width, priority=3))
        error = data.error
        # With an error on screen at 200 % zoom, the error and the slots matter more than the title.
        blocks.append(
            text_block(
                theme,
                t("resident.title", lang),
                "title",
                c.text,
                width,
                priority=1 if error or theme.scale > 1.0 else 0,
                gap=theme.sp(8),
            )
        )
        blocks.append(
            text_block(theme, t("resident.sub", lang), "body", c.muted, width, priority=2, gap=theme.sp(32))
        )
        _sw, sh, gap, _, rows = self._slot_geometry(theme, width)
        slots_h = rows * sh + (rows - 1) * gap * 3

        def paint_slots(surface: pygame.Surface, rect: pygame.Rect) -> object:
            return self._draw_slots(surface, theme, view, rect)

        blocks.append(Block(slots_h, paint_slots, 0, theme.sp(28)))
        if error:
            text = t(f"error.{error}", lang)
            icon = theme.px(48)
            text_w = width - 2 * theme.sp(24) - icon - theme.sp(24)
            h = text_height(theme, text, "body_bold", text_w) + 2 * _space(theme, 16)

            def paint_error(surface: pygame.Surface, rect: pygame.Rect) -> object:
                pygame.draw.rect(surface, c.danger_soft, rect, border_radius=theme.sp(16))
                draw_alert_icon(
                    surface,
                    theme,
                    (rect.left + theme.sp(24) + icon // 2, rect.centery),
                    icon,
                    c.danger,
                    c.danger_soft,
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

            blocks.append(Block(h, paint_error, 0))
        return blocks

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect, bool]:
        """Frame, information area, keypad area, and whether the error stands in the digit keys'
        place (see keypad.correction_widgets)."""
        frame = build_frame(view, theme, nav=_specs(view))
        body = frame.body
        blocks = self._blocks(view, theme, body.width)
        must = stack_height([b for b in blocks if b.priority == 0])
        gap = key_gap(theme)
        # The keypad sits at the bottom (near the physical keypad and a seated resident's reach) and
        # takes what the essential information leaves, with keys no taller than 190 px at 100 %.
        min_top = max(frame.controls.top, body.top + must + _space(theme, 16))
        room = body.bottom - min_top - 3 * gap
        correcting = bool(view_data(view, ResidentNumberView).error) and room < 4 * key_min_height(theme)
        if correcting:
            # The error and four key rows do not fit (200 %): the error takes the digit keys' place.
            kh = max(key_min_height(theme), min(theme.px(190), body.bottom - min_top))
            pad_h = kh
        else:
            kh = max(key_min_height(theme), min(theme.px(190), room // 4))
            pad_h = 4 * kh + 3 * gap
        keypad = pygame.Rect(body.left, body.bottom - pad_h, body.width, pad_h)
        info = pygame.Rect(body.left, body.top, body.width, max(0, keypad.top - _space(theme, 16) - body.top))
        return frame, info, keypad, correcting

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, keypad, correcting = self._geometry(view, theme)
        lang = lang_of(view)
        widgets = correction_widgets(keypad, theme, lang) if correcting else keypad_widgets(keypad, theme, lang)
        complete = view_data(view, ResidentNumberView).digits >= DIGITS
        return widgets + footer_buttons(frame, theme, _specs(view, ready=complete))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, info, _, _ = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        stack(
            surface,
            info,
            self._blocks(view, theme, info.width),
            valign="bottom" if theme.low_position else "middle",
        )
        draw_widgets(surface, theme, self.layout(view, theme))

    def _draw_slots(self, surface: pygame.Surface, theme: Theme, view: View, area: pygame.Rect) -> int:
        left, top, width = area.left, area.top, area.width
        c = theme.colors
        data = view_data(view, ResidentNumberView)
        slots = visible_slots(data.masked, data.digits)
        sw, sh, gap, dash, rows = self._slot_geometry(theme, width)
        cursor = next((i for i, s in enumerate(slots) if not s), DIGITS)
        positions: list[tuple[int, int]] = []
        if rows == 1:
            total = DIGITS * sw + (DIGITS - 1) * gap + dash
            x = left + (width - total) // 2
            for i in range(DIGITS):
                if i == 6:
                    dash_rect = pygame.Rect(x - gap, top + sh // 2 - theme.sp(4), dash + gap, theme.sp(8))
                    pygame.draw.rect(surface, c.text, dash_rect.inflate(-dash // 2, 0))
                    x += dash
                positions.append((x, top))
                x += sw + gap
            bottom = top + sh
        else:
            x = left + (width - 7 * sw - 6 * gap) // 2
            for i in range(6):
                positions.append((x + i * (sw + gap), top))
            dash_x = x + 6 * (sw + gap)
            pygame.draw.rect(
                surface, c.text, pygame.Rect(dash_x, top + sh // 2 - theme.sp(4), sw // 2, theme.sp(8))
            )
            y2 = top + sh + gap * 3
            for i in range(7):
                positions.append((x + i * (sw + gap), y2))
            bottom = y2 + sh
        digit_size = max(theme.min_text_px, int(sh * 0.62))
        for i, (x, y) in enumerate(positions):
            rect = pygame.Rect(x, y, sw, sh)
            slot = slots[i]
            pygame.draw.rect(surface, c.surface, rect, border_radius=theme.sp(10))
            edge, width_px = (c.primary, theme.sp(6)) if i == cursor else (c.muted, theme.sp(3))
            pygame.draw.rect(surface, edge, rect, width=width_px, border_radius=theme.sp(10))
            if slot == HIDDEN:
                pygame.draw.circle(surface, c.text, rect.center, max(4, sw // 5))
            elif slot:
                w, h = theme.measure(slot, "big", digit_size)
                at = (rect.centerx - w // 2, rect.centery - h // 2)
                blit_text(surface, theme, slot, "big", c.text, at, digit_size)
        return bottom


SCREEN = ResidentNumberScreen()

SAMPLES: dict[str, ResidentNumberView] = {
    "empty": ResidentNumberView(document="resident_copy", masked="", digits=0, error=""),
    "typing": ResidentNumberView(document="resident_copy", masked="9001", digits=4, error=""),
    "full": ResidentNumberView(document="resident_copy", masked="900101-1******", digits=13, error=""),
    "invalid_date": ResidentNumberView(
        document="family_relations",
        masked="901301-1******",
        digits=13,
        error="invalid-date",
    ),
    "mobile_id_offered": ResidentNumberView(document="resident_copy", masked="9001", digits=4,
                                            mobile_id_offered=True),
    "mobile_id_error": ResidentNumberView(document="family_relations", masked="901301-1******", digits=13,
                                          error="invalid-date", mobile_id_offered=True),
    "fingerprint_down": ResidentNumberView(document="resident_copy", error="fingerprint-down", mobile_id_offered=True),
}
