"""The simulated print head: applies parsed ESC/POS commands to a 576-dot paper roll image.

Text is drawn in the printer's cell grid (Font A 12 × 24 dots, double-byte characters 24 × 24) with
the project font; raster images are blitted dot for dot; a cut ends the page. Deterministic (no
anti-aliasing, 1-bit), so a page can be compared with a golden image.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from simulators.receipt_printer.escpos import (
    CharSize,
    CodeTable,
    Command,
    Cut,
    Emphasis,
    FeedDots,
    FeedLines,
    Initialize,
    Justify,
    KanjiMode,
    KanjiPrintMode,
    LineFeed,
    LineSpacing,
    PrintMode,
    RasterImage,
    Tab,
    Text,
    Underline,
)

# 576 dots: 72 mm printable at 203 dpi, an 80 mm roll (Epson TM-T20II).
PAPER_DOTS = 576
# Font A cell: 12 × 24 dots; double-byte (Kanji/Hangul) cell: 24 × 24 dots (TM-T20II specification).
CELL_W, CELL_H, WIDE_W = 12, 24, 24
# ESC 2 default line spacing on the TM-T20II: 30 dots (3.75 mm).
DEFAULT_LINE_DOTS = 30
# Glyph size in the 24-dot cell: 22 px leaves one dot above and below, as printer fonts do.
GLYPH_PX = 22
# Tab stops every 8 columns (ESC D default).
TAB_COLUMNS = 8
# A page longer than this (~4 m of paper) is truncated: bounds memory on garbage input.
MAX_PAGE_DOTS = 32_000
# Below the last printed dot: room for the cut mark.
CUT_MARGIN = 24
# ESC t code tables we can decode; anything else falls back to PC437 (table 0, the power-on default).
CODE_TABLES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
               18: "cp852", 19: "cp858"}


@functools.lru_cache(maxsize=8)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


class Paper:
    """One connection's print head state and the page being printed."""

    def __init__(self, font_regular: Path, font_bold: Path) -> None:
        self._fonts = (font_regular, font_bold)
        self._glyphs: dict[tuple[str, bool, int, int, int], Image.Image] = {}
        self._page = Image.new("1", (PAPER_DOTS, 1024), 1)
        self._y = 0
        self._line: list[tuple[int, Image.Image]] = []  # (x, cell) in the line buffer
        self._x = 0
        self.emphasized = False
        self.underline = 0
        self.kanji_underline = False
        self.justify = 0
        self.width_mul = 1
        self.height_mul = 1
        self.line_dots = DEFAULT_LINE_DOTS
        self.code_table = 0
        self.kanji = False
        self._lead: int | None = None  # first byte of a double-byte character, waiting for its second
        # The characters printed, line by line, as the print head decoded them (text, not raster images):
        # what a scenario reads back with `expect_receipt_text`.
        self._line_chars: list[str] = []
        self._text_lines: list[str] = []

    # -- public --------------------------------------------------------------------------------

    def apply(self, cmd: Command) -> Image.Image | None:
        """Apply one command; a cut returns the finished page."""
        if isinstance(cmd, Text):
            self._text(cmd.raw)
        elif isinstance(cmd, LineFeed):
            self._print_line(feed_empty=True)
        elif isinstance(cmd, Tab):
            self._tab()
        elif isinstance(cmd, Initialize):
            self._reset_modes()
        elif isinstance(cmd, PrintMode):
            self.emphasized = bool(cmd.n & 0x08)
            self.width_mul = 2 if cmd.n & 0x20 else 1
            self.height_mul = 2 if cmd.n & 0x10 else 1
            self.underline = 1 if cmd.n & 0x80 else 0
        elif isinstance(cmd, Emphasis):
            self.emphasized = cmd.on
        elif isinstance(cmd, Underline):
            self.underline = min(cmd.n, 2)
        elif isinstance(cmd, Justify):
            self.justify = cmd.n if cmd.n in (0, 1, 2) else self.justify
        elif isinstance(cmd, CharSize):
            self.width_mul = ((cmd.n >> 4) & 7) + 1
            self.height_mul = (cmd.n & 7) + 1
        elif isinstance(cmd, LineSpacing):
            self.line_dots = DEFAULT_LINE_DOTS if cmd.dots is None else cmd.dots
        elif isinstance(cmd, CodeTable):
            self.code_table = cmd.n
        elif isinstance(cmd, KanjiMode):
            self.kanji = cmd.on
            self._lead = None
        elif isinstance(cmd, KanjiPrintMode):
            self.kanji_underline = bool(cmd.n & 0x80)
        elif isinstance(cmd, FeedLines):
            self._print_line(feed_empty=False)
            self._advance(cmd.n * self.line_dots)
        elif isinstance(cmd, FeedDots):
            self._print_line(feed_empty=False)
            self._advance(cmd.n)
        elif isinstance(cmd, RasterImage):
            self._raster(cmd)
        elif isinstance(cmd, Cut):
            self._print_line(feed_empty=False)
            self._advance(cmd.feed)
            return self._finish(cmd.partial)
        return None

    def take_text(self) -> str:
        """The text printed since the last call, one line per printed line (raster images leave none)."""
        text, self._text_lines = "\n".join(self._text_lines), []
        return text

    @property
    def blank(self) -> bool:
        """Nothing has been printed on the current page yet."""
        return self._y == 0 and not self._line

    # -- modes -----------------------------------------------------------------------------------

    def _reset_modes(self) -> None:
        self.emphasized = False
        self.underline = 0
        self.kanji_underline = False
        self.justify = 0
        self.width_mul = 1
        self.height_mul = 1
        self.line_dots = DEFAULT_LINE_DOTS
        self.code_table = 0
        self.kanji = False
        self._lead = None

    # -- page --------------------------------------------------------------------------------------

    def _new_page(self) -> None:
        self._page = Image.new("1", (PAPER_DOTS, 1024), 1)
        self._y = 0
        self._line = []
        self._x = 0

    def _ensure(self, height: int) -> bool:
        needed = self._y + height
        if needed > MAX_PAGE_DOTS:
            return False
        if needed > self._page.height:
            bigger = Image.new("1", (PAPER_DOTS, min(MAX_PAGE_DOTS, max(needed, self._page.height * 2))), 1)
            bigger.paste(self._page, (0, 0))
            self._page = bigger
        return True

    def _advance(self, dots: int) -> None:
        if self._ensure(dots):
            self._y += dots

    def _finish(self, partial: bool) -> Image.Image:
        height = self._y + CUT_MARGIN
        page = Image.new("1", (PAPER_DOTS, height), 1)
        page.paste(self._page.crop((0, 0, PAPER_DOTS, self._y)), (0, 0))
        draw = ImageDraw.Draw(page)
        mark_y = self._y + CUT_MARGIN // 2
        dash = 8 if partial else PAPER_DOTS  # a partial cut leaves a perforation: draw it dashed
        for x in range(0, PAPER_DOTS, dash * 2 if partial else PAPER_DOTS):
            draw.line([(x, mark_y), (min(x + dash, PAPER_DOTS) - 1, mark_y)], fill=0)
        self._new_page()
        return page

    # -- text ----------------------------------------------------------------------------------------

    def _text(self, data: bytes) -> None:
        for byte in data:
            if self.kanji and self._lead is not None:
                pair, self._lead = bytes((self._lead, byte)), None
                self._put(pair.decode("cp949", errors="replace"), wide=True)
            elif self.kanji and byte >= 0x81:
                self._lead = byte
            else:
                encoding = CODE_TABLES.get(self.code_table, "cp437")
                self._put(bytes((byte,)).decode(encoding, errors="replace"), wide=False)

    def _tab(self) -> None:
        step = CELL_W * self.width_mul * TAB_COLUMNS
        target = (self._x // step + 1) * step
        if target <= PAPER_DOTS:
            self._x = target
            self._line_chars.append(" ")

    def _put(self, char: str, *, wide: bool) -> None:
        cell = self._glyph(char, wide)
        if self._x + cell.width > PAPER_DOTS:  # automatic line wrap, as the printer does
            self._print_line(feed_empty=False)
        self._line.append((self._x, cell))
        self._x += cell.width
        self._line_chars.append(char)

    def _glyph(self, char: str, wide: bool) -> Image.Image:
        key = (char, self.emphasized, self.width_mul, self.height_mul,
               (self.kanji_underline if wide else self.underline) * 2 + wide)
        cached = self._glyphs.get(key)
        if cached is not None:
            return cached
        width = WIDE_W if wide else CELL_W
        font = _font(self._fonts[1 if self.emphasized else 0], GLYPH_PX)
        advance = max(1, round(font.getlength(char)))
        ascent, descent = font.getmetrics()
        baseline = (CELL_H - (ascent + descent)) // 2 + ascent
        canvas = Image.new("1", (max(width, advance), CELL_H), 1)
        ImageDraw.Draw(canvas).text((canvas.width / 2, baseline), char, font=font, fill=0, anchor="ms")
        cell = canvas if canvas.width == width else canvas.resize((width, CELL_H), Image.Resampling.NEAREST)
        underline = self.kanji_underline if wide else bool(self.underline)
        if underline:
            ImageDraw.Draw(cell).line([(0, CELL_H - 2), (width - 1, CELL_H - 2)], fill=0)
        if self.width_mul > 1 or self.height_mul > 1:
            cell = cell.resize((width * self.width_mul, CELL_H * self.height_mul), Image.Resampling.NEAREST)
        self._glyphs[key] = cell
        return cell

    def _print_line(self, *, feed_empty: bool) -> None:
        """Print the buffer (cells bottom-aligned) and feed a line; an empty buffer feeds only if asked."""
        if not self._line:
            if feed_empty:
                self._advance(self.line_dots)
            return
        tallest = max(cell.height for _, cell in self._line)
        height = max(self.line_dots, tallest)
        used = self._line[-1][0] + self._line[-1][1].width
        offset = {0: 0, 1: (PAPER_DOTS - used) // 2, 2: PAPER_DOTS - used}[self.justify]
        if self._ensure(height):
            for x, cell in self._line:
                self._page.paste(cell, (offset + x, self._y + tallest - cell.height))
            self._y += height
            self._text_lines.append("".join(self._line_chars).rstrip())
        self._line, self._x = [], 0
        self._line_chars = []

    # -- images ----------------------------------------------------------------------------------------

    def _raster(self, cmd: RasterImage) -> None:
        self._print_line(feed_empty=False)
        # "1;I": ESC/POS raster bits are 1 = print (black); PIL's 1-bit raw mode calls 1 white.
        image = Image.frombytes("1", (cmd.width_bytes * 8, cmd.height), cmd.data, "raw", "1;I")
        if cmd.mode & 1 or cmd.mode & 2:
            image = image.resize((image.width * (2 if cmd.mode & 1 else 1),
                                  image.height * (2 if cmd.mode & 2 else 1)), Image.Resampling.NEAREST)
        if image.width > PAPER_DOTS:  # dots past the print area are not printed
            image = image.crop((0, 0, PAPER_DOTS, image.height))
        x = {0: 0, 1: (PAPER_DOTS - image.width) // 2, 2: PAPER_DOTS - image.width}[self.justify]
        if self._ensure(image.height):
            self._page.paste(image, (x, self._y))
            self._y += image.height
