"""Words and glyphs behind the accessibility criteria: the config builds the theme from the
panel's millimetres, Hangul renders as glyphs, every string has every language, every contract
code and every configurable finger / sensor position has its words. The criteria themselves
(text height, contrast, targets, reach, zoom) are measured in test_accessibility_criteria.py.
"""

from __future__ import annotations

import re
import string

import pygame

from common.languages import LANGUAGES
from common.messages import MESSAGES
from kiosk.config_rules import FINGERS, SENSOR_POSITIONS
from screens.strings import STRINGS, has, t
from screens.theme import Theme


def test_config_table_builds_the_theme() -> None:
    theme = Theme.from_config(
        {"width": 1080, "height": 1920, "low_position": True, "scale": 1.5, "panel_bottom_mm": 800.0}
    )
    assert (theme.low_position, theme.scale, theme.size) == (True, 1.5, (1080, 1920))
    assert (theme.panel.width_mm, theme.panel.height_mm, theme.panel.bottom_mm) == (398.0, 708.0, 800.0)
    # 1,220 mm is 420 mm above the lower edge: 1,139 px up from the bottom row.
    assert abs(theme.reach_top - (1920 - 420 / (708 / 1920))) <= 1


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
    "error": ["invalid-date", "future-date", "no-match", "invalid-sex-digit", "incomplete", "fingerprint-down"],
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
    "status": ["waiting-for-paper", "printing-receipt", "confirming-delivery"],
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
        "delivery-unconfirmed",
        "pickup-mobile-id-failed",
        "pickup-mobile-id-expired",
    ],
    "tech": ["journal-corrupt", "journal-unwritable", "recovery-needs-technician"],
    "notice": ["receipt-paper-out", "voice-unavailable", "fingerprint-unavailable", "fingerprint-mobile-id"],
}


def test_every_contract_code_has_its_own_words() -> None:
    missing = [
        f"{family}.{code}"
        for family, codes in CODES.items()
        for code in codes
        if not has(f"{family}.{code}")
    ]
    assert missing == []


def test_every_finger_and_sensor_position_a_booth_may_configure_has_words() -> None:
    for finger in FINGERS:
        assert has(f"fingerprint.finger.{finger}"), finger
    for position in SENSOR_POSITIONS:
        assert has(f"sensor.{position}"), position
