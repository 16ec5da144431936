"""The guideline's figures, measured: contrast, text height, target size, low position, zoom, Hangul."""

from __future__ import annotations

import re
import string

import pygame
import pytest
from helpers_screens import MODES, runner

from common.languages import LANGUAGES
from common.messages import MESSAGES
from kiosk.views import View
from screens.registry import samples
from screens.strings import STRINGS, has, t
from screens.theme import MIN_TEXT_MM, STYLES, TEXT_PAIRS, Theme

SAMPLES = samples()


def _luminance(rgb: tuple[int, int, int]) -> float:
    # WCAG 2.1 relative luminance, computed here independently of screens.theme.
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_contrast_is_at_least_4_5_to_1(fg: str, bg: str) -> None:
    colors = Theme().colors
    a, b = _luminance(getattr(colors, fg)), _luminance(getattr(colors, bg))
    ratio = (max(a, b) + 0.05) / (min(a, b) + 0.05)
    assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}:1"


def _ink_height(theme: Theme, text: str, style: str) -> int:
    return theme.text(text, style, (0, 0, 0)).get_bounding_rect().height


def test_smallest_text_is_taller_than_4_8_mm() -> None:
    theme = Theme()  # 21.5" panel: the fewest millimetres per pixel we design for
    smallest = min(STYLES, key=lambda s: STYLES[s][0])
    assert _ink_height(theme, "한", smallest) * theme.mm_per_px >= MIN_TEXT_MM
    assert _ink_height(theme, "H", smallest) * theme.mm_per_px >= MIN_TEXT_MM


def test_zoom_200_doubles_text() -> None:
    one, two = Theme(), Theme(scale=2.0)
    for style in STYLES:
        assert two.style_size(style) == 2 * one.style_size(style)
    assert _ink_height(two, "한", "body") >= 1.9 * _ink_height(one, "한", "body")
    with pytest.raises(ValueError, match="scale"):
        Theme(scale=2.5)


@pytest.mark.parametrize("mode", list(MODES))
def test_touch_targets_are_at_least_20_mm(mode: str) -> None:
    r, _ = runner(mode)
    try:
        for screen, variants in SAMPLES.items():
            for sample in variants:
                for prompt in (None, "more_time"):
                    r.render(View(screen, variants[sample], prompt=prompt))
                    for wid in r.widgets():
                        rect = r.widget(wid).rect
                        assert min(rect.size) >= r.theme.min_target, (mode, screen, wid, rect.size)
    finally:
        r.close()


@pytest.mark.parametrize("mode", ["low", "low-zoom200"])
def test_low_position_puts_every_control_in_the_lower_part(mode: str) -> None:
    r, _ = runner(mode)
    try:
        line = r.theme.control_top
        assert line >= 1920 * 0.4
        for screen, variants in SAMPLES.items():
            for sample, data in variants.items():
                for lang in LANGUAGES:
                    for prompt in (None, "more_time"):
                        r.render(
                            View(
                                screen,
                                data,
                                prompt=prompt,
                                language=lang,
                                notices=("receipt-paper-out", "low-change"),
                            )
                        )
                        for wid in r.widgets():
                            assert r.widget(wid).rect.top >= line, (screen, sample, wid, prompt)
    finally:
        r.close()


def test_normal_mode_uses_the_whole_screen() -> None:
    r, _ = runner()
    try:
        r.render(View("choose_document", SAMPLES["choose_document"]["all"]))
        assert min(r.widget(w).rect.top for w in r.widgets()) < 1920 * 0.45
    finally:
        r.close()


def test_config_table_builds_the_theme() -> None:
    theme = Theme.from_config({"width": 1080, "height": 1920, "low_position": True, "scale": 1.5})
    assert (theme.low_position, theme.scale, theme.size) == (True, 1.5, (1080, 1920))


def test_hangul_renders_as_glyphs_not_boxes() -> None:
    theme = Theme()

    def pixels(text: str) -> bytes:
        return pygame.image.tobytes(theme.text(text, "title", (0, 0, 0)), "RGBA")

    notdef = pixels("\ue000")  # a private-use code point: the font's .notdef
    assert pixels("가") != pixels("나")
    assert pixels("가") != notdef
    assert pixels("발급") != pixels("취소")


def test_every_string_has_every_language_and_every_character_a_glyph() -> None:
    font = Theme().font("body")
    for key, entry in STRINGS.items():  # sentences not yet folded into the catalogs
        assert set(entry) == set(LANGUAGES), key
    for key in [*MESSAGES, *STRINGS]:
        for text in (t(key, lang) for lang in LANGUAGES):
            for ch in set(re.sub(r"\{[a-z_]+\}", "", text)) - set(string.whitespace):
                metrics = font.metrics(ch)[0]
                assert metrics is not None, (key, ch)
                minx, maxx, miny, maxy, _ = metrics
                assert maxx > minx or maxy > miny, (key, ch)


CODES = {
    "doc": [
        "resident_copy",
        "resident_abstract",
        "family_relations",
        "local_tax",
        "land_register",
        "building_register",
    ],
    "opt": [
        "include_past_addresses",
        "show_member_numbers",
        "address_history",
        "military_service",
        "detailed",
        "general",
        "title_section",
    ],
    "guidance": [
        "place",
        "reading",
        "press_harder",
        "too_dry",
        "too_wet",
        "partial",
        "lift_and_place",
        "lift",
        "verifying",
        "no_match",
        "fake_finger",
        "unavailable",
    ],
    "error": ["invalid-date", "future-date", "no-match", "invalid-sex-digit", "incomplete"],
    "hint": ["exact-or-1000-only", "exact-only", "coins-only"],
    "msg": [
        "coin-rejected",
        "foreign-coin",
        "bill-returned-no-change",
        "bill-rejected",
        "card-declined",
        "card-removed",
    ],
    "accept": ["coins", "bills:1000", "bills:5000", "bills:10000", "bills:50000", "card"],
    "outcome": ["issued", "cancelled", "refunded", "failed", "timed_out"],
    "step": ["reserving", "verifying"],
    "status": ["waiting-for-paper", "printing-receipt"],
    "boot": ["starting", "selftest", "recovering"],
    "reason": [
        "server-unavailable",
        "a4-printer-unavailable",
        "cash-unavailable",
        "recovery-needs-technician",
        "door-open",
        "fingerprint-unavailable",
        "outside-hours",
        "a4-paper-out",
        "journal-corrupt",
        "journal-unwritable",
    ],
    "tech": ["journal-corrupt", "journal-unwritable", "recovery-needs-technician"],
    "notice": ["receipt-paper-out"],
}


def test_every_contract_code_has_its_own_words() -> None:
    missing = [
        f"{family}.{code}"
        for family, codes in CODES.items()
        for code in codes
        if not has(f"{family}.{code}")
    ]
    assert missing == []
