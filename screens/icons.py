"""Icons drawn with pygame's primitives: the shipped font has no symbol glyphs."""

from __future__ import annotations

import math

import pygame

from screens.theme import RGB, Theme

# Where a booth's fingerprint sensor can be: (x, y) of its centre on the booth front, as fractions
# of the front's width and height (the screen fills the upper part).
SENSOR_SPOTS = {
    "below-screen-right": (0.75, 0.80),
    "below-screen-left": (0.25, 0.80),
    "below-screen-center": (0.50, 0.80),
    "right-of-screen": (0.92, 0.40),
}


def draw_alert_icon(  # noqa: PLR0917  # same order as pygame.draw.circle plus the two colours
    surface: pygame.Surface, theme: Theme, center: tuple[int, int], size: int, color: RGB, on: RGB
) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    bar_w = max(3, size // 8)
    cx, cy = center
    pygame.draw.rect(surface, on, pygame.Rect(cx - bar_w // 2, cy - size * 3 // 10, bar_w, size * 4 // 10))
    pygame.draw.circle(surface, on, (cx, cy + size * 5 // 20), max(2, bar_w * 2 // 3))


def draw_check_icon(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB, on: RGB) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    cx, cy = center
    s = size / 2
    pts = [(cx - s * 0.45, cy + s * 0.02), (cx - s * 0.12, cy + s * 0.35), (cx + s * 0.48, cy - s * 0.3)]
    pygame.draw.lines(surface, on, False, [(int(x), int(y)) for x, y in pts], max(4, size // 11))


def draw_cross_icon(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB, on: RGB) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    cx, cy = center
    d = int(size * 0.2)
    w = max(4, size // 11)
    pygame.draw.line(surface, on, (cx - d, cy - d), (cx + d, cy + d), w)
    pygame.draw.line(surface, on, (cx - d, cy + d), (cx + d, cy - d), w)


def draw_checkmark(surface: pygame.Surface, rect: pygame.Rect, color: RGB, width: int) -> None:
    pts = [
        (rect.left + rect.width * 0.18, rect.top + rect.height * 0.52),
        (rect.left + rect.width * 0.42, rect.top + rect.height * 0.76),
        (rect.left + rect.width * 0.84, rect.top + rect.height * 0.26),
    ]
    pygame.draw.lines(surface, color, False, [(int(x), int(y)) for x, y in pts], width)


def draw_fingerprint(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB) -> None:
    """A fingerprint mark: nested ridges, each open at a different place near the bottom."""
    cx, cy = center
    width = max(2, size // 18)
    # (left gap, right gap) in radians from straight down, per ridge from the inside out.
    gaps = ((1.4, 1.4), (0.9, 0.5), (0.35, 0.8), (0.6, 0.3), (0.25, 0.55), (0.45, 0.2))
    step = 0.5 / (len(gaps) + 0.5)
    for i, (left, right) in enumerate(gaps):
        rx = size * step * (i + 1)
        ry = rx * 1.22
        rect = pygame.Rect(int(cx - rx), int(cy - ry + size * 0.08), max(1, int(2 * rx)), max(1, int(2 * ry)))
        pygame.draw.arc(surface, color, rect, -math.pi / 2 + right, 3 * math.pi / 2 - left, width)


def draw_backspace(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB, on: RGB) -> None:
    """The backspace key's pictogram: a tag pointing left with a cross in it (size = its width)."""
    cx, cy = center
    w, h = size, size * 6 // 10
    left, right, top, bottom = cx - w // 2, cx + w // 2, cy - h // 2, cy + h // 2
    tip = left + h // 2
    pygame.draw.polygon(surface, color, [(left, cy), (tip, top), (right, top), (right, bottom), (tip, bottom)])
    d = h // 4
    mx = (tip + right) // 2
    width = max(3, size // 14)
    pygame.draw.line(surface, on, (mx - d, cy - d), (mx + d, cy + d), width)
    pygame.draw.line(surface, on, (mx - d, cy + d), (mx + d, cy - d), width)


def draw_globe(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB) -> None:
    """The language button's globe: an outline, a meridian and two parallels."""
    cx, cy = center
    r = size // 2
    w = max(2, size // 14)
    pygame.draw.circle(surface, color, center, r, w)
    pygame.draw.ellipse(surface, color, pygame.Rect(cx - r // 2, cy - r, r, 2 * r), w)
    pygame.draw.line(surface, color, (cx - r, cy), (cx + r, cy), w)
    for dy in (-r // 2, r // 2):
        half = int(math.sqrt(max(0, r * r - dy * dy)))
        pygame.draw.line(surface, color, (cx - half, cy + dy), (cx + half, cy + dy), w)


def draw_access(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB) -> None:
    """The accessibility button's person with open arms, in a ring (the UN accessibility mark)."""
    cx, cy = center
    r = size // 2
    w = max(2, size // 14)
    pygame.draw.circle(surface, color, center, r, w)
    pygame.draw.circle(surface, color, (cx, cy - r * 11 // 20), max(2, r // 6))
    pygame.draw.line(surface, color, (cx - r * 11 // 20, cy - r // 4), (cx + r * 11 // 20, cy - r // 4), w)
    pygame.draw.line(surface, color, (cx, cy - r // 4), (cx, cy + r // 6), w)
    pygame.draw.line(surface, color, (cx, cy + r // 6), (cx - r // 3, cy + r * 3 // 5), w)
    pygame.draw.line(surface, color, (cx, cy + r // 6), (cx + r // 3, cy + r * 3 // 5), w)


def draw_help(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB) -> None:
    """The help button's question mark in a ring."""
    cx, cy = center
    r = size // 2
    w = max(2, size // 12)
    pygame.draw.circle(surface, color, center, r, max(2, size // 14))
    arc = pygame.Rect(cx - r // 3, cy - r * 3 // 5, 2 * (r // 3), 2 * (r // 3))
    pygame.draw.arc(surface, color, arc, -math.pi / 2, math.pi, w)
    pygame.draw.line(surface, color, (cx, cy - r // 4 + r // 3 - r // 3), (cx, cy + r // 5), w)
    pygame.draw.circle(surface, color, (cx, cy + r * 9 // 20), max(2, w * 2 // 3))


def draw_booth(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, position: str) -> None:
    """This booth's front in `rect`: its body, the screen, and the fingerprint sensor where it is,
    ringed and pointed at, so a resident knows where to put the finger before looking for it."""
    c = theme.colors
    h = rect.height
    w = min(rect.width, h * 3 // 4)
    front = pygame.Rect(rect.centerx - w // 2, rect.top, w, h)
    edge = max(2, theme.sp(4))
    pygame.draw.rect(surface, c.surface, front, border_radius=theme.sp(12))
    pygame.draw.rect(surface, c.muted, front, edge, border_radius=theme.sp(12))
    screen = pygame.Rect(front.left + w // 10, front.top + h // 12, w * 7 // 10, h * 11 // 20)
    pygame.draw.rect(surface, c.header, screen)
    pygame.draw.rect(surface, c.muted, screen, edge)
    fx, fy = SENSOR_SPOTS.get(position, SENSOR_SPOTS["below-screen-right"])
    centre = (front.left + int(w * fx), front.top + int(h * fy))
    s = max(8, min(w, h) // 7)
    sensor = pygame.Rect(0, 0, s, s)
    sensor.center = centre
    pygame.draw.circle(surface, c.primary_soft, centre, s)
    pygame.draw.circle(surface, c.primary, centre, s, edge)
    pygame.draw.rect(surface, c.primary, sensor, border_radius=max(2, s // 5))
    draw_fingerprint(surface, centre, s, c.on_dark)
