"""How the result is sent (issue 17, kiosk/notices.py): by text message or by e-mail.

The result screen has one "send by text or e-mail" button (two more footer buttons would push the
result itself off the screen at 200 % zoom in the low position); this screen then asks which, with two
large buttons each saying its channel and what the resident will type, and back (to the result). The
physical keypad's 1 and 2 move the focus to them as on any list (screens/focus.LIST_PREFIXES), OK picks.
"""

from __future__ import annotations

import pygame

from kiosk.views import Intent, NoticeView, View
from screens.blocks import stack, text_block
from screens.frame import FooterSpec, back_spec, build_frame, footer_buttons, paint_frame
from screens.screen import Screen, lang_of
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

CHANNELS = ("sms", "email")


class NoticeChannelScreen(Screen):
    name = "notice_channel"

    def _footer(self, view: View) -> list[FooterSpec]:
        return [back_spec(view)]

    def _buttons(self, view: View, theme: Theme, area: pygame.Rect) -> list[Widget]:
        """The two channels, one under the other at the bottom of `area`; each says what is typed next
        when the button is tall enough for that second line."""
        lang = lang_of(view)
        gap = max(theme.sp(32), theme.mm(5.0))
        floor = theme.min_text_px
        label_h = theme.line_height("label", floor)
        detail_h = theme.line_height("caption")
        pad = 2 * theme.sp(12) + 4
        tall = label_h + detail_h + pad
        h = max(theme.min_button, min(tall, (area.height - gap) // 2))
        with_detail = h >= tall
        top = area.bottom - 2 * h - gap
        widgets = []
        for i, channel in enumerate(CHANNELS):
            rect = pygame.Rect(area.left, top + i * (h + gap), area.width, h)
            detail = t(f"notice_channel.{channel}.detail", lang)
            room = rect.width - 2 * theme.sp(20)
            if not with_detail or theme.measure(detail, "caption", floor)[0] > room:
                detail = ""  # one line only: the label says the channel, the next screen the rest
            widgets.append(Widget(f"channel:{channel}", rect, Intent("channel", {"value": channel}),
                                  t(f"notice_channel.{channel}", lang), "secondary", detail))
        return widgets

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame = build_frame(view, theme, nav=self._footer(view))
        return self._buttons(view, theme, frame.controls) + footer_buttons(frame, theme, self._footer(view))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, nav=self._footer(view))
        paint_frame(surface, view, theme, frame)
        buttons = self._buttons(view, theme, frame.controls)
        c = theme.colors
        lang = lang_of(view)
        body = frame.body
        gap = max(theme.sp(32), theme.mm(5.0))
        info = pygame.Rect(body.left, body.top, body.width, max(0, buttons[0].rect.top - gap - body.top))
        blocks = [
            text_block(theme, t("notice_channel.title", lang), "title", c.text, body.width, gap=theme.sp(16)),
            text_block(theme, t("notice_channel.sub", lang), "body", c.muted, body.width, priority=1),
        ]
        stack(surface, info, blocks, valign="bottom" if theme.low_position else "middle")
        draw_widgets(surface, theme, buttons + footer_buttons(frame, theme, self._footer(view)))


SCREEN = NoticeChannelScreen()

SAMPLES: dict[str, NoticeView] = {
    "choose": NoticeView(channel=""),
}
