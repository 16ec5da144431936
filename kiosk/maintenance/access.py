"""Who may enter maintenance, and how: a technician card whose PIN the card itself verifies, the
service door, and the booth's console.

**The card.** A card inserted while the booth is idle or out of service is read as a technician
card (drivers/card/technician.py: SELECT of the technician applet, GET DATA of the id, VERIFY with
no data for the tries left). A payment card has no such applet and is left to the payment screen. A
technician card brings up the PIN screen (`technician_card` -> tech_login); the PIN typed there
(on-screen or physical keypad) goes to the card in a VERIFY, and the card answers: right ->
`technician_verified` -> maintenance, with `kiosk.technician` naming the card's id; wrong -> the
tries it has left; three wrong -> the card blocks itself ('63C0', then '6983' for ever) and this
booth refuses that id from then on (journal `technician_card_locked`, read back at every insertion).
The card pulled, a cancel, or `[maintenance] pin_seconds` with no key -> back (`technician_refused`,
through the self-test). The PIN lives only in a `SecretBytes` wiped after each VERIFY: never logged,
journaled, spoken or drawn (the screen gets the number of digits).

**The door.** The service door's switch (the I/O module, `kiosk.service_door_changed`) is journaled
open and closed. Opened while the booth is idle or out of service: no new resident is taken, the
screen asks for a technician card. Opened during a resident's session: the session goes on to its
end (printing, change, refunds: nothing is cut), and the booth, at rest again, asks for the card
instead of showing idle (`at_rest`). From the moment the booth could take a technician, if none has
logged in within `[maintenance] door_grace_seconds` (on the injected clock), `door_alarm` is
journaled (the operators are alerted from it) and the booth goes out of service, reason
"door-open", until the door is closed or a technician logs in.

**The visit's end.** The exit button ends a visit; so does a technician who stops touching the
booth: with no action for `[maintenance] idle_minutes` (any action from a page or `kiosk diag`
starts the countdown again, `touched`), and, once the service door has been closed during a card
technician's visit, for `[maintenance] door_closed_seconds` (the technician has most likely walked
away). Either way `maintenance_timed_out` (reason "idle" or "door-closed") is journaled and the visit
ends exactly as by the exit button (`maintenance_left`, the self-test, back to service). The
console's technicians are not at the door: only the idle countdown applies to them.

**The console.** `enter_console(user)` (`kiosk diag maintenance enter`, root only, through the
control socket's file permissions) enters with no card and no PIN, journaled like a card login.

Every step is journaled with the technician's id (session "maintenance"; the door's rows under
"device"): technician_card, technician_login, technician_login_failed (tries_left),
technician_card_locked, technician_card_refused, technician_login_abandoned (reason),
maintenance_timed_out (reason, seconds), door_opened, door_closed, door_alarm.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from drivers.card import CardError, CardEvent, CardInserted, CardRemoved, NoCard, TechnicianCardInfo
from kiosk.card_payment import INSERT_SETTLE_SECONDS
from kiosk.machine import S
from kiosk.maintenance.part import MAINTENANCE_SESSION
from kiosk.maintenance.technician import Technician
from kiosk.privacy import SecretBytes
from kiosk.views import Intent, TechLoginView

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext

log = logging.getLogger(__name__)

DOOR_SESSION = "device"  # the journal's session column for the door's rows
DOOR_OPEN = "door-open"  # the out-of-service reason after `door_alarm`
MAX_PIN_DIGITS = 12  # ISO 9564 format 2 carries 4 to 12 digits
MIN_PIN_DIGITS = 4
PIN_TRY_LIMIT = 3


class TechnicianAccess:
    def __init__(self, kiosk: MaintenanceContext) -> None:
        self.kiosk = kiosk
        self.door_open = False
        self.door_alarmed = False  # door_alarm journaled: out of service until closed or a technician is in
        self.step = "pin"
        self.card: TechnicianCardInfo | None = None
        self.attempts_left = PIN_TRY_LIMIT
        self.error = ""
        self._pin = SecretBytes()
        self.door_closed_on_visit = False  # the door closed during a card technician's visit: a short countdown
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    # ------------------------------------------------------------------ what the controller asks

    @property
    def fault(self) -> str:
        """The out-of-service reason this part holds the booth for ("" for none)."""
        return DOOR_OPEN if self.door_alarmed else ""

    def view(self) -> TechLoginView:
        card = self.card
        grace = self.kiosk.config.maintenance.door_grace_seconds if self.door_open and not self.door_alarmed else 0
        return TechLoginView(step=self.step, technician=card.technician_id if card else "", digits=len(self._pin),
                             attempts_left=self.attempts_left, error=self.error, door_open=self.door_open,
                             grace_seconds=int(grace) if self.step == "card" else 0)

    def locked_here(self, technician_id: str) -> bool:
        """Three wrong PINs on this booth locked this card out of it (the journal remembers, restarts too)."""
        return any(e.ref == technician_id for e in self.kiosk.journal.tail_of_kind("technician_card_locked", 10_000))

    # ------------------------------------------------------------------ tasks

    def _run(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        self._cancel(name)
        self._tasks[name] = self.kiosk.spawn(coro, f"tech-access:{name}")

    def _cancel(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    def _record(self, kind: str, technician_id: str, **detail: Any) -> None:
        self.kiosk.record(MAINTENANCE_SESSION, kind, ref=technician_id, technician=technician_id, **detail)

    def _at_rest(self) -> bool:
        return self.kiosk.state in self.kiosk.maintenance_from

    # ------------------------------------------------------------------ the card

    def on_card_event(self, event: CardEvent) -> None:
        """The reader's insertions and removals (the controller hands every one here and to the payment)."""
        if isinstance(event, CardInserted):
            if self._at_rest() or (self.kiosk.state == S.TECH_LOGIN and self.step == "card"):
                self._run("read", self._read_card())
        elif self.kiosk.state == S.TECH_LOGIN and self.card is not None:  # taken out
            self._cancel("read")
            self._run("back", self._abandon("card-removed"))

    async def _read_card(self) -> None:
        reader = self.kiosk.devices.card
        if reader is None:
            return
        # pcscd powers a new card up on its next 400 ms poll: a read before it meets "card reset".
        await asyncio.sleep(INSERT_SETTLE_SECONDS)
        waiting = self.kiosk.state == S.TECH_LOGIN and self.step == "card"
        if not (self._at_rest() or waiting):
            return
        if waiting:
            self.step, self.error = "reading", ""
            self.kiosk.publish()
        try:
            info = await reader.read_technician_card()
        except CardError as exc:
            log.info("card at rest could not be read as a technician card: %s", type(exc).__name__)
            if self.kiosk.state == S.TECH_LOGIN and self.step == "reading":
                self.step, self.error = "card", "card-unreadable"
                self.kiosk.publish()
            return
        if info is None:  # a payment card (or another card): the resident's, for the payment screen
            log.debug("a card without the technician applet was inserted at %s", self.kiosk.state)
            if self.kiosk.state == S.TECH_LOGIN and self.step == "reading":
                self.step, self.error = "card", "not-a-technician-card"
                self.kiosk.publish()
            return
        if not (self._at_rest() or (self.kiosk.state == S.TECH_LOGIN and self.step == "reading")):
            return
        if not reader.card_present:  # pulled while it was being read
            if self.step == "reading":
                self.step = "card"
                self.kiosk.publish()
            return
        self.card = info
        self._pin.wipe()
        self.attempts_left = info.tries_left if info.tries_left is not None else PIN_TRY_LIMIT
        tid = info.technician_id
        if info.blocked or self.locked_here(tid):
            reason = "card-blocked" if info.blocked else "locked-here"
            log.warning("technician card %s refused: %s", tid, reason)
            self._record("technician_card_refused", tid, reason=reason)
            self.step, self.error = "refused", "card-locked" if info.blocked else "card-refused"
            self.attempts_left = 0
        else:
            log.info("technician card %s inserted (%s tries left)", tid, self.attempts_left)
            self._record("technician_card", tid, tries_left=self.attempts_left)
            self.step, self.error = "pin", ""
        self._arm_pin_timer()
        if self.kiosk.state == S.TECH_LOGIN:
            self.kiosk.publish()
        else:
            await self.kiosk.fire("technician_card")

    # ------------------------------------------------------------------ the PIN screen's keys

    async def handle(self, intent: Intent) -> None:
        """An intent while the PIN screen is up (digits, backspace, clear, confirm, cancel)."""
        name = intent.name
        if name == "cancel":
            if self.card is not None and self.step != "checking":  # a VERIFY under way is answered first
                await self._abandon("cancelled")
            return
        if self.step != "pin" or self.card is None:
            return
        if name == "digit":
            value = str(intent.args.get("value", ""))
            if len(value) == 1 and value.isdigit() and len(self._pin) < MAX_PIN_DIGITS:
                self._pin.reveal().append(ord(value))
                self.error = ""
        elif name == "backspace":
            if len(self._pin):
                self._pin.reveal()[-1] = 0
                self._pin.reveal().pop()
            self.error = ""
        elif name == "clear":
            self._pin.wipe()
            self.error = ""
        elif name == "confirm":
            if len(self._pin) < MIN_PIN_DIGITS:
                self.error = "pin-too-short"
            else:
                self.step = "checking"
                self._run("verify", self._verify())
        else:
            return
        self._arm_pin_timer()
        self.kiosk.publish()

    async def _verify(self) -> None:
        card, reader = self.card, self.kiosk.devices.card
        assert card is not None
        tid = card.technician_id
        try:
            if reader is None:
                raise CardError("no card reader")
            status = await reader.verify_technician_pin(self._pin.reveal())
        except CardError as exc:
            self._pin.wipe()
            log.warning("technician card %s: PIN not checked (%s)", tid, type(exc).__name__)
            if isinstance(exc, CardRemoved | NoCard):
                await self._abandon("card-removed")
                return
            self.step, self.error = "pin", "card-unreadable"
            self.kiosk.publish()
            return
        finally:
            self._pin.wipe()
        if self.kiosk.state != S.TECH_LOGIN or self.card is not card:
            return
        if status.verified:
            log.info("technician %s logged in with card and PIN", tid)
            self._record("technician_login", tid, via="card")
            self._cancel("pin-timer")
            self._technician_in(Technician(id=tid, via="card"))
            await self.kiosk.fire("technician_verified")
            return
        self.attempts_left = status.tries_left or 0
        self._record("technician_login_failed", tid, tries_left=self.attempts_left)
        if status.blocked:
            log.warning("technician card %s: three wrong PINs; the card blocked itself and this booth refuses it", tid)
            self._record("technician_card_locked", tid, card="blocked")
            self.step, self.error = "refused", "card-locked"
        else:
            self.step, self.error = "pin", "wrong-pin"
        self._arm_pin_timer()
        self.kiosk.publish()

    def _technician_in(self, technician: Technician) -> None:
        """A technician is in: the door's alarm and its countdown end (someone answers for the booth)."""
        self.kiosk.technician = technician
        self._cancel("door")
        self.door_alarmed = False
        self.door_closed_on_visit = False
        self._reset()
        self._arm_idle()

    def _reset(self) -> None:
        self._pin.wipe()
        self.card = None
        self.step, self.error, self.attempts_left = "pin", "", PIN_TRY_LIMIT

    def _arm_pin_timer(self) -> None:
        self._run("pin-timer", self._pin_timeout())

    async def _pin_timeout(self) -> None:
        await self.kiosk.clock.sleep(self.kiosk.config.maintenance.pin_seconds)
        if self.kiosk.state == S.TECH_LOGIN and self.card is not None:
            await self._abandon("timeout")

    async def _abandon(self, reason: str) -> None:
        """The card pulled, a cancel, or no key for a while: back to service through the self-test."""
        card = self.card
        if self.kiosk.state != S.TECH_LOGIN or card is None:
            return
        self._record("technician_login_abandoned", card.technician_id, reason=reason)
        log.info("technician login abandoned: %s", reason)
        self._cancel("verify")
        self._cancel("pin-timer")
        self._reset()
        await self.kiosk.fire("technician_refused")

    # ------------------------------------------------------------------ the service door

    async def door_changed(self, opened: bool) -> None:
        """The service door's switch (I/O module)."""
        if opened == self.door_open:
            return
        self.door_open = opened
        technician = self.kiosk.technician
        self.kiosk.record(DOOR_SESSION, "door_opened" if opened else "door_closed", door="service",
                          technician=technician.id if technician else "", state=self.kiosk.state)
        if opened:
            log.warning("service door opened in %s", self.kiosk.state)
            if self.door_closed_on_visit:
                self.door_closed_on_visit = False  # back at the booth: the full idle countdown again
                self._arm_idle()
            self.at_rest()
            return
        log.info("service door closed")
        self._cancel("door")
        if technician is not None and technician.via == "card" and self.kiosk.in_maintenance:
            self.door_closed_on_visit = True  # the technician may be walking away: the short countdown
            self._arm_idle()
        if self.kiosk.state == S.TECH_LOGIN and self.card is None:
            await self.kiosk.fire("technician_refused")  # nobody came: back to service
        if self.door_alarmed:
            self.door_alarmed = False
            await self.kiosk.health_changed()

    def at_rest(self) -> None:
        """The booth is at rest (idle, out of service; the controller calls this on entering them, the
        door on opening): with the door open and no technician in, ask for a technician card."""
        if self.kiosk.technician is None:
            self._cancel("idle")  # the visit is over
        if not self.door_open or self.kiosk.technician is not None:
            return
        state = self.kiosk.state
        if state not in self.kiosk.maintenance_from and state != S.TECH_LOGIN:
            return  # a resident's session (or the self-test) finishes first
        counting = "door" in self._tasks and not self._tasks["door"].done()
        if not counting and not self.door_alarmed:
            self._run("door", self._door_grace())
        if self.door_alarmed or state == S.TECH_LOGIN:
            return  # out of service for the open door (a card still gets in), or already asking
        self._reset()
        self.step = "card"
        self.kiosk.spawn(self.kiosk.fire("technician_card"), "tech-access:door")

    async def _door_grace(self) -> None:
        await self.kiosk.clock.sleep(self.kiosk.config.maintenance.door_grace_seconds)
        if not self.door_open or self.kiosk.technician is not None:
            return
        log.warning("ALARM: the service door has been open %gs with no technician logged in",
                    self.kiosk.config.maintenance.door_grace_seconds)
        self.door_alarmed = True
        self.kiosk.record(DOOR_SESSION, "door_alarm", door="service",
                          seconds=self.kiosk.config.maintenance.door_grace_seconds, state=self.kiosk.state)
        if self.kiosk.state == S.TECH_LOGIN and self.card is None:
            await self.kiosk.fire("technician_refused")  # the self-test finds the booth unfit: door-open
        else:
            await self.kiosk.health_changed()

    # ------------------------------------------------------------------ the visit's idle countdown

    def touched(self) -> None:
        """A technician's action in maintenance (a page's button, `kiosk diag`): the visit's idle
        countdown starts again."""
        if self.kiosk.technician is not None and self.kiosk.in_maintenance:
            self._arm_idle()

    def idle_seconds(self) -> float:
        """How long the visit may go with no action from now."""
        settings = self.kiosk.config.maintenance
        if self.door_closed_on_visit:
            return min(settings.idle_minutes * 60.0, settings.door_closed_seconds)
        return settings.idle_minutes * 60.0

    def _arm_idle(self) -> None:
        technician = self.kiosk.technician
        if technician is None:
            return
        self._run("idle", self._idle_timeout(technician, self.idle_seconds()))

    async def _idle_timeout(self, technician: Technician, seconds: float) -> None:
        await self.kiosk.clock.sleep(seconds)
        if self.kiosk.technician is not technician or not self.kiosk.in_maintenance:
            return  # the visit ended meanwhile (or never opened)
        reason = "door-closed" if self.door_closed_on_visit else "idle"
        log.warning("technician %s: no action for %gs in maintenance (%s): leaving it", technician.id, seconds, reason)
        self._record("maintenance_timed_out", technician.id, reason=reason, seconds=seconds)
        self.door_closed_on_visit = False
        await self.kiosk.handle_intent(Intent("maintenance_exit"))  # exactly as the exit button

    # ------------------------------------------------------------------ the console

    async def enter_console(self, user: str) -> bool:
        """The booth's console path (`kiosk diag maintenance enter`, root only): no card, no PIN."""
        if self.kiosk.state not in self.kiosk.maintenance_from:
            return False
        technician = Technician(id=f"console:{user}", via="console")
        self._record("technician_login", technician.id, via="console")
        self._technician_in(technician)
        await self.kiosk.fire("maintenance_enter")  # the machine takes it from a task of its own
        return True
