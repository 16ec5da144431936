"""A modal panel over the screen: a title, a few sentences and a column (or two) of buttons.

The runner's own overlays (the help prompt, the language chooser, the accessibility menu) are drawn
with it, with the theme's sizes and screens.text, so they meet the screens' size rules and the
recording sees their words. The panel sits below the low-position line in that mode; buttons that do
not fit in one column take two, and what does not fit in two is paged (`menu_page`, local), the close
button staying on every page (between "previous" and "next").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from kiosk.views import Intent
from screens.frame import button_height
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius

_SCRIM_ALPHA = 170  # dims the screen behind to ~1/3 brightness: the panel stands out


@dataclass(frozen=True)
class Overlay:
    """What an overlay shows: its title, sentences, list buttons, and a last (close) button."""

    title: str
    sentences: Sequence[str]
    buttons: Sequence[Widget]  # rect ignored: laid out here
    last: Widget | None = None  # on every page, full width, at the bottom
    prev_label: str = ""
    next_label: str = ""


@dataclass(frozen=True)
class _Placed:
    panel: pygame.Rect
    texts: list[tuple[str, str, pygame.Rect]]  # (text, style, rect)
    widgets: list[Widget]


def _place(overlay: Overlay, theme: Theme, page: int) -> _Placed:
    margin = theme.sp(40)
    pad = theme.sp(40)
    gap = theme.sp(24)
    inner_w = theme.width - 2 * margin - 2 * pad
    texts: list[tuple[str, str, int]] = [(overlay.title, "title", text_height(theme, overlay.title, "title", inner_w))]
    texts += [(s, "body", text_height(theme, s, "body", inner_w)) for s in overlay.sentences if s]
    text_h = sum(h for _, _, h in texts) + gap * (len(texts) - 1)
    has_detail = any(b.detail for b in overlay.buttons)
    bh = button_height(theme) + (theme.line_height("caption") if has_detail else 0)
    top_limit = theme.control_top + margin if theme.low_position else margin
    avail = theme.height - margin - top_limit - 2 * pad - text_h - 2 * gap
    last_h = (bh + gap) if overlay.last is not None else 0
    rows_fit = max(1, (avail - last_h + gap) // (bh + gap))
    n = len(overlay.buttons)
    cols = 1 if n <= rows_fit else 2
    per_page = rows_fit * cols
    pages = -(-n // per_page) if n else 1  # more than two columns hold: the close row also pages
    page = min(max(0, page), pages - 1)
    shown = list(overlay.buttons[page * per_page : (page + 1) * per_page])
    rows = -(-len(shown) // cols)
    panel_h = 2 * pad + text_h + 2 * gap + rows * (bh + gap) - gap + last_h
    if theme.low_position:
        top = theme.height - margin - panel_h
    else:
        top = max(top_limit, (theme.height - panel_h) // 2)
    # Words that cannot all fit below the low-position line (200 % zoom) rise above it; the buttons
    # stay at the bottom, below it.
    top = max(margin, min(top, theme.height - margin - panel_h))
    panel = pygame.Rect(margin, top, theme.width - 2 * margin, panel_h)
    left = panel.left + pad
    y = panel.top + pad
    placed_texts: list[tuple[str, str, pygame.Rect]] = []
    for text, style, h in texts:
        placed_texts.append((text, style, pygame.Rect(left, y, inner_w, h)))
        y += h + gap
    y += gap
    col_w = (inner_w - gap * (cols - 1)) // cols
    widgets: list[Widget] = []
    for i, b in enumerate(shown):
        rect = pygame.Rect(left + (i % cols) * (col_w + gap), y + (i // cols) * (bh + gap), col_w, bh)
        widgets.append(Widget(b.widget_id, rect, b.intent, b.label, b.style, b.detail))
    y += rows * (bh + gap)
    # The last row: close, between "previous" and "next" when the list is paged.
    slots = 3 if pages > 1 else 1
    slot_w = (inner_w - gap * (slots - 1)) // slots
    row = [pygame.Rect(left + i * (slot_w + gap), y, slot_w, bh) for i in range(slots)]
    if pages > 1:
        prev = Intent("menu_page", {"page": page - 1}) if page > 0 else None
        nxt = Intent("menu_page", {"page": page + 1}) if page < pages - 1 else None
        widgets.append(Widget("menu:prev", row[0], prev, overlay.prev_label))
        widgets.append(Widget("menu:next", row[2], nxt, overlay.next_label))
    if overlay.last is not None:
        b = overlay.last
        widgets.append(Widget(b.widget_id, row[1 if pages > 1 else 0], b.intent, b.label, b.style, b.detail))
    return _Placed(panel, placed_texts, widgets)


def overlay_widgets(overlay: Overlay, theme: Theme, page: int = 0) -> list[Widget]:
    """The overlay's buttons where they are drawn; while it is up they are the only targets."""
    return _place(overlay, theme, page).widgets


def draw_overlay(surface: pygame.Surface, overlay: Overlay, theme: Theme, page: int = 0) -> None:
    c = theme.colors
    scrim = pygame.Surface(surface.get_size())
    scrim.fill(c.scrim)
    scrim.set_alpha(_SCRIM_ALPHA)
    surface.blit(scrim, (0, 0))
    placed = _place(overlay, theme, page)
    pygame.draw.rect(surface, c.surface, placed.panel, border_radius=radius(theme) * 2)
    pygame.draw.rect(surface, c.primary, placed.panel, width=theme.sp(6), border_radius=radius(theme) * 2)
    for text, style, rect in placed.texts:
        color = c.text if style == "title" else c.muted
        draw_text(surface, theme, text, style, color, rect, align="left", valign="top")
    draw_widgets(surface, theme, placed.widgets)
