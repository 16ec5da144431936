"""What voice guidance is given to say: what is shown, what changed, where the focus is; and never a
resident number or a card number."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from helpers_keypad import MenuHost
from helpers_screens import Recorder
from hypothesis import given, settings
from hypothesis import strategies as st

from common.keypad_keys import Key
from kiosk.privacy import mask_resident_number
from kiosk.views import (
    AccessMode,
    FingerprintView,
    HelpPrompt,
    MoreTimePrompt,
    OptionsView,
    PaymentView,
    ResidentNumberView,
    Utterance,
    View,
)
from screens.registry import samples
from screens.runner import ScreenRunner
from screens.speech import spoken_label

SAMPLES = samples()
SIX_DIGITS = re.compile(r"\d{6,}")


class Speech:
    def __init__(self) -> None:
        self.said: list[Utterance] = []

    def __call__(self, utterance: Utterance) -> None:
        self.said.append(utterance)

    def take(self) -> list[Utterance]:
        said, self.said = self.said, []
        return said


def speaking() -> tuple[ScreenRunner, Speech]:
    speech = Speech()
    return ScreenRunner(headless=True, on_intent=Recorder(), on_speech=speech, touch_guard_seconds=0), speech


def _view(screen: str, sample: str, **kw: Any) -> View:
    return View(screen, SAMPLES[screen][sample], **kw)


def test_each_new_screen_is_said_whole_and_never_a_masked_number() -> None:
    r, speech = speaking()
    try:
        for lang in ("ko", "en"):
            for screen, variants in SAMPLES.items():
                for sample in variants:
                    r.render(View("boot" if screen != "boot" else "idle", language=lang))
                    speech.take()
                    with r.theme.recording() as record:
                        r.render(_view(screen, sample, language=lang))
                    said = speech.take()
                    assert [u.kind for u in said] == ["screen"], (screen, sample)
                    assert said[0].language == lang
                    text = said[0].text
                    named = {r.widget(w).label for w in r.widgets()
                             if spoken_label(r.widget(w), lang) != r.widget(w).label}
                    for drawn in record.texts:
                        if "*" in drawn or SIX_DIGITS.search(drawn):
                            continue  # said as how many digits, below
                        if drawn in named:
                            continue  # a sign said by its name ("underscore"), below
                        assert drawn in text, (screen, sample, drawn)
                    assert "*" not in text
                    assert not SIX_DIGITS.search(text), (screen, sample, text)
                    for widget in r.widgets():  # every button is named, pictures (+, -) and signs (@, _) too
                        by_name = spoken_label(r.widget(widget), lang) in text
                        assert r.widget(widget).label in text or by_name or widget.startswith("copies:"), widget
    finally:
        r.close()


def test_a_masked_number_is_said_as_its_length() -> None:
    r, speech = speaking()
    try:
        r.render(_view("fingerprint", "place", language="en"))
        (said,) = speech.take()
        assert "900101" not in said.text
        assert "hidden number, 13 digits" in said.text
        r.render(View("resident_number", ResidentNumberView(masked="9001", digits=4), language="en"))
        (said,) = speech.take()
        assert "4 digits typed" in said.text
        assert "9001" not in said.text
        r.render(View("resident_number", ResidentNumberView(masked="90010", digits=5), language="en"))
        assert [(u.kind, u.text) for u in speech.take()] == [("change", "5 digits typed")]
    finally:
        r.close()


def test_a_change_on_the_same_screen_says_only_what_changed() -> None:
    r, speech = speaking()
    try:
        waiting = SAMPLES["payment"]["waiting"]
        assert isinstance(waiting, PaymentView)
        r.render(View("payment", waiting, language="en"))
        assert [u.kind for u in speech.take()] == ["screen"]
        r.render(View("payment", waiting, language="en", serial=2))  # the same words again: silence
        assert speech.take() == []
        ticking = replace(waiting, seconds_left=waiting.seconds_left - 1 if waiting.seconds_left else 90)
        r.render(View("payment", ticking, language="en"))
        assert speech.take() == []  # the countdown is shown, not chattered every second
        paid = replace(ticking, paid=waiting.paid + 100, remaining=waiting.remaining - 100)
        r.render(View("payment", paid, language="en"))
        (said,) = speech.take()
        assert said.kind == "change"
        assert f"{paid.paid} won" in said.text
        assert "Cancel" not in said.text  # what stayed the same is not said again
        r.render(View("payment", paid, language="en", prompt="more_time", prompt_data=MoreTimePrompt(20)))
        (said,) = speech.take()
        assert said.kind == "screen"  # a prompt is new: said whole, and only the prompt
        assert "Cancel" not in said.text
        r.render(View("payment", paid, language="en", prompt="more_time", prompt_data=MoreTimePrompt(19)))
        assert speech.take() == []
    finally:
        r.close()


def test_the_focus_is_said_when_it_moves() -> None:
    r, speech = speaking()
    try:
        keypad = AccessMode(keypad=True)
        r.render(_view("choose_document", "all", language="en", access=keypad))
        (said,) = speech.take()
        assert said.text.endswith("Now on: Resident registration (household), button, 1 of 6")
        r.keypad(Key.RIGHT)
        r.render(_view("choose_document", "all", language="en", access=keypad))
        assert [(u.kind, u.text) for u in speech.take()] == [
            ("focus", "Resident registration (individual), button, 2 of 6")
        ]
        options = SAMPLES["options"]["resident_copy"]
        assert isinstance(options, OptionsView)
        r.render(View("options", options, language="en", access=keypad))
        speech.take()
        r.keypad(Key.RIGHT)
        r.render(View("options", options, language="en", access=keypad))
        (said,) = speech.take()
        assert said.kind == "focus"
        selected = {o.option_id: o.selected for o in options.options}["show_member_numbers"]
        assert ("not selected" not in said.text) == selected, said.text
    finally:
        r.close()


@cache
def _privacy_runner() -> tuple[ScreenRunner, Speech]:
    return speaking()


@settings(max_examples=40, deadline=None)
@given(typed=st.text(alphabet="0123456789", min_size=1, max_size=13), lang=st.sampled_from(["ko", "en"]))
def test_no_utterance_holds_a_resident_number(typed: str, lang: str) -> None:
    r, speech = _privacy_runner()
    speech.take()
    keypad = AccessMode(keypad=True)
    r.render(View("idle", SAMPLES["idle"]["open"], language=lang))
    for n in range(1, len(typed) + 1):
        data = ResidentNumberView(document="resident_copy", masked=mask_resident_number(typed[:n]), digits=n)
        r.render(View("resident_number", data, language=lang, access=keypad))
        r.keypad(Key.RIGHT)
    if len(typed) == 13:
        masked = mask_resident_number(typed)
        r.render(View("fingerprint", FingerprintView(document="resident_copy", masked=masked), language=lang))
    said = speech.take()
    assert said
    for utterance in said:
        assert not SIX_DIGITS.search(utterance.text), utterance
        if len(typed) >= 4:
            assert typed[:4] not in utterance.text, utterance


def test_menus_and_the_help_prompt_are_said() -> None:
    speech = Speech()
    r = ScreenRunner(
        headless=True, on_intent=Recorder(), on_speech=speech, touch_guard_seconds=0, screens={"host": MenuHost()}
    )
    try:
        keypad = AccessMode(keypad=True)
        r.render(View("host", language="en", access=keypad))
        speech.take()
        r.tap("access")
        r.widgets()
        (said,) = speech.take()
        assert said.kind == "screen"
        assert said.text.startswith("Accessibility. Large text, button. Off. High contrast, button. Off.")
        assert said.text.endswith("Now on: Large text, button, Off, 1 of 4")
        r.render(View("host", language="en", access=replace(keypad, zoom=2.0)))
        assert [(u.kind, u.text) for u in speech.take()] == [("focus", "Large text, button, On, 1 of 4")]
        r.keypad(Key.BACK)
        r.widgets()
        assert [u.kind for u in speech.take()] == ["screen"]  # back on the screen: said again
        prompt = HelpPrompt(phone="1588-2100", sent=True)
        r.render(View("host", language="en", access=keypad, prompt="help", prompt_data=prompt))
        (said,) = speech.take()
        assert said.text.startswith("Help. For help, call 1588-2100. Your request has reached the staff")
    finally:
        r.close()
