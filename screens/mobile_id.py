"""Mobile ID (모바일 신분증, issue 17): the one-time QR the resident's wallet app scans, and where it is.

The QR is drawn from the text the controller sends (the verifier's request message, nothing personal)
with segno, dark modules on a white quiet zone whatever the contrast mode (a scanner needs dark on
light). Under it: what to do ("open the mobile ID app and scan"), and the wallet's progress. The
footer has back (to typing the number) and cancel.
"""

from __future__ import annotations

import functools

import pygame
import segno

from kiosk.views import MobileIdView, View
from screens.blocks import Block, stack, text_block
from screens.frame import Frame, back_spec, build_frame, cancel_spec, footer_buttons, paint_frame
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)


@functools.lru_cache(maxsize=4)
def modules(text: str) -> list[list[bool]]:
    """The QR's dark (True) and light modules, quiet zone included; empty when there is no text."""
    if not text:
        return []
    return [[bool(v) for v in row] for row in segno.make(text, error="m").matrix_iter(scale=1, border=QUIET_ZONE)]


class MobileIdScreen(Screen):
    name = "mobile_id"

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect]:
        frame = build_frame(view, theme, nav=[back_spec(view), cancel_spec(view)])
        body = frame.body
        words = self._blocks(view, theme, body.width)
        words_h = sum(b.height + b.gap for b in words)
        side = max(0, min(body.width, body.height - words_h - theme.sp(24), theme.px(640)))
        top = body.top if not theme.low_position else body.bottom - side - words_h - theme.sp(24)
        code = pygame.Rect(body.centerx - side // 2, max(body.top, top), side, side)
        info = pygame.Rect(body.left, code.bottom + theme.sp(24), body.width, max(0, body.bottom - code.bottom
                                                                               - theme.sp(24)))
        return frame, code, info

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, MobileIdView)
        blocks: list[Block] = []
        if data.document:
            blocks.append(text_block(theme, document(data.document, lang), "body_bold", c.primary, width, priority=3,
                                     align="center"))
        blocks.append(text_block(theme, t("mobile_id.title", lang), "title", c.text, width, align="center",
                                 gap=theme.sp(8)))
        state = data.state or "requested"
        blocks.append(text_block(theme, t(f"mobile_id.state.{state}", lang), "body_bold", c.primary, width,
                                 priority=1, align="center", gap=theme.sp(8)))
        if data.error:
            blocks.append(text_block(theme, t(f"mobile_id.error.{data.error}", lang), "body", c.muted, width,
                                     priority=2, align="center"))
        return blocks

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, _ = self._geometry(view, theme)
        return footer_buttons(frame, theme, [back_spec(view), cancel_spec(view)])

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, code, info = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        self._draw_code(surface, view_data(view, MobileIdView).qr, code)
        stack(surface, info, self._blocks(view, theme, info.width), valign="top")
        draw_widgets(surface, theme, self.layout(view, theme))

    @staticmethod
    def _draw_code(surface: pygame.Surface, text: str, area: pygame.Rect) -> None:
        side_modules = len(modules(text)) if text else 0
        if not side_modules or area.width <= 0:
            return
        symbol = code_surface(text, max(1, area.width // side_modules))
        surface.blit(symbol, (area.centerx - symbol.get_width() // 2, area.top))


@functools.lru_cache(maxsize=4)
def code_surface(text: str, cell: int) -> pygame.Surface:
    """The QR drawn once at `cell` pixels a module: the screen redraws every frame while the resident
    finds the wallet app, and drawing each module each frame cost 15 ms (bench: frame_ms)."""
    grid = modules(text)
    side = cell * len(grid)
    symbol = pygame.Surface((side, side))
    symbol.fill((255, 255, 255))
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                pygame.draw.rect(symbol, (0, 0, 0), pygame.Rect(x * cell, y * cell, cell, cell))
    return symbol


SCREEN = MobileIdScreen()

_QR = ("eyJ0eXBlIjoibWlwIiwidmVyc2lvbiI6IjEuMC4wIiwiY21kIjoiMjAwIiwidHJ4Y29kZSI6IjBmM2E5YzVlN2IxZDRmMDhhNmMyZTlk"
       "NGI3YTEzMGY1IiwibW9kZSI6ImRpcmVjdCIsImhvc3QiOiJodHRwczovL2lzc3VhbmNlLmV4YW1wbGUuaW52YWxpZCJ9")
SAMPLES: dict[str, MobileIdView] = {
    "requested": MobileIdView(document="resident_copy", qr=_QR, state="requested"),
    "verifying": MobileIdView(document="family_relations", qr=_QR, state="verifying"),
    "expired": MobileIdView(document="resident_copy", qr=_QR, state="requested", error="expired"),
}
