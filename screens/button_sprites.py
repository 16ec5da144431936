"""Keyboard keys drawn once and blitted after.

The e-mail keyboard has 55 keys, each two rounded rectangles and a label, and the screen loop redraws
them every frame: 3 ms of the frame, which then missed its 4 ms budget. A key's picture depends only on
its style, label, size and the theme, so it is drawn once into a sprite and blitted from then on.

What drawing the key told the theme's recording (the label as a whole, each line with its size,
colours and place) is kept with the sprite and told again at every blit: voice guidance reads a
blitted key as it reads a drawn one, and the accessibility tests measure its text all the same.
A key whose text did not fit (a line cut at the sprite's edge) is drawn directly every time, so a
fault shows as it would without the cache.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

import pygame

from screens.theme import DrawnLine, Theme

# Never a colour of either palette: the key's rounded corners, left transparent on the frame. The
# corners are drawn without anti-aliasing and the label stays inside them, so a blit is pixel for
# pixel what drawing the key there would make.
_CORNER = (255, 0, 254)
# Pixels kept per theme, at 100 % zoom (scaled by zoom²): every keyboard of every screen, several times.
_BUDGET_MIB = 8


@dataclass(frozen=True)
class _Sprite:
    picture: pygame.Surface
    texts: tuple[str, ...]
    clipped: tuple[str, ...]
    lines: tuple[DrawnLine, ...]  # rects relative to the key's top-left corner
    size_bytes: int


class _ThemeSprites:
    """One theme's sprites, least recently used first, within a pixel budget."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self.used_bytes = 0
        self.sprites: OrderedDict[Hashable, _Sprite | None] = OrderedDict()  # None: drawn directly

    def keep(self, key: Hashable, sprite: _Sprite | None) -> None:
        self.sprites[key] = sprite
        self.used_bytes += sprite.size_bytes if sprite is not None else 0
        while self.used_bytes > self.budget_bytes and len(self.sprites) > 1:
            _, dropped = self.sprites.popitem(last=False)
            self.used_bytes -= dropped.size_bytes if dropped is not None else 0


_BY_THEME: weakref.WeakKeyDictionary[Theme, _ThemeSprites] = weakref.WeakKeyDictionary()


def draw_cached(surface: pygame.Surface, theme: Theme, key: Hashable, rect: pygame.Rect,
                paint: Callable[[pygame.Surface, pygame.Rect], None]) -> None:
    """Paint `rect` as `paint(surface, rect)` would, from a sprite kept under `key` (which must name
    everything the picture depends on besides the theme and the rect's size)."""
    clip = surface.get_clip().clip(surface.get_rect())
    if rect.width <= 0 or rect.height <= 0 or not clip.contains(rect):
        paint(surface, rect)  # partly off the frame: the direct drawing reports what is cut
        return
    kept = _BY_THEME.get(theme)
    if kept is None:
        kept = _BY_THEME[theme] = _ThemeSprites(int(_BUDGET_MIB * 2**20 * theme.scale**2))
    full_key = (key, rect.size)
    if full_key in kept.sprites:
        kept.sprites.move_to_end(full_key)
        sprite = kept.sprites[full_key]
    else:
        sprite = _draw_sprite(surface, theme, rect.size, paint)
        kept.keep(full_key, sprite)
    if sprite is None:
        paint(surface, rect)
        return
    if theme.recording_now:
        for text in sprite.texts:
            theme.note_drawn(text, clipped=text in sprite.clipped)
    if theme.recording_lines:
        for line in sprite.lines:
            theme.note_line(replace(line, rect=line.rect.move(rect.topleft)))
    surface.blit(sprite.picture, rect)


def _draw_sprite(like: pygame.Surface, theme: Theme, size: tuple[int, int],
                 paint: Callable[[pygame.Surface, pygame.Rect], None]) -> _Sprite | None:
    """The key drawn alone, with what it said; None when its text ran past its edge."""
    picture = pygame.Surface(size, 0, like)
    picture.fill(_CORNER)
    with theme.recording() as said:
        paint(picture, picture.get_rect())
    if any(line.cut for line in said.lines):
        return None
    # Run-length encoded: a plain colour-keyed blit tests every pixel and took three times as long as
    # drawing the key afresh (68 against 21 µs for a wide key); the encoded one copies runs (16 µs).
    picture.set_colorkey(_CORNER, pygame.RLEACCEL)
    return _Sprite(picture, tuple(said.texts), tuple(said.clipped), tuple(said.lines),
                   picture.get_pitch() * picture.get_height())
