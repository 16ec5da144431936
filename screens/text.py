"""Text in a box: wrapped, and shrunk to fit down to a floor that still meets the size rules.

Every line of text on a frame is blitted by `blit_text` here, which tells the theme's recording its
pixel size and the colours under it: the accessibility tests measure those, not the settings.
"""

from __future__ import annotations

import pygame

from screens.theme import RGB, STYLES, DrawnLine, Theme


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
    floor = max(floor, theme.min_text_px)  # never below the legal character height at this zoom
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
    transient: bool = False,
) -> int:
    """Wrapped text inside `rect`, shrunk (never below `min_style` / `floor_px`) to fit; the height used.
    `transient`: a time of day, drawn without keeping its pixels (blit_line)."""
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
        w, h = theme.measure(line, style, size)
        if align == "left":
            x = rect.left
        elif align == "right":
            x = rect.right - w
        else:
            x = rect.centerx - w // 2
        blit_text(surface, theme, line, style, color, (x, y + (lh - h) // 2), size, transient=transient)
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
    transient: bool = False,
) -> None:
    """One line, shrunk to fit the width, vertically centred. `transient`: a line that changes with the
    time (the header clock, the time left), drawn without keeping its pixels (Theme.text)."""
    size = theme.style_size(style)
    floor = min(size, theme.min_text_px)
    while size > floor and theme.measure(text, style, size)[0] > rect.width:
        size = max(floor, int(size * 0.92))
    theme.note_drawn(text, clipped=theme.measure(text, style, size)[0] > rect.width)
    w, h = theme.measure(text, style, size)
    y = rect.top + (rect.height - h) // 2
    if align == "left":
        x = rect.left
    elif align == "right":
        x = rect.right - w
    else:
        x = rect.centerx - w // 2
    blit_text(surface, theme, text, style, color, (x, y), size, transient=transient)


def background_under(surface: pygame.Surface, rect: pygame.Rect) -> RGB:
    """The colour most of `rect`'s edge points have on `surface` now (before text goes on it)."""
    box = rect.clip(surface.get_rect())
    if box.width <= 0 or box.height <= 0:
        return (0, 0, 0)
    xs = (box.left, box.centerx, box.right - 1)
    ys = (box.top, box.centery, box.bottom - 1)
    points = [(x, y) for x in xs for y in ys if (x, y) != box.center]
    colors = [tuple(surface.get_at(p))[:3] for p in points]
    best = max(set(colors), key=colors.count)
    return (int(best[0]), int(best[1]), int(best[2]))


def blit_text(  # noqa: PLR0917  # same order as draw_text, then where and at which size
    surface: pygame.Surface,
    theme: Theme,
    line: str,
    style: str,
    color: RGB,
    pos: tuple[int, int],
    size: int | None = None,
    *,
    transient: bool = False,
) -> pygame.Rect:
    """One rendered line at `pos`; the theme's recording learns its size and colours. The rect used."""
    px = size if size is not None else theme.style_size(style)
    surf = theme.text(line, style, color, px, keep=not transient)
    rect = surf.get_rect(topleft=pos)
    if theme.recording_lines:
        ink = surf.get_bounding_rect().move(rect.topleft)  # what shows: the glyphs, not the line box
        background = background_under(surface, ink)
        clip = surface.get_clip().clip(surface.get_rect())
        cut = not clip.inflate(2, 2).contains(ink)  # a pixel of anti-aliasing over the edge is not a cut
        theme.note_line(DrawnLine(line, px, STYLES[style][1], color, background, ink, cut))
    surface.blit(surf, rect)
    return rect
