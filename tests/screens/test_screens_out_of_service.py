"""The out-of-service screen says why in words, and for a journal fault tells the technician what to do."""

from __future__ import annotations

from typing import Any

import pygame
import pytest
from helpers_screens import runner

from common.languages import LANGUAGES
from kiosk.views import OutOfServiceView, View
from screens.out_of_service import SAMPLES
from screens.strings import t

JOURNAL_REASONS = ("journal-corrupt", "journal-unwritable")


def _pixels(mode: str, data: dict[str, Any], lang: str = "ko") -> bytes:
    r, _ = runner(mode)
    try:
        frame = r.render(View("out_of_service", OutOfServiceView(**data), language=lang))
        assert r.screen_shown == "out_of_service"
        # Nothing a resident could start here; only language, accessibility and help.
        assert r.widgets() == ["lang", "access", "help"]
        return pygame.image.tobytes(frame, "RGB")
    finally:
        r.close()


@pytest.mark.parametrize("reason", JOURNAL_REASONS)
def test_journal_reasons_have_their_own_words_and_a_technician_line(reason: str) -> None:
    for lang in LANGUAGES:
        assert t(f"reason.{reason}", lang) != t("reason._unknown", lang)
        line = t(f"tech.{reason}", lang, journal="/var/lib/kiosk/journal.sqlite3")
        assert "/var/lib/kiosk/journal.sqlite3" in line
    generic = _pixels("normal", {"reason": "no-such-reason", "since": "03:12", "devices": []})
    assert _pixels("normal", {"reason": reason, "since": "03:12", "devices": []}) != generic


@pytest.mark.parametrize("mode", ["normal", "low"])
@pytest.mark.parametrize("reason", JOURNAL_REASONS)
def test_the_technician_line_names_the_journal_file(reason: str, mode: str) -> None:
    base = {"reason": reason, "since": "03:12", "devices": []}
    here = _pixels(mode, {**base, "journal": "/var/lib/kiosk/journal.sqlite3"})
    assert here != _pixels(mode, {**base, "journal": "/srv/kiosk/other-journal.sqlite3"})


@pytest.mark.parametrize("mode", ["zoom200", "low-zoom200"])
def test_at_200_percent_the_resident_words_come_first(mode: str) -> None:
    """Too little room for everything: the technician line gives way, the reason stays."""
    base = {"reason": "journal-corrupt", "since": "03:12", "devices": []}
    assert _pixels(mode, base) != _pixels(mode, {**base, "reason": "journal-unwritable"})


def test_other_reasons_draw_no_technician_line() -> None:
    data = vars(SAMPLES["server"])
    assert _pixels("normal", data) == _pixels("normal", {**data, "journal": "/var/lib/kiosk/journal.sqlite3"})
