"""The controller's side of accessibility (issue 14): a resident's access choices, longer time limits
for voice and keypad users, one step back before payment, and the help prompt with its request.

Played against the simulated booth on the virtual clock, with intents handed to the controller as the
screens will send them (their widgets are another part of the issue).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import ScenarioRun, _step
from kiosk.views import AccessMode, HelpPrompt, MoreTimePrompt

NUMBER = "9001011720624"  # resident 0 of simulators/residents.py


def intent(name: str, **args: Any) -> dict[str, Any]:
    return {"intent": {"name": name, "args": args}}


async def play(run: ScenarioRun, *steps: dict[str, Any]) -> None:
    for step in steps:
        await _step(run, step)


async def finish_cancelled(run: ScenarioRun) -> None:
    await play(run, intent("cancel"), {"expect_screen": "done", "data": {"settled": True}}, {"tap": "ok"},
               {"expect_screen": "idle"}, {"expect_journal": {"open_sessions": 0}})


@pytest.fixture
async def run(tmp_path: Path) -> Any:
    booth = ScenarioRun(tmp_path, None, {})
    await booth.start()
    try:
        await play(booth, {"expect_screen": "idle"})
        yield booth
    finally:
        await booth.stop()


@pytest.mark.timeout(120)
async def test_access_choices_belong_to_one_resident(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    # Chosen at idle, before touching start: kept into the session.
    await play(run, intent("access", setting="voice", value=True), intent("access", setting="zoom", value=2.0),
               intent("language", code="en"))
    assert kiosk.view.access == AccessMode(zoom=2.0, voice=True)
    await play(run, {"tap": "start"}, {"expect_screen": "choose_document"})
    assert kiosk.view.access == AccessMode(zoom=2.0, voice=True) and kiosk.view.language == "en"
    # A language the booth does not offer (config [kiosk] languages) changes nothing either.
    await play(run, intent("language", code="fr"), intent("language"))
    assert kiosk.view.language == "en"
    # Values outside the contract change nothing.
    for setting, value in (("zoom", 1.5), ("zoom", True), ("zoom", 10**400), ("voice", "yes"), ("high_contrast", 1),
                           ("colour", True)):
        await play(run, intent("access", setting=setting, value=value))
    await play(run, intent("access"), intent("access", setting="high_contrast", value=True),
               intent("access", setting="low_position", value=True), intent("keypad_used"),
               intent("access", setting="zoom", value=1))
    assert kiosk.view.access == AccessMode(zoom=1.0, high_contrast=True, low_position=True, voice=True, keypad=True)
    # The session ends: the next resident gets the booth's defaults.
    await finish_cancelled(run)
    assert kiosk.view.access == AccessMode() and kiosk.view.language == "ko"
    # Chosen at idle by someone who walks away without starting: dropped after a screen's time limit
    # (lengthened, since voice is on), not before.
    await play(run, intent("access", setting="voice", value=True), intent("language", code="en"))
    limit = kiosk.config.timeouts.screen * kiosk.config.timeouts.assisted_factor
    await run.clock.advance(limit - 1)
    assert kiosk.view.access.voice and kiosk.view.language == "en"
    await run.clock.advance(1)
    await run.until(lambda: kiosk.view.access == AccessMode() and kiosk.view.language == "ko", "choices kept")


@pytest.mark.timeout(120)
async def test_voice_keys_hold_idle_choices_and_each_stranger_is_a_new_resident(run: ScenarioRun) -> None:
    """A volume, rate or replay key (the voice guide's intent "voice_key") is the resident still there: idle's
    reset of choices starts again. The view's `resident` counts strangers (the voice guide drops volume and
    rate when it changes): one more at idle's reset, none for back from the first step."""
    kiosk = run.kiosk
    first = kiosk.view.resident
    await play(run, intent("language", code="en"))
    limit = kiosk.config.timeouts.screen
    await run.clock.advance(limit - 5)
    await play(run, intent("voice_key"))
    await run.clock.advance(limit - 1)
    assert kiosk.view.language == "en" and kiosk.view.resident == first
    await run.clock.advance(1)
    await run.until(lambda: kiosk.view.language == "ko", "choices kept")
    assert kiosk.view.resident == first + 1
    await play(run, {"tap": "start"}, {"expect_screen": "choose_document"}, intent("back"), {"expect_screen": "idle"})
    assert kiosk.view.resident == first + 1
    await play(run, {"tap": "start"}, {"expect_screen": "choose_document"})
    await finish_cancelled(run)
    assert kiosk.view.resident == first + 2


@pytest.mark.timeout(120)
async def test_voice_or_keypad_lengthens_every_time_limit(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    factor = kiosk.config.timeouts.assisted_factor
    screen, grace, payment = (kiosk.config.timeouts.screen, kiosk.config.timeouts.grace,
                              kiosk.config.timeouts.payment)
    await play(run, {"tap": "start"}, intent("keypad_used"), {"tap": "doc:building_register"}, {"keys": "57"},
               {"tap": "ok"}, {"expect_screen": "options"})
    await run.clock.advance(screen * factor - 1)
    assert kiosk.view.prompt is None  # an unassisted resident would have been asked at `screen` s
    await run.clock.advance(1)
    await play(run, {"expect_prompt": "more_time"})
    assert kiosk.view.prompt_data == MoreTimePrompt(seconds_left=int(grace * factor))
    await play(run, intent("more_time"), {"expect_prompt": ""}, {"tap": "ok"}, {"expect_screen": "payment"})
    assert kiosk.view.data_fields()["seconds_left"] == int(payment * factor)
    # Turned on mid-screen, voice lengthens the limit from then on.
    await finish_cancelled(run)
    await play(run, {"tap": "start"}, {"tap": "doc:building_register"}, {"expect_screen": "parcel"})
    await run.clock.advance(screen - 10)
    await play(run, intent("access", setting="voice", value=True))
    await run.clock.advance(screen * factor - 1)
    assert kiosk.view.prompt is None
    await run.clock.advance(1)
    await play(run, {"expect_prompt": "more_time"})
    await finish_cancelled(run)


@pytest.mark.timeout(120)
async def test_back_goes_one_step_back_before_payment_and_never_after(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    # The first step's back ends the session (nothing paid), and the resident keeps their choices.
    await play(run, intent("language", code="en"), intent("access", setting="zoom", value=2.0), {"tap": "start"},
               {"expect_screen": "choose_document"})
    first = kiosk.session
    assert first is not None
    await play(run, intent("back"), {"expect_screen": "idle"}, {"expect_journal": {"open_sessions": 0}})
    assert kiosk.view.language == "en" and kiosk.view.access.zoom == 2.0
    await play(run, intent("access", setting="zoom", value=1.0))  # the list then fits one page again
    closed = [e for e in kiosk.journal.entries(first.id) if e.kind == "session_closed"]
    assert [(e.detail["outcome"], e.detail["reason"]) for e in closed] == [("cancelled", "resident-back")]
    # A register: parcel -> choose; options -> parcel, with the lot kept to be corrected.
    await play(run, {"tap": "start"}, {"tap": "doc:building_register"}, {"keys": "57"}, intent("back"),
               {"expect_screen": "choose_document"}, {"tap": "doc:building_register"},
               {"expect_screen": "parcel", "data": {"lot": ""}}, {"keys": "57"}, {"tap": "ok"},
               {"expect_screen": "options"}, intent("back"), {"expect_screen": "parcel", "data": {"lot": "57"}})
    # An identity document: number -> choose (the number wiped), fingerprint -> number (wiped again).
    await play(run, intent("back"), {"expect_screen": "choose_document"}, {"tap": "doc:resident_copy"},
               {"keys": NUMBER[:6]})
    session = kiosk.session
    assert session is not None
    await play(run, intent("back"), {"expect_screen": "choose_document"})
    assert session.number.count == 0 and not session.number.formatted()
    await play(run, {"tap": "doc:resident_copy"}, {"expect_screen": "resident_number", "data": {"digits": 0}},
               {"keys": NUMBER}, {"tap": "ok"}, {"expect_screen": "fingerprint"}, intent("back"),
               {"expect_screen": "resident_number", "data": {"digits": 0, "masked": ""}})
    # Options -> choose: the identity is dropped, so the next document asks for it again.
    await play(run, {"keys": NUMBER}, {"tap": "ok"}, {"place_finger": {"resident": 0, "finger": 1}},
               {"expect_screen": "options"}, {"lift_finger": True})
    assert session.token
    await play(run, intent("back"), {"expect_screen": "choose_document"})
    assert session.token is None and session.attempts == 0
    await play(run, {"tap": "doc:resident_copy"}, {"expect_screen": "resident_number"}, {"keys": NUMBER},
               {"tap": "ok"}, {"place_finger": {"resident": 0, "finger": 1}}, {"expect_screen": "options"},
               {"lift_finger": True}, {"tap": "ok"}, {"expect_screen": "payment"})
    # No back from payment: cancel is there.
    await play(run, intent("back"), {"wait": "quiet"}, {"expect_screen": "payment"})
    backs = [e.ref for e in kiosk.journal.entries(session.id) if e.kind == "back"]
    assert backs == ["parcel", "options", "parcel", "resident_number", "fingerprint", "options"]
    await finish_cancelled(run)


@pytest.mark.timeout(120)
async def test_help_shows_the_line_tells_the_server_and_holds_the_countdown(
    run: ScenarioRun, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = run.kiosk
    phone = kiosk.config.help.phone
    # At idle, in the resident's language: the request names the booth, the screen and the language.
    await play(run, intent("language", code="en"), intent("help"), {"expect_prompt": "help"})
    await run.until(lambda: kiosk.view.prompt_data == HelpPrompt(phone=phone, sent=True), "help never sent")
    await play(run, intent("help"), {"expect_sim": {"simulator": "server", "command": "help_requests",
                                                     "path": "length", "value": 1}})
    (request,) = await run.booth.control("server", "help_requests")
    assert (request["kiosk_id"], request["screen"], request["language"]) == (kiosk.config.kiosk.id, "idle", "en")
    await play(run, intent("help_close"), {"expect_prompt": ""})
    # On a session screen the help prompt holds the countdown for `[help] hold`, then asks as usual.
    await play(run, {"tap": "start"}, {"tap": "doc:building_register"}, {"keys": "57"}, {"tap": "ok"},
               {"expect_screen": "options"})
    await run.clock.advance(30)
    await play(run, intent("help"), {"expect_prompt": "help"},
               {"expect_sim": {"simulator": "server", "command": "help_requests", "path": "1.screen",
                               "value": "options"}})
    hold = kiosk.config.help.hold
    await run.clock.advance(hold - 1)
    assert kiosk.view.prompt == "help"
    await run.clock.advance(1)
    await play(run, {"expect_prompt": "more_time"}, intent("more_time"), {"expect_prompt": ""})
    # Closing it gives the screen its own full limit again, from the close.
    await play(run, intent("help"), {"expect_prompt": "help"}, intent("help_close"), {"expect_prompt": ""})
    await run.clock.advance(kiosk.config.timeouts.screen - 1)
    assert kiosk.view.prompt is None
    # Server down: the prompt stays, not sent (the screen says to call), and the booth says why.
    await play(run, {"fault": {"simulator": "server", "command": "maintenance", "args": {"on": True}}})
    caplog.set_level(logging.WARNING, logger="kiosk.controller")
    await play(run, intent("help"), {"wait": "quiet"}, {"expect_prompt": "help"})
    assert kiosk.view.prompt_data == HelpPrompt(phone=phone, sent=False)
    await run.until(lambda: "help request from the options screen not delivered" in caplog.text, "no warning")
    await play(run, intent("help_close"), {"sim": {"simulator": "server", "command": "maintenance",
                                                   "args": {"on": False}}})
    # A server that does not answer: after HELP_ANSWER_SECONDS on the kiosk's clock, still not sent.
    await play(run, {"fault": {"simulator": "server", "command": "latency", "args": {"seconds": 600}}},
               intent("help"), {"expect_prompt": "help"})
    await run.clock.advance(10)
    await run.until(lambda: caplog.text.count("not delivered") >= 2, "the slow request never gave up")
    assert kiosk.view.prompt_data == HelpPrompt(phone=phone, sent=False)
    await play(run, {"sim": {"simulator": "server", "command": "latency", "args": {"seconds": 0}}},
               intent("help_close"), {"expect_prompt": ""})
    await finish_cancelled(run)
