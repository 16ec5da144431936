"""What the technician's pages (board, self-tests, paper, logs) draw in their body: lines stacked
from the top that stop whole when the body is full (never clipped mid-word), and a row of buttons
along the body's bottom, in reach, above the page tabs (screens/maint_nav.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from kiosk.views import Intent
from screens.text import draw_text, text_height
from screens.theme import RGB, Theme
from screens.widgets import Widget

ButtonSpec = tuple[str, Intent | None, str, str]  # id, intent, label, style


class Column:
    """A pen moving down a rectangle: each `line` wraps in the width and is skipped once it no longer fits."""

    def __init__(self, surface: pygame.Surface, theme: Theme, rect: pygame.Rect) -> None:
        self.surface, self.theme, self.rect = surface, theme, rect
        self.y = rect.top
        self.full = False

    def gap(self, n: float = 16) -> None:
        self.y += self.theme.sp(n)

    def line(self, text: str, style: str, color: RGB, *, indent: int = 0) -> bool:
        width = self.rect.width - indent
        needed = text_height(self.theme, text, style, width)
        if self.full or not text or self.y + needed > self.rect.bottom:
            self.full = self.full or bool(text)
            return False
        draw_text(self.surface, self.theme, text, style, color,
                  pygame.Rect(self.rect.left + indent, self.y, width, needed), align="left", valign="top")
        self.y += needed
        return True


def button_height(theme: Theme) -> int:
    """Room for a label of two lines (the technician's labels say what the button records)."""
    return theme.min_button + theme.line_height("label")


def buttons_area(body: pygame.Rect, theme: Theme, rows: int) -> tuple[pygame.Rect, pygame.Rect]:
    """The body split into what is drawn (top) and the button rows (bottom)."""
    if rows == 0:
        return body, pygame.Rect(body.left, body.bottom, body.width, 0)
    height = rows * button_height(theme) + (rows - 1) * theme.min_gap
    buttons = pygame.Rect(body.left, body.bottom - height, body.width, height)
    text = pygame.Rect(body.left, body.top, body.width, max(0, buttons.top - theme.sp(24) - body.top))
    return text, buttons


def button_rows(area: pygame.Rect, theme: Theme, rows: Sequence[Sequence[ButtonSpec]]) -> list[Widget]:
    """Buttons side by side in each row, rows stacked in `area` (from buttons_area)."""
    widgets: list[Widget] = []
    gap = theme.min_gap
    for r, specs in enumerate(rows):
        if not specs:
            continue
        top = area.top + r * (button_height(theme) + gap)
        width = (area.width - gap * (len(specs) - 1)) // len(specs)
        for i, (widget_id, intent, label, style) in enumerate(specs):
            rect = pygame.Rect(area.left + i * (width + gap), top, width, button_height(theme))
            widgets.append(Widget(widget_id, rect, intent, label, style))
    return widgets
