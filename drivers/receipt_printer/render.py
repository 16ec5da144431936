"""Receipt → ESC/POS bytes, built with python-escpos on a Dummy printer (pure: no I/O).

No common ESC/POS profile has a Korean code page, so Korean text is either rasterized with the
project font into 1-bit `GS v 0` images (works on every printer) or, for models that have it, sent in
the printer's double-byte mode (`FS &` … `FS .`) as CP949 (KS X 1001) bytes. ASCII-only lines are sent
as text in the printer's own font either way. This module is the one loosely typed wrapper around
python-escpos.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import segno
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from drivers.receipt_printer.receipt import Receipt, ReceiptLine

KoreanMode = Literal["raster", "double_byte"]
KOREAN_MODES: tuple[KoreanMode, ...] = ("raster", "double_byte")

# python-escpos profile of an 80 mm printer with 576 printable dots (72 mm at 203 dpi), raster images
# and a partial cut: Epson TM-T20II in escpos' capabilities.json. A narrower profile (TM-T88V: 512)
# would make `image()` reject full-width lines with ImageWidthError.
PROFILE = "TM-T20II"
PAPER_DOTS = 576
# Font A on the TM-T20II is 12 × 24 dots, so 48 columns across 576 dots (escpos profile "columns").
FONT_A_WIDTH = 12
FONT_A_HEIGHT = 24
COLUMNS = PAPER_DOTS // FONT_A_WIDTH
# ESC 2 default line spacing on the TM-T20II: 30 dots (3.75 mm); raster lines use the same pitch so
# Korean and ASCII lines sit on one grid.
LINE_DOTS = 30
# Feed before the cut: 6 lines bring the last printed line past the cutter (python-escpos' default).
CUT_FEED_LINES = 6
# QR module of 6 dots = 0.75 mm at 203 dpi: phone cameras read it at arm's length.
QR_MODULE_DOTS = 6
QR_BORDER_MODULES = 4

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
KANJI_ON = FS + b"&"  # FS & — select Kanji (double-byte) character mode
KANJI_OFF = FS + b"."  # FS . — cancel Kanji character mode


def is_ascii_line(text: str) -> bool:
    """True when every character prints from the printer's own code page 437 font (printable ASCII)."""
    return all(0x20 <= ord(ch) <= 0x7E for ch in text)


def render_receipt(receipt: Receipt, *, font_regular: Path, font_bold: Path,
                   korean_mode: KoreanMode = "raster") -> bytes:
    """The complete ESC/POS job for `receipt`: init, lines, optional QR, feed and partial cut."""
    if korean_mode not in KOREAN_MODES:
        raise ValueError(f"korean_mode must be one of {KOREAN_MODES}, not {korean_mode!r}")
    p: Any = Dummy(profile=PROFILE)
    p.hw("INIT")  # ESC @
    p.line_spacing()  # ESC 2: default spacing, so text lines and raster lines share the LINE_DOTS grid
    for line in receipt.lines:
        if is_ascii_line(line.text):
            _text_line(p, line)
        elif korean_mode == "double_byte" and _in_cp949(line.text):
            _double_byte_line(p, line)
        else:
            font = font_bold if line.bold else font_regular
            for image in rasterize_line(line, font):
                p.set(align="left")
                p.image(image, impl="bitImageRaster")
    if receipt.qr:
        p.set(align="left")
        p.image(qr_image(receipt.qr), impl="bitImageRaster", center=True)
    p.set(align="left", bold=False, custom_size=True, width=1, height=1)
    p.cut(mode="PART")  # ESC d 6, GS V 1
    out: bytes = p.output
    return out


def _in_cp949(text: str) -> bool:
    """True when the printer's Korean font has every character (a Vietnamese or Chinese line is rasterized)."""
    try:
        text.encode("cp949")
    except UnicodeEncodeError:
        return False
    return True


def _style(p: Any, line: ReceiptLine) -> None:
    size = 2 if line.large else 1
    # GS ! (custom size) rather than ESC !: GS ! scales double-byte characters too.
    p.set(align=line.align, bold=line.bold, custom_size=True, width=size, height=size)


def _text_line(p: Any, line: ReceiptLine) -> None:
    _style(p, line)
    columns = COLUMNS // (2 if line.large else 1)
    for part in wrap(line.text, lambda s: len(s) <= columns):
        p.textln(part)


def _cells(text: str) -> int:
    """Printer columns `text` takes in double-byte mode: wide (Hangul, CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _double_byte_line(p: Any, line: ReceiptLine) -> None:
    _style(p, line)
    columns = COLUMNS // (2 if line.large else 1)
    for part in wrap(line.text, lambda s: _cells(s) <= columns):
        p._raw(KANJI_ON + part.encode("cp949", errors="replace") + KANJI_OFF + b"\n")


def wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split `text` into pieces that each satisfy `fits`, breaking at spaces when possible."""
    if fits(text) or not text:
        return [text]
    pieces: list[str] = []
    rest = text
    while rest and not fits(rest):
        cut = 1
        while cut < len(rest) and fits(rest[: cut + 1]):
            cut += 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and cut < len(rest):
            cut = space
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


@functools.lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def rasterize_line(line: ReceiptLine, font_path: Path) -> list[Image.Image]:
    """`line` drawn with `font_path` into full-width 1-bit images, one per wrapped piece."""
    scale = 2 if line.large else 1
    font = _font(font_path, FONT_A_HEIGHT * scale)
    height = LINE_DOTS * scale
    ascent, descent = font.getmetrics()
    baseline = (height - (ascent + descent)) // 2 + ascent
    images = []
    for part in wrap(line.text, lambda s: font.getlength(s) <= PAPER_DOTS):
        width = round(font.getlength(part))
        x = {"left": 0, "center": (PAPER_DOTS - width) // 2, "right": PAPER_DOTS - width}[line.align]
        image = Image.new("1", (PAPER_DOTS, height), 1)
        ImageDraw.Draw(image).text((x, baseline), part, font=font, fill=0, anchor="ls")
        images.append(image)
    return images


def qr_image(data: str) -> Image.Image:
    """`data` as a QR code (error level M), QR_MODULE_DOTS per module, white quiet zone, 1-bit."""
    qr = segno.make_qr(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    modules = len(matrix) + 2 * QR_BORDER_MODULES
    small = Image.new("1", (modules, modules), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                small.putpixel((x + QR_BORDER_MODULES, y + QR_BORDER_MODULES), 0)
    side = modules * QR_MODULE_DOTS
    return small.resize((side, side), Image.Resampling.NEAREST)
