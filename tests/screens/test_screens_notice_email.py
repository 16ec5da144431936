"""Issue 17's e-mail keyboard (screens/notice_email.py) as a resident meets it: every character can be
typed at 100 % and, page by page, at 200 %; the physical keypad reaches every key and its digits move
the focus to the domain keys instead of typing; voice names the signs and never reads the address;
a long address shows its end, whole."""

from __future__ import annotations

import pygame
from helpers_screens import Recorder

from common.keypad_keys import Key
from kiosk.views import AccessMode, Intent, NoticeView, Utterance, View
from screens.notice_email import DOMAINS, LETTERS_A, LETTERS_N, SIGNS, fit_address, key_id
from screens.runner import ScreenRunner
from screens.theme import Theme

ADDRESS = "kim.minsu+kiosk_1957@hanmail.net"


def _runner(access: AccessMode) -> tuple[ScreenRunner, Recorder, list[Utterance]]:
    intents, said = Recorder(), list[Utterance]()
    runner = ScreenRunner(headless=True, on_intent=intents, on_speech=said.append,
                          theme=Theme().for_access(access), touch_guard_seconds=0.0)
    return runner, intents, said


def _show(runner: ScreenRunner, wid: str) -> int:
    """Turn the keyboard's pages (as a resident does, with its page keys) until `wid` is on screen; how
    many pages were turned."""
    for turned in range(20):
        if wid in runner.widgets():
            return turned
        runner.tap("page:next" if "page:next" in runner.widgets() else "page:prev")
    raise AssertionError(f"{wid} on no page")


def test_every_character_and_domain_is_typed_at_100_and_200_percent() -> None:
    for access in (AccessMode(), AccessMode(zoom=2.0), AccessMode(zoom=2.0, low_position=True)):
        runner, intents, _ = _runner(access)
        try:
            runner.render(View("notice_email", NoticeView(channel="email", address="kim", chars=3), access=access))
            turned = 0
            for char in (*LETTERS_A, *LETTERS_N, *SIGNS):
                turned += _show(runner, key_id(char))
                runner.tap(key_id(char))
            for domain in DOMAINS:
                turned += _show(runner, f"domain:{domain}")
                runner.tap(f"domain:{domain}")
            typed = [str(i.args["value"]) for i in intents.intents if i.name == "char"]
            assert "".join(typed) == "".join((*LETTERS_A, *LETTERS_N, *SIGNS)), access
            assert [i.args["value"] for i in intents.intents if i.name == "domain"] == list(DOMAINS)
            assert (turned == 0) == (access.zoom == 1.0), access  # the whole keyboard at 100 %, pages at 200 %
            assert {"key:clear", "key:back"} <= set(runner.widgets())  # on every page
        finally:
            runner.close()


def test_the_keypad_reaches_every_key_and_its_digits_pick_domains_not_type() -> None:
    access = AccessMode(keypad=True)
    runner, intents, said = _runner(access)
    try:
        view = View("notice_email", NoticeView(channel="email", address="kim", chars=3), language="en", access=access)
        runner.render(view)
        keys = set(runner.widgets())
        runner.keypad(Key.RIGHT)  # the first key shows the ring
        seen = set()
        for _ in range(len(keys) + 1):
            runner.keypad(Key.RIGHT)
            seen.add(runner.focused)
        assert keys <= seen  # every key, the domains and the footer in one round
        intents.intents.clear()
        runner.keypad(Key.DIGIT_1)
        assert runner.focused == "domain:naver.com"
        assert intents.intents == []  # a digit on the keypad types nothing here
        runner.keypad(Key.OK)
        assert intents.intents == [Intent("domain", {"value": "naver.com"})]
        # Voice: the focused sign by name, the address never, its length instead.
        said.clear()
        while runner.focused != "key:at":
            runner.keypad(Key.RIGHT)
            runner.render(view)
        assert "at sign" in said[-1].text
        said.clear()
        typed = View("notice_email", NoticeView(channel="email", address=ADDRESS, chars=len(ADDRESS)),
                     language="en", access=access)
        runner.render(typed)
        text = " ".join(u.text for u in said)
        assert f"{len(ADDRESS)} characters typed" in text
        for piece in ("kim.minsu", "kiosk_1957", "hanmail.net@", ADDRESS):
            assert piece not in text
    finally:
        runner.close()


def test_a_long_address_shrinks_then_shows_its_end_never_clipped() -> None:
    pygame.font.init()
    for scale in (1.0, 2.0):
        theme = Theme(scale=scale)
        width = theme.width - 2 * theme.sp(48) - 2 * theme.sp(32)
        big = theme.style_size("huge")
        size, text = fit_address(theme, "kim@naver.com", width, big)
        assert text == "kim@naver.com"
        long = "kim.minsu.hanbit.community.center.1957" * 3 + "@hanmail.net"
        size, text = fit_address(theme, long, width, big)
        assert size == theme.min_text_px  # shrunk to the floor first, never below
        assert text.startswith("…") and long.endswith(text[1:]) and text.endswith("@hanmail.net")
        assert theme.measure(text, "huge", size)[0] <= width


def test_an_error_too_big_for_a_page_beside_it_stands_in_the_keys_place_until_keep_typing() -> None:
    access = AccessMode(zoom=2.0, low_position=True)
    runner, intents, _ = _runner(access)
    try:
        error = NoticeView(channel="email", address="kim.minsu", chars=9, error="incomplete")
        runner.render(View("notice_email", error, language="vi", access=access))
        keys = [w for w in runner.widgets() if w.startswith(("key:", "page:", "domain:"))]
        assert keys == ["key:back", "key:resume"]
        runner.tap("key:resume")
        assert intents.intents == [Intent("resume")]
        runner.render(View("notice_email", NoticeView(channel="email", address="kim.minsu", chars=9),
                           language="vi", access=access))
        assert "key:a" in runner.widgets()  # the error gone, the keyboard is back
    finally:
        runner.close()
