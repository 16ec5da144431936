"""The lot-number (지번) screen: its widgets and intents, both languages, low position and 200 % zoom."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest
from helpers_screens import MODES, runner

from kiosk.views import Intent, View
from screens.registry import builtin_screens, samples
from screens.strings import has

SAMPLES = samples()["parcel"]
WIDGETS = {
    *(f"key:{d}" for d in range(10)),
    *("key:dash", "key:back", "key:clear", "ok", "back", "cancel", "lang", "access", "help"),
}
CORRECTING = {"key:back", "key:clear", "ok", "back", "cancel", "lang", "access", "help"}


def _view(sample: str, *, language: str = "ko", notices: tuple[str, ...] = ()) -> View:
    return View("parcel", SAMPLES[sample], language=language, notices=notices)


def test_registered_with_the_samples_the_gallery_shows() -> None:
    assert builtin_screens()["parcel"].name == "parcel"
    assert {"empty", "typing", "not_found"} <= set(SAMPLES)
    assert SAMPLES["typing"].lot == "123-4"
    assert SAMPLES["not_found"].error == "not-found"


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders_every_sample_with_all_widgets(mode: str, lang: str) -> None:
    r, _ = runner(mode)
    try:
        for sample in SAMPLES:
            frame = r.render(_view(sample, language=lang, notices=("receipt-paper-out",)))
            assert r.screen_shown == "parcel", (sample, lang, mode)
            assert frame.get_size() == (1080, 1920)
            shown = set(r.widgets())
            # Zoomed, an error that does not fit above the keypad stands in the digit keys' place.
            correcting = bool(SAMPLES[sample].error) and r.theme.scale > 1.0 and shown == CORRECTING
            assert shown == WIDGETS or correcting, (sample, lang, mode)
    finally:
        r.close()


@pytest.mark.parametrize(
    ("widget", "intent"),
    [
        ("key:0", Intent("digit", {"value": "0"})),
        ("key:7", Intent("digit", {"value": "7"})),
        ("key:dash", Intent("digit", {"value": "-"})),
        ("key:back", Intent("backspace")),
        ("key:clear", Intent("clear")),
        ("ok", Intent("confirm")),
        ("cancel", Intent("cancel")),
    ],
)
@pytest.mark.parametrize("mode", ["normal", "low-zoom200"])
def test_tap_gives_the_intent(widget: str, intent: Intent, mode: str) -> None:
    r, rec = runner(mode)
    try:
        r.show(_view("typing"))
        assert r.tap(widget) == intent
        assert rec.intents == [intent]
    finally:
        r.close()


def test_every_digit_key_sends_its_digit() -> None:
    r, rec = runner()
    try:
        r.show(_view("empty"))
        for d in "0123456789":
            r.tap(f"key:{d}")
        assert rec.intents == [Intent("digit", {"value": d}) for d in "0123456789"]
    finally:
        r.close()


@pytest.mark.parametrize("mode", list(MODES))
def test_widgets_are_on_screen_apart_and_big_enough(mode: str) -> None:
    r, _ = runner(mode)
    screen = pygame.Rect(0, 0, 1080, 1920)
    try:
        for sample in SAMPLES:
            for lang in ("ko", "en"):
                for notices in ((), ("receipt-paper-out", "low-change")):
                    r.render(_view(sample, language=lang, notices=notices))
                    rects = [(w, r.widget(w).rect) for w in r.widgets()]
                    for i, (wid, rect) in enumerate(rects):
                        assert screen.contains(rect), (mode, sample, wid, rect)
                        assert min(rect.size) >= r.theme.min_target, (mode, sample, wid, rect.size)
                        if r.theme.low_position:
                            assert rect.top >= r.theme.control_top, (mode, sample, wid)
                        for other, orect in rects[i + 1 :]:
                            assert not rect.colliderect(orect), (mode, sample, lang, wid, other)
    finally:
        r.close()


def test_low_position_keeps_controls_in_the_lower_part() -> None:
    r, _ = runner("low")
    try:
        r.render(_view("typing"))
        assert min(r.widget(w).rect.top for w in r.widgets()) >= r.theme.reach_top > 0
    finally:
        r.close()


def test_zoom_200_makes_the_keys_bigger_text_and_keeps_the_typed_lot() -> None:
    """At 200 % the keypad labels grow and the typed number still changes the pixels."""
    small, _ = runner()
    big, _ = runner("zoom200")
    try:
        small.render(_view("typing"))
        big.render(_view("typing"))
        assert big.widget("ok").rect.height > small.widget("ok").rect.height
        typed = pygame.image.tobytes(big.render(_view("typing")), "RGB")
        empty = pygame.image.tobytes(big.render(_view("empty")), "RGB")
        assert typed != empty
    finally:
        small.close()
        big.close()


def test_ok_lights_up_only_for_a_whole_lot_number() -> None:
    r, _ = runner()
    try:
        for lot, style in (("", "secondary"), ("123-", "secondary"), ("123", "primary"), ("123-4", "primary")):
            r.render(View("parcel", replace(SAMPLES["empty"], lot=lot)))
            assert r.widget("ok").style == style, lot
            assert r.widget("ok").intent == Intent("confirm")  # the controller judges; OK always asks
    finally:
        r.close()


def test_errors_are_shown_in_words_and_differ_from_no_error() -> None:
    r, _ = runner()
    try:
        for code in ("incomplete", "not-found"):
            assert has(f"lot_error.{code}")
            plain = pygame.image.tobytes(r.render(View("parcel", SAMPLES["typing"])), "RGB")
            shown = pygame.image.tobytes(r.render(View("parcel", replace(SAMPLES["typing"], error=code))), "RGB")
            assert plain != shown, code
    finally:
        r.close()


def test_odd_data_never_takes_the_screen_down() -> None:
    r, _ = runner("low-zoom200")
    try:
        for data in (
            {},
            {"lot": 123, "district": None, "error": 5, "document": 7},
            {"lot": "12345678901234567890abc", "error": "no-such-error", "document": "mystery"},
            {"lot": "1-2-3-4-5-6-7", "district": "아주 긴 이름의 " * 10},
        ):
            r.render(View("parcel", data, language="xx"))
            assert r.screen_shown == "parcel"
            # An error at 200 % stands in the digit keys' place: the keys that correct it stay.
            assert {"key:clear", "key:back", "back", "cancel", "ok"} <= set(r.widgets()) <= WIDGETS
    finally:
        r.close()


def test_at_200_percent_low_an_error_takes_the_digit_keys_place_until_corrected() -> None:
    """Low position at 200 %: the error cannot stand whole above five key rows, so it stands in
    their place with the keys that correct it (clear, backspace); once corrected, the keypad is back."""
    r, _ = runner("low-zoom200")
    try:
        with r.theme.recording() as record:
            r.render(_view("not_found", language="en"))
        assert set(r.widgets()) == CORRECTING
        assert "There is no such lot number here. Please check it." in record.texts
        assert not record.clipped
        assert r.tap("key:back") == Intent("backspace")
        assert r.tap("key:clear") == Intent("clear")
        r.render(_view("typing", language="en"))
        assert set(r.widgets()) == WIDGETS
    finally:
        r.close()
