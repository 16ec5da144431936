"""Scenario step of issue 17's e-mail notice (docs/scenarios.md, "Pickup"): typing on the e-mail keyboard.

    type_text = "kim.minsu"             taps the e-mail keyboard's key of each character in turn (`key:k`,
                                        `key:i`, ...; `@ . _ - +` and digits by their keys' ids, see
                                        screens.notice_email.key_id), turning the keyboard's pages with its
                                        page keys first when the key is on another page (200 % zoom), as a
                                        resident would. A character the keyboard has no key for is a FAIL
    tap_key = "domain:naver.com"        taps that key of the e-mail keyboard, turning its pages first (as above)
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

# kiosk.rig.scenario.ScenarioRun, not imported: the runner imports this module.
ScenarioRun = Any

EMAIL_STEPS = ("type_text", "tap_key")
MAX_PAGES = 20
# The keyboard's key ids (screens/notice_email.key_id; the rig reaches the screens only through the runner).
_SIGN_IDS = {"@": "at", ".": "dot", "_": "underscore", "-": "hyphen", "+": "plus"}


def key_id(char: str) -> str:
    """The id of the key that types `char`: `key:k`, `key:digit1`, `key:at`."""
    if char.isdigit():
        return f"key:digit{char}"
    return f"key:{_SIGN_IDS.get(char, char)}"


async def email_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    if "tap_key" in step:
        await _tap_key(run, str(step["tap_key"]))
        return
    for char in str(step["type_text"]):
        await _tap_key(run, key_id(char))


async def _tap_key(run: ScenarioRun, key: str) -> None:
    screens = run.screens
    assert screens is not None
    runner = screens.runner
    await run.until(lambda: "key:back" in runner.widgets(), "the e-mail keyboard is not on screen")
    if key not in runner.widgets():
        # From the first page forward, one page at a time, until the key is shown.
        for _ in range(MAX_PAGES):
            if "page:prev" not in runner.widgets():
                break
            _tap(run, "page:prev")
        for _ in range(MAX_PAGES):
            if key in runner.widgets() or "page:next" not in runner.widgets():
                break
            _tap(run, "page:next")
    if key not in runner.widgets():
        raise AssertionError(f"type_text: no {key!r} on any page of the e-mail keyboard")
    _tap(run, key)
    await asyncio.sleep(0.002)


def _tap(run: ScenarioRun, widget: str) -> None:
    """A resident who has seen the screen: its touch guard passes first (as the runner's `tap`)."""
    run.glass.advance(run.screens.runner.guard_left())
    run.touched_at = time.perf_counter()
    run.screens.runner.tap(widget)
