"""The kiosk's flow as one hierarchical `transitions` machine.

Every resident-facing state lives under ``session``: ``cancel`` and the walk-away timeout are declared
once there and hold for all of them. States that wait for a person carry a `ClockedTimeout`; when it
fires the screen asks "need more time?" and, after a grace period with no answer, the session is
abandoned (and any money refunded) exactly like a cancel.

The machine only sequences; the work of each state runs in tasks the controller owns, so an incoming
event (which cancels running callbacks, see style.md) never cuts a refund or a print in half.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from transitions.extensions.asyncio import AsyncTimeout, HierarchicalAsyncMachine
from transitions.extensions.states import Tags, add_state_features

from common.clock import Clock
from kiosk.config import TimeoutsSection

SEP = "/"  # transitions nests with "_" by default, which breaks names like out_of_service


class HasClock(Protocol):
    clock: Clock

    def timer_seconds(self, configured: float, *, waits_for_person: bool) -> float:
        """How long this state's countdown runs now: `configured`, lengthened for a resident using
        voice or the keypad, or while the help prompt is up (kiosk.controller.Kiosk)."""
        ...


class ClockedTimeout(AsyncTimeout):  # transitions is untyped: its base classes are Any to mypy
    """AsyncTimeout on the injected clock, and re-armable: a resident who is still tapping or paying
    has not walked away, so activity restarts the countdown. Each countdown asks the model how long
    it runs (`HasClock.timer_seconds`): the configured time, longer for an assisted resident or while
    the resident is calling for help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entered: dict[int, Any] = {}

    def create_timer(self, event_data: Any) -> asyncio.Task[None]:
        model: HasClock = event_data.model
        self._entered[id(model)] = event_data

        seconds = model.timer_seconds(self.timeout, waits_for_person="waits_for_person" in getattr(self, "tags", ()))

        async def _timeout() -> None:
            try:
                await model.clock.sleep(seconds)
                await asyncio.shield(self._process_timeout(event_data))
            except asyncio.CancelledError:
                pass

        return asyncio.create_task(_timeout(), name=f"timeout:{self.name}")

    def rearm(self, model: Any) -> None:
        event_data = self._entered.get(id(model))
        if self.timeout <= 0 or event_data is None:
            return
        old = self.runner.get(id(model))
        if old is not None and not old.done():
            old.cancel()
        self.runner[id(model)] = self.create_timer(event_data)


# The model's handler for an exception in any callback (a bug): see KioskMachine.callback.
EXCEPTION_HANDLER = "on_machine_exception"


@add_state_features(Tags, ClockedTimeout)
class KioskMachine(HierarchicalAsyncMachine):
    async def callback(self, func: Any, event_data: Any) -> None:  # type: ignore[override]  # async in AsyncMachine
        """Call `func` as transitions does, except the exception handler, which always gets the event.

        The machine runs with send_event=False (callbacks take no arguments), and transitions calls
        `on_exception` the same way: the handler got no event data, so the error it should report
        became a TypeError of its own and the session froze where the bug happened. The handler
        needs the event (the error, the trigger) to end the session on the failsafe path.
        """
        if func == EXCEPTION_HANDLER:
            await event_data.model.on_machine_exception(event_data)
            return
        await super().callback(func, event_data)


KioskMachine.state_cls.separator = SEP


class S:
    """State names (the machine's own spelling), so code never repeats string literals."""

    BOOT = "boot"
    SELFTEST = "selftest"
    IDLE = "idle"
    OUT_OF_SERVICE = "out_of_service"
    MAINTENANCE = "maintenance"
    TECH_LOGIN = "tech_login"  # a technician card is in: its PIN is asked
    SESSION = "session"
    CHOOSE = "session/choose"
    PARCEL = "session/parcel"
    NUMBER = "session/number"
    FINGER = "session/finger"
    OPTIONS = "session/options"
    PAY = "session/pay"
    ISSUE = "session/issue"
    PRINT = "session/print"
    DONE = "session/done"
    PICKUP = "session/pickup"  # issue 17: the code of a document reserved online (kiosk/pickup.py)
    NOTICE = "session/notice"  # issue 17: the result sent by text message (kiosk/notices.py)
    MOBILE_ID = "session/mobile_id"  # issue 17: identity by mobile ID, no fingerprint (kiosk/mobile_id.py)

    WAITING_FOR_PERSON = (CHOOSE, PARCEL, NUMBER, FINGER, OPTIONS, PAY, PICKUP, MOBILE_ID)
    CANCELLABLE = WAITING_FOR_PERSON
    # The screens whose countdown any touch starts again: the notice screen too, where a resident may
    # spend minutes typing an e-mail address (it times out back to the result, not to idle).
    TOUCH_RESTARTS_COUNTDOWN = (*WAITING_FOR_PERSON, NOTICE)
    BACKABLE = (CHOOSE, PARCEL, NUMBER, FINGER, OPTIONS)  # the steps before payment
    # The screens a resident may call for help on (every one but boot, out of service and maintenance).
    RESIDENT = (IDLE, CHOOSE, PARCEL, NUMBER, FINGER, OPTIONS, PAY, ISSUE, PRINT, DONE, PICKUP, NOTICE, MOBILE_ID)
    FAILABLE = (FINGER, PAY, ISSUE, PRINT)  # states `failed` leaves: money or paper may be under way


def _state(name: str, **extra: Any) -> dict[str, Any]:
    """A state whose entry calls the model's ``enter_<name>`` (nested names cannot be method names)."""
    return {"name": name, "on_enter": f"enter_{name}", **extra}


def _waiting(name: str, seconds: float) -> dict[str, Any]:
    return _state(name, timeout=seconds, on_timeout="on_person_silent", tags=["waits_for_person"])


def states(t: TimeoutsSection) -> list[Any]:
    return [
        _state(S.BOOT),
        _state(S.SELFTEST),
        _state(S.IDLE),
        _state(S.OUT_OF_SERVICE, on_exit="leave_out_of_service"),  # journals the spell's end
        _state(S.MAINTENANCE),
        _state(S.TECH_LOGIN),
        {
            "name": S.SESSION,
            "on_exit": "leave_session",
            "children": [
                _waiting("choose", t.screen),
                _waiting("parcel", t.screen),
                _waiting("number", t.screen),
                _waiting("finger", t.screen),
                _waiting("options", t.screen),
                _state("issue", tags=["busy"]),
                _waiting("pay", t.payment),
                _state("print", tags=["busy"]),
                _state("done", timeout=t.done, on_timeout="on_done_timeout", tags=["shows_result"]),
                _waiting("pickup", t.screen),  # issue 17
                # Issue 17: not a waiting state (a walk-away here must not turn an issued result into
                # "timed out"): its own countdown goes back to the result, the number forgotten.
                _state("notice", timeout=t.screen, on_timeout="on_notice_timeout", tags=["waits_for_person"]),
                _waiting("mobile_id", t.screen),  # issue 17
            ],
        },
    ]


# (trigger, source, dest): the whole flow in one table; docs/state-diagram is drawn from it.
TRANSITIONS: list[tuple[str, str | list[str], str]] = [
    ("booted", S.BOOT, S.SELFTEST),
    ("ready", [S.SELFTEST, S.OUT_OF_SERVICE], S.IDLE),
    ("unfit", [S.SELFTEST, S.IDLE], S.OUT_OF_SERVICE),
    ("start", S.IDLE, S.CHOOSE),
    ("chose_identity_document", S.CHOOSE, S.NUMBER),
    ("chose_public_document", S.CHOOSE, S.PARCEL),
    ("parcel_entered", S.PARCEL, S.OPTIONS),
    ("number_entered", S.NUMBER, S.FINGER),
    ("identified", S.FINGER, S.OPTIONS),
    ("retype_number", S.FINGER, S.NUMBER),
    # One step back on every step before payment (issue 14): the first step's back ends the session
    # (nothing was paid); a register's options go back to its lot, an identity document's to the
    # choice of document (the identity is dropped: another document needs it again).
    ("back", S.CHOOSE, S.IDLE),
    ("back", [S.PARCEL, S.NUMBER], S.CHOOSE),
    ("back", S.FINGER, S.NUMBER),
    ("back", S.OPTIONS, S.CHOOSE),
    ("back_to_parcel", S.OPTIONS, S.PARCEL),
    # The server reserves (renders and signs) the document before any money is taken: a server that
    # is down, or refuses the request, ends the session with nothing to refund.
    ("options_chosen", S.OPTIONS, S.ISSUE),
    ("reserved", S.ISSUE, S.PAY),
    ("fee_settled", S.PAY, S.PRINT),
    ("printed", S.PRINT, S.DONE),
    ("failed", list(S.FAILABLE), S.DONE),
    ("failed_before_payment", S.PARCEL, S.DONE),
    ("cancel", list(S.CANCELLABLE), S.DONE),
    ("abandon", list(S.WAITING_FOR_PERSON), S.DONE),
    ("finish", S.DONE, S.IDLE),
    ("maintenance_enter", [S.IDLE, S.OUT_OF_SERVICE], S.MAINTENANCE),  # the console path (no card)
    ("technician_card", [S.IDLE, S.OUT_OF_SERVICE], S.TECH_LOGIN),
    ("technician_verified", S.TECH_LOGIN, S.MAINTENANCE),
    ("technician_refused", S.TECH_LOGIN, S.SELFTEST),  # wrong PIN x3, card pulled, gave up: back via the self-test
    ("maintenance_exit", S.MAINTENANCE, S.SELFTEST),
    # Issue 17, pickup of a document reserved online (kiosk/pickup.py): the code is typed on its own
    # screen, from idle or the choice of document; identity as the document needs it (number and
    # finger), then the ordinary reserve -> pay (nothing when paid online) -> print -> commit.
    ("pickup", [S.IDLE, S.CHOOSE], S.PICKUP),
    ("pickup_found", S.PICKUP, S.ISSUE),
    ("pickup_needs_identity", S.PICKUP, S.NUMBER),
    ("pickup_identified", S.FINGER, S.ISSUE),
    ("back", S.PICKUP, S.CHOOSE),
    ("back_to_pickup", S.NUMBER, S.PICKUP),
    ("failed_before_payment", S.PICKUP, S.DONE),
    # Issue 17: from the settled result, the result sent by text message, then back to the result.
    ("notice", S.DONE, S.NOTICE),
    ("notice_done", S.NOTICE, S.DONE),
    # Issue 17: identity by mobile ID instead of number and finger, then on as a finger would go.
    ("mobile_id", S.NUMBER, S.MOBILE_ID),
    ("mobile_id_verified", S.MOBILE_ID, S.OPTIONS),
    ("mobile_id_pickup_verified", S.MOBILE_ID, S.ISSUE),
    ("back", S.MOBILE_ID, S.NUMBER),
    ("failed", S.MOBILE_ID, S.DONE),
]

def build_machine(model: Any, timeouts: TimeoutsSection, machine_cls: type[Any] = KioskMachine) -> Any:
    machine = machine_cls(
        model=model,
        states=states(timeouts),
        initial=S.BOOT,
        queued=True,
        auto_transitions=False,
        ignore_invalid_triggers=True,
        send_event=False,
        on_exception=EXCEPTION_HANDLER,
        model_override=False,
    )
    for trigger, source, dest in TRANSITIONS:
        machine.add_transition(trigger, source, dest)
    return machine
