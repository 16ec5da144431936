"""Touches and keys become the right Intents, exactly once, and nothing else reaches the controller."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pygame
import pytest
from helpers_screens import Recorder, runner

from kiosk.views import ChooseDocumentView, DocumentChoice, Intent, MoreTimePrompt, OptionsView, View
from screens.registry import samples
from screens.runner import ScreenRunner
from screens.screen import Screen
from screens.theme import Theme
from screens.widgets import Widget

SAMPLES = samples()


def _view(screen: str, sample: str, **kw: Any) -> View:
    return View(screen, SAMPLES[screen][sample], **kw)


@pytest.mark.parametrize(
    ("screen", "sample", "widget", "intent"),
    [
        ("idle", "open", "start", Intent("start")),
        ("idle", "open", "help", Intent("help")),
        ("choose_document", "all", "back", Intent("back")),
        ("resident_number", "typing", "back", Intent("back")),
        ("fingerprint", "place", "back", Intent("back")),
        ("options", "resident_copy", "back", Intent("back")),
        ("parcel", "typing", "back", Intent("back")),
        ("payment", "waiting", "help", Intent("help")),
        (
            "choose_document",
            "all",
            "doc:family_relations",
            Intent("choose_document", {"code": "family_relations"}),
        ),
        ("choose_document", "all", "cancel", Intent("cancel")),
        ("resident_number", "typing", "key:7", Intent("digit", {"value": "7"})),
        ("resident_number", "typing", "key:0", Intent("digit", {"value": "0"})),
        ("resident_number", "typing", "key:back", Intent("backspace")),
        ("resident_number", "typing", "key:clear", Intent("clear")),
        ("resident_number", "typing", "ok", Intent("confirm")),
        ("resident_number", "typing", "cancel", Intent("cancel")),
        ("fingerprint", "place", "cancel", Intent("cancel")),
        (
            "options",
            "resident_copy",
            "opt:show_member_numbers",
            Intent("toggle_option", {"option_id": "show_member_numbers"}),
        ),
        ("options", "resident_copy", "copies:+", Intent("copies", {"delta": 1})),
        ("options", "resident_copy", "copies:-", Intent("copies", {"delta": -1})),
        ("options", "resident_copy", "ok", Intent("confirm")),
        ("payment", "waiting", "pay:card", Intent("pay_card")),
        ("payment", "waiting", "cancel", Intent("cancel")),
        ("done", "issued", "ok", Intent("confirm")),
        ("maintenance", "default", "maint:exit", Intent("maintenance_exit")),
        ("maintenance", "default", "maint:page:cash", Intent("maint", {"do": "page", "page": "cash"})),
    ],
)
@pytest.mark.parametrize("mode", ["normal", "low-zoom200"])
def test_tap_gives_the_intent(screen: str, sample: str, widget: str, intent: Intent, mode: str) -> None:
    r, rec = runner(mode)
    try:
        r.show(_view(screen, sample))
        while widget not in r.widgets():  # at 200 % a long list pages, as a resident would
            r.tap("page:next")
        assert r.tap(widget) == intent
        assert rec.intents == [intent]
    finally:
        r.close()


@pytest.mark.parametrize(
    ("widget", "menu", "items"),
    [
        ("lang", "language", ["lang:ko", "lang:en", "lang:zh", "lang:vi"]),
        ("access", "access", ["access:zoom", "access:high_contrast", "access:low_position", "access:voice"]),
    ],
)
@pytest.mark.parametrize("mode", ["normal", "low-zoom200"])
def test_service_buttons_open_their_menu_on_the_screen(widget: str, menu: str, items: list[str], mode: str) -> None:
    """The language and accessibility buttons open the screens' own menu over the screen: its
    choices are then the only targets, and the controller hears nothing until one is chosen."""
    r, rec = runner(mode)
    try:
        r.show(_view("idle", "open"))
        r.tap(widget)
        assert r.menu == menu
        shown: list[str] = []
        while True:  # at 200 % in the low position a menu may page, as a resident would turn it
            shown += [w for w in r.widgets() if w in items and w not in shown]
            if "menu:next" not in r.widgets() or r.widget("menu:next").intent is None:
                break
            r.tap("menu:next")
        assert shown == items
        assert "start" not in r.widgets()  # the screen below does not take touches through the menu
        assert rec.intents == []
        assert rec.still_here  # yet the resident's countdown starts again
    finally:
        r.close()


def test_widgets_do_not_overlap_and_are_on_screen() -> None:
    for mode in ("normal", "zoom200", "low", "low-zoom200"):
        r, _ = runner(mode)
        try:
            screen_rect = pygame.Rect(0, 0, 1080, 1920)
            for screen, variants in SAMPLES.items():
                for sample in variants:
                    r.render(_view(screen, sample))
                    rects = [(w, r.widget(w).rect) for w in r.widgets()]
                    for i, (wid, rect) in enumerate(rects):
                        assert screen_rect.contains(rect), (mode, screen, wid, rect)
                        for other, orect in rects[i + 1 :]:
                            assert not rect.colliderect(orect), (mode, screen, sample, wid, other)
        finally:
            r.close()


def test_an_unavailable_document_is_shown_but_does_nothing() -> None:
    r, rec = runner()
    try:
        r.show(
            View(
                "choose_document",
                ChooseDocumentView(
                    documents=[
                        DocumentChoice("resident_copy", 200, True, False, "fingerprint-unavailable"),
                        DocumentChoice("land_register", 500, False),
                    ]
                ),
            )
        )
        assert "doc:resident_copy" in r.widgets()
        assert r.tap("doc:resident_copy") is None
        assert rec.intents == []
        assert r.tap("doc:land_register") == Intent("choose_document", {"code": "land_register"})
    finally:
        r.close()


def test_copies_cannot_go_below_one_or_above_the_limit() -> None:
    r, rec = runner()
    try:
        base = OptionsView(document="land_register", options=[], fee_per_copy=500, max_copies=2)
        r.show(View("options", replace(base, copies=1, total=500)))
        assert r.tap("copies:-") is None
        r.show(View("options", replace(base, copies=2, total=1000)))
        assert r.tap("copies:+") is None
        assert rec.intents == []
    finally:
        r.close()


def test_tap_on_an_absent_widget_names_the_visible_ones() -> None:
    r, _ = runner()
    try:
        r.show(_view("done", "issued"))
        with pytest.raises(KeyError, match="'ok'"):
            r.tap("start")
    finally:
        r.close()


def test_more_time_prompt_is_modal() -> None:
    r, rec = runner()
    try:
        r.show(_view("resident_number", "typing", prompt="more_time", prompt_data=MoreTimePrompt(seconds_left=20)))
        assert r.widgets() == ["more_time:yes", "more_time:no"]
        assert r.tap("more_time:yes") == Intent("more_time")
        assert r.tap("more_time:no") == Intent("cancel")
        with pytest.raises(KeyError):
            r.tap("key:1")
        r.show(_view("resident_number", "typing"))
        assert "key:1" in r.widgets()
        assert rec.intents == [Intent("more_time"), Intent("cancel")]
    finally:
        r.close()


def test_long_list_pages_locally_at_200_percent() -> None:
    """Paging is the screen's own business: the controller never hears of it."""
    r, rec = runner("low-zoom200")
    try:
        r.show(_view("choose_document", "all"))
        seen: set[str] = set()
        for _ in range(10):
            seen |= {w for w in r.widgets() if w.startswith("doc:")}
            if r.widget("page:next").intent is None:
                break
            r.tap("page:next")
        assert seen == {f"doc:{d.code}" for d in SAMPLES["choose_document"]["all"].documents}
        assert rec.intents == []
        r.tap("page:prev")
        r.show(_view("idle", "open"))
        r.show(_view("choose_document", "all"))
        assert "doc:resident_copy" in r.widgets()  # a new visit starts on the first page
    finally:
        r.close()


async def test_headless_loop_draws_only_when_the_view_changes() -> None:
    draws: list[int] = []

    class Counting(Screen):
        name = "counting"

        def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
            return []

        def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
            draws.append(view.serial)
            surface.fill((0, 0, 0))

    r = ScreenRunner(headless=True, on_intent=Recorder(), screens={"counting": Counting()})
    task = asyncio.create_task(r.run())
    try:
        r.show(View("counting", serial=1))
        await asyncio.sleep(0.05)
        assert draws == [1]
        await asyncio.sleep(0.1)
        assert draws == [1]
        r.show(View("counting", serial=2))
        r.show(View("counting", serial=3))
        await asyncio.sleep(0.05)
        assert draws[-1] == 3
        assert len(draws) <= 3
    finally:
        r.close()
        await asyncio.wait_for(task, 1)


async def test_window_touch_and_keypad_with_sdl_events() -> None:
    rec = Recorder()
    r = ScreenRunner(headless=False, on_intent=rec)
    task = asyncio.create_task(r.run())
    try:
        r.show(_view("resident_number", "typing"))
        await asyncio.sleep(0.1)
        centre = r.widget("key:5").rect.center
        pygame.event.post(
            pygame.event.Event(
                pygame.FINGERDOWN,
                x=centre[0] / 1080,
                y=centre[1] / 1920,
                dx=0.0,
                dy=0.0,
                touch_id=1,
                finger_id=1,
                pressure=1.0,
            )
        )
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=1, touch=True))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=centre, button=1, touch=True))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=3, touch=False))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=centre, button=3, touch=False))
        # Enter and Escape go through the keypad's path (OK on the focus, back): tests/screens/test_screens_keypad.py
        for key in (pygame.K_3, pygame.K_KP_7, pygame.K_BACKSPACE, pygame.K_a):
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
        for _ in range(50):
            await asyncio.sleep(0.02)
            if len(rec.intents) >= 5:
                break
        assert rec.intents == [
            Intent("digit", {"value": "5"}),
            Intent("keypad_used"),  # the first key of the session
            Intent("digit", {"value": "3"}),
            Intent("digit", {"value": "7"}),
            Intent("backspace"),
        ]
    finally:
        r.close()
        await asyncio.wait_for(task, 1)


def test_enter_answers_the_prompt_and_digits_are_ignored_under_it() -> None:
    r, rec = runner()
    try:
        r.show(_view("payment", "waiting", prompt="more_time"))
        r.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0, unicode="1", scancode=0))
        r.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="", scancode=0))
        assert rec.intents == [Intent("keypad_used"), Intent("more_time")]  # the focus starts on "yes"
    finally:
        r.close()


# --- the touch guard and press/release (issue 11: a double tap cancelled the session) -----------
class _Clock:
    """The runner's clock, moved by hand: the guard is tested without sleeping."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _guarded_runner() -> tuple[ScreenRunner, Recorder, _Clock]:
    rec, clock = Recorder(), _Clock()
    return ScreenRunner(headless=True, on_intent=rec, clock_monotonic=clock), rec, clock


def test_a_touch_right_after_a_screen_change_is_ignored() -> None:
    from screens.runner import TOUCH_GUARD_SECONDS

    r, rec, clock = _guarded_runner()
    try:
        r.show(_view("options", "resident_copy"))
        assert r.tap("ok") == Intent("confirm")  # the first screen ever shown has no guard
        r.show(_view("payment", "waiting"))
        clock.now += 0.15  # the second touch of a double tap
        assert r.tap("cancel") is None
        clock.now += TOUCH_GUARD_SECONDS
        assert r.tap("cancel") == Intent("cancel")
        assert rec.intents == [Intent("confirm"), Intent("cancel")]
    finally:
        r.close()


def test_a_new_view_of_the_same_screen_keeps_touches_counting() -> None:
    r, rec, _ = _guarded_runner()
    try:
        r.show(_view("resident_number", "typing"))
        for serial in range(3):  # every digit publishes a new view of the same screen
            r.show(_view("resident_number", "typing", serial=serial))
            assert r.tap("key:1") == Intent("digit", {"value": "1"})
        assert len(rec.intents) == 3
    finally:
        r.close()


def test_a_prompt_appearing_starts_the_guard_too() -> None:
    r, _, clock = _guarded_runner()
    try:
        r.show(_view("options", "resident_copy"))
        r.show(_view("options", "resident_copy", prompt="more_time"))
        assert r.tap("more_time:no") is None
        clock.now += 1
        assert r.tap("more_time:no") == Intent("cancel")
    finally:
        r.close()


def test_a_press_counts_only_on_the_screen_and_button_it_began_on() -> None:
    r, rec, clock = _guarded_runner()
    try:
        r.show(_view("options", "resident_copy"))
        ok = r.widget("ok").rect.center
        r.touch_down(ok)
        r.show(_view("payment", "waiting"))
        clock.now += 5
        cancel = r.widget("cancel").rect.center
        assert r.touch_up(cancel) is None  # began on options, ends on payment
        r.touch_down(cancel)
        assert r.touch_up(r.widget("pay:card").rect.center) is None  # slid off to another button
        assert rec.intents == []
        r.touch_down(cancel)
        assert r.touch_up(cancel) == Intent("cancel")
    finally:
        r.close()


@pytest.mark.parametrize(("before", "after"), [("options", "payment"), ("resident_number", "fingerprint")])
@pytest.mark.parametrize("mode", ["normal", "zoom200", "low", "low-zoom200"])
def test_no_cancel_under_the_previous_screens_ok(before: str, after: str, mode: str) -> None:
    """The screens that follow an OK keep cancel away from where that OK was."""
    first = {"options": "resident_copy", "resident_number": "full"}[before]
    second = {"payment": "waiting", "fingerprint": "place"}[after]
    r, _ = runner(mode)
    try:
        r.show(_view(before, first))
        ok = r.widget("ok").rect
        r.show(_view(after, second))
        for wid in r.widgets():
            w = r.widget(wid)
            if w.intent == Intent("cancel"):
                assert not w.rect.colliderect(ok), f"{after} {wid} {w.rect} under {before} ok {ok}"
    finally:
        r.close()


def test_a_resident_number_error_at_200_percent_low_takes_the_digit_keys_place() -> None:
    """Low position at 200 %: the slots, the error whole, and under it the keys that correct it;
    clear or backspace clears the error (the controller), and the keypad is back."""
    r, rec = runner("low-zoom200")
    try:
        with r.theme.recording() as record:
            r.render(_view("resident_number", "invalid_date", language="en"))
        keys = {w for w in r.widgets() if w.startswith("key:")}
        assert keys == {"key:clear", "key:back"}
        assert "The date of birth is not valid. Please check it." in record.texts
        assert not record.clipped
        assert r.tap("key:back") == Intent("backspace")
        assert r.tap("key:clear") == Intent("clear")
        assert rec.intents == [Intent("backspace"), Intent("clear")]
        r.render(_view("resident_number", "full", language="en"))
        assert {f"key:{d}" for d in range(10)} <= set(r.widgets())
    finally:
        r.close()
