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
from screens.paging import paginate
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius

_SCRIM_ALPHA = 170  # dims the screen behind to ~1/3 brightness: the panel stands out


def dim_behind(surface: pygame.Surface, scrim: tuple[int, int, int]) -> None:
    """Blend the whole frame towards `scrim` (alpha `_SCRIM_ALPHA`) in place. A full-screen scrim surface
    per frame was an 8 MB block allocated and freed every time a prompt was drawn: held across the
    frame, it left holes that the kiosk's long-lived allocations then pinned, one source of the soak's
    creeping memory. Two fills in place give the same pixels (within one level) with no allocation."""
    keep = 255 - _SCRIM_ALPHA
    surface.fill((keep, keep, keep), special_flags=pygame.BLEND_RGB_MULT)
    surface.fill(tuple(channel * _SCRIM_ALPHA // 255 for channel in scrim), special_flags=pygame.BLEND_RGB_ADD)


@dataclass(frozen=True)
class Overlay:
    """What an overlay shows: its title, sentences, list buttons, and a last (close) button."""

    title: str
    sentences: Sequence[str]
    buttons: Sequence[Widget]  # rect ignored: laid out here
    last: Widget | None = None  # on every page, full width, at the bottom
    prev_label: str = ""
    next_label: str = ""
    prev_short: str = ""  # zoomed, when the words above do not fit half the panel
    next_short: str = ""


@dataclass(frozen=True)
class _Placed:
    panel: pygame.Rect
    texts: list[tuple[str, str, pygame.Rect]]  # (text, style, rect)
    widgets: list[Widget]


def _place(overlay: Overlay, theme: Theme, page: int) -> _Placed:
    """The panel, its words and its buttons. The buttons lie below the 1,220 mm line (in the low
    position the words too); the list takes one column, or two when that needs fewer pages (a
    label may then wrap and its buttons grow); a paged list gets previous / next beside close, or
    on their own row above it when the three do not fit one."""
    margin = theme.sp(40)
    pad = theme.sp(40)
    gap = theme.sp(24)
    inner_w = theme.width - 2 * margin - 2 * pad
    texts: list[tuple[str, str, int]] = [(overlay.title, "title", text_height(theme, overlay.title, "title", inner_w))]
    texts += [(s, "body", text_height(theme, s, "body", inner_w)) for s in overlay.sentences if s]
    text_h = sum(h for _, _, h in texts) + gap * (len(texts) - 1)
    panel_top_min = theme.control_top + margin if theme.low_position else margin
    # Where the first button may be: under the words, and never above the reach line.
    buttons_top_min = max(panel_top_min + pad + text_h + 2 * gap, theme.control_top)
    avail = theme.height - margin - pad - buttons_top_min
    last_bh = button_height(theme)
    n = len(overlay.buttons)
    prev_label, next_label, paged_rows = _pager_labels(overlay, theme, inner_w, gap)

    def plan(cols: int) -> tuple[list[int], list[tuple[int, int]]]:
        """Each row's height and the pages (ranges of rows) with `cols` columns."""
        width = (inner_w - gap * (cols - 1)) // cols
        heights = [_button_height(overlay.buttons[i : i + cols], theme, width) for i in range(0, n, cols)]
        last_rows = 1 if overlay.last is not None else 0
        pages = paginate(heights, avail - last_rows * (last_bh + gap), gap)
        if len(pages) > 1:  # paged: the pager's row(s) too
            pages = paginate(heights, avail - max(last_rows, paged_rows) * (last_bh + gap), gap)
        return heights, pages

    cols = 1
    heights, page_rows = plan(1)
    if len(page_rows) > 1:
        two = plan(2)
        if len(two[1]) < len(page_rows):
            cols, (heights, page_rows) = 2, two
    pages = len(page_rows)
    page = min(max(0, page), pages - 1)
    first_row, end_row = page_rows[page]
    shown = list(overlay.buttons[first_row * cols : end_row * cols])
    row_h = heights[first_row:end_row]
    last_rows = (paged_rows if pages > 1 else 1) if overlay.last is not None or pages > 1 else 0
    last_h = last_rows * (last_bh + gap)
    buttons_h = sum(row_h) + gap * len(row_h) - gap + last_h
    panel_h = 2 * pad + text_h + 2 * gap + buttons_h
    if theme.low_position:
        top = theme.height - margin - panel_h
    else:
        top = max(panel_top_min, (theme.height - panel_h) // 2)
    # The buttons never above the reach line: the words rise above them if they must.
    top = max(margin, min(top, theme.height - margin - panel_h))
    top = max(top, buttons_top_min - pad - text_h - 2 * gap) if top + panel_h <= theme.height - margin else top
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
        if i and i % cols == 0:
            y += row_h[i // cols - 1] + gap
        rect = pygame.Rect(left + (i % cols) * (col_w + gap), y, col_w, row_h[i // cols])
        widgets.append(Widget(b.widget_id, rect, b.intent, b.label, b.style, b.detail))
    if shown:
        y += row_h[-1] + gap
    close_rect = pygame.Rect(left, y, inner_w, last_bh)
    if pages > 1:
        prev = Intent("menu_page", {"page": page - 1}) if page > 0 else None
        nxt = Intent("menu_page", {"page": page + 1}) if page < pages - 1 else None
        if paged_rows == 1:  # previous, close, next in one row
            slot_w = (inner_w - 2 * gap) // 3
            prev_r = pygame.Rect(left, y, slot_w, last_bh)
            close_rect = pygame.Rect(left + slot_w + gap, y, slot_w, last_bh)
            next_r = pygame.Rect(left + 2 * (slot_w + gap), y, inner_w - 2 * (slot_w + gap), last_bh)
        else:  # previous and next on their own row, close under them
            half = (inner_w - gap) // 2
            needs = [_label_need(theme, x) for x in (prev_label, next_label)]
            if max(needs) > half and sum(needs) + gap <= inner_w:  # each as wide as its word needs
                half = needs[0] + (inner_w - gap - sum(needs)) // 2
            prev_r = pygame.Rect(left, y, half, last_bh)
            next_r = pygame.Rect(left + half + gap, y, inner_w - half - gap, last_bh)
            close_rect = pygame.Rect(left, y + last_bh + gap, inner_w, last_bh)
        widgets.append(Widget("menu:prev", prev_r, prev, prev_label))
        widgets.append(Widget("menu:next", next_r, nxt, next_label))
    if overlay.last is not None:
        b = overlay.last
        widgets.append(Widget(b.widget_id, close_rect, b.intent, b.label, b.style, b.detail))
    return _Placed(panel, placed_texts, widgets)


def _pager_labels(overlay: Overlay, theme: Theme, inner_w: int, gap: int) -> tuple[str, str, int]:
    """The previous / next words a paged list shows and how many rows its last block takes: the
    three (previous, close, next) in one row if each fits a third, else previous and next on a row
    of their own (the short words when the long ones do not fit half the width) and close below."""
    def need(label: str) -> int:
        return _label_need(theme, label)

    close = overlay.last.label if overlay.last is not None else ""
    labels = [overlay.prev_label, close, overlay.next_label]
    if max(need(x) for x in labels) <= (inner_w - 2 * gap) // 3:
        return overlay.prev_label, overlay.next_label, 1
    prev, nxt = overlay.prev_label, overlay.next_label
    if need(prev) + need(nxt) + gap > inner_w:
        prev, nxt = overlay.prev_short or prev, overlay.next_short or nxt
    return prev, nxt, 2


def _label_need(theme: Theme, label: str) -> int:
    """Width a button needs for `label` on one line at the floor size, with draw_widget's padding."""
    return theme.measure(label, "label", theme.min_text_px)[0] + 2 * theme.sp(20) + 4


def button_height_for(buttons: Sequence[Widget], theme: Theme, width: int) -> int:
    """Public name of the row height rule below (the more-time prompt sizes its answers with it)."""
    return _button_height(buttons, theme, width)


def _button_height(buttons: Sequence[Widget], theme: Theme, width: int) -> int:
    """The height of a row of `buttons` each `width` wide: the longest label's lines at the floor
    size (it may wrap) and the detail line ("on" / "off") under it, with draw_widget's padding."""
    floor = theme.min_text_px
    inner = width - 2 * theme.sp(20)
    lines = max((len(theme.wrap(b.label, "label", inner, floor)) for b in buttons), default=1)
    detail = theme.line_height("caption") if any(b.detail for b in buttons) else 0
    need = lines * theme.line_height("label", floor) + detail + 2 * theme.sp(12) + 4
    return max(button_height(theme) + (detail if lines == 1 else 0), need)


def overlay_widgets(overlay: Overlay, theme: Theme, page: int = 0) -> list[Widget]:
    """The overlay's buttons where they are drawn; while it is up they are the only targets."""
    return _place(overlay, theme, page).widgets


def draw_overlay(surface: pygame.Surface, overlay: Overlay, theme: Theme, page: int = 0) -> None:
    c = theme.colors
    dim_behind(surface, c.scrim)
    placed = _place(overlay, theme, page)
    pygame.draw.rect(surface, c.surface, placed.panel, border_radius=radius(theme) * 2)
    pygame.draw.rect(surface, c.primary, placed.panel, width=theme.sp(6), border_radius=radius(theme) * 2)
    for text, style, rect in placed.texts:
        color = c.text if style == "title" else c.muted
        draw_text(surface, theme, text, style, color, rect, align="left", valign="top")
    draw_widgets(surface, theme, placed.widgets)
