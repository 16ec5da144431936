"""Fingerprint capture: one big picture of the sensor, one sentence of guidance, the attempt count.

Guidance comes from the sensor's own codes (dry, wet, partial...) so an elderly resident gets a
concrete thing to do; after the last failed attempt it says where to re-register.
"""

from __future__ import annotations

import pygame

from kiosk.views import FingerprintView, Intent, View
from screens.blocks import Block, paged, stack, stack_height, text_block
from screens.frame import FooterSpec, back_spec, build_frame, cancel_spec, footer_buttons, paint_frame
from screens.icons import draw_booth, draw_fingerprint
from screens.resident_number import visible_slots
from screens.screen import Screen, lang_of, view_data
from screens.strings import STRINGS, document, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

_TROUBLE = {"no_match", "fake_finger", "unavailable"}
_ADVICE = {"press_harder", "too_dry", "too_wet", "partial", "lift_and_place", "lift"}
_BUSY = {"reading", "verifying"}


def shown_number(masked: str) -> str:
    """The masked number as the resident typed it, never with more than 7 digits."""
    slots = visible_slots(masked)
    text = "".join(s for s in slots if s)
    return text[:6] + "-" + text[6:] if len(text) > 6 else text


class FingerprintScreen(Screen):
    name = "fingerprint"

    def _nav(self, view: View) -> list[FooterSpec]:
        specs = [back_spec(view), cancel_spec(view)]
        # After a finger that did not match, the number may be what was wrong: offer to retype it.
        # It only appears seconds after this screen did, so no double tap can land on it.
        if view_data(view, FingerprintView).can_retype_number:
            specs.append(
                ("retype_number", Intent("retype_number"), t("fingerprint.retype", lang_of(view)), "secondary", 1)
            )
        return specs

    def _all_blocks(self, view: View, theme: Theme, body: pygame.Rect) -> list[Block]:
        """The words, and the pictures (this booth's front with its sensor, the fingerprint) in the
        room the words leave; at 200 % the pictures come after the words and may page."""
        blocks = self._blocks(view, theme, body.width)
        data = view_data(view, FingerprintView)
        trouble = data.guidance in _TROUBLE
        c = theme.colors
        room = body.height - stack_height(blocks) - theme.sp(64)
        size = min(theme.px(420), room)
        booth_h = min(theme.px(300), max(theme.px(180), room - size))

        def paint_booth(surface: pygame.Surface, rect: pygame.Rect) -> object:
            draw_booth(surface, theme, rect, data.sensor_position)
            return None

        split = next(i for i, b in enumerate(blocks) if b.priority == 0)
        if size >= theme.px(120):

            def paint_picture(surface: pygame.Surface, rect: pygame.Rect) -> object:
                centre = rect.center
                pygame.draw.circle(surface, c.surface, centre, size // 2)
                pygame.draw.circle(surface, c.danger if trouble else c.primary, centre, size // 2, theme.sp(6))
                draw_fingerprint(surface, centre, int(size * 0.8), c.danger if trouble else c.primary)
                return None

            blocks.insert(split, Block(size + theme.sp(32), paint_picture, 5, theme.sp(32)))
        blocks.append(Block(booth_h, paint_booth, 1, 0))
        return blocks

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        specs = self._nav(view)
        frame = build_frame(view, theme, nav=specs)
        _, _, pager = paged(view, theme, frame.body, self._all_blocks(view, theme, frame.body), page)
        return pager + footer_buttons(frame, theme, specs)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, nav=self._nav(view))
        paint_frame(surface, view, theme, frame)
        area, blocks, _ = paged(view, theme, frame.body, self._all_blocks(view, theme, frame.body), page)
        stack(surface, area, blocks, valign="middle")
        draw_widgets(surface, theme, self.layout(view, theme, page=page))

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, FingerprintView)
        guidance = data.guidance
        attempt = data.attempt
        max_attempts = data.max_attempts
        blocks: list[Block] = []
        doc = data.document
        if doc:
            blocks.append(text_block(theme, document(doc, lang), "body_bold", c.primary, width, priority=4))
        blocks.append(text_block(theme, t("fingerprint.title", lang), "title", c.text, width, priority=1))
        finger = data.finger if f"fingerprint.finger.{data.finger}" in STRINGS else "any"
        blocks.append(
            text_block(theme, t(f"fingerprint.finger.{finger}", lang), "subtitle", c.text, width, gap=theme.sp(16))
        )
        masked = shown_number(data.masked)
        if masked:
            blocks.append(text_block(theme, masked, "subtitle", c.muted, width, priority=3))
        text = t(f"guidance.{guidance}", lang)
        colour = c.danger if guidance in _TROUBLE else c.primary if guidance in _BUSY else c.text
        soft = c.danger_soft if guidance in _TROUBLE else c.primary_soft if guidance in _ADVICE else None
        pad = theme.sp(28)
        h = text_height(theme, text, "title", width - 2 * pad) + 2 * pad

        def paint_guidance(surface: pygame.Surface, box: pygame.Rect) -> object:
            if soft is not None:
                pygame.draw.rect(surface, soft, box, border_radius=theme.sp(20))
            return draw_text(surface, theme, text, "title", colour, box.inflate(-2 * pad, -2 * pad))

        blocks.append(Block(h, paint_guidance, 0, theme.sp(24)))
        if attempt > 0 and max_attempts > 0:
            blocks.append(
                text_block(
                    theme,
                    t("fingerprint.attempt", lang, attempt=attempt, max=max_attempts),
                    "body_bold",
                    c.muted,
                    width,
                    priority=2,
                    align="center",
                    gap=theme.sp(16),
                )
            )
        if guidance == "no_match" or (max_attempts and attempt >= max_attempts and guidance in _TROUBLE):
            blocks.append(
                text_block(
                    theme, t("fingerprint.reregister", lang), "body", c.text, width, align="center", gap=theme.sp(24)
                )
            )
        position = data.sensor_position if f"sensor.{data.sensor_position}" in STRINGS else "below-screen-right"
        blocks.append(
            text_block(theme, t(f"sensor.{position}", lang), "body", c.text, width, align="center", gap=theme.sp(16))
        )
        return blocks


SCREEN = FingerprintScreen()

SAMPLES: dict[str, FingerprintView] = {
    "place": FingerprintView(
        document="resident_copy",
        masked="900101-1******",
        guidance="place",
        attempt=1,
        max_attempts=3,
    ),
    "too_dry": FingerprintView(
        document="resident_copy",
        masked="900101-1******",
        guidance="too_dry",
        attempt=2,
        max_attempts=3,
    ),
    "no_match": FingerprintView(
        document="resident_copy",
        masked="900101-1******",
        guidance="no_match",
        attempt=3,
        max_attempts=3,
        can_retype_number=True,
    ),
    "lift": FingerprintView(
        document="resident_copy",
        masked="900101-1******",
        guidance="lift",
        attempt=2,
        max_attempts=3,
        can_retype_number=True,
    ),
}
