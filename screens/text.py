"""Text in a box: wrapped, and shrunk to fit down to a floor that still meets the size rules."""

from __future__ import annotations

import pygame

from screens.theme import RGB, Theme


def fit_text(
    theme: Theme,
    text: str,
    style: str,
    width: int,
    height: int,
    *,
    min_style: str = "caption",
    floor_px: int | None = None,
) -> tuple[int, list[str]]:
    """The largest size (down to `min_style` or `floor_px`) at which `text` fits the box, and its lines."""
    size = theme.style_size(style)
    floor = min(size, theme.style_size(min_style) if floor_px is None else floor_px)
    words = text.split()
    while True:
        lines = theme.wrap(text, style, max(1, width), size)
        fits = len(lines) * theme.line_height(style, size) <= height
        whole_words = all(theme.measure(w, style, size)[0] <= width for w in words)
        if (fits and whole_words) or size <= floor:
            return size, lines
        size = max(floor, int(size * 0.9))


def draw_text(  # noqa: PLR0917  # drawing helpers take pygame's positional (surface, ..., rect) order
    surface: pygame.Surface,
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    rect: pygame.Rect,
    *,
    align: str = "center",
    valign: str = "middle",
    min_style: str = "caption",
    floor_px: int | None = None,
) -> int:
    """Wrapped text inside `rect`, shrunk (never below `min_style` / `floor_px`) to fit; the height used."""
    if not text or rect.width <= 0:
        return 0
    size, lines = fit_text(
        theme, text, style, rect.width, rect.height, min_style=min_style, floor_px=floor_px
    )
    lh = theme.line_height(style, size)
    # Lines that do not fit are left out (a small tolerance: line height includes the leading).
    shown = lines[: (rect.height + lh // 6) // lh]
    theme.note_drawn(text, clipped=len(shown) < len(lines))
    lines = shown
    if not lines:
        return 0
    used = lh * len(lines)
    if valign == "middle":
        y = rect.top + (rect.height - used) // 2
    elif valign == "bottom":
        y = rect.bottom - used
    else:
        y = rect.top
    for line in lines:
        surf = theme.text(line, style, color, size)
        if align == "left":
            x = rect.left
        elif align == "right":
            x = rect.right - surf.get_width()
        else:
            x = rect.centerx - surf.get_width() // 2
        surface.blit(surf, (x, y + (lh - surf.get_height()) // 2))
        y += lh
    return used


def text_height(theme: Theme, text: str, style: str, width: int) -> int:
    return len(theme.wrap(text, style, width)) * theme.line_height(style) if text else 0


def blit_line(  # noqa: PLR0917  # same order as draw_text
    surface: pygame.Surface,
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    rect: pygame.Rect,
    *,
    align: str = "center",
) -> None:
    """One line, shrunk to fit the width, vertically centred."""
    size = theme.style_size(style)
    floor = theme.style_size("caption")
    while size > floor and theme.measure(text, style, size)[0] > rect.width:
        size = max(floor, int(size * 0.92))
    theme.note_drawn(text, clipped=theme.measure(text, style, size)[0] > rect.width)
    surf = theme.text(text, style, color, size)
    y = rect.top + (rect.height - surf.get_height()) // 2
    if align == "left":
        x = rect.left
    elif align == "right":
        x = rect.right - surf.get_width()
    else:
        x = rect.centerx - surf.get_width() // 2
    surface.blit(surf, (x, y))
