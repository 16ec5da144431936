"""Cut the booth's fonts out of Noto Sans CJK SC: only the characters the booth can ever draw (`make fonts`).

Noto Sans CJK (SIL OFL 1.1) covers Hangul, Hanzi and every Vietnamese letter, but the installed
collections weigh 40 MB. The SC face (index 2) draws Hanzi in their mainland forms for simplified
Chinese; its Hangul and Latin are the same outlines as the KR face. The subsets keep:

- every character of every catalog in every language (common/locale/**/*.po, the template), and of the
  sentences still waiting to be folded in (screens/strings_*.py);
- every character of the config files and the simulated server's documents (config/*.toml,
  simulators/server/*.py): place names, document titles, a resident's name on a simulated certificate;
- ASCII, Latin-1, every precomposed Vietnamese letter and the combining tone marks (text not in NFC);
- the 2,350 Hangul syllables and the jamo of KS X 1001 (any Korean place or document name a server or a
  site config sends), digits and the symbols the screens draw (₩, ×, ·, arrows, CJK punctuation).

The results are committed (common/fonts/), so neither a booth nor CI needs the fonts-noto-cjk package;
tests/test_fonts.py fails when a catalog or config uses a character the committed subset lacks.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.fonts import BOLD, REGULAR  # noqa: E402

SOURCES = {
    REGULAR: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    BOLD: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
SC_FACE = 2  # in NotoSansCJK-*.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK (checked with fontTools' name table)

# Vietnamese letters outside Latin-1: ă đ ĩ ũ ơ ư (and capitals), and the whole Latin Extended Additional
# block of letters with tone marks (U+1EA0-U+1EF9); combining grave, acute, tilde, hook above, dot below.
VIETNAMESE = "ĂăĐđĨĩŨũƠơƯư" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
COMBINING = "\u0300\u0301\u0303\u0309\u0323"  # kept where the font has them (it lacks some: keep text NFC)
# Vertical metrics, in units of the 1,000-unit em: Noto CJK's own (1.16 + 0.29 em) would make every line
# 26 % taller than the 1.15 em pitch the screens are laid out for (that of the NanumGothic these fonts
# replaced). Hangul, Hanzi and Latin ink sits inside 0.92 + 0.23 em; a taller glyph (a Vietnamese capital
# with two marks, Ỗ) still draws whole: SDL_ttf and Pillow grow the line's image for it.
ASCENT, DESCENT = 920, 230
SYMBOLS = (
    "₩×÷·•…‥–—‘’“”«»‹›※°±√∞←↑→↓↔↕⇐⇒△▲▼▽○●◎◇◆□■☆★✓✔"  # the screens' marks, arrows and bullets
    + "".join(chr(c) for c in range(0x3000, 0x3040))  # CJK punctuation: 、。「」《》【】
    + "".join(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms: ，：；！？（）
)


def ks_x_1001_hangul() -> str:
    """The 2,350 precomposed syllables and the compatibility jamo KS X 1001 (EUC-KR) encodes."""
    out = []
    for code in [*range(0xAC00, 0xD7A4), *range(0x3131, 0x318F)]:
        ch = chr(code)
        try:
            encoded = ch.encode("euc_kr")
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2:  # Python's codec spells other syllables as 8-byte jamo sequences: not in the set
            out.append(ch)
    return "".join(out)


def text_files() -> list[Path]:
    """Every file whose characters the fonts must have (also what tests/test_fonts.py checks)."""
    locale = ROOT / "common" / "locale"
    return sorted([*locale.glob("*.pot"), *locale.glob("*/LC_MESSAGES/*.po"), *(ROOT / "config").glob("*.toml"),
                   *(ROOT / "screens").glob("strings_*.py"), *(ROOT / "simulators" / "server").glob("*.py")])


def needed_text() -> str:
    """Every character the subsets keep."""
    parts = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)]
    parts += [VIETNAMESE, COMBINING, SYMBOLS, ks_x_1001_hangul()]
    for path in text_files():
        text = path.read_text(encoding="utf-8")
        parts += [text, unicodedata.normalize("NFC", text)]
    return "".join(sorted({ch for ch in "".join(parts) if ch.isprintable() and ch != "\ufeff"}))


def to_truetype(font: TTFont) -> None:
    """CFF outlines -> TrueType (quadratic) outlines, in place. fpdf2 (the simulated server's PDFs) embeds a
    CID-keyed CFF font with a broken text layer (extracted text comes out with NULs); glyf fonts work with
    fpdf2, Pillow and pygame alike, and the NanumGothic they replace was one too."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0))  # TrueType's left side bearing is the outline's xMin
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)  # points, contours and components from the new outlines
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"


def make_subset(source: Path, target: Path, text: str) -> None:
    options = subset.Options()
    options.font_number = SC_FACE
    options.layout_features = ["*"]  # keep kerning, vertical forms and the locl features as they are
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True  # a missing character shows as a visible box, never as nothing
    options.hinting = False  # outlines only: FreeType's autohinter does as well at kiosk sizes, and it is smaller
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, -DESCENT, 0
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, -DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, DESCENT
    to_truetype(font)
    font.recalcTimestamp = False  # the same words give the same bytes: no churn in git
    font.save(str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    text = needed_text()
    for target, source in SOURCES.items():
        if not source.exists():
            raise SystemExit(f"{source} missing: apt-get install fonts-noto-cjk (only `make fonts` needs it)")
        make_subset(source, target, text)
        print(f"{target.relative_to(ROOT)}: {len(text)} characters, {target.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
