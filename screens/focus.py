"""Where the physical keypad's focus is, where an arrow key moves it, and the ring that shows it.

Order is reading order: rows from top to bottom (widgets whose vertical centres fall inside the first
widget of a row belong to that row), left to right within a row. Disabled widgets are in the order
too (a blind resident hears the same list a sighted one sees, "unavailable" included); OK on them
does nothing. Up/left go to the previous item and down/right to the next, wrapping at the ends,
except inside a grid of number keys (`key:*`), where up and down move by rows like the fingers do
on the 3x4 pad, and leave the grid at its top and bottom edges.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from common.keypad_keys import Key
from screens.theme import RGB, Palette, Theme, contrast_ratio
from screens.widgets import Widget, radius

# A ring at least 2 mm thick: two bands (dark outside, bright inside), each RING_BAND_MM.
RING_BAND_MM = 1.25

# List items a digit key picks by number ("3" = the third on this page), by id prefix.
LIST_PREFIXES = ("doc:", "opt:", "lang:", "access:", "channel:", "domain:")


def reading_order(widgets: Sequence[Widget]) -> list[Widget]:
    """The widgets in reading order (rows top to bottom, left to right in a row)."""
    rows: list[list[Widget]] = []
    for widget in sorted(widgets, key=lambda w: (w.rect.top, w.rect.left)):
        if rows:
            first = rows[-1][0]
            if first.rect.top <= widget.rect.centery < first.rect.bottom:
                rows[-1].append(widget)
                continue
        rows.append([widget])
    return [w for row in rows for w in sorted(row, key=lambda w: w.rect.left)]


def _is_pad_key(widget: Widget) -> bool:
    return widget.widget_id.startswith("key:")


def move(order: Sequence[Widget], current: str | None, key: Key) -> str | None:
    """The id the focus goes to from `current` when `key` (an arrow) is pressed."""
    if not order:
        return None
    ids = [w.widget_id for w in order]
    if current not in ids:
        return ids[0]
    i = ids.index(current)
    widget = order[i]
    if key in (Key.UP, Key.DOWN) and _is_pad_key(widget):
        target = _pad_step(order, widget, key)
        if target is not None:
            return target
        # Off the grid's edge: the item just before or after the whole grid.
        pad = [j for j, w in enumerate(order) if _is_pad_key(w)]
        j = pad[0] - 1 if key == Key.UP else pad[-1] + 1
        return ids[j % len(ids)]
    step = -1 if key in (Key.UP, Key.LEFT) else 1
    return ids[(i + step) % len(ids)]


def _pad_step(order: Sequence[Widget], widget: Widget, key: Key) -> str | None:
    """The pad key in the row above/below `widget` nearest its column; None off the grid."""
    keys = [w for w in order if _is_pad_key(w)]
    if key == Key.UP:
        candidates = [w for w in keys if w.rect.bottom <= widget.rect.top]
        nearest_row = max((w.rect.top for w in candidates), default=None)
    else:
        candidates = [w for w in keys if w.rect.top >= widget.rect.bottom]
        nearest_row = min((w.rect.top for w in candidates), default=None)
    if nearest_row is None:
        return None
    row = [w for w in candidates if abs(w.rect.top - nearest_row) < widget.rect.height // 2]
    best = min(row, key=lambda w: abs(w.rect.centerx - widget.rect.centerx))
    return best.widget_id


def _list_prefix(widget: Widget) -> str | None:
    wid = widget.widget_id
    if wid.endswith(":close"):
        return None
    return next((p for p in LIST_PREFIXES if wid.startswith(p)), None)


def list_items(order: Sequence[Widget]) -> list[Widget]:
    """The numbered items of the screen's (or menu's) list, what a digit key picks: the widgets of the
    first list kind in reading order (documents, options, languages, settings)."""
    first = next((p for p in map(_list_prefix, order) if p is not None), None)
    return [w for w in order if first is not None and _list_prefix(w) == first]


def position(order: Sequence[Widget], widget_id: str) -> tuple[int, int]:
    """(1-based index, count) of `widget_id`: among the items of its list if it is a list item (what
    a digit picks), else among everything in the focus order."""
    widget = next((w for w in order if w.widget_id == widget_id), None)
    if widget is None:
        return 0, len(order)
    prefix = _list_prefix(widget)
    group = [w for w in order if prefix is not None and _list_prefix(w) == prefix] or list(order)
    ids = [w.widget_id for w in group]
    return ids.index(widget_id) + 1, len(ids)


def ring_band(theme: Theme) -> int:
    return max(2, theme.mm(RING_BAND_MM))


def ring_colors(palette: Palette) -> tuple[RGB, RGB]:
    """(dark, bright) bands of the ring: black and the notices' yellow; in high contrast, where the
    notices bar is black, black and the yellow of the forward button."""
    bright = palette.notice if contrast_ratio(palette.notice, palette.scrim) >= 3.0 else palette.primary
    return palette.scrim, bright


def draw_ring(surface: pygame.Surface, theme: Theme, rect: pygame.Rect) -> None:
    """The focus ring: a dark band just outside `rect` and a bright band just inside it, so one of the
    two stands out against any button fill and any background (>= 3:1, tests/screens)."""
    band = ring_band(theme)
    r = radius(theme)
    dark, bright = ring_colors(theme.colors)
    outer = rect.inflate(2 * band, 2 * band).clip(surface.get_rect())
    pygame.draw.rect(surface, dark, outer, width=band, border_radius=r + band)
    pygame.draw.rect(surface, bright, rect, width=band, border_radius=r)
