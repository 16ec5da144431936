"""Long lists split into pages (200 % zoom, the low position), and the buttons that turn them."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from kiosk.views import Intent, View
from screens.screen import lang_of
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget


def pager_height(theme: Theme) -> int:
    """The pager's buttons: a label line and the "page 1 of 3" line, both at least at the floor size
    (zoomed, one line: the label with "1/3" after it)."""
    floor = theme.min_text_px
    if theme.scale > 1.0:
        return theme.line_height("label", floor) + 2 * theme.sp(12) + 4
    return theme.line_height("label", floor) + theme.line_height("caption") + 2 * theme.sp(12) + 4


def page_widgets(view: View, theme: Theme, rect: pygame.Rect, page: int, pages: int) -> list[Widget]:
    """Previous/next buttons for a paged list, in `rect` (one button row)."""
    if pages <= 1:
        return []
    lang = lang_of(view)
    gap = theme.sp(24)
    prev_intent = Intent("page", {"page": page - 1}) if page > 0 else None
    next_intent = Intent("page", {"page": page + 1}) if page < pages - 1 else None
    where = t("page.of", lang, page=page + 1, pages=pages)
    prev_label, next_label = t("page.prev", lang), t("button.page_next", lang)
    split = (rect.width - gap) // 2
    if theme.scale > 1.0:  # zoomed: one line, the short word and the figures after it
        prev_label, where = t("page.prev_short", lang), ""
        next_label = f"{t('page.next_short', lang)} {page + 1}/{pages}"
        # Each button as wide as its words need when halves are too narrow for one of them.
        floor = theme.min_text_px
        needs = [theme.measure(x, "label", floor)[0] + 2 * theme.sp(20) + 4 for x in (prev_label, next_label)]
        if max(needs) > split and sum(needs) + gap <= rect.width:
            split = needs[0] + (rect.width - gap - sum(needs)) // 2
    return [
        Widget(
            "page:prev",
            pygame.Rect(rect.left, rect.top, split, rect.height),
            prev_intent,
            prev_label,
            "secondary",
        ),
        Widget(
            "page:next",
            pygame.Rect(rect.left + split + gap, rect.top, rect.width - split - gap, rect.height),
            next_intent,
            next_label,
            "primary",
            where,
        ),
    ]


def paginate(heights: Sequence[int], avail: int, gap: int) -> list[tuple[int, int]]:
    """Greedy pages: (first, last) index ranges whose items fit `avail` (at least one item a page)."""
    pages: list[tuple[int, int]] = []
    first, used = 0, 0
    for i, h in enumerate(heights):
        need = h if i == first else used + gap + h
        if i > first and need > avail:
            pages.append((first, i))
            first, used = i, h
        else:
            used = need
    if heights:
        pages.append((first, len(heights)))
    return pages or [(0, 0)]
