"""The committed font subsets draw every character the booth can show, in all four languages.

The fonts are cut down to what the catalogs and the config use (scripts/subset_fonts.py): a new sentence
with a Hanzi the subset lacks would show a box to a Chinese resident. This fails first: re-run `make fonts`.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

import pygame
from fontTools.ttLib import TTFont

from common.fonts import BOLD, REGULAR

ROOT = Path(__file__).resolve().parent.parent


def _subset_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("subset_fonts", ROOT / "scripts" / "subset_fonts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(str(path), lazy=True)["cmap"].getBestCmap())


def _drawable(text: str) -> set[str]:
    return {ch for ch in text if ch.isprintable() and not ch.isspace() and ch != "\ufeff"}


def test_the_subsets_have_every_character_of_the_catalogs_and_the_config() -> None:
    script = _subset_script()
    needed: dict[str, set[str]] = {}
    for path in script.text_files():
        text = path.read_text(encoding="utf-8")
        needed[str(path.relative_to(ROOT))] = _drawable(text) | _drawable(unicodedata.normalize("NFC", text))
    assert any("zh_Hans" in name for name in needed) and any(name.endswith("kiosk.toml") for name in needed)
    for font in (REGULAR, BOLD):
        missing = {name: "".join(sorted(ch for ch in chars if ord(ch) not in _cmap(font)))
                   for name, chars in needed.items()}
        assert {k: v for k, v in missing.items() if v} == {}, f"{font.name} lacks these: run `make fonts`"


def test_the_subsets_keep_korean_names_vietnamese_letters_and_stay_small() -> None:
    script = _subset_script()
    hangul = script.ks_x_1001_hangul()
    assert sum(0xAC00 <= ord(ch) <= 0xD7A3 for ch in hangul) == 2350
    for font in (REGULAR, BOLD):
        cmap = _cmap(font)
        assert all(ord(ch) in cmap for ch in hangul + script.VIETNAMESE + "₩×·")
    assert REGULAR.stat().st_size + BOLD.stat().st_size < 2_000_000


def test_pygame_draws_hangul_hanzi_and_vietnamese_as_distinct_glyphs_not_boxes() -> None:
    pygame.font.init()
    samples = "가나각한 中文证书发 ếệởữđă ₩×·"
    for path in (REGULAR, BOLD):
        font = pygame.font.Font(str(path), 40)

        def pixels(ch: str, font: pygame.font.Font = font, name: str = path.name) -> bytes:
            surface = font.render(ch, True, (0, 0, 0))
            assert surface.get_bounding_rect().width > 0, f"{name} draws {ch!r} as nothing"
            return pygame.image.tobytes(surface, "RGBA")

        notdef = pixels("\ue000")  # a private-use code point: the font's box
        drawn = {ch: pixels(ch) for ch in samples if ch != " "}
        for ch, image in drawn.items():
            assert image != notdef, f"{path.name} draws {ch!r} as a box"
        assert len(set(drawn.values())) == len(drawn), f"{path.name}: two characters share a glyph"
        # the line pitch is 1.15 em (scripts/subset_fonts.py), yet a capital with two marks keeps its top mark
        assert font.get_linesize() <= 1.16 * 40
        ink = {ch: font.render(ch, True, (0, 0, 0)).get_bounding_rect().height for ch in "OỖ"}
        assert ink["Ỗ"] > 1.3 * ink["O"], ink
