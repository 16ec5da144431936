"""One look for every screen: colours, sizes, fonts, zoom and the low-position layout.

Every size a screen uses comes from here, so the accessibility figures (text >= 4.8 mm, contrast
>= 4.5:1, zoom to 200 %, controls low enough for a wheelchair user) are checked in one place
(tests/screens/test_accessibility.py). Rendered text is cached, so a frame costs blits, not shaping.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pygame

from common.fonts import BOLD, REGULAR
from kiosk.views import AccessMode

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """High-contrast light scheme: dark text on white cards, white text on deep blue/navy/red."""

    bg: RGB = (238, 242, 247)  # page background, a cool very light grey
    surface: RGB = (255, 255, 255)  # cards and secondary buttons
    text: RGB = (17, 24, 39)  # body text, near black
    muted: RGB = (55, 65, 81)  # secondary text (still >= 7:1 on white)
    border: RGB = (17, 24, 39)  # outline of secondary buttons: a visible edge, not a hairline
    header: RGB = (10, 35, 66)  # navy band with the kiosk name and clock
    on_dark: RGB = (255, 255, 255)
    primary: RGB = (0, 70, 160)  # the one button that moves forward
    primary_soft: RGB = (226, 236, 252)  # selected toggles, the amount card
    danger: RGB = (160, 24, 24)  # errors; white text on it, or it as text on white
    danger_soft: RGB = (253, 234, 234)
    success: RGB = (21, 101, 52)
    success_soft: RGB = (224, 244, 231)
    notice: RGB = (255, 213, 0)  # notices bar: black on yellow, seen from a wheelchair or in sunlight
    disabled: RGB = (214, 219, 226)
    on_disabled: RGB = (55, 65, 81)
    cancel: RGB = (55, 65, 81)  # dark grey: cancel is always there but never the loudest
    scrim: RGB = (0, 0, 0)


# Every (text colour, background colour) pair the screens draw text with; the contrast test
# walks this list, so a new pair goes here first.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "bg"),
    ("text", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("on_dark", "header"),
    ("on_dark", "primary"),
    ("on_dark", "danger"),
    ("on_dark", "cancel"),
    ("on_dark", "success"),
    ("text", "primary_soft"),
    ("primary", "primary_soft"),
    ("primary", "surface"),
    ("primary", "bg"),
    ("danger", "surface"),
    ("danger", "danger_soft"),
    ("danger", "bg"),
    ("success", "success_soft"),
    ("success", "surface"),
    ("text", "danger_soft"),
    ("text", "success_soft"),
    ("text", "notice"),
    ("on_disabled", "disabled"),
)

# Text styles: (pixel size at zoom 100 %, bold). The smallest, "caption", is still > 4.8 mm tall
# on a 21.5-inch panel (checked in the accessibility test).
STYLES: dict[str, tuple[int, bool]] = {
    "caption": (34, False),
    "body": (42, False),
    "body_bold": (42, True),
    "label": (48, True),  # button labels
    "subtitle": (52, True),
    "title": (66, True),
    "big": (88, True),
    "huge": (132, True),  # amounts to pay, the voucher code
}

# Zoom range from the accessibility guideline: the whole UI enlarges to 200 %.
MIN_SCALE, MAX_SCALE = 1.0, 2.0

# Smallest panel we design for. Portrait kiosk panels are 21.5" to 32"; the smallest gives the
# fewest millimetres per pixel, so the text-height check is the strictest there.
DEFAULT_PANEL_DIAGONAL_INCH = 21.5

# Low-position mode puts every control below this fraction of the screen height. Controls must be
# <= 120 cm above the floor (domain.md). A 32" portrait panel is ~71 cm tall; with its lower edge
# 80 cm up, 120 cm falls 44 % from its top. Smaller panels or lower mounting only move that line
# up, so 0.45 is safe for them; a site mounted higher sets [ui] low_position_top.
DEFAULT_LOW_POSITION_TOP = 0.45

# Smallest touch target: 20 mm square, our choice (two fingertips; a shaking hand still hits it).
MIN_TARGET_MM = 20.0

# Guideline minimum text height (무인정보단말기 접근성 지침, NIA 2021).
MIN_TEXT_MM = 4.8

_TEXT_CACHE_SIZE = 1024  # distinct rendered strings kept; a full session uses a few hundred
_MEASURE_CACHE_SIZE = 8192  # measured and wrapped strings (cheap tuples); cleared wholesale when full


@dataclass
class DrawnRecord:
    texts: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)


class Theme:
    """Colours, sizes and cached text rendering for one screen size, zoom and position mode."""

    def __init__(
        self,
        size: tuple[int, int] = (1080, 1920),
        *,
        scale: float = 1.0,
        low_position: bool = False,
        panel_diagonal_inch: float = DEFAULT_PANEL_DIAGONAL_INCH,
        low_position_top: float = DEFAULT_LOW_POSITION_TOP,
    ) -> None:
        if not MIN_SCALE <= scale <= MAX_SCALE:
            raise ValueError(f"scale {scale} outside {MIN_SCALE}..{MAX_SCALE}")
        if not 0.0 <= low_position_top < 0.9:
            raise ValueError(f"low_position_top {low_position_top} must be in 0..0.9")
        self.size = (int(size[0]), int(size[1]))
        self.width, self.height = self.size
        self.scale = float(scale)
        self.low_position = bool(low_position)
        self.panel_diagonal_inch = float(panel_diagonal_inch)
        self.low_position_top = float(low_position_top)
        self.colors = Palette()
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple[str, int, bool, RGB], pygame.Surface] = OrderedDict()
        self._sizes: dict[tuple[str, int, bool], tuple[int, int]] = {}
        self._wraps: dict[tuple[str, str, int, int], list[str]] = {}
        self._record: DrawnRecord | None = None
        self._variants: dict[tuple[float, bool, bool], Theme] = {}

    @contextmanager
    def recording(self) -> Iterator[DrawnRecord]:
        """What the frames drawn inside this block say: every sentence and label as a whole (before
        wrapping), in drawing order, and every one that did not fit its box. Voice guidance speaks the
        first; the accessibility tests fail on the second."""
        outer, self._record = self._record, DrawnRecord()
        try:
            yield self._record
        finally:
            self._record = outer

    def note_drawn(self, text: str, *, clipped: bool = False) -> None:
        """Called by screens.text for each piece of text it draws (a no-op outside `recording`)."""
        if self._record is not None and text:
            self._record.texts.append(text)
            if clipped:
                self._record.clipped.append(text)

    @classmethod
    def from_config(cls, ui: Mapping[str, Any]) -> Theme:
        """A theme from the `[ui]` table of config/kiosk.toml (width, height, scale, low_position...)."""
        return cls(
            (int(ui.get("width", 1080)), int(ui.get("height", 1920))),
            scale=float(ui.get("scale", 1.0)),
            low_position=bool(ui.get("low_position", False)),
            panel_diagonal_inch=float(ui.get("panel_diagonal_inch", DEFAULT_PANEL_DIAGONAL_INCH)),
            low_position_top=float(ui.get("low_position_top", DEFAULT_LOW_POSITION_TOP)),
        )

    def for_access(self, access: AccessMode) -> Theme:
        """This theme as the resident's accessibility choices want it (zoom, position), made once per
        combination and kept, so switching back and forth costs no font loading."""
        key = (access.zoom, access.low_position, access.high_contrast)
        if key == (self.scale, self.low_position, False):
            return self
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = Theme(
                self.size,
                scale=access.zoom,
                low_position=access.low_position,
                panel_diagonal_inch=self.panel_diagonal_inch,
                low_position_top=self.low_position_top,
            )
        return found

    def resized(self, size: tuple[int, int]) -> Theme:
        return Theme(
            size,
            scale=self.scale,
            low_position=self.low_position,
            panel_diagonal_inch=self.panel_diagonal_inch,
            low_position_top=self.low_position_top,
        )

    # --- physical sizes -------------------------------------------------------------------
    @property
    def mm_per_px(self) -> float:
        diagonal_px = math.hypot(self.width, self.height)
        return self.panel_diagonal_inch * 25.4 / diagonal_px

    def mm(self, millimetres: float) -> int:
        return math.ceil(millimetres / self.mm_per_px)

    @property
    def min_target(self) -> int:
        return self.mm(MIN_TARGET_MM)

    @property
    def control_top(self) -> int:
        """Highest y a control may start at: the top of the screen, or the low-position line."""
        return int(self.height * self.low_position_top) if self.low_position else 0

    # --- scaled sizes ---------------------------------------------------------------------
    def px(self, n: float) -> int:
        """Text, icon and control sizes grow with the zoom."""
        return round(n * self.scale)

    def sp(self, n: float) -> int:
        """Margins and gaps grow at half the zoom rate: the screen does not get wider."""
        return round(n * (1.0 + (self.scale - 1.0) * 0.5))

    # --- fonts and text -------------------------------------------------------------------
    def font(self, style: str, size: int | None = None) -> pygame.font.Font:
        base, bold = STYLES[style]
        px = size if size is not None else self.px(base)
        key = (px, bold)
        font = self._fonts.get(key)
        if font is None:
            if not pygame.font.get_init():
                pygame.font.init()
            font = pygame.font.Font(str(BOLD if bold else REGULAR), px)
            self._fonts[key] = font
        return font

    def style_size(self, style: str) -> int:
        return self.px(STYLES[style][0])

    def text(self, text: str, style: str, color: RGB, size: int | None = None) -> pygame.Surface:
        """`text` rendered once and reused: frames are blits."""
        bold = STYLES[style][1]
        px = size if size is not None else self.style_size(style)
        key = (text, px, bold, color)
        surf = self._text.get(key)
        if surf is not None:
            self._text.move_to_end(key)
            return surf
        surf = self.font(style, px).render(text, True, color)
        self._text[key] = surf
        if len(self._text) > _TEXT_CACHE_SIZE:
            self._text.popitem(last=False)
        return surf

    def measure(self, text: str, style: str, size: int | None = None) -> tuple[int, int]:
        px = size if size is not None else self.style_size(style)
        key = (text, px, STYLES[style][1])
        found = self._sizes.get(key)
        if found is None:
            if len(self._sizes) > _MEASURE_CACHE_SIZE:
                self._sizes.clear()
            found = self._sizes[key] = self.font(style, px).size(text)
        return found

    def line_height(self, style: str, size: int | None = None) -> int:
        return int(self.font(style, size).get_linesize() * 1.12)

    def wrap(self, text: str, style: str, width: int, size: int | None = None) -> list[str]:
        """Lines no wider than `width`: break at spaces, or between syllables when a word is too long."""
        px = size if size is not None else self.style_size(style)
        key = (text, style, width, px)
        found = self._wraps.get(key)
        if found is None:
            if len(self._wraps) > _MEASURE_CACHE_SIZE:
                self._wraps.clear()
            found = self._wraps[key] = self._wrap(text, style, width, px)
        return list(found)

    def _wrap(self, text: str, style: str, width: int, size: int) -> list[str]:
        font = self.font(style, size)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if font.size(candidate)[0] <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = ""
                for ch in word:
                    if font.size(current + ch)[0] > width and current:
                        lines.append(current)
                        current = ""
                    current += ch
            lines.append(current)
        return lines

    def clear_cache(self) -> None:
        self._text.clear()
        self._fonts.clear()
        self._sizes.clear()
        self._wraps.clear()


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        v = c / 255.0
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
