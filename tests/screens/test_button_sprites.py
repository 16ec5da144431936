"""Keyboard keys blitted from kept sprites look, read and sound exactly as keys drawn afresh."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

import pygame
import pytest
from helpers_screens import runner

from kiosk.views import AccessMode, View
from screens import widgets
from screens.registry import samples
from screens.theme import DrawnRecord, Theme
from screens.widgets import Widget, draw_widget

KEYBOARD_SCREENS = ("notice_email", "resident_number", "pickup", "parcel", "tech_login")
ACCESS = (AccessMode(), AccessMode(zoom=2.0), AccessMode(high_contrast=True, low_position=True))


def _drawn_directly(surface: pygame.Surface, theme: Theme, key: Hashable, rect: pygame.Rect, paint: Any) -> None:
    paint(surface, rect)


def _said(record: DrawnRecord) -> tuple[Any, ...]:
    lines = [(ln.text, ln.size, ln.bold, ln.color, ln.background, tuple(ln.rect), ln.cut, ln.decorative)
             for ln in record.lines]
    return tuple(record.texts), tuple(record.clipped), tuple(lines)


def _views() -> Iterator[View]:
    for screen, variants in samples().items():
        if screen in KEYBOARD_SCREENS:
            for data in variants.values():
                for access in ACCESS:
                    yield View(screen=screen, data=data, access=access)


def test_a_keyboard_from_sprites_is_pixel_and_word_for_word_the_keyboard_drawn_afresh(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pixels (so a low-vision resident sees the same keys) and the recording (so voice guidance
    says every key and the accessibility tests measure every label) are both identical."""
    ui, _ = runner()
    views = list(_views())
    assert {v.screen for v in views} >= {"notice_email", "resident_number"}
    try:
        for view in views:
            ui.render(view)  # the sprites are made here
            with ui.theme.recording() as from_sprites:
                ui.render(view)
            sprite_pixels = pygame.image.tobytes(ui._frame, "RGB")
            with monkeypatch.context() as patch:
                patch.setattr(widgets, "draw_cached", _drawn_directly)
                with ui.theme.recording() as drawn:
                    ui.render(view)
            assert pygame.image.tobytes(ui._frame, "RGB") == sprite_pixels, view.screen
            assert _said(from_sprites) == _said(drawn), view.screen
            assert from_sprites.texts, view.screen
    finally:
        ui.close()


def test_a_key_whose_label_does_not_fit_still_reports_it_every_time() -> None:
    """A too-narrow key is drawn directly, so the accessibility check still sees its cut text."""
    theme = Theme()
    frame = pygame.Surface((400, 400))
    key = Widget("key:x", pygame.Rect(10, 10, theme.sp(60), theme.sp(60)), None, "domain-far-too-long.example",
                 "key")
    for _ in range(2):
        with theme.recording() as said:
            draw_widget(frame, theme, key)
        assert said.clipped or any(line.cut for line in said.lines)


def test_sprites_kept_stay_within_their_pixel_budget() -> None:
    """A booth that shows every label there is keeps a bounded picture store (months of uptime)."""
    from screens import button_sprites

    theme = Theme()
    frame = pygame.Surface((1080, 1920))
    for n in range(2000):
        draw_widget(frame, theme, Widget(f"key:{n}", pygame.Rect(0, 0, 200, 200), None, str(n), "key"))
    kept = button_sprites._BY_THEME[theme]
    assert kept.used_bytes <= kept.budget_bytes
    assert 0 < len(kept.sprites) < 2000
