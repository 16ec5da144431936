"""The 12-key numeric keypad of the number screens (resident number, lot number)."""

from __future__ import annotations

import pygame

from kiosk.views import Intent
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget

# The keys in reading order.
KEYPAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")


def keypad_widgets(keypad: pygame.Rect, theme: Theme, lang: str, *, rows: int = 4) -> list[Widget]:
    """The keypad's 12 keys laid out in the top four of `rows` equal rows of `keypad` (more rows leave
    room for a screen's own extra keys below); digits send `digit`, the others backspace / clear."""
    gap = theme.sp(20)
    kw = (keypad.width - 2 * gap) // 3
    kh = (keypad.height - (rows - 1) * gap) // rows
    widgets: list[Widget] = []
    for i, key in enumerate(KEYPAD_KEYS):
        rect = pygame.Rect(keypad.left + (i % 3) * (kw + gap), keypad.top + (i // 3) * (kh + gap), kw, kh)
        if key == "back":
            widgets.append(Widget("key:back", rect, Intent("backspace"), t("key.back", lang), "key"))
        elif key == "clear":
            widgets.append(Widget("key:clear", rect, Intent("clear"), t("key.clear", lang), "key"))
        else:
            widgets.append(Widget(f"key:{key}", rect, Intent("digit", {"value": key}), key, "key"))
    return widgets
