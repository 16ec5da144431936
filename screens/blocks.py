"""Vertical stacks of information that give way (least important first) instead of overlapping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

from kiosk.views import View
from screens.paging import page_widgets, pager_height
from screens.text import draw_text
from screens.theme import RGB, Theme
from screens.widgets import Widget


@dataclass(frozen=True)
class Block:
    """One piece of information: its height, how to paint it, and how much it matters (0 = most)."""

    height: int
    paint: Callable[[pygame.Surface, pygame.Rect], object]
    priority: int = 0
    gap: int = 0  # space after it


def text_block(
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    width: int,
    *,
    priority: int = 0,
    gap: int = 0,
    align: str = "left",
    max_lines: int = 0,
    transient: bool = False,
) -> Block:
    lines = len(theme.wrap(text, style, width)) if text else 0
    if max_lines:
        lines = min(lines, max_lines)
    height = lines * theme.line_height(style)

    def paint(surface: pygame.Surface, rect: pygame.Rect) -> object:
        return draw_text(surface, theme, text, style, color, rect, align=align, valign="top", transient=transient)

    return Block(height, paint, priority, gap)


def stack(surface: pygame.Surface, rect: pygame.Rect, blocks: Sequence[Block], *, valign: str = "top") -> int:
    """Paint `blocks` top-down inside `rect`, leaving out the least important ones that do not fit.

    Nothing is painted outside `rect` (it is the clip), so information never covers a control.
    Returns the bottom of the last block painted.
    """
    keep = [b for b in blocks if b.height > 0]
    for drop in sorted(keep, key=lambda b: -b.priority):
        if sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0) <= rect.height:
            break
        if drop.priority > 0:
            keep.remove(drop)
    used = sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0)
    y = rect.top
    if valign == "middle":
        y = rect.top + max(0, (rect.height - used) // 2)
    elif valign == "bottom":
        y = rect.top + max(0, rect.height - used)
    old_clip = surface.get_clip()
    surface.set_clip(rect.clip(old_clip) if old_clip else rect)
    try:
        for block in keep:
            block.paint(
                surface, pygame.Rect(rect.left, y, rect.width, min(block.height, max(0, rect.bottom - y)))
            )
            y += block.height + block.gap
    finally:
        surface.set_clip(old_clip)
    return y


def stack_height(blocks: Sequence[Block]) -> int:
    keep = [b for b in blocks if b.height > 0]
    return sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0)


def paged(
    view: View, theme: Theme, rect: pygame.Rect, blocks: Sequence[Block], page: int
) -> tuple[pygame.Rect, list[Block], list[Widget]]:
    """The blocks for `page` of `rect`, the area to stack them in, and the pager's buttons.

    When the essential blocks (priority 0) fit, everything is one page and `stack` lets the rest
    give way as before; when they do not (200 % zoom), every block is kept and the information is
    split into pages, turned by "previous"/"next" buttons at the bottom of `rect`.
    """
    if stack_height([b for b in blocks if b.priority == 0]) <= rect.height:
        return rect, list(blocks), []
    ph, gap = pager_height(theme), theme.sp(24)
    area = pygame.Rect(rect.left, rect.top, rect.width, max(0, rect.height - ph - gap))
    pages = _pages(blocks, area.height)
    page = min(max(0, page), len(pages) - 1)
    first, last = pages[page]
    pager = page_widgets(view, theme, pygame.Rect(rect.left, rect.bottom - ph, rect.width, ph), page, len(pages))
    return area, list(blocks[first:last]), pager


def _pages(blocks: Sequence[Block], avail: int) -> list[tuple[int, int]]:
    """Greedy pages of `blocks`: (first, last) ranges whose blocks, with the gaps between them (not
    the last one's), fit `avail`; at least one block a page."""
    pages: list[tuple[int, int]] = []
    first, used = 0, 0
    for i, b in enumerate(blocks):
        if i > first and used + blocks[i - 1].gap + b.height > avail:
            pages.append((first, i))
            first, used = i, b.height
        else:
            used = b.height if i == first else used + blocks[i - 1].gap + b.height
    if blocks:
        pages.append((first, len(blocks)))
    return pages or [(0, 0)]
