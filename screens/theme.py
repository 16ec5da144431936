"""One look for every screen: colours, sizes, fonts, zoom, contrast and the low-position layout.

Every size a screen uses comes from here, so the Korean kiosk accessibility criteria (MSIT
검증기준: text >= 12 mm tall at 500 mm, contrast >= 4.5:1, targets >= 12 mm a side and 150 mm²,
controls 400-1,220 mm above the floor, zoom to 200 %) hold in one place and are measured in
tests/screens/test_accessibility_criteria.py. Text sizes are millimetres of glyph height,
turned into font pixels through the configured panel (its resolution, its active area in mm and
how high its lower edge is mounted), so the rule holds on any panel. Rendered text is cached, so
a frame costs blits, not shaping.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pygame

from common.fonts import BOLD, REGULAR
from kiosk.views import AccessMode

RGB = tuple[int, int, int]

# --- the binding numbers (MSIT 검증기준 for 무인정보단말기; ../shared/domain.md) --------------------
MIN_TEXT_MM = 12.0  # character height at 500 mm viewing distance
MIN_TEXT_MM_SMALL_PANEL = 7.25  # the same on a panel of <= 28 cm diagonal
SMALL_PANEL_DIAGONAL_MM = 280.0
MIN_TARGET_SIDE_MM = 12.0
MIN_TARGET_AREA_MM2 = 150.0
MIN_TARGET_GAP_MM = 2.5
REACH_LOW_MM, REACH_HIGH_MM = 400.0, 1220.0  # controls (and in low position all information) here
MIN_CONTRAST = 4.5
MIN_CONTRAST_HIGH = 7.0  # the high-contrast theme


@dataclass(frozen=True)
class Panel:
    """The physical display: resolution, active area and the height of its lower edge above the floor.

    The default is the booth this project designs for: a 32" portrait panel (1080 x 1920 px, 398 x
    708 mm active area) with its lower edge 650 mm above the floor. Then nothing is below the 400 mm
    reach limit, the 1,220 mm limit falls 374 px under the top (only the header and titles live
    above it), the top edge (1,358 mm) stays under a standing adult's eyes and a seated
    wheelchair user (eyes ~1,200 mm) still sees the whole panel.
    """

    width_px: int = 1080
    height_px: int = 1920
    width_mm: float = 398.0
    height_mm: float = 708.0
    bottom_mm: float = 650.0

    @property
    def mm_per_px_x(self) -> float:
        return self.width_mm / self.width_px

    @property
    def mm_per_px_y(self) -> float:
        return self.height_mm / self.height_px

    @property
    def diagonal_mm(self) -> float:
        return math.hypot(self.width_mm, self.height_mm)

    @property
    def min_text_mm(self) -> float:
        return MIN_TEXT_MM_SMALL_PANEL if self.diagonal_mm <= SMALL_PANEL_DIAGONAL_MM else MIN_TEXT_MM

    def height_above_floor(self, y: float) -> float:
        """Millimetres above the floor of pixel row `y` (0 = the panel's top row)."""
        return self.bottom_mm + (self.height_px - y) * self.mm_per_px_y

    def y_at(self, mm_above_floor: float) -> float:
        """Pixel row at `mm_above_floor` (may lie outside the panel)."""
        return self.height_px - (mm_above_floor - self.bottom_mm) / self.mm_per_px_y


@dataclass(frozen=True)
class Palette:
    """High-contrast light scheme: dark text on white cards, white text on deep blue/navy/red."""

    bg: RGB = (238, 242, 247)  # page background, a cool very light grey
    surface: RGB = (255, 255, 255)  # cards and secondary buttons
    text: RGB = (17, 24, 39)  # body text, near black
    muted: RGB = (55, 65, 81)  # secondary text (still >= 7:1 on white)
    border: RGB = (17, 24, 39)  # outline of secondary buttons: a visible edge, not a hairline
    header: RGB = (10, 35, 66)  # navy band with the kiosk name and clock
    on_header: RGB = (255, 255, 255)
    on_dark: RGB = (255, 255, 255)  # text on the filled colours (header, primary, danger, cancel, success)
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
    outlines: bool = False  # every filled area gets a `border` edge (the dark scheme needs it)


# High contrast (a resident's choice): white and yellow on black, >= 7:1 everywhere. Filled
# controls are light (yellow, light grey) with black words; every area is outlined in white.
HIGH_CONTRAST = Palette(
    bg=(0, 0, 0),
    surface=(0, 0, 0),
    text=(255, 255, 255),
    muted=(230, 230, 230),
    border=(255, 255, 255),
    header=(0, 0, 0),
    on_header=(255, 255, 255),
    on_dark=(0, 0, 0),
    primary=(255, 230, 0),
    primary_soft=(0, 0, 0),
    danger=(255, 160, 160),
    danger_soft=(0, 0, 0),
    success=(140, 240, 140),
    success_soft=(0, 0, 0),
    notice=(0, 0, 0),
    disabled=(0, 0, 0),
    on_disabled=(200, 200, 200),
    cancel=(220, 220, 220),
    scrim=(0, 0, 0),
    outlines=True,
)


# Every (text colour, background colour) pair the screens draw text with; the contrast test
# walks this list for every palette (and measures the pairs really drawn), so a new pair goes here first.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "bg"),
    ("text", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("on_header", "header"),
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
PALETTES: dict[str, Palette] = {"default": Palette(), "high_contrast": HIGH_CONTRAST}

# Text styles: (glyph height in mm at zoom 100 %, bold). Glyph height is the ink height of a
# Latin capital, a Hangul syllable and a Hanzi (the smallest of those the font has), so "caption"
# meets the 12 mm rule in every script; the font's pixel size is found by measuring.
STYLES: dict[str, tuple[float, bool]] = {
    "caption": (MIN_TEXT_MM, False),
    "body": (MIN_TEXT_MM, False),
    "body_bold": (MIN_TEXT_MM, True),
    "label": (13.0, True),  # button labels
    "subtitle": (14.0, True),
    "title": (18.0, True),
    "big": (24.0, True),
    "huge": (36.0, True),  # amounts to pay, the voucher code
}

# Zoom range from the accessibility guideline: the whole UI enlarges to 200 %.
MIN_SCALE, MAX_SCALE = 1.0, 2.0

# Low-position mode puts all information below the 1,220 mm line (controls are there in every
# mode); a site may push controls lower still with [ui] low_position_top (a fraction of the height).
DEFAULT_LOW_POSITION_TOP = 0.0

LINE_EM = 1.32  # line spacing in em (see Theme.line_height)

# Glyphs whose ink height is a "character height": Latin capital, Hangul, Hanzi (if the font has it).
GLYPH_SAMPLES = ("H", "한", "中")

_TEXT_CACHE_SIZE = 1024  # distinct rendered strings kept; a full session uses a few hundred
# Pixels of rendered strings kept, at 100 % (times the zoom squared: a 200 % line has four times the
# pixels). A line is a 32-bit surface, 25-200 KiB at 12 mm and up; bounded by count alone, the cache
# grew by a new surface for every minute the header clock showed (now drawn uncached: `keep=False`),
# towards ~90 MiB. The soak's first 150 sessions (every screen of the demo, voice and the faults, idle
# in four languages) drew 28 MiB of distinct lines; every screen's every sample (the frame bench) needs
# more than 24 MiB, or frames re-render their lines. The least recently drawn go first.
_TEXT_CACHE_MIB = 64
# A line not drawn in this many sessions (returns to the idle screen: `Theme.end_session`) is dropped.
# The caps above are far above what a month of sessions draws again and again (28 MiB in the soak), and
# a line drawn once on a rare path (an outage's wording, one amount) stayed until the caps were reached:
# the soak's kiosk grew by such lines, a few a hundred sessions, each 100-250 KiB of pixels.
_TEXT_KEPT_SESSIONS = 100
_MEASURE_CACHE_SIZE = 8192  # measured and wrapped strings (cheap tuples); cleared wholesale when full
# (font file, pixel size) -> smallest ink height in px of GLYPH_SAMPLES: fonts are the same for every theme.
_INK: dict[tuple[str, int], int] = {}


def glyph_ink_px(font: pygame.font.Font, key: tuple[str, int]) -> int:
    """The smallest ink height (px) of the GLYPH_SAMPLES this font draws (a missing glyph is skipped)."""
    found = _INK.get(key)
    if found is None:
        heights = []
        for ch in GLYPH_SAMPLES:
            metrics = font.metrics(ch)[0]
            if metrics is None or metrics[1] <= metrics[0]:
                continue  # not in this font (the test measures what is rendered)
            heights.append(font.render(ch, True, (0, 0, 0)).get_bounding_rect().height)
        found = _INK[key] = min(heights)
    return found


@dataclass
class DrawnLine:
    """One line of text as blitted: its words, font pixel size and weight, colour and the background
    under it (sampled from the frame just before the blit)."""

    text: str
    size: int
    bold: bool
    color: RGB
    background: RGB
    rect: pygame.Rect  # where on the frame
    cut: bool = False  # partly outside the frame or the clip it was drawn in
    decorative: bool = False  # the header's kiosk name and clock: nothing a resident needs


@dataclass
class DrawnRecord:
    texts: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)
    lines: list[DrawnLine] = field(default_factory=list)


class Theme:
    """Colours, sizes and cached text rendering for one panel, zoom, contrast and position mode."""

    def __init__(
        self,
        size: tuple[int, int] = (1080, 1920),
        *,
        scale: float = 1.0,
        low_position: bool = False,
        high_contrast: bool = False,
        panel: Panel | None = None,
        low_position_top: float = DEFAULT_LOW_POSITION_TOP,
    ) -> None:
        if not MIN_SCALE <= scale <= MAX_SCALE:
            raise ValueError(f"scale {scale} outside {MIN_SCALE}..{MAX_SCALE}")
        if not 0.0 <= low_position_top < 0.9:
            raise ValueError(f"low_position_top {low_position_top} must be in 0..0.9")
        self.size = (int(size[0]), int(size[1]))
        self.width, self.height = self.size
        if panel is None:
            panel = Panel()
        if (panel.width_px, panel.height_px) != self.size:
            panel = replace(panel, width_px=self.width, height_px=self.height)
        self.panel = panel
        self.scale = float(scale)
        self.low_position = bool(low_position)
        self.high_contrast = bool(high_contrast)
        self.low_position_top = float(low_position_top)
        self.colors = HIGH_CONTRAST if high_contrast else Palette()
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple[str, int, bool, RGB], pygame.Surface] = OrderedDict()
        self._text_bytes = 0  # the pixels `_text` holds
        self._session = 0  # sessions ended (`end_session`)
        self._text_drawn_in: dict[tuple[str, int, bool, RGB], int] = {}  # the session each line was last drawn in
        self._sizes: dict[tuple[str, int, bool], tuple[int, int]] = {}
        self._wraps: dict[tuple[str, str, int, int], list[str]] = {}
        self._style_px: dict[str, int] = {}
        self._record: DrawnRecord | None = None
        self._record_lines = False
        self._decorating = False
        self._variants: dict[tuple[float, bool, bool], Theme] = {}
        # Lines first drawn while a technician's screens are shown (`technician_visit`): let go when the
        # technician leaves, not kept for a hundred residents' sessions.
        self._technician_lines: set[tuple[str, int, bool, RGB]] | None = None

    @contextmanager
    def recording(self, *, lines: bool = True) -> Iterator[DrawnRecord]:
        """What the frames drawn inside this block say: every sentence and label as a whole (before
        wrapping), in drawing order, every one that did not fit its box, and (with `lines`) every line
        blitted with its pixel size and colours. Voice guidance speaks the first; the accessibility
        tests fail on the second and measure the third, which costs a sixth of a frame (each line's ink
        and background are read back): the screen loop asks for lines only when someone measures."""
        outer, self._record = self._record, DrawnRecord()
        outer_lines, self._record_lines = self._record_lines, lines
        try:
            yield self._record
        finally:
            self._record, self._record_lines = outer, outer_lines

    def note_drawn(self, text: str, *, clipped: bool = False) -> None:
        """Called by screens.text for each piece of text it draws (a no-op outside `recording`)."""
        if self._record is not None and text:
            self._record.texts.append(text)
            if clipped:
                self._record.clipped.append(text)

    def note_line(self, line: DrawnLine) -> None:
        """Called by screens.text for each line it blits (a no-op outside a `recording` of lines)."""
        if self._record is not None and self._record_lines and line.text.strip():
            line.decorative = self._decorating
            self._record.lines.append(line)

    def note_record(self, record: DrawnRecord) -> None:
        """Everything another theme recorded (a zoom or contrast variant drawing for this booth),
        passed on to whoever records on this one (a no-op outside `recording`)."""
        if self._record is not None and self._record is not record:
            self._record.texts.extend(record.texts)
            self._record.clipped.extend(record.clipped)
            self._record.lines.extend(record.lines)

    @contextmanager
    def decorative(self) -> Iterator[None]:
        """Text drawn inside is decoration (the header's name and clock), which the low position may
        leave above the reach line."""
        outer, self._decorating = self._decorating, True
        try:
            yield
        finally:
            self._decorating = outer

    @property
    def recording_now(self) -> bool:
        return self._record is not None

    @property
    def recording_lines(self) -> bool:
        """A recording that measures each line is under way (`recording(lines=True)`)."""
        return self._record is not None and self._record_lines

    @classmethod
    def from_config(cls, ui: Mapping[str, Any]) -> Theme:
        """A theme from the `[ui]` table of config/kiosk.toml (width, height, panel_width_mm,
        panel_height_mm, panel_bottom_mm, scale, low_position, high_contrast, low_position_top)."""
        width, height = int(ui.get("width", 1080)), int(ui.get("height", 1920))
        default = Panel()
        panel = Panel(
            width,
            height,
            float(ui.get("panel_width_mm", default.width_mm)),
            float(ui.get("panel_height_mm", default.height_mm)),
            float(ui.get("panel_bottom_mm", default.bottom_mm)),
        )
        return cls(
            (width, height),
            scale=float(ui.get("scale", 1.0)),
            low_position=bool(ui.get("low_position", False)),
            high_contrast=bool(ui.get("high_contrast", False)),
            panel=panel,
            low_position_top=float(ui.get("low_position_top", DEFAULT_LOW_POSITION_TOP)),
        )

    def for_access(self, access: AccessMode) -> Theme:
        """This theme as the resident's accessibility choices want it (zoom, contrast, position),
        made once per combination and kept, so switching back and forth costs no font loading."""
        key = (access.zoom, access.low_position, access.high_contrast)
        if key == (self.scale, self.low_position, self.high_contrast):
            return self
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = Theme(
                self.size,
                scale=access.zoom,
                low_position=access.low_position,
                high_contrast=access.high_contrast,
                panel=self.panel,
                low_position_top=self.low_position_top,
            )
            if self._technician_lines is not None:
                found._technician_lines = set()
        return found

    def resized(self, size: tuple[int, int]) -> Theme:
        return Theme(
            size,
            scale=self.scale,
            low_position=self.low_position,
            high_contrast=self.high_contrast,
            panel=self.panel,
            low_position_top=self.low_position_top,
        )

    # --- physical sizes -------------------------------------------------------------------
    @property
    def mm_per_px(self) -> float:
        """Millimetres per pixel (the larger of the two axes: sizes made from it are never short)."""
        return max(self.panel.mm_per_px_x, self.panel.mm_per_px_y)

    def mm(self, millimetres: float) -> int:
        return math.ceil(millimetres / min(self.panel.mm_per_px_x, self.panel.mm_per_px_y))

    @property
    def min_target(self) -> int:
        """Smallest side of a touch target in px: >= 12 mm a side and a square of >= 150 mm²."""
        return self.mm(max(MIN_TARGET_SIDE_MM, math.sqrt(MIN_TARGET_AREA_MM2)) + 0.25)

    @property
    def min_button(self) -> int:
        """Smallest height of a button: one line of its label at the floor size (the line's ink, 5/6
        of its spacing, as screens.text.draw_text counts it), with the padding."""
        line = self.line_height("label", self.min_text_px)
        return max(self.min_target, math.ceil(line * 5 / 6) + 2 * self.sp(12) + 2)

    @property
    def min_gap(self) -> int:
        return self.mm(MIN_TARGET_GAP_MM)

    @property
    def reach_top(self) -> int:
        """First pixel row at or below 1,220 mm above the floor (0 when the whole panel is lower)."""
        return min(self.height, max(0, math.ceil(self.panel.y_at(REACH_HIGH_MM))))

    @property
    def reach_bottom(self) -> int:
        """Row just past the last one at or above 400 mm (the panel's height when all of it is higher)."""
        return max(0, min(self.height, math.floor(self.panel.y_at(REACH_LOW_MM))))

    @property
    def info_top(self) -> int:
        """Highest y information may start at: the top, or in the low position the 1,220 mm line."""
        return self.reach_top if self.low_position else 0

    @property
    def control_top(self) -> int:
        """Highest y a control may start at: the 1,220 mm line, in the low position also the
        low-position line (lower still, where a seated resident's hand rests)."""
        if self.low_position:
            return max(self.reach_top, int(self.height * self.low_position_top))
        return self.reach_top

    # --- scaled sizes ---------------------------------------------------------------------
    def px(self, n: float) -> int:
        """Icon and control sizes grow with the zoom."""
        return round(n * self.scale)

    def sp(self, n: float) -> int:
        """Margins and gaps grow at half the zoom rate: the screen does not get wider."""
        return round(n * (1.0 + (self.scale - 1.0) * 0.5))

    def glyph_px(self, millimetres: float, bold: bool = False) -> int:
        """The smallest font pixel size whose glyphs (GLYPH_SAMPLES) are at least `millimetres` tall."""
        need = millimetres / self.panel.mm_per_px_y
        size = max(4, math.floor(need / 0.8))
        while self.ink_height(size, bold) < need:
            size += 1
        while size > 4 and self.ink_height(size - 1, bold) >= need:
            size -= 1
        return size

    def ink_height(self, size: int, bold: bool = False) -> int:
        """Measured glyph height in px of the font at `size` (see glyph_ink_px)."""
        return glyph_ink_px(self._font(size, bold), (str(BOLD if bold else REGULAR), size))

    @property
    def min_text_px(self) -> int:
        """The floor of every shrink-to-fit: the smallest legible size at this zoom, in the regular
        and the bold weight (a bold face's ink can be a pixel shorter at the same size)."""
        found = self._style_px.get("_floor")
        if found is None:
            bold = self.glyph_px(self.panel.min_text_mm * self.scale, True)
            found = self._style_px["_floor"] = max(self.style_size("caption"), bold)
        return found

    # --- fonts and text -------------------------------------------------------------------
    def font(self, style: str, size: int | None = None) -> pygame.font.Font:
        return self._font(size if size is not None else self.style_size(style), STYLES[style][1])

    def _font(self, px: int, bold: bool) -> pygame.font.Font:
        key = (px, bold)
        font = self._fonts.get(key)
        if font is None:
            if not pygame.font.get_init():
                pygame.font.init()
            font = pygame.font.Font(str(BOLD if bold else REGULAR), px)
            self._fonts[key] = font
        return font

    def style_size(self, style: str) -> int:
        """The font pixel size of `style` at this zoom on this panel (glyphs measured, not guessed)."""
        found = self._style_px.get(style)
        if found is None:
            glyph_mm, bold = STYLES[style]
            base = glyph_mm * self.panel.min_text_mm / MIN_TEXT_MM
            # Zoomed, every text is at least twice the legal minimum (body text doubles exactly);
            # headings, already 1.5-3 times the minimum, grow by half the zoom so a screen still
            # holds its information without paging every heading.
            zoomed = max(base * (1.0 + (self.scale - 1.0) * 0.5), self.panel.min_text_mm * self.scale)
            found = self._style_px[style] = self.glyph_px(zoomed, bold)
        return found

    def text(self, text: str, style: str, color: RGB, size: int | None = None, *, keep: bool = True) -> pygame.Surface:
        """`text` rendered once and reused: frames are blits. `keep=False`: a line that will not come
        back soon (the clock's minute) is rendered for this frame only."""
        bold = STYLES[style][1]
        px = size if size is not None else self.style_size(style)
        key = (text, px, bold, color)
        surf = self._text.get(key)
        if surf is not None:
            self._text.move_to_end(key)
            self._text_drawn_in[key] = self._session
            return surf
        surf = self.font(style, px).render(text, True, color)
        if not keep:
            return surf
        self._text[key] = surf
        self._text_drawn_in[key] = self._session
        self._text_bytes += _pixel_bytes(surf)
        if self._technician_lines is not None:
            self._technician_lines.add(key)
        budget = _TEXT_CACHE_MIB * 2**20 * self.scale**2
        while len(self._text) > 1 and (len(self._text) > _TEXT_CACHE_SIZE or self._text_bytes > budget):
            self._drop_oldest_line()
        return surf

    def _drop_oldest_line(self) -> None:
        key, oldest = self._text.popitem(last=False)  # least recently drawn first
        self._text_bytes -= _pixel_bytes(oldest)
        self._text_drawn_in.pop(key, None)

    def technician_visit(self, on: bool) -> None:
        """A technician's screens come (`on`) or go. The lines they drew are let go as the technician
        leaves: a visit is weekly, and its 4 MiB of lines kept for a hundred residents' sessions, then
        freed among newer allocations, left the soak's kiosk a megabyte larger after each visit."""
        for theme in (self, *self._variants.values()):
            if not on:
                for key in theme._technician_lines or ():
                    surf = theme._text.pop(key, None)
                    if surf is not None:
                        theme._text_bytes -= _pixel_bytes(surf)
                        theme._text_drawn_in.pop(key, None)
            theme._technician_lines = set() if on else None

    def end_session(self) -> None:
        """A resident's session is over (the idle screen is back): lines this theme and its variants have
        not drawn for `_TEXT_KEPT_SESSIONS` sessions are let go, so the cache holds what the booth keeps
        drawing, not everything it ever drew."""
        for theme in (self, *self._variants.values()):
            theme._session += 1
            stale = theme._session - _TEXT_KEPT_SESSIONS
            while theme._text and theme._text_drawn_in.get(next(iter(theme._text)), stale) <= stale:
                theme._drop_oldest_line()

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
        """Distance between lines: 1.32 em whatever the font (a CJK font's own line spacing is
        ~1.45 em, a Latin one's ~1.15): the ink of Hangul, Hanzi, Latin descenders and stacked
        Vietnamese diacritics spans ~1.3 em, so lines never touch and layouts do not move when
        the font changes."""
        return math.ceil((size if size is not None else self.style_size(style)) * LINE_EM)

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
        self._text_drawn_in.clear()
        self._text_bytes = 0
        self._fonts.clear()
        self._sizes.clear()
        self._wraps.clear()
        self._style_px.clear()


def _pixel_bytes(surface: pygame.Surface) -> int:
    return surface.get_pitch() * surface.get_height()


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
