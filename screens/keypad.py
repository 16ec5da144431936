"""The 12-key numeric keypad of the number screens (resident number, lot number)."""

from __future__ import annotations

import math

import pygame

from kiosk.views import Intent
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget

# The keys in reading order.
KEYPAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")


def key_gap(theme: Theme) -> int:
    """Between two keys: roomy at 100 %; zoomed, 4 mm (the rule asks 2.5 mm), so five rows of 24 mm
    keys stay below the 1,220 mm line with a long language's footer under them."""
    return theme.sp(20) if theme.scale <= 1.0 else max(theme.min_gap, theme.mm(4.0))


def key_pad(theme: Theme) -> int:
    """A key's padding above and below its label (a digit's ink is well inside its line)."""
    return theme.sp(12) if theme.scale <= 1.0 else theme.sp(4)


def key_min_height(theme: Theme) -> int:
    """The shortest key: one label line at the floor size (draw_text's 5/6 of it) and the padding."""
    line = theme.line_height("label", theme.min_text_px)
    return max(theme.min_target, math.ceil(line * 5 / 6) + 2 * key_pad(theme) + 2)


def keypad_widgets(keypad: pygame.Rect, theme: Theme, lang: str, *, rows: int = 4) -> list[Widget]:
    """The keypad's 12 keys laid out in the top four of `rows` equal rows of `keypad` (more rows leave
    room for a screen's own extra keys below); digits send `digit`, the others backspace / clear."""
    gap = key_gap(theme)
    kw = (keypad.width - 2 * gap) // 3
    kh = (keypad.height - (rows - 1) * gap) // rows
    room = kw - 2 * theme.sp(20)

    def fits(words: str) -> bool:
        return theme.measure(words, "label", theme.min_text_px)[0] <= room

    # At 200 % a key is too narrow for "한 칸 지움": backspace becomes its pictogram (the word is
    # still the label voice reads) and clear its short word.
    back_style = "key" if fits(t("key.back", lang)) else "key_back"
    clear = t("key.clear", lang)
    if not fits(clear):
        clear = t("key.clear_short", lang)
    widgets: list[Widget] = []
    for i, key in enumerate(KEYPAD_KEYS):
        rect = pygame.Rect(keypad.left + (i % 3) * (kw + gap), keypad.top + (i // 3) * (kh + gap), kw, kh)
        if key == "back":
            widgets.append(Widget("key:back", rect, Intent("backspace"), t("key.back", lang), back_style))
        elif key == "clear":
            widgets.append(Widget("key:clear", rect, Intent("clear"), clear, "key"))
        else:
            widgets.append(Widget(f"key:{key}", rect, Intent("digit", {"value": key}), key, "key"))
    return widgets


def correction_widgets(row: pygame.Rect, theme: Theme, lang: str) -> list[Widget]:
    """The keys that act on an error, side by side in `row`: clear and backspace. Shown in the
    digit keys' place when the error and the whole keypad do not fit together (200 % zoom): the
    resident reads the error whole, corrects, and the keypad comes back (any key clears the error;
    the physical keypad's digits still type)."""
    gap = key_gap(theme)
    kw = (row.width - gap) // 2
    room = kw - 2 * theme.sp(20)

    def fits(words: str) -> bool:
        return theme.measure(words, "label", theme.min_text_px)[0] <= room

    clear = t("key.clear", lang)
    if not fits(clear):
        clear = t("key.clear_short", lang)
    back_style = "key" if fits(t("key.back", lang)) else "key_back"
    return [
        Widget("key:clear", pygame.Rect(row.left, row.top, kw, row.height), Intent("clear"), clear, "key"),
        Widget(
            "key:back",
            pygame.Rect(row.left + kw + gap, row.top, row.right - row.left - kw - gap, row.height),
            Intent("backspace"),
            t("key.back", lang),
            back_style,
        ),
    ]
