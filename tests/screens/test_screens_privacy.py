"""The resident number on screen never shows more than its first 7 digits."""

from __future__ import annotations

import pygame
from helpers_screens import runner

from kiosk.privacy import ResidentNumberEntry
from kiosk.views import FingerprintView, ResidentNumberView, View
from screens.fingerprint import shown_number
from screens.resident_number import HIDDEN, visible_slots

NUMBER = "9001011234567"


def _digits_shown(slots: list[str]) -> int:
    return sum(1 for s in slots if s.isdigit())


def test_the_data_path_carries_only_masked_numbers_and_the_screen_shows_them_as_given() -> None:
    """Typing digit by digit, as the controller builds the view: never more than 7 digits on the glass."""
    entry = ResidentNumberEntry()
    for i, digit in enumerate(NUMBER, start=1):
        entry.press(digit)
        masked = entry.masked()
        slots = visible_slots(masked, entry.count)
        assert _digits_shown(slots) == min(i, 7)
        assert "".join(s for s in slots if s) == masked.replace("-", "")  # shown exactly as given
        assert sum(1 for s in slots if s) == i
    assert entry.masked() == "900101-1******"
    assert shown_number(entry.masked()) == "900101-1******"


def test_a_screen_given_an_unmasked_number_still_hides_the_tail() -> None:
    slots = visible_slots("900101-1234567", 13)
    assert "".join(slots) == "9001011" + HIDDEN * 6
    assert shown_number("9001011234567") == "900101-1******"


def test_hidden_digits_never_reach_the_pixels() -> None:
    """Frames for two numbers that differ only after the 7th digit are pixel-identical."""
    r, _ = runner()
    try:
        views = [
            View("resident_number", ResidentNumberView(document="resident_copy", masked=m, digits=13))
            for m in ("900101-1******", "900101-1234567", "900101-1999999")
        ]
        frames = [pygame.image.tobytes(r.render(v), "RGB") for v in views]
        assert frames[0] == frames[1] == frames[2]
        fp = [
            View("fingerprint", FingerprintView(document="resident_copy", masked=m, guidance="place"))
            for m in ("900101-1******", "900101-1234567")
        ]
        assert pygame.image.tobytes(r.render(fp[0]), "RGB") == pygame.image.tobytes(r.render(fp[1]), "RGB")
        # ...and the shown part does change the pixels (the test would catch a blank screen).
        other = View(
            "resident_number", {"document": "resident_copy", "masked": "800101-1******", "digits": 13}
        )
        assert pygame.image.tobytes(r.render(other), "RGB") != frames[0]
    finally:
        r.close()
