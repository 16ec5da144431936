"""Touch targets (`Widget`) and how a button of each style is drawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pygame

from kiosk.views import Intent
from screens.button_sprites import draw_cached
from screens.icons import draw_access, draw_backspace, draw_globe, draw_help
from screens.text import draw_text
from screens.theme import RGB, Theme


@dataclass(frozen=True, eq=False)
class Widget:
    """A touch target: where it is, what it asks the controller for (None = shown but disabled)."""

    widget_id: str
    rect: pygame.Rect
    intent: Intent | None
    label: str
    style: str = "secondary"  # primary | secondary | cancel | disabled | key | lang | lang_on | custom
    detail: str = ""

    @property
    def enabled(self) -> bool:
        return self.intent is not None


def radius(theme: Theme) -> int:
    return theme.sp(20)


# Styles drawn from a kept sprite (screens.button_sprites): the keyboards' many keys.
_SPRITE_STYLES = frozenset({"key", "key_back"})


def draw_widget(surface: pygame.Surface, theme: Theme, widget: Widget) -> None:
    """A button in its style. `custom` widgets are drawn by their screen."""
    style = widget.style if widget.enabled else "disabled"
    if style == "custom":
        return
    if widget.style in _SPRITE_STYLES:
        key = (widget.style, style, widget.label, widget.detail)
        draw_cached(surface, theme, key, widget.rect,
                    lambda target, rect: _draw_button(target, theme, replace(widget, rect=rect), style))
        return
    _draw_button(surface, theme, widget, style)


def _draw_button(surface: pygame.Surface, theme: Theme, widget: Widget, style: str) -> None:
    c = theme.colors
    rect = widget.rect
    r = radius(theme)
    border = theme.sp(4)
    fills: dict[str, tuple[RGB, RGB, RGB | None]] = {
        "primary": (c.primary, c.on_dark, None),
        "cancel": (c.cancel, c.on_dark, None),
        "danger": (c.danger, c.on_dark, None),
        "secondary": (c.surface, c.text, c.border),
        "key": (c.surface, c.text, c.border),
        "stepper": (c.surface, c.text, c.border),
        "lang": (c.surface, c.text, c.border),
        "service": (c.surface, c.text, c.border),
        "lang_on": (c.primary_soft, c.primary, c.primary),
        "disabled": (c.disabled, c.on_disabled, None),
    }
    fill, fg, edge = fills.get("key" if style == "key_back" else style, fills["secondary"])
    if edge is None and c.outlines:
        edge = c.border
    pygame.draw.rect(surface, fill, rect, border_radius=r)
    if edge is not None:
        pygame.draw.rect(surface, edge, rect, width=border, border_radius=r)
    if widget.style == "stepper":
        # "+" and "-" drawn as bars: the font's minus is a thin dash an old eye can miss.
        arm = min(rect.width, rect.height) // 4
        bar = max(4, theme.px(12))
        pygame.draw.rect(surface, fg, pygame.Rect(rect.centerx - arm, rect.centery - bar // 2, 2 * arm, bar))
        if widget.label == "+":
            pygame.draw.rect(
                surface, fg, pygame.Rect(rect.centerx - bar // 2, rect.centery - arm, bar, 2 * arm)
            )
        return
    if style == "key_back":
        draw_backspace(surface, rect.center, min(rect.width * 3 // 5, rect.height * 6 // 5), fg, fill)
        return
    pad_y = theme.sp(4) if style == "key" and theme.scale > 1.0 else theme.sp(12)  # see keypad.key_pad
    inner = rect.inflate(-2 * theme.sp(20), -2 * pad_y)
    if style == "service":
        _draw_service(surface, theme, widget, inner, fg)
        return
    label_style = "big" if style == "key" and len(widget.label) <= 2 else "label"
    # A squeezed button may shrink its label down to the smallest legal size at this zoom, never
    # below (draw_text keeps that floor whatever is asked).
    floor = theme.min_text_px
    if widget.detail:
        detail_h = theme.line_height("caption")
        top = inner.copy()
        top.height = inner.height - detail_h
        draw_text(surface, theme, widget.label, label_style, fg, top, floor_px=floor)
        draw_text(
            surface,
            theme,
            widget.detail,
            "caption",
            fg,
            pygame.Rect(inner.left, top.bottom - theme.sp(8), inner.width, detail_h),
            floor_px=floor,
        )
    else:
        draw_text(surface, theme, widget.label, label_style, fg, inner, floor_px=floor)


_SERVICE_ICONS = {"lang": draw_globe, "access": draw_access, "help": draw_help}


def _draw_service(surface: pygame.Surface, theme: Theme, widget: Widget, inner: pygame.Rect, fg: RGB) -> None:
    """Language / accessibility / help: the pictogram, then the word, centred together (the
    pictogram above the word when the button is tall enough for both)."""
    icon = min(inner.height, theme.line_height("label", theme.min_text_px) * 3 // 4)
    gap = theme.sp(16)
    paint = _SERVICE_ICONS.get(widget.widget_id.split(":")[0])
    line = theme.line_height("label", theme.min_text_px)
    if inner.height >= icon + line:
        lines = (inner.height - icon) // line  # a tall button holds a label wrapped onto two lines
        top = inner.top + (inner.height - icon - lines * line) // 2
        if paint is not None:
            paint(surface, (inner.centerx, top + icon // 2), icon, fg)
        box = pygame.Rect(inner.left, top + icon, inner.width, lines * line)
        draw_text(surface, theme, widget.label, "label", fg, box)
        return
    words = inner.width - icon - gap
    width = min(words, max(theme.measure(w, "label")[0] for w in widget.label.split() or [""]))
    width = min(words, max(width, theme.measure(widget.label, "label")[0]))
    left = inner.centerx - (icon + gap + width) // 2
    if paint is not None:
        paint(surface, (left + icon // 2, inner.centery), icon, fg)
    box = pygame.Rect(left + icon + gap, inner.top, max(1, inner.right - left - icon - gap), inner.height)
    draw_text(surface, theme, widget.label, "label", fg, box, align="left")


def draw_widgets(surface: pygame.Surface, theme: Theme, widgets: Iterable[Widget]) -> None:
    for widget in widgets:
        draw_widget(surface, theme, widget)
