"""An incremental ESC/POS stream parser: bytes in, printer commands out (pure, never raises).

Covers what a receipt job uses (Epson ESC/POS Command Reference): ESC @, ESC !, ESC E/G, ESC -, ESC a,
ESC d, ESC J, ESC 2/3, ESC t, GS !, GS v 0, GS V, FS &/FS ./FS !, DLE EOT n, plus the lengths of other
common commands so they are skipped whole. Anything unrecognised becomes `Unknown` and parsing carries
on with the next byte, as a printer does. An incomplete command stays buffered until more bytes come.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE, ESC, GS, FS = 0x10, 0x1B, 0x1D, 0x1C
LF, CR, HT, FF, CAN = 0x0A, 0x0D, 0x09, 0x0C, 0x18

# GS v 0 limits (Epson TM-T20II: 1 ≤ x ≤ 255 bytes wide, 1 ≤ y ≤ 4095 dots high per command); a
# header outside them is ignored and the following bytes parse as ordinary data, like the printer does.
RASTER_MAX_WIDTH_BYTES = 255
RASTER_MAX_HEIGHT = 4095
# GS k barcodes of form A end at NUL; the printer gives up after 255 data bytes.
BARCODE_MAX = 255


@dataclass(frozen=True)
class Command:
    """One parsed command; `raw` is exactly the bytes it was parsed from."""

    raw: bytes


@dataclass(frozen=True)
class Text(Command):
    """Printable bytes (≥ 0x20), in the current code table or double-byte mode."""


@dataclass(frozen=True)
class LineFeed(Command):
    """LF: print the line buffer and feed one line."""


@dataclass(frozen=True)
class Tab(Command):
    """HT: move to the next tab stop (every 8 columns by default)."""


@dataclass(frozen=True)
class TransmitPrinterId(Command):
    """GS I n: answer who the printer is (drivers.receipt_printer.printer_id)."""

    n: int


@dataclass(frozen=True)
class RealTimeStatus(Command):
    """DLE EOT n: answer one status byte now."""

    n: int


@dataclass(frozen=True)
class Initialize(Command):
    """ESC @: reset the print modes."""


@dataclass(frozen=True)
class PrintMode(Command):
    """ESC ! n: bit 3 emphasized, bit 4 double height, bit 5 double width, bit 7 underline."""

    n: int


@dataclass(frozen=True)
class Emphasis(Command):
    """ESC E n / ESC G n: bold on (bit 0 = 1) or off."""

    on: bool


@dataclass(frozen=True)
class Underline(Command):
    """ESC - n: underline 0 off, 1 one dot, 2 two dots."""

    n: int


@dataclass(frozen=True)
class Justify(Command):
    """ESC a n: 0 left, 1 center, 2 right (ASCII '0'..'2' too)."""

    n: int


@dataclass(frozen=True)
class FeedLines(Command):
    """ESC d n: print the buffer and feed n lines."""

    n: int


@dataclass(frozen=True)
class FeedDots(Command):
    """ESC J n: print the buffer and feed n dots."""

    n: int


@dataclass(frozen=True)
class LineSpacing(Command):
    """ESC 2 (default, dots=None) or ESC 3 n (n dots)."""

    dots: int | None


@dataclass(frozen=True)
class CodeTable(Command):
    """ESC t n: select the single-byte character code table."""

    n: int


@dataclass(frozen=True)
class CharSize(Command):
    """GS ! n: width ×((n >> 4) & 7 + 1), height ×(n & 7 + 1)."""

    n: int


@dataclass(frozen=True)
class RasterImage(Command):
    """GS v 0 m xL xH yL yH d…: 1 bits print; m bit 0 doubles width, bit 1 doubles height."""

    mode: int
    width_bytes: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Cut(Command):
    """GS V m [n]: full (m 0/48/65) or partial (m 1/49/66) cut, feeding n dots first for m 65/66."""

    partial: bool
    feed: int


@dataclass(frozen=True)
class KanjiMode(Command):
    """FS & (on) / FS . (off): double-byte character mode."""

    on: bool


@dataclass(frozen=True)
class KanjiPrintMode(Command):
    """FS ! n: bit 2 double width, bit 3 double height, bit 7 underline for double-byte characters."""

    n: int


@dataclass(frozen=True)
class Ignored(Command):
    """A known command the simulated printer accepts but does not draw (barcodes, margins, drawer …)."""


@dataclass(frozen=True)
class Unknown(Command):
    """Bytes that start no known command; skipped."""


# Commands of a fixed total length (prefix byte, command byte) -> length, drawn or not.
_ESC_FIXED: dict[int, int] = {
    ord("@"): 2, ord("2"): 2, ord("L"): 2, ord("S"): 2, ord("i"): 2, ord("m"): 2, ord("<"): 2,
    ord("!"): 3, ord("E"): 3, ord("G"): 3, ord("-"): 3, ord("a"): 3, ord("d"): 3, ord("J"): 3,
    ord("3"): 3, ord("t"): 3, ord("M"): 3, ord("R"): 3, ord("{"): 3, ord("V"): 3, ord("r"): 3,
    ord("U"): 3, ord(" "): 3, ord("%"): 3, ord("="): 3, ord("?"): 3, ord("T"): 3, ord("e"): 3,
    ord("K"): 3, ord("+"): 3, ord("A"): 3, ord("c"): 4, ord("$"): 4, ord("\\"): 4, ord("p"): 5,
    ord("W"): 10,
}
_GS_FIXED: dict[int, int] = {
    ord("!"): 3, ord("B"): 3, ord("H"): 3, ord("f"): 3, ord("h"): 3, ord("w"): 3, ord("a"): 3,
    ord("r"): 3, ord("b"): 3, ord("E"): 3, ord("I"): 3, ord("T"): 3, ord("^"): 5, ord(":"): 2,
    ord("P"): 4, ord("L"): 4, ord("W"): 4, ord("$"): 4, ord("\\"): 4, ord("/"): 3,
}
_FS_FIXED: dict[int, int] = {
    ord("&"): 2, ord("."): 2, ord("!"): 3, ord("-"): 3, ord("C"): 3, ord("W"): 3, ord("S"): 4,
    ord("p"): 4, ord("2"): 75,
}


class EscPosParser:
    """Feed bytes as they arrive; get back the complete commands they finish."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> bytes:
        """Bytes of a command not yet complete."""
        return bytes(self._buf)

    def feed(self, data: bytes) -> list[Command]:
        self._buf += data
        out: list[Command] = []
        pos = 0
        while pos < len(self._buf):
            parsed = self._parse_at(pos)
            if parsed is None:
                break
            out.append(parsed)
            pos += len(parsed.raw)
        del self._buf[:pos]
        return out

    def _parse_at(self, pos: int) -> Command | None:
        """The command starting at `pos`, or None when more bytes are needed."""
        buf = self._buf
        first = buf[pos]
        if first >= 0x20:
            end = pos
            while end < len(buf) and buf[end] >= 0x20:
                end += 1
            return Text(bytes(buf[pos:end]))
        if first == LF:
            return LineFeed(b"\n")
        if first == HT:
            return Tab(b"\t")
        if first in (CR, FF, CAN):
            return Ignored(bytes((first,)))
        if first == DLE:
            return self._dle(pos)
        if first == ESC:
            return self._esc(pos)
        if first == GS:
            return self._gs(pos)
        if first == FS:
            return self._fs(pos)
        return Unknown(bytes((first,)))

    def _take(self, pos: int, length: int) -> bytes | None:
        if pos + length > len(self._buf):
            return None
        return bytes(self._buf[pos:pos + length])

    def _dle(self, pos: int) -> Command | None:
        head = self._take(pos, 3)
        if head is None:
            if len(self._buf) - pos == 2 and self._buf[pos + 1] not in (0x04, 0x05, 0x14):
                return Unknown(b"\x10")
            return None
        sub, n = head[1], head[2]
        if sub == 0x04:
            if 1 <= n <= 4:
                return RealTimeStatus(head, n)
            if n in (7, 8):  # DLE EOT 7/8 a: ink / cutter status on some models, one extra byte
                raw = self._take(pos, 4)
                return None if raw is None else Ignored(raw)
            return Ignored(head)
        if sub == 0x05:
            return Ignored(head)
        if sub == 0x14:
            raw = self._take(pos, 5)
            return None if raw is None else Ignored(raw)
        return Unknown(b"\x10")

    def _esc(self, pos: int) -> Command | None:
        head = self._take(pos, 2)
        if head is None:
            return None
        c = head[1]
        if c == ord("*"):  # ESC * m nL nH d…: column bit image, 8-dot (m 0,1) or 24-dot (m 32,33)
            hdr = self._take(pos, 5)
            if hdr is None:
                return None
            m, n = hdr[2], hdr[3] + 256 * hdr[4]
            if m not in (0, 1, 32, 33):
                return Ignored(hdr[:3])
            raw = self._take(pos, 5 + n * (3 if m >= 32 else 1))
            return None if raw is None else Ignored(raw)
        if c == ord("D"):  # ESC D n1 … NUL: tab stops, at most 32
            end = self._buf.find(0, pos + 2, pos + 2 + 33)
            if end < 0:
                return None if len(self._buf) - pos < 35 else Unknown(head)
            return Ignored(bytes(self._buf[pos:end + 1]))
        length = _ESC_FIXED.get(c)
        if length is None:
            return Unknown(head)
        raw = self._take(pos, length)
        if raw is None:
            return None
        arg = raw[2] if length >= 3 else 0
        if c == ord("@"):
            return Initialize(raw)
        if c == ord("!"):
            return PrintMode(raw, arg)
        if c in (ord("E"), ord("G")):
            return Emphasis(raw, bool(arg & 1))
        if c == ord("-"):
            return Underline(raw, arg % 48 if arg >= 48 else arg)
        if c == ord("a"):
            return Justify(raw, arg % 48 if arg >= 48 else arg)
        if c == ord("d"):
            return FeedLines(raw, arg)
        if c == ord("J"):
            return FeedDots(raw, arg)
        if c == ord("2"):
            return LineSpacing(raw, None)
        if c == ord("3"):
            return LineSpacing(raw, arg)
        if c == ord("t"):
            return CodeTable(raw, arg)
        return Ignored(raw)

    def _gs(self, pos: int) -> Command | None:
        head = self._take(pos, 2)
        if head is None:
            return None
        c = head[1]
        if c == ord("v"):
            return self._raster(pos)
        if c == ord("V"):
            hdr = self._take(pos, 3)
            if hdr is None:
                return None
            m = hdr[2]
            if m in (0, 1, 48, 49):
                return Cut(hdr, partial=m in (1, 49), feed=0)
            if m in (65, 66, 97, 98, 103, 104):
                raw = self._take(pos, 4)
                return None if raw is None else Cut(raw, partial=m in (66, 98, 104), feed=raw[3])
            return Unknown(hdr)
        if c == ord("("):  # GS ( fn pL pH d1…dp
            hdr = self._take(pos, 5)
            if hdr is None:
                return None
            raw = self._take(pos, 5 + hdr[3] + 256 * hdr[4])
            return None if raw is None else Ignored(raw)
        if c == ord("8"):  # GS 8 fn p1 p2 p3 p4 d…: the 32-bit length form of GS ( L / GS ( k
            hdr = self._take(pos, 7)
            if hdr is None:
                return None
            size = int.from_bytes(hdr[3:7], "little")
            if size > 16 * 1024 * 1024:  # no printer buffers 16 MiB: a garbage length, skip the header
                return Unknown(hdr[:2])
            raw = self._take(pos, 7 + size)
            return None if raw is None else Ignored(raw)
        if c == ord("k"):
            return self._barcode(pos)
        if c == ord("*"):  # GS * x y d…: define downloaded bit image, x*y*8 bytes
            hdr = self._take(pos, 4)
            if hdr is None:
                return None
            raw = self._take(pos, 4 + hdr[2] * hdr[3] * 8)
            return None if raw is None else Ignored(raw)
        length = _GS_FIXED.get(c)
        if length is None:
            return Unknown(head)
        raw = self._take(pos, length)
        if raw is None:
            return None
        if c == ord("!"):
            return CharSize(raw, raw[2])
        if c == ord("I"):
            return TransmitPrinterId(raw, raw[2])
        return Ignored(raw)

    def _raster(self, pos: int) -> Command | None:
        hdr = self._take(pos, 8)
        if hdr is None:
            return None
        if hdr[2] not in (0x30, 0x00):  # GS v 0 — the '0' (also accepted as 0x00 by TM printers)
            return Unknown(hdr[:2])
        m = hdr[3]
        width = hdr[4] + 256 * hdr[5]
        height = hdr[6] + 256 * hdr[7]
        if m not in (0, 1, 2, 3, 48, 49, 50, 51) or not 1 <= width <= RASTER_MAX_WIDTH_BYTES \
                or not 1 <= height <= RASTER_MAX_HEIGHT:
            return Ignored(hdr)
        raw = self._take(pos, 8 + width * height)
        if raw is None:
            return None
        return RasterImage(raw, mode=m & 3, width_bytes=width, height=height, data=raw[8:])

    def _barcode(self, pos: int) -> Command | None:
        hdr = self._take(pos, 3)
        if hdr is None:
            return None
        m = hdr[2]
        if m <= 6:  # form A: data ends with NUL
            end = self._buf.find(0, pos + 3, pos + 3 + BARCODE_MAX + 1)
            if end < 0:
                return None if len(self._buf) - pos < 3 + BARCODE_MAX + 1 else Unknown(hdr)
            return Ignored(bytes(self._buf[pos:end + 1]))
        if 65 <= m <= 79:  # form B: n then n bytes
            n = self._take(pos, 4)
            if n is None:
                return None
            raw = self._take(pos, 4 + n[3])
            return None if raw is None else Ignored(raw)
        return Unknown(hdr)

    def _fs(self, pos: int) -> Command | None:
        head = self._take(pos, 2)
        if head is None:
            return None
        c = head[1]
        length = _FS_FIXED.get(c)
        if length is None:
            return Unknown(head)
        raw = self._take(pos, length)
        if raw is None:
            return None
        if c == ord("&"):
            return KanjiMode(raw, True)
        if c == ord("."):
            return KanjiMode(raw, False)
        if c == ord("!"):
            return KanjiPrintMode(raw, raw[2])
        return Ignored(raw)
