"""The physical keypad alone: every item reachable and operable, a visible focus ring, digits typed,
back and help, and the screens' own menus (language, accessibility) and the help prompt."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pygame
from helpers_keypad import MenuHost
from helpers_screens import MODES, Recorder

from common.keypad_keys import VOICE_KEYS, Key
from common.languages import LANGUAGES
from common.languages import NAMES as LANGUAGE_NAMES
from kiosk.views import AccessMode, HelpPrompt, Intent, MoreTimePrompt, Utterance, View
from screens.focus import ring_band, ring_colors
from screens.registry import samples
from screens.runner import TOUCH_GUARD_SECONDS, ScreenRunner
from screens.theme import Theme, contrast_ratio

SAMPLES = samples()


class Clock:
    """The runner's clock, moved by hand: the guard time passes without sleeping."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def keyed(mode: str = "normal") -> tuple[ScreenRunner, Recorder, Clock, list[Utterance]]:
    rec, clock, said = Recorder(), Clock(), []
    r = ScreenRunner(
        headless=True,
        on_intent=rec,
        clock_monotonic=clock,
        theme=Theme(**MODES[mode]),
        screens={"host": MenuHost()},
        on_speech=said.append,
    )
    return r, rec, clock, said


def show(r: ScreenRunner, clock: Clock, view: View) -> None:
    """Show `view` and let the guard time pass (a resident who listened first)."""
    r.show(view)
    r.widgets()
    clock.now += TOUCH_GUARD_SECONDS + 0.1


def _view(screen: str, sample: str, **kw: Any) -> View:
    return View(screen, SAMPLES[screen][sample], **kw)


def focus_on(r: ScreenRunner, widget_id: str) -> None:
    for _ in range(len(r.widgets()) + 1):
        if r.focused == widget_id:
            return
        r.keypad(Key.RIGHT)
    raise AssertionError(f"{widget_id} not reachable; order from {r.focused}")


def test_keypad_alone_reaches_every_widget_and_ok_does_what_a_tap_does() -> None:
    for mode in ("normal", "low-zoom200"):
        r, rec, clock, _ = keyed(mode)
        try:
            show(r, clock, View("host"))
            r.keypad(Key.RIGHT)  # the session's first key shows the ring
            for screen, variants in SAMPLES.items():
                for sample in variants:
                    view = _view(screen, sample, access=AccessMode(keypad=True))
                    show(r, clock, view)
                    ids = r.widgets()
                    start = r.focused
                    seen = set()
                    for _ in range(len(ids)):
                        seen.add(r.focused)
                        r.keypad(Key.RIGHT)
                    assert r.focused == start  # a whole round comes back where it began
                    enabled = {w for w in ids if r.widget(w).enabled}
                    assert enabled <= seen, (mode, screen, sample, enabled - seen)
                    if mode != "normal":
                        continue
                    # One more round in focus order (the e-mail keyboard has 55 keys: not a walk to each).
                    for _ in range(len(ids)):
                        wid = r.focused or ""
                        intent = r.widget(wid).intent
                        # Disabled ones do nothing; the menu and paging are local (their own tests).
                        if intent is not None and intent.name not in {"page", "menu"}:
                            before = len(rec.intents)
                            assert r.keypad(Key.OK) == intent, (screen, sample, wid)
                            assert r.tap(wid) == intent
                            assert rec.intents[before:] == [intent, intent]
                            assert r.focused == wid
                        r.keypad(Key.RIGHT)
        finally:
            r.close()


def test_focus_moves_in_reading_order_wraps_and_moves_by_rows_on_the_number_pad() -> None:
    r, _, clock, _ = keyed()
    try:
        show(r, clock, _view("resident_number", "typing"))
        order = list(r.widgets())
        r.keypad(Key.DOWN)  # shows the ring only
        first = r.focused
        assert first is not None
        r.keypad(Key.LEFT)
        last = r.focused
        r.keypad(Key.RIGHT)
        assert r.focused == first  # wrapped both ways
        assert last != first
        focus_on(r, "key:5")
        r.keypad(Key.UP)
        assert r.focused == "key:2"
        r.keypad(Key.DOWN)
        r.keypad(Key.DOWN)
        assert r.focused == "key:8"
        r.keypad(Key.DOWN)
        assert r.focused == "key:0"
        r.keypad(Key.LEFT)
        assert r.focused == "key:clear"
        r.keypad(Key.DOWN)  # off the pad's bottom edge: what follows the pad
        below = [w for w in order if not w.startswith("key:")]
        assert r.focused in below
        # The same widget keeps the focus when the screen is redrawn with new data ...
        focus_on(r, "key:7")
        r.show(_view("resident_number", "full", serial=5))
        assert r.focused == "key:7"
        # ... and a new screen starts on its first item.
        show(r, clock, _view("options", "resident_copy"))
        assert r.focused == "opt:include_past_addresses"
    finally:
        r.close()


def test_digits_type_on_the_number_screens_and_pick_an_item_on_lists() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, _view("resident_number", "empty"))
        for d in "9001":
            assert r.keypad(Key(d)) == Intent("digit", {"value": d})
        show(r, clock, _view("parcel", "empty"))
        assert r.keypad(Key.DIGIT_4) == Intent("digit", {"value": "4"})
        typed = [Intent("digit", {"value": d}) for d in "90014"]
        # keypad_used: once a screen until a view says the controller heard it (the sample views never do)
        assert rec.intents == [Intent("keypad_used"), *typed[:4], Intent("keypad_used"), typed[4]]
        show(r, clock, _view("choose_document", "all"))
        before = len(rec.intents)
        assert r.keypad(Key.DIGIT_3) is None  # a digit on a list moves the focus: OK chooses
        assert r.focused == "doc:family_relations"
        assert r.keypad(Key.OK) == Intent("choose_document", {"code": "family_relations"})
        assert rec.intents[before:] == [Intent("keypad_used"), Intent("choose_document", {"code": "family_relations"})]
        assert r.keypad(Key.DIGIT_9) is None  # no ninth document: nothing
        assert r.focused == "doc:family_relations"
    finally:
        r.close()


def test_keypad_used_is_sent_once_until_the_controller_has_heard_it() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, _view("resident_number", "empty"))
        for key in (Key.RIGHT, Key.DIGIT_1, Key.LEFT, Key.DIGIT_2):
            r.keypad(key)
        assert rec.intents.count(Intent("keypad_used")) == 1
        assert rec.intents[0] == Intent("keypad_used")
        heard = AccessMode(keypad=True)
        show(r, clock, _view("resident_number", "typing", access=heard))
        show(r, clock, _view("options", "resident_copy", access=heard))
        r.keypad(Key.RIGHT)
        assert rec.intents.count(Intent("keypad_used")) == 1
        # The next session's resident: the controller dropped keypad at idle.
        show(r, clock, _view("idle", "open"))
        r.keypad(Key.RIGHT)
        assert rec.intents.count(Intent("keypad_used")) == 2
    finally:
        r.close()


def test_back_help_voice_keys() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, View("host"))
        assert r.keypad(Key.BACK) == Intent("back")  # the screen has a back button
        assert r.keypad(Key.HELP) == Intent("help")
        assert r.keypad(Key.VOICE) == Intent("access", {"setting": "voice", "value": True})
        show(r, clock, View("host", access=AccessMode(voice=True)))
        assert r.keypad(Key.VOICE) == Intent("access", {"setting": "voice", "value": False})
        for key in VOICE_KEYS:
            assert r.keypad(key) is None
        for screen, variants in SAMPLES.items():
            for sample in variants:
                show(r, clock, _view(screen, sample))
                ids = {w for w in r.widgets() if r.widget(w).enabled}
                want = Intent("back") if "back" in ids else Intent("cancel") if "cancel" in ids else None
                assert r.keypad(Key.BACK) == want, (screen, sample)
        show(r, clock, _view("payment", "waiting", prompt="more_time", prompt_data=MoreTimePrompt(30)))
        assert r.keypad(Key.BACK) is None  # a question: its buttons answer it
        assert r.keypad(Key.DIGIT_1) is None
        assert r.keypad(Key.OK) == Intent("more_time")  # the focus starts on "yes"
        assert Intent("keypad_used") in rec.intents
    finally:
        r.close()


def test_acting_keys_wait_out_the_guard_time_but_arrows_do_not() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, _view("options", "resident_copy"))
        r.keypad(Key.RIGHT)
        focus_on(r, "ok")
        assert r.keypad(Key.OK) == Intent("confirm")
        r.show(_view("payment", "waiting"))
        clock.now += 0.15  # a double press of OK
        assert r.keypad(Key.OK) is None
        assert r.keypad(Key.BACK) is None
        r.keypad(Key.RIGHT)  # arrows move at once
        assert r.focused == "cancel"
        clock.now += TOUCH_GUARD_SECONDS
        assert r.keypad(Key.OK) == Intent("cancel")
        assert rec.intents == [Intent("keypad_used"), Intent("confirm"), Intent("keypad_used"), Intent("cancel")]
    finally:
        r.close()


def _pixel(surface: pygame.Surface, pos: tuple[int, int]) -> tuple[int, int, int]:
    c = surface.get_at(pos)
    return (c.r, c.g, c.b)


def test_the_focus_ring_is_thick_two_tone_and_shows_on_any_fill() -> None:
    r, _, clock, _ = keyed()
    try:
        view = _view("options", "resident_copy")
        show(r, clock, view)
        theme = r.drawn_theme
        colors = theme.colors
        rect = r.widget(r.focused or "").rect
        band = ring_band(theme)
        assert 2 * band * theme.mm_per_px >= 2.0
        inner = (rect.centerx, rect.top + band // 2)
        outer = (rect.centerx, rect.top - band // 2 - 1)
        surface = r.render(view)
        assert _pixel(surface, inner) != colors.notice  # no ring for a resident who only touches
        r.keypad(Key.DOWN)
        surface = r.render(view)
        assert _pixel(surface, inner) == colors.notice
        assert _pixel(surface, outer) == colors.scrim
        r.keypad(Key.DOWN)
        moved = r.widget(r.focused or "").rect
        surface = r.render(view)
        assert _pixel(surface, (moved.centerx, moved.bottom - band // 2 - 1)) == colors.notice
        assert _pixel(surface, inner) != colors.notice  # the old place lost it
        # One of the two bands stands out (>= 3:1) against every colour of every palette.
        for palette in (colors, theme.for_access(AccessMode(high_contrast=True)).colors):
            for f in fields(palette):
                fill = getattr(palette, f.name)
                if not isinstance(fill, tuple):
                    continue  # a flag (outlines), not a colour
                dark, bright = ring_colors(palette)
                best = max(contrast_ratio(dark, fill), contrast_ratio(bright, fill))
                assert best >= 3.0, (f.name, fill)
    finally:
        r.close()


def test_each_view_is_drawn_with_the_residents_theme() -> None:
    r, _, clock, _ = keyed()
    try:
        show(r, clock, _view("options", "resident_copy"))
        small = r.widget("ok").rect
        show(r, clock, _view("options", "resident_copy", access=AccessMode(zoom=2.0, low_position=True)))
        assert r.drawn_theme.scale == 2.0
        assert r.drawn_theme.low_position
        big = r.widget("ok").rect
        assert big.height > small.height
        with r.theme.recording() as record:  # the booth's theme hears what a variant drew
            r.render(_view("options", "family", access=AccessMode(zoom=2.0)))
        assert record.texts
    finally:
        r.close()


# --- the screens' own menus --------------------------------------------------------------------
def test_language_chooser() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, View("host", language="en"))
        assert r.tap("lang") == Intent("menu", {"name": "language"})
        clock.now += 1
        assert r.menu == "language"
        assert r.widgets() == [f"lang:{code}" for code in LANGUAGES] + ["lang:close"]
        for code in LANGUAGES:
            assert r.widget(f"lang:{code}").label == LANGUAGE_NAMES[code]
        assert r.widget("lang:en").style == "lang_on"
        assert rec.intents == []  # opening a menu is the screens' business
        assert r.tap("lang:ko") == Intent("language", {"code": "ko"})
        assert rec.intents == [Intent("language", {"code": "ko"})]
        assert r.menu is None
        assert "lang" in r.widgets()
        clock.now += 1
        # By keypad: OK on "lang", a digit picks the language, OK chooses it.
        r.keypad(Key.RIGHT)
        focus_on(r, "lang")
        r.keypad(Key.OK)
        clock.now += 1
        assert r.focused == "lang:ko"  # a menu starts on its first item
        r.keypad(Key.DIGIT_2)
        assert r.focused == "lang:en"
        assert r.keypad(Key.OK) == Intent("language", {"code": "en"})
        # Closed by its close button, by back, and by a new screen; the controller hears none of it.
        for close in ("button", "back", "screen"):
            clock.now += 1
            r.tap("lang")
            clock.now += 1
            assert r.menu == "language"
            before = list(rec.intents)
            if close == "button":
                r.tap("lang:close")
            elif close == "back":
                assert r.keypad(Key.BACK) == Intent("menu_close")
            else:
                show(r, clock, _view("idle", "open"))
                show(r, clock, View("host"))
            assert r.menu is None
            assert rec.intents == before
    finally:
        r.close()


def test_accessibility_menu_toggles_and_shows_the_current_state() -> None:
    r, rec, clock, _ = keyed()
    try:
        show(r, clock, View("host", language="en"))
        r.tap("access")
        clock.now += 1
        ids = ["access:zoom", "access:high_contrast", "access:low_position", "access:voice", "access:close"]
        assert r.widgets() == ids
        assert r.tap("access:zoom") == Intent("access", {"setting": "zoom", "value": 2.0})
        for setting in ("high_contrast", "low_position", "voice"):
            assert r.tap(f"access:{setting}") == Intent("access", {"setting": setting, "value": True})
            assert r.widget(f"access:{setting}").detail == "Off"
        assert r.menu == "access"  # stays open: several settings in a row
        on = AccessMode(zoom=2.0, high_contrast=True, low_position=True, voice=True)
        show(r, clock, View("host", language="en", access=on))
        assert r.menu == "access"
        assert r.drawn_theme.scale == 2.0
        assert r.widget("access:zoom").intent == Intent("access", {"setting": "zoom", "value": 1.0})
        for setting in ("high_contrast", "low_position", "voice"):
            while f"access:{setting}" not in r.widgets():  # 200 % in the low position: paged
                r.tap("menu:next")
            w = r.widget(f"access:{setting}")
            assert w.intent == Intent("access", {"setting": setting, "value": False})
            assert (w.detail, w.style) == ("On", "lang_on")
        r.tap("access:close")
        assert r.menu is None
        assert all(i.name == "access" for i in rec.intents)
    finally:
        r.close()


def test_help_prompt() -> None:
    r, rec, clock, _ = keyed()
    try:
        for sent, words in ((True, "reached the staff"), (False, "call the number above")):
            view = View(
                "host", language="en", prompt="help", prompt_data=HelpPrompt(phone="1588-2100", sent=sent)
            )
            with r.theme.recording() as record:
                show(r, clock, view)
            assert r.widgets() == ["help:close"]  # modal
            said = " ".join(record.texts)
            assert "1588-2100" in said
            assert words in said
        assert r.keypad(Key.HELP) is None  # already asking
        assert r.keypad(Key.BACK) == Intent("help_close")
        assert r.tap("help:close") == Intent("help_close")
        assert rec.intents[-2:] == [Intent("help_close"), Intent("help_close")]
    finally:
        r.close()


def test_overlays_fit_every_mode_and_language() -> None:
    overlays: list[tuple[str, dict[str, Any]]] = [
        ("lang", {}),
        ("access", {}),
        ("", {"prompt": "help", "prompt_data": HelpPrompt(phone="1588-2100", sent=False)}),
    ]
    for mode in MODES:
        r, _, clock, _ = keyed(mode)
        try:
            for lang in LANGUAGES:
                for opener, extra in overlays:
                    show(r, clock, View("host", language=lang, **extra))
                    if opener:
                        r.tap(opener)
                    with r.theme.recording() as record:
                        r.render(View("host", language=lang, **extra))
                    theme = r.drawn_theme
                    assert not record.clipped, (mode, lang, opener, record.clipped)
                    rects = [r.widget(w).rect for w in r.widgets()]
                    for i, rect in enumerate(rects):
                        assert pygame.Rect(0, 0, *theme.size).contains(rect)
                        assert min(rect.size) >= theme.min_target, (mode, opener, rect)
                        assert rect.top >= theme.control_top, (mode, opener, rect)
                        assert not any(rect.colliderect(o) for o in rects[i + 1 :])
                    if opener:
                        clock.now += 1
                        r.keypad(Key.BACK)
                        assert r.menu is None
        finally:
            r.close()
