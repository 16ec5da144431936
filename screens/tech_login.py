"""The technician's PIN screen (kiosk.maintenance.access): present the card, type the PIN, and what the
card answered.

The view carries how many digits are typed, never which: the PIN is drawn as dots and is not in
anything this screen is given. The keypad is the number screens' (screens/keypad.py), so the
physical keypad's digits type and its OK confirms as on the resident number screen.
"""

from __future__ import annotations

import pygame

from kiosk.views import Intent, TechLoginView, View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import FooterSpec, Frame, build_frame, footer_buttons, paint_frame
from screens.icons import draw_alert_icon
from screens.keypad import key_gap, key_min_height, keypad_widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

MIN_DOTS = 4  # a PIN has at least four digits: that many places are shown from the start
MAX_DOTS = 12


def _specs(view: View) -> list[FooterSpec]:
    data = view_data(view, TechLoginView)
    lang = lang_of(view)
    cancel: FooterSpec = ("cancel", Intent("cancel"), t("button.cancel", lang), "cancel", 1)
    if data.step == "pin":
        ready = data.digits >= MIN_DOTS
        return [cancel, ("ok", Intent("confirm"), t("button.ok", lang), "primary" if ready else "secondary", 1)]
    if data.step == "refused":
        return [cancel]
    return []


class TechLoginScreen(Screen):
    name = "tech_login"

    def _frame(self, view: View, theme: Theme) -> Frame:
        specs = _specs(view)
        return build_frame(view, theme, footer=bool(specs), nav=specs)

    def _keypad(self, view: View, theme: Theme, frame: Frame) -> pygame.Rect | None:
        if view_data(view, TechLoginView).step != "pin":
            return None
        body = frame.body
        gap = key_gap(theme)
        must = stack_height([b for b in self._blocks(view, theme, body.width) if b.priority == 0])
        room = body.bottom - max(frame.controls.top, body.top + must + theme.sp(16)) - 3 * gap
        kh = max(key_min_height(theme), min(theme.px(170), room // 4))
        height = 4 * kh + 3 * gap
        return pygame.Rect(body.left, body.bottom - height, body.width, height)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame = self._frame(view, theme)
        keypad = self._keypad(view, theme, frame)
        widgets = keypad_widgets(keypad, theme, lang_of(view)) if keypad is not None else []
        specs = _specs(view)
        return widgets + (footer_buttons(frame, theme, specs) if specs else [])

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        body = frame.body
        keypad = self._keypad(view, theme, frame)
        bottom = keypad.top - theme.sp(16) if keypad is not None else body.bottom
        info = pygame.Rect(body.left, body.top, body.width, max(0, bottom - body.top))
        stack(surface, info, self._blocks(view, theme, info.width), valign="top")
        draw_widgets(surface, theme, self.layout(view, theme))

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, TechLoginView)
        blocks = [text_block(theme, t("tech.login.title", lang), "title", c.text, width, gap=theme.sp(24))]
        if data.technician:
            blocks.append(text_block(theme, t("tech.login.who", lang, technician=data.technician), "subtitle",
                                     c.primary, width, priority=2, gap=theme.sp(16)))
        if data.step == "card":
            blocks.append(text_block(theme, t("tech.login.card", lang), "subtitle", c.text, width, gap=theme.sp(24)))
            if data.grace_seconds:
                blocks.append(text_block(theme, t("tech.login.card_alarm", lang, seconds=data.grace_seconds), "body",
                                         c.muted, width, priority=1, gap=theme.sp(24)))
        elif data.step == "reading":
            blocks.append(text_block(theme, t("tech.login.reading", lang), "subtitle", c.text, width))
        elif data.step == "checking":
            blocks.append(text_block(theme, t("tech.login.checking", lang), "subtitle", c.text, width))
        elif data.step == "pin":
            blocks.append(text_block(theme, t("tech.login.pin", lang), "body", c.text, width, gap=theme.sp(20)))
            dot_h = theme.px(56)

            def paint_dots(surface: pygame.Surface, rect: pygame.Rect) -> object:
                return self._draw_dots(surface, theme, rect, data.digits)

            blocks.append(Block(dot_h, paint_dots, 0, theme.sp(20)))
            blocks.append(text_block(theme, t("tech.login.tries", lang, count=data.attempts_left), "body_bold",
                                     c.danger if data.attempts_left <= 1 else c.muted, width, priority=1,
                                     gap=theme.sp(16)))
        if data.error:
            blocks.append(self._error_block(theme, t(f"tech.error.{data.error}", lang), width))
        if data.step == "refused":
            blocks.append(text_block(theme, t("tech.login.take_out", lang), "subtitle", c.text, width))
        return blocks

    def _error_block(self, theme: Theme, text: str, width: int) -> Block:
        c = theme.colors
        icon = theme.px(48)
        text_w = width - 2 * theme.sp(24) - icon - theme.sp(24)
        h = text_height(theme, text, "body_bold", text_w) + 2 * theme.sp(16)

        def paint(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.danger_soft, rect, border_radius=theme.sp(16))
            draw_alert_icon(surface, theme, (rect.left + theme.sp(24) + icon // 2, rect.centery), icon,
                            c.danger, c.danger_soft)
            left = rect.left + theme.sp(48) + icon
            return draw_text(surface, theme, text, "body_bold", c.danger,
                             pygame.Rect(left, rect.top, rect.right - left - theme.sp(16), rect.height), align="left")

        return Block(h, paint, 0, theme.sp(16))

    def _draw_dots(self, surface: pygame.Surface, theme: Theme, rect: pygame.Rect, digits: int) -> int:
        """One dot per digit typed, hollow places up to four: the PIN's length, never its digits."""
        c = theme.colors
        shown = max(MIN_DOTS, min(max(digits, 0), MAX_DOTS))
        size = rect.height
        gap = theme.sp(16)
        x = rect.left + (rect.width - shown * size - (shown - 1) * gap) // 2
        for i in range(shown):
            center = (x + i * (size + gap) + size // 2, rect.top + size // 2)
            if i < digits:
                pygame.draw.circle(surface, c.text, center, size // 2 - theme.sp(6))
            else:
                pygame.draw.circle(surface, c.muted, center, size // 2 - theme.sp(6), width=theme.sp(4))
        return rect.bottom


SCREEN = TechLoginScreen()

SAMPLES: dict[str, TechLoginView] = {
    "door_open": TechLoginView(step="card", door_open=True, grace_seconds=60),
    "typing": TechLoginView(step="pin", technician="T0042", digits=3, attempts_left=3),
    "wrong_pin": TechLoginView(step="pin", technician="T0042", digits=0, attempts_left=1, error="wrong-pin"),
    "checking": TechLoginView(step="checking", technician="T0042", digits=4),
    "locked": TechLoginView(step="refused", technician="T0042", attempts_left=0, error="card-locked"),
    "not_technician": TechLoginView(step="card", error="not-a-technician-card", door_open=True),
}
