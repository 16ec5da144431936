"""The kiosk controller: the model the state machine drives.

It reacts to three kinds of input, all arriving on one event loop: intents from the screens, events
from devices (a coin, a status change), and the results of work it started itself (a capture, a
reservation, a print job). Work that talks to a device runs in tasks this object owns and comes back
as a machine event, so the machine's habit of cancelling running callbacks when a new event arrives
never cuts a refund or a print in half.

Money and paper steps go to the journal before and after they happen (see `kiosk.till` and
`kiosk.issuing`). Nothing here imports pygame: what the screens show is a `View` built by
`kiosk.presenter`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from common.clock import Clock
from common.memory import release_freed_memory
from common.parcel_lot import is_lot_number
from common.status import DeviceState, DeviceStatus
from drivers.card import CardEvent
from drivers.cash import CashEvent
from kiosk.alerts import AlertWatch, DoorWatch, Inputs
from kiosk.availability import Availability, assess, receipt_notices, takes_bills, takes_coins
from kiosk.card_payment import CardPayment
from kiosk.config import KioskConfig
from kiosk.delivery import DeliveryDesk
from kiosk.hopper_inventory import HopperInventory, record_refill
from kiosk.hours_watch import watch_hours
from kiosk.identify import NUMBER_REJECTED, identify
from kiosk.issuing import Issuer
from kiosk.journal import Journal, JournalUnwritable, Recorder, stamp
from kiosk.machine import ClockedTimeout, S, build_machine
from kiosk.maintenance import Technician, Workshop
from kiosk.maintenance.access import TechnicianAccess
from kiosk.mobile_id import MobileIdDesk
from kiosk.nightly_archive import NightlyArchive
from kiosk.notices import NoticeDesk
from kiosk.opening_hours import ServiceHours
from kiosk.outbox import deliver_owed
from kiosk.pickup import PickupDesk
from kiosk.ports import Devices, ServerPort
from kiosk.presenter import SCREEN_OF_STATE, present
from kiosk.public_status import public_status
from kiosk.service_time import ServiceTime
from kiosk.session import Session
from kiosk.till import Till
from kiosk.views import AccessMode, Intent, View

log = logging.getLogger(__name__)


def type_lot(lot: str, key: str) -> str:
    """The lot number after one keypad press; keys that cannot make a valid lot are ignored."""
    main, dash, sub = lot.partition("-")
    if key == "-":
        return lot + "-" if main and not dash else lot
    if not key.isdigit() or len(key) != 1:
        return lot
    if dash:
        return lot + key if len(sub) < 4 and (sub or key != "0") else lot
    return lot + key if len(main) < 4 and (main or key != "0") else lot

# How often the kiosk tells the server it is alive, and learns whether the server is back.
HEARTBEAT_SECONDS = 30.0
# Guidance shown between fingerprint attempts, long enough to read "lift and place again".
RETRY_PAUSE_SECONDS = 1.5
# The out-of-service reason (and the session's) once a journal write was refused.
JOURNAL_UNWRITABLE = "journal-unwritable"
RECOVERY_FAILED = "recovery-needs-technician"
SETTLING_FAILED = "settling-failed"  # a bug stopped settling twice: the next boot's recovery settles
# How long the help prompt waits for the server to say staff were told; after that it says to call.
HELP_ANSWER_SECONDS = 10.0
# The accessibility choices a resident may change, and the values each takes (kiosk.views.AccessMode).
ZOOM_LEVELS = (1.0, 2.0)
SWITCHES = ("high_contrast", "low_position", "voice")


@dataclass
class Published:
    """The last views, for tests and the scenario runner (the screens get each one as it comes)."""

    views: list[View] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class Kiosk:
    """The model of the kiosk machine (its `state` attribute is set by transitions)."""

    state: str  # set by transitions
    trigger: Callable[..., Coroutine[Any, Any, bool]]  # added by transitions: fire an event by name

    def __init__(self, config: KioskConfig, *, clock: Clock, journal: Journal, devices: Devices,
                 server: ServerPort, publish: Callable[[View], None] | None = None) -> None:
        self.config = config
        self.clock = clock
        self.journal = journal
        self.record = Recorder(journal, clock)
        self.devices = devices
        self.server = server
        self._publish_cb = publish
        self.published = Published()
        self.session: Session | None = None
        self.language = self.default_language
        # How this resident asked to be served (zoom, contrast, position, voice, keypad): kept for the
        # session, dropped at idle with the language (the next resident is a stranger).
        self.access = AccessMode()
        self.prompt: str | None = None
        self.help_sent = False  # the help prompt's request reached the server
        self._help_task: asyncio.Task[Any] | None = None
        self._keep_choices = False  # back from the first step: the same resident is still here
        self.resident = 0  # one more each time the next resident is a stranger (View.resident)
        self._idle_reset: asyncio.Task[Any] | None = None
        self._prompt_deadline = 0.0  # clock.monotonic() at which an unanswered prompt ends the session
        self._pay_deadline = 0.0  # clock.monotonic() at which the payment screen asks "need more time?"
        self.statuses: dict[str, DeviceStatus] = {d.status.device: d.status for d in devices.all()}
        self.operator_hold = False  # closed by a heartbeat command until an "in_service" command
        self.catalog_fees: dict[str, int] = {}
        self.catalog_options: dict[str, frozenset[str]] = {}  # document code -> option ids the server offers
        self.catalog_hours: dict[str, ServiceHours] = {}  # document code -> its own hours (the catalog's)
        # The I/O module's verdicts (kiosk/sensors.py): a reason no session may start ("on-battery") and a
        # reason nothing may be issued ("overheat"); "" while the cabinet is fine.
        self.start_gate = ""
        self.sensor_fault = ""
        self.out_of_service_reason = ""
        self.out_of_service_since = ""
        # Set when the journal refused a write; kept until a restart, because the books now miss a
        # step and only a technician can say what happened to it.
        self.journal_fault = ""
        journal.on_unwritable = self._journal_unwritable
        # Set when boot recovery stopped on an error: sessions may be left unsettled, so the kiosk
        # stays out of service, saying so, until a technician has looked (and restarted it).
        self.recovery_fault = ""
        self.boot_step = "starting"
        self._serial = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._state_tasks: dict[str, asyncio.Task[Any]] = {}
        self._grace: asyncio.Task[None] | None = None
        self._stopping = False
        self.hopper = HopperInventory(journal, config.cash.hopper_coin)
        self.till = Till(self)
        self.card_payment = CardPayment(self, self.till)
        self.till.card = self.card_payment
        self.issuer = Issuer(self, self.till, self.card_payment)
        # The technician's side (issue 15): who is in, what they can do, and the PIN screen's logic.
        self.technician: Technician | None = None
        self.workshop = Workshop(self)
        self.nightly_archive = NightlyArchive(journal, clock, config.journal.keep_days)
        self.tech_access = TechnicianAccess(self)
        # The city's view (issue 16): downtime by reason, and the alerts sent with the heartbeat.
        self.service_time = ServiceTime(clock)
        self.alerts = AlertWatch(config.alerts, clock)
        self.door_watch = DoorWatch(journal, clock, config.alerts.door_clear_minutes * 60)
        self.pickup_desk = PickupDesk(self)  # issue 17: pickup of a document reserved online
        self.notice_desk = NoticeDesk(self)  # issue 17: the result sent by text message
        self.catalog_delivery_fees: dict[str, int] = {}  # issue 17: document code -> delivery fee (0: never)
        self.delivery_desk = DeliveryDesk(self)  # issue 17: delivery instead of print
        self.mobile_id_desk = MobileIdDesk(self)  # issue 17: identity by mobile ID
        self.machine = build_machine(self, config.timeouts)

    # ------------------------------------------------------------------ lifecycle

    async def run(self) -> None:
        """Enter the machine's first state; everything after is driven by events."""
        self.spawn(self._heartbeat_loop(), "heartbeat")
        self.spawn(watch_hours(self), "hours")
        await self.enter_boot()

    async def stop(self) -> None:
        self._stopping = True
        # A task ending may start another (a publish arms idle's reset): go round until none is left.
        for _ in range(3):
            owned = [*self._tasks, *self._state_tasks.values(), self._grace]
            tasks = [t for t in owned if t is not None and not t.done()]
            if not tasks:
                break
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        for state in self.machine.states.values():  # ClockedTimeout states, nested one level (session/...)
            for child in [state, *state.states.values()]:
                for timer in child.runner.values():
                    timer.cancel()

    @property
    def server_ok(self) -> bool:
        """The server link's own verdict (drivers/issuance_server/link.py), read as a device's status is."""
        return self.server.status.usable

    @property
    def availability(self) -> Availability:
        return self._assess(in_session=self.session is not None)

    @property
    def availability_for_arrival(self) -> Availability:
        """What a resident arriving now would be offered: the public feed's view. A session under way
        finishes past closing time or on battery, but the next resident could not start one."""
        return self._assess(in_session=False)

    def _assess(self, *, in_session: bool) -> Availability:
        return assess(self.config, self.statuses, server_ok=self.server_ok, now=self.clock.now(),
                      fees=self.catalog_fees, change_available=self.change_available(),
                      operator_hold=self.operator_hold,
                      controller_fault=self.journal_fault or self.recovery_fault or self.tech_access.fault,
                      in_session=in_session, start_gate=self.start_gate,
                      sensor_fault=self.sensor_fault, service_hours=self.catalog_hours,
                      deliverable=frozenset(c for c, f in self.catalog_delivery_fees.items()
                                            if f > 0 and self.config.delivery.enabled),
                      mobile_id=self.mobile_id_desk.offered())

    def change_available(self) -> int:
        """Won of change the kiosk can promise: the coins the journal counts in the hopper
        (kiosk.hopper_inventory), capped by what the hopper's sensors allow (a tripped low probe, a
        payout that found it empty). 0 when either is unknown.

        While no receipt can be printed, a voucher would be owed on nothing but the screen: then the
        promise must also hold if the journal's count were wrong (coins jammed or taken without a
        payout), so it is no more than the sensors confirm (the low probe's threshold, untripped)."""
        try:
            counted = self.hopper.won()
            cap = self.devices.cash.change_cap()
            confirmed = self.devices.cash.change_confirmed()
        except Exception as exc:  # a driver bug must not stop the screen from drawing
            log.warning("cannot tell the change available: %r", exc)
            return 0
        if counted is None:
            return 0
        promised = counted if cap is None else min(counted, cap)
        if receipt_notices(self.statuses.get("receipt_printer")):
            promised = min(promised, confirmed)
        return promised

    def refill_hopper(self, coins: int, *, source: str) -> None:
        """Journal that the hopper now holds `coins` coins (a technician's refill; the first boot's float)."""
        record_refill(self.journal, coins=coins, coin=self.config.cash.hopper_coin, at=stamp(self.clock), source=source)
        log.info("hopper refilled: %d coins of %d won (%s)", coins, self.config.cash.hopper_coin, source)
        self.publish()

    # ------------------------------------------------------------------ task plumbing

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(self._guard(coro, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # A task cancelled before it ran (at shutdown) never started `coro`: close it without a warning.
        task.add_done_callback(lambda _: coro.close())
        return task

    def spawn_for_state(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Work that belongs to the current state: cancelled if the session moves on without it."""
        old = self._state_tasks.pop(name, None)
        if old is not None and not old.done():
            old.cancel()
        self._state_tasks[name] = self.spawn(coro, name)

    def _cancel_state_task(self, name: str) -> None:
        task = self._state_tasks.pop(name, None)
        if task is not None and not task.done():
            task.cancel()

    async def _guard(self, coro: Coroutine[Any, Any, Any], name: str) -> Any:
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except JournalUnwritable as exc:
            # Not a bug: the step stopped before it happened, and `_journal_unwritable` has already
            # taken the kiosk out of service (logged once, at CRITICAL).
            log.error("task %s stopped: %s", name, exc)
            await self._recover_from_bug(name)
            return None
        except Exception:
            log.exception("task %s failed; the controller carries on", name)
            await self._recover_from_bug(name)
            return None

    async def _recover_from_bug(self, where: str) -> None:
        """The failsafe path for a bug anywhere in a session: the session ends as failed, its money is
        settled (refunded) and the resident is told on the result screen; the kiosk goes back to idle,
        or out of service when even settling failed (the next boot's recovery settles it then)."""
        if self._stopping:
            return
        if where == "boot" and not self.journal_fault:
            self.recovery_fault = RECOVERY_FAILED
            log.critical("OUT OF SERVICE: recovery at boot stopped on an error; unfinished sessions may be "
                         "unsettled. A technician must read the log and the journal (kiosk journal --tail)")
            await self.fire("booted")  # the self-test finds the kiosk unfit and says why
            return
        session = self.session
        if session is None or session.closed or not self.state.startswith(S.SESSION):
            return
        if session.outcome not in ("issued", "partial"):
            session.outcome = "failed"
        session.reason = session.reason or f"internal-error:{where}"
        if self.state != S.DONE:
            # `failed` leaves every state that can hold money or paper; the others can be cancelled.
            await self.fire("failed" if self.state in S.FAILABLE else "cancel")
            return
        if self.journal_fault:
            # The journal refused a write: nothing can be settled until it is fixed. Once the settling
            # task has stopped, an OK pressed meanwhile is honoured.
            self.publish()
            self.spawn(self._after_settling_stops(session), "settle-stopped")
            return
        settling = self._state_tasks.get("settle")
        if where != "settle" and settling is not None and not settling.done():
            return  # the bug was elsewhere (drawing the result): settling goes on by itself
        if session.settle_tries == 0:
            # Settling did not run (the result screen's own entry failed) or stopped half-way: run it
            # again; every step of it is idempotent against the journal.
            session.settle_tries += 1
            self.publish()
            self.spawn_for_state(self._settle(), "settle")
            return
        log.critical("OUT OF SERVICE: session %s could not be settled after a bug; the next boot's recovery "
                     "settles it from the journal", session.id[:8])
        self.recovery_fault = RECOVERY_FAILED
        session.settle_abandoned = True
        session.reason = SETTLING_FAILED
        self.publish()
        await self._result_shown(session)

    async def fire(self, trigger: str) -> None:
        """Send the machine an event from a fresh task, so the sender's own work is never cancelled."""
        if self._stopping:
            return
        task = asyncio.create_task(self.trigger(trigger), name=f"event:{trigger}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.sleep(0)

    # ------------------------------------------------------------------ the journal refuses a write

    def _journal_unwritable(self, error: JournalUnwritable) -> None:
        """The journal refused a write (disk full, I/O error): stop taking money, go out of service.

        Called from inside the failing `Journal.record`, before the error reaches whoever wrote, so
        it holds even where that caller swallows errors. The step that record announced does not
        happen; the resident's session ends with the reason on the done screen. Money already in
        cannot be paid back here (a refund must be journaled first): the next boot's recovery
        refunds what the journal shows, once a technician has made the journal writable again.
        """
        session = self.session
        if session is not None and not session.closed and session.outcome != "issued":
            session.outcome, session.reason = "failed", JOURNAL_UNWRITABLE
        if self.journal_fault:
            log.debug("journal write refused again: %s", error)
            return
        self.journal_fault = JOURNAL_UNWRITABLE
        log.critical("OUT OF SERVICE: the journal cannot be written, so no money is taken: %s. A technician "
                     "must free the disk or replace the storage, then restart the kiosk", error)
        if not self._stopping:
            self.spawn(self._stop_taking_money(), "journal-fault")

    async def _stop_taking_money(self) -> None:
        await self.till.inhibit()
        self.publish()
        if self.state == S.BOOT:
            # Recovery stopped at a record it could not write: go on to the self-test, which finds
            # the kiosk unfit and says why, rather than showing "starting" for ever.
            await self.fire("booted")
            return
        await self._health_changed()

    async def on_machine_exception(self, event_data: Any) -> None:
        """A callback of the machine raised: a bug. Cancellation (a newer event, a stop) is not one."""
        error = event_data.error
        if isinstance(error, asyncio.CancelledError):
            raise error
        log.error("state machine error in %s: %r", getattr(self, "state", "?"), error, exc_info=error)
        await self._recover_from_bug(f"machine:{event_data.event.name if event_data.event else '?'}")

    # ------------------------------------------------------------------ publishing

    def publish(self) -> None:
        self.service_time.note(getattr(self, "state", ""), self.out_of_service_reason)
        self._serial += 1
        view = present(self, serial=self._serial)
        self.published.views.append(view)
        del self.published.views[:-200]
        self.published.changed.set()
        if self._publish_cb is not None:
            self._publish_cb(view)

    @property
    def view(self) -> View:
        return self.published.views[-1] if self.published.views else present(self, serial=0)

    # ------------------------------------------------------------------ device events

    def on_device_status(self, status: DeviceStatus) -> None:
        previous = self.statuses.get(status.device)
        self.statuses[status.device] = status
        self.workshop.board.seen(status)  # the board's "last error and when"
        if previous != status:
            log.info("device %s: %s %s", status.device, status.state.value, status.reason)
            self.spawn(self._health_changed(), "health")
            if status.device == "cash" and takes_bills(previous) != takes_bills(status):
                # The stacker filled or was emptied while a fee is taken: open or close the validator.
                self.spawn(self.till.bills_changed(), "bills")

    async def _health_changed(self) -> None:
        """Out of service when hardware stops every issuance, back by itself when it is fixed.

        A resident who has not finished paying is told at once (and given back any coins) rather
        than charged for a document the kiosk can no longer print.
        """
        broken = self.availability.out_of_service_reason
        if self.state == S.IDLE and broken:
            await self.fire("unfit")
        elif self.state == S.OUT_OF_SERVICE and not broken:
            await self.fire("ready")
        elif self.state == S.OUT_OF_SERVICE and broken != self.out_of_service_reason:
            # Still out of service, for a new reason (a journal fault while the tray was empty).
            log.warning("out of service: %s (was %s)", broken, self.out_of_service_reason)
            self.out_of_service_reason = broken
            self._note_outage("out_of_service_entered", changed=True)
            self.publish()
        elif broken and self._before_payment() and await self._still_broken():
            session = self.session
            assert session is not None
            log.warning("ending session before payment: %s", broken)
            session.outcome, session.reason = "failed", self.availability.out_of_service_reason
            await self.fire("cancel")
        elif not self.state.startswith(S.SESSION) or self.state in S.WAITING_FOR_PERSON:
            self.publish()

    def _before_payment(self) -> bool:
        session = self.session
        return (session is not None and not session.closed and not session.payment_complete
                and self.state in S.CANCELLABLE)

    async def _still_broken(self) -> bool:
        """Ask the printers again: one unanswered poll is not worth ending a resident's session."""
        await self.issuer.check_printers()
        return bool(self.availability.out_of_service_reason) and self._before_payment()

    def on_cash_event(self, event: CashEvent) -> None:
        self.till.post(event)

    def on_card_event(self, event: CardEvent) -> None:
        self.card_payment.on_event(event)
        self.tech_access.on_card_event(event)  # a technician card at idle or out of service

    # ------------------------------------------------------------------ states

    async def enter_boot(self) -> None:
        self.boot_step = "starting"
        self.publish()
        self.spawn(self._boot(), "boot")

    async def _boot(self) -> None:
        # What the previous run left ends here: money the acceptors report from now on (a coin taken
        # just before the kill, replayed) opens sessions of this run, which settle themselves.
        left_by_previous_run = self.journal.last_seq()
        # Coins and bills the acceptors took while the kiosk was down are credited, not skipped.
        self.devices.cash.resume_from(coin=self.journal.last_cash_counter("coin"),
                                      bill=self.journal.last_cash_counter("bill"))
        for device in self.devices.all():
            await device.start()
            if device is self.devices.cash:
                self._journal_cash_baseline()  # before the cash poller first runs
        if not self.hopper.has_refill():
            # A journal that never saw a refill: the hopper holds the float the config says was loaded.
            log.warning("no hopper refill on record: journaling the configured float of %d coins",
                        self.config.cash.hopper_float)
            self.refill_hopper(self.config.cash.hopper_float, source="config-first-boot")
        self.boot_step = "recovering"
        self.publish()
        await self.issuer.recover_unfinished(opened_up_to=left_by_previous_run)
        await self.fire("booted")

    def _journal_cash_baseline(self) -> None:
        """The acceptors' event counters, when the journal has none yet: without them a crash before
        the first credit would leave the next run nowhere to resume from, and money the acceptors
        took meanwhile would be skipped instead of given back."""
        unknown: dict[str, Any] = {part: value for part, value in self.devices.cash.event_counters().items()
                                   if part in ("coin", "bill") and self.journal.last_cash_counter(part) is None}
        if unknown:
            self.record("device", "cash_counters", **unknown)

    async def enter_selftest(self) -> None:
        self.boot_step = "selftest"
        self.publish()
        self.spawn(self._selftest(), "selftest")

    async def _selftest(self) -> None:
        await self._refresh_catalog()
        await self.issuer.check_printers()
        reason = self.availability.out_of_service_reason
        await self.fire("unfit" if reason else "ready")

    async def _refresh_catalog(self) -> None:
        try:
            catalog = await self.server.catalog()
        except Exception:
            return  # the server link went down and said so
        self.catalog_fees = {d.code: d.fee for d in catalog.documents}
        self.catalog_options = {d.code: frozenset(d.options) for d in catalog.documents}
        self.catalog_hours = {d.code: ServiceHours(d.hours, d.maintenance) for d in catalog.documents}
        self.catalog_delivery_fees = {d.code: d.delivery_fee for d in catalog.documents}  # issue 17
        self._report_catalog_mismatch()

    def _report_catalog_mismatch(self) -> None:
        """Config that the server's catalog does not know is never offered: an option the server
        refuses would only be found out at the reservation. Said once per catalog read (boot, reload)."""
        for code, doc in self.config.documents.items():
            known = self.catalog_options.get(code)
            if known is None:
                log.warning("config offers document %r, which the server's catalog does not list: not offered", code)
                continue
            for option in doc.options:
                if option not in known:
                    log.warning("config option %r of %r is not in the server's catalog (%s): not offered",
                                option, code, ", ".join(sorted(known)) or "no options")

    def offered_options(self, code: str) -> list[str]:
        """The options of a document the resident may tick: the config's, as far as the catalog has them
        (none before the catalog was read: no session starts without the server anyway)."""
        known = self.catalog_options.get(code, frozenset())
        return [o for o in self.config.documents[code].options if o in known]

    async def _heartbeat_loop(self) -> None:
        """Every HEARTBEAT_SECONDS for the booth's life. One pass that fails (a bug in a command's handling,
        a delivery, the alerts) is logged and the next pass comes as usual: the heartbeat carries the
        operators' commands, the owed commits and voids and the nightly archival, so a booth that stopped
        it would go silent until a restart. Such a bug is not the resident's session's: it is not failed."""
        while True:
            await self.clock.sleep(HEARTBEAT_SECONDS)
            try:
                await self._heartbeat_once()
            except asyncio.CancelledError:
                raise
            except JournalUnwritable as exc:  # already out of service, said once at CRITICAL
                log.error("heartbeat pass stopped: %s", exc)
            except Exception:
                log.exception("heartbeat pass failed; the next one comes in %d s", HEARTBEAT_SECONDS)

    async def _heartbeat_once(self) -> None:
        statuses = {name: {"state": s.state.value, "reason": s.reason,
                           "supplies": {k: v.value for k, v in s.supplies.items()}}
                    for name, s in self.statuses.items()}
        fault = self.journal_fault or self.recovery_fault
        if fault:  # the city's operators hear of it with the devices
            statuses["journal"] = {"state": DeviceState.HARDWARE_ERROR.value, "reason": fault,
                                   "supplies": {}}
        was_ok = self.server_ok
        try:
            extras = self.heartbeat_extras()
        except Exception:  # a bug there must not silence the booth: it still reports its devices
            log.exception("heartbeat: alerts and public status failed; sending the devices' states alone")
            extras = {}
        try:
            commands = await self.server.heartbeat(statuses, **extras)
        except Exception:
            pass  # the server link went down and said so
        else:
            if not was_ok:
                await self._refresh_catalog()
            if not self.journal_fault:  # a delivery is journaled; it waits for a writable journal
                await deliver_owed(self, self.card_payment)
            await self._obey(commands)
        if was_ok != self.server_ok and self.state in (S.IDLE, S.CHOOSE):
            self.publish()
        if self.state == S.IDLE and not self.journal_fault and self.nightly_archive.due():
            self.nightly_archive.run()

    def heartbeat_extras(self) -> dict[str, Any]:
        """The alerts up after this heartbeat's evaluation (edges go to the listeners: the webhook),
        and what the public feed may say of the booth (kiosk/public_status.py)."""
        try:
            doors = self.door_watch.alarmed()
        except Exception as exc:  # a journal that cannot be read is its own alert (statuses["journal"])
            log.warning("cannot read door records: %r", exc)
            doors = self.door_watch.alarm_doors
        change = self.change_available()
        self.alerts.evaluate(Inputs(statuses=self.statuses, change_available=change,
                                    takes_cash=takes_coins(self.statuses.get("cash")),
                                    out_of_service_reason=self.service_time.reason,
                                    out_of_service_seconds=self.service_time.current_seconds()), doors)
        public = (public_status(self.config, self.availability_for_arrival, self.statuses, state=self.state,
                                change_available=change) if self.config.public.listed else None)
        return {"alerts": self.alerts.heartbeat_alerts(), "public": public}

    async def _obey(self, commands: list[str]) -> None:
        """Commands the server sent down with a heartbeat answer; unknown ones are logged, not guessed."""
        for command in commands:
            if command == "out_of_service":
                log.warning("the operator closed this kiosk (heartbeat command)")
                self.operator_hold = True
            elif command == "in_service":
                log.warning("the operator reopened this kiosk (heartbeat command)")
                self.operator_hold = False
            elif command in ("reload_catalog", "refresh_catalog"):
                await self._refresh_catalog()
            elif command == "selftest":
                await self._remote_selftest()
            elif command == "upload_bundle":
                self.spawn(self._upload_bundle(), "upload-bundle")
                continue
            else:
                log.warning("ignoring unknown server command %r", command)
                continue
            await self._health_changed()

    async def _remote_selftest(self) -> None:
        """The operators asked for a self-test (heartbeat command `selftest`): the boot self-test's checks
        (the catalog, the printers), then the workshop's server check, as technician "remote". Only while
        no resident is served and no technician is in; nothing is printed. Journaled with its outcome."""
        if self.state not in self.maintenance_from or self.technician is not None:
            log.warning("remote self-test refused: the booth is busy (%s)", self.state)
            self.record("maintenance", "remote_selftest", ok=False, error="busy", state=str(self.state))
            return
        await self._refresh_catalog()
        await self.issuer.check_printers()
        answer: dict[str, Any] = {}
        handler = self.workshop.actions().get("selftest")
        if handler is not None:
            remote = Technician(id="remote", via="remote")
            self.technician = remote
            try:
                answer = await handler(device="server")
            except Exception as exc:  # a self-test that breaks must not take the heartbeat with it
                answer = {"ok": False, "error": type(exc).__name__}
            finally:
                # A technician who logged in meanwhile stays in; a door opened meanwhile is looked at now
                # (the door's check skipped it while "remote" counted as a technician in).
                if self.technician is remote:
                    self.technician = None
                    self.tech_access.at_rest()
        reason = self.availability.out_of_service_reason
        self.record("maintenance", "remote_selftest", ok=not reason and bool(answer.get("ok", True)),
                    reason=reason or "", server=str(answer.get("ok", "")))
        log.warning("remote self-test: %s", f"unfit ({reason})" if reason else "fit")

    async def _upload_bundle(self) -> None:
        """The operators asked for a support bundle (heartbeat command `upload_bundle`): made here (nothing
        personal in it: kiosk.maintenance.support_bundle) and sent to the server; journaled either way."""
        from kiosk.maintenance.support_bundle import make_upload_bundle

        try:
            bundle = await make_upload_bundle(self, mtime=self.clock.now().timestamp())
            answer = await self.server.upload_support_bundle(f"bundle-{uuid.uuid4().hex}", bundle, reason="server")
        except Exception as exc:
            log.warning("support bundle upload failed: %s", exc)
            self.record("maintenance", "bundle_uploaded", ok=False, error=type(exc).__name__)
            return
        self.record("maintenance", "bundle_uploaded", len(bundle), answer.bundle_id, ok=True)

    def recent_views(self, count: int) -> list[View]:
        """The last `count` views shown (for the support bundle's last screens)."""
        return list(self.published.views[-count:])

    async def workshop_query(self, what: str) -> dict[str, Any]:
        """A read-only workshop answer (for the support bundle)."""
        return await self.workshop.query(what, {})

    @property
    def default_language(self) -> str:
        """The language every resident is first spoken to in: the first one configured."""
        return self.config.kiosk.languages[0] if self.config.kiosk.languages else "ko"

    async def enter_idle(self) -> None:
        self.prompt = None
        self.help_sent = False
        self._end_session()
        if self._keep_choices:
            # Back from the first step: the resident who chose a language, zoom or voice is still here.
            self._keep_choices = False
            self._arm_idle_reset()
        else:
            # The next resident is a stranger: the last one's language and accessibility choices are not theirs.
            self._reset_choices()
        self.publish()
        self.spawn(self.till.inhibit(), "inhibit")
        # A session that ended on a printer fault (a jam, an empty tray) leaves the kiosk unfit.
        self.spawn(self._health_changed(), "health")
        self.tech_access.at_rest()  # the service door opened meanwhile: the PIN screen, no new resident
        release_freed_memory()  # what the session freed goes back to the system (common/memory.py)

    async def enter_out_of_service(self) -> None:
        self._end_session()
        self._reset_choices()
        self.out_of_service_reason = self.availability.out_of_service_reason or "unknown"
        self.out_of_service_since = self.clock.now().strftime("%H:%M")
        log.warning("out of service: %s", self.out_of_service_reason)
        # The technician's history of outages (kiosk.maintenance.board) is read back from these rows.
        self._note_outage("out_of_service_entered")
        self.publish()
        self.spawn(self.till.inhibit(), "inhibit")
        self.tech_access.at_rest()

    async def leave_out_of_service(self) -> None:
        self._note_outage("out_of_service_left")

    def _note_outage(self, kind: str, **detail: Any) -> None:
        """A row of the outage history (kiosk.maintenance.board); a journal that refuses it (the very
        reason the booth may be out of service) costs only that row, never the state change."""
        try:
            self.record("device", kind, ref=self.out_of_service_reason, **detail)
        except JournalUnwritable as exc:
            log.debug("outage history row %s not journaled: %s", kind, exc)

    @property
    def maintenance_from(self) -> tuple[str, ...]:
        """The states a technician may enter maintenance from (a resident's session finishes first)."""
        return (S.IDLE, S.OUT_OF_SERVICE)

    @property
    def in_maintenance(self) -> bool:
        return self.state == S.MAINTENANCE

    async def enter_maintenance(self) -> None:
        self.workshop.reset()
        who = self.technician
        self.record("maintenance", "maintenance_entered", technician=who.id if who else "", via=who.via if who else "")
        self.publish()

    async def enter_tech_login(self) -> None:
        self.publish()

    async def health_changed(self) -> None:
        """For the technician's side: look again at whether the booth can serve (the door closed)."""
        await self._health_changed()

    def sensors_changed(self) -> None:
        """The I/O module's policy (kiosk/sensors.py) changed `start_gate` or `sensor_fault`: go out of
        service or back, or redraw the idle screen, as for a device's status."""
        self.spawn(self._health_changed(), "health")

    async def service_door_changed(self, opened: bool) -> None:
        """The service door's switch, from the I/O module (kiosk.booth wires it)."""
        await self.tech_access.door_changed(opened)
        self.publish()

    async def enter_choose(self) -> None:
        self._cancel_idle_reset()  # the choices made at idle are this session's now
        self._keep_choices = False
        if self.session is None:
            self.session = Session()
            self.record(self.session.id, "session_opened")
            # The receipt printer is only heard when asked: ask now, before this resident pays.
            self.spawn(self.issuer.check_printers(), "printers")
        self.publish()

    async def enter_parcel(self) -> None:
        self.publish()

    async def enter_pickup(self) -> None:
        """Issue 17: the pickup code screen; from idle it opens the session as the choice of document does."""
        await self.enter_choose()

    async def _intent_pickup(self) -> None:
        await self.pickup_desk.start()

    async def enter_notice(self) -> None:
        """Issue 17: the mobile number the result is sent to."""
        self.publish()

    async def on_notice_timeout(self) -> None:
        await self.notice_desk.timed_out()

    async def _intent_notice(self, channel: str = "") -> None:
        await self.notice_desk.start(channel)

    async def enter_mobile_id(self) -> None:
        """Issue 17: the one-time QR of a mobile ID verification, and the wait for the wallet."""
        self.publish()
        self.spawn_for_state(self.mobile_id_desk.run(), "mobile_id")

    async def _intent_mobile_id(self) -> None:
        await self.mobile_id_desk.start()

    async def enter_number(self) -> None:
        # Back from the fingerprint screen (a number the server does not know, or the resident
        # asked to retype it): that screen's capture stops.
        self._cancel_state_task("identify")
        self.publish()

    async def enter_finger(self) -> None:
        assert self.session is not None
        self.session.guidance = "place"
        self.publish()
        self.spawn_for_state(self._identify(), "identify")

    async def enter_options(self) -> None:
        self.delivery_desk.entering_options()  # issue 17: a booth that cannot print delivers
        self.publish()

    async def enter_pay(self) -> None:
        assert self.session is not None
        self.session.total = self.till.quote(self.session)
        self._pay_deadline = self.clock.monotonic() + self.timer_seconds(self.config.timeouts.payment,
                                                                         waits_for_person=True)
        self.publish()
        self.spawn_for_state(self.till.take_fee(), "pay")
        self.spawn_for_state(self._count_down_payment(), "pay-clock")

    def pay_seconds_left(self) -> int:
        """Whole seconds before the payment screen's time limit asks "need more time?"."""
        return max(0, math.ceil(self._pay_deadline - self.clock.monotonic() - 1e-9))

    async def _count_down_payment(self) -> None:
        """The payment screen shows its time left (accessibility: every unavoidable time limit is
        shown), so it is published again each time the whole number of seconds changes."""
        while self.state == S.PAY:
            left = self._pay_deadline - self.clock.monotonic()
            await self.clock.sleep(left - math.floor(left - 1e-9) if left > 1 else 1.0)
            if self.state == S.PAY and self.prompt is None and self.pay_seconds_left() > 0:
                self.publish()

    async def enter_issue(self) -> None:
        self.publish()
        delivery = self.session is not None and self.session.delivery  # issue 17: an order, not a reservation
        self.spawn_for_state(self.delivery_desk.order() if delivery else self.issuer.reserve(), "issue")

    async def enter_print(self) -> None:
        self.publish()
        if self.session is not None and self.session.delivery:  # issue 17: dispatched, not printed
            self.spawn_for_state(self.delivery_desk.confirm(self.issuer.print_receipt), "print")
            return
        self.spawn_for_state(self.issuer.print_documents(), "print")

    async def enter_done(self) -> None:
        if self.prompt == "more_time":  # the help prompt stays: a resident on the phone reads the result
            self.prompt = None
        self._cancel_grace()
        for name in ("identify", "pay", "mobile_id"):  # mobile_id: issue 17
            self._cancel_state_task(name)
        self.publish()
        self.spawn_for_state(self._settle(), "settle")

    async def _settle(self) -> None:
        """Whatever brought us here, leave no money or paper unaccounted for, then close the session."""
        session = self.session
        if session is None or session.closed:
            return
        if not session.outcome:
            session.outcome = "cancelled"
        await self.till.settle(session)
        await self.issuer.settle(session)
        await self.delivery_desk.settle(session)  # issue 17: an order never paid is cancelled
        session.closed = True
        self.record(session.id, "session_closed", outcome=session.outcome, reason=session.reason)
        session.wipe()
        self.publish()
        await self._result_shown(session)

    async def _result_shown(self, session: Session) -> None:
        """The amounts are final and on screen: honour an OK pressed while settling, unless there is a
        voucher code the resident has not seen yet; otherwise the result stays for the full `done` time."""
        if session.finish_requested and not session.voucher:
            await self.fire("finish")
            return
        state: ClockedTimeout = self.machine.get_state(S.DONE)  # every state of KioskMachine is one
        state.rearm(self)

    async def _after_settling_stops(self, session: Session) -> None:
        task = self._state_tasks.get("settle")
        if task is not None and task is not asyncio.current_task():
            await asyncio.wait({task})
        if self.session is session and self.state == S.DONE:
            self.publish()
            await self._result_shown(session)

    @property
    def result_final(self) -> bool:
        """The result screen may show its amounts: the session is settled, or nothing more will be
        settled here (the journal refused a write, or settling failed after a bug)."""
        session = self.session
        return session is None or session.closed or session.settle_abandoned or bool(self.journal_fault)

    async def on_done_timeout(self) -> None:
        """Nobody pressed OK on the result screen: back to idle, but never while still settling
        (the countdown starts again when the amounts are final)."""
        if self.result_final:
            await self.fire("finish")

    def _settling_abandoned(self) -> bool:
        """Settling stopped at a journal write that was refused, or failed again after a bug: nothing
        more will happen here (the next boot's recovery settles the session)."""
        task = self._state_tasks.get("settle")
        if self.session is not None and self.session.settle_abandoned:
            return True
        return bool(self.journal_fault) and (task is None or task.done())

    async def leave_session(self) -> None:
        self._cancel_grace()
        self.prompt = None

    def _end_session(self) -> None:
        session = self.session
        if session is not None:
            if not session.closed:
                log.error("session %s left without settling; recovery will resolve it", session.id[:8])
            session.wipe()
        self.session = None
        for name in list(self._state_tasks):
            self._cancel_state_task(name)

    async def _find_parcel(self, session: Session) -> None:
        """Look the lot up before any money is taken: a parcel that does not exist is a typing error."""
        try:
            parcels = await self.server.search_parcels(self.config.kiosk.district, session.lot)
        except Exception as exc:
            log.warning("parcel search unavailable: %s", exc)
            session.outcome, session.reason = "failed", "server-unavailable"
            await self.fire("failed_before_payment")
            return
        if not parcels:
            session.lot_error = "not-found"
            self.publish()
            return
        self.record(session.id, "parcel_found", ref=parcels[0].parcel_id)
        await self.fire("parcel_entered")

    # ------------------------------------------------------------------ identity

    async def _identify(self) -> None:
        outcome = await identify(self)
        if outcome == "identified":
            pickup = self.session is not None and self.session.pickup_fee is not None  # issue 17
            await self.fire("pickup_identified" if pickup else "identified")
        elif outcome == NUMBER_REJECTED:
            await self.fire("retype_number")
        elif outcome != "cancelled":
            assert self.session is not None
            self.session.outcome = "failed"
            self.session.reason = outcome
            await self.fire("failed")

    # ------------------------------------------------------------------ person timeouts

    async def on_person_silent(self) -> None:
        """The state's timeout fired: ask "need more time?" and give the resident a grace period."""
        if self.prompt == "more_time":
            return
        self.prompt = "more_time"  # also after a help prompt left unanswered for `[help] hold`
        self.help_sent = False
        self._prompt_deadline = self.clock.monotonic() + self.person_seconds(self.config.timeouts.grace)
        self.publish()
        self._cancel_grace()
        self._grace = asyncio.create_task(self._grace_period(), name="grace")

    def prompt_seconds_left(self) -> int:
        """Whole seconds before an unanswered prompt ends the session (what the prompt shows)."""
        return max(0, math.ceil(self._prompt_deadline - self.clock.monotonic() - 1e-9))

    async def _grace_period(self) -> None:
        # The prompt shows the time left (an accessibility rule for every unavoidable time limit),
        # so it is published again each time the whole number of seconds changes.
        while (left := self._prompt_deadline - self.clock.monotonic()) > 0:
            await self.clock.sleep(left - math.floor(left - 1e-9) if left > 1 else left)
            if self.prompt == "more_time" and self.clock.monotonic() < self._prompt_deadline:
                self.publish()
        if self.session is not None and self.state in S.WAITING_FOR_PERSON:
            log.info("resident left during %s", self.state)
            self.session.outcome = "timed_out"
            self.session.reason = "walked-away"
            await self.fire("abandon")

    def _cancel_grace(self) -> None:
        if self._grace is not None and not self._grace.done() and self._grace is not asyncio.current_task():
            self._grace.cancel()
        self._grace = None

    def note_activity(self) -> None:
        """The resident is here: restart the current state's countdown and drop "need more time?"
        (the help prompt stays until the resident closes it)."""
        if self.state not in S.TOUCH_RESTARTS_COUNTDOWN:
            return
        self._restart_countdown()
        if self.prompt == "more_time":
            self.prompt = None
            self._cancel_grace()

    def _restart_countdown(self) -> None:
        """The state's time limit starts again, as long as `timer_seconds` says now."""
        if self.state not in S.TOUCH_RESTARTS_COUNTDOWN and self.state != S.DONE:
            return
        state: ClockedTimeout = self.machine.get_state(self.state)  # every state of KioskMachine is one
        state.rearm(self)
        if self.state == S.PAY:
            self._pay_deadline = self.clock.monotonic() + self.timer_seconds(self.config.timeouts.payment,
                                                                             waits_for_person=True)

    # ------------------------------------------------------------------ accessibility and help

    @property
    def assisted(self) -> bool:
        """Voice guidance or the physical keypad is in use: listening and finding keys take longer."""
        return self.access.voice or self.access.keypad

    def person_seconds(self, configured: float) -> float:
        """A time limit for a person, lengthened by `[timeouts] assisted_factor` for an assisted resident."""
        return configured * self.config.timeouts.assisted_factor if self.assisted else configured

    def timer_seconds(self, configured: float, *, waits_for_person: bool) -> float:
        """How long a state's countdown runs now (kiosk.machine.ClockedTimeout asks at each start).

        While the help prompt is up the resident may be on the phone with staff: the countdown runs
        `[help] hold` (5 min), then asks "need more time?" as usual, so a walk-away still ends."""
        if self.prompt == "help":
            return max(configured, self.config.help.hold)
        return self.person_seconds(configured) if waits_for_person else configured

    def _change_access(self, name: str, args: dict[str, Any]) -> None:
        """Intent access(setting, value) or keypad_used; a setting or value out of the contract is ignored."""
        if name == "keypad_used":
            self.access = dataclasses.replace(self.access, keypad=True)
            return
        setting, value = args.get("setting"), args.get("value")
        if setting == "zoom" and isinstance(value, int | float) and not isinstance(value, bool) \
                and value in ZOOM_LEVELS:
            self.access = dataclasses.replace(self.access, zoom=float(value))
        elif setting in SWITCHES and isinstance(value, bool):
            self.access = dataclasses.replace(self.access, **{str(setting): value})
        else:
            log.debug("ignored access setting %r = %r", setting, value)

    def _reset_choices(self) -> None:
        """The language and accessibility choices go back to the booth's defaults (a new resident)."""
        self._cancel_idle_reset()
        self._keep_choices = False
        self.resident += 1  # voice guidance drops this resident's volume and rate (View.resident)
        self.language = self.default_language
        self.access = AccessMode()
        if self.prompt == "help":
            self.prompt = None
        self.help_sent = False

    def _arm_idle_reset(self) -> None:
        """At idle, choices made (a language, zoom, voice, a help prompt) belong to whoever is standing
        there: if nobody starts within a screen's time limit, they are dropped for the next resident."""
        if self.state != S.IDLE or self._stopping:
            return
        self._cancel_idle_reset()
        self._idle_reset = self.spawn(self._idle_timeout(), "idle-reset")

    def _cancel_idle_reset(self) -> None:
        task = self._idle_reset
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
        self._idle_reset = None

    async def _idle_timeout(self) -> None:
        await self.clock.sleep(self.timer_seconds(self.config.timeouts.screen, waits_for_person=True))
        if self.state == S.IDLE:
            log.info("nobody started after choosing at idle: back to the default language and access")
            self._idle_reset = None
            self._reset_choices()
            self.publish()

    async def _open_help(self) -> None:
        """Show the help line and tell the server; the prompt says "staff were told" once it answered."""
        if self.state not in S.RESIDENT:
            log.debug("ignored help in %s", self.state)
            return
        if self.prompt == "help" and (self.help_sent or (self._help_task is not None and not self._help_task.done())):
            self.publish()  # already up, and its request sent or on its way: no second page to staff
            return
        if self.prompt == "more_time":
            self._cancel_grace()
        self.prompt, self.help_sent = "help", False
        self._restart_countdown()  # now `[help] hold` long
        self._arm_idle_reset()
        self.publish()
        self._help_task = self.spawn(self._send_help(SCREEN_OF_STATE[self.state], self.language), "help")

    async def _send_help(self, screen: str, language: str) -> None:
        key = f"help-{uuid.uuid4().hex}"
        try:
            await self.clock.wait_for(self.server.request_help(key, screen=screen, language=language),
                                      HELP_ANSWER_SECONDS)
        except Exception as exc:  # down, refused, or too slow: the prompt says to call the number
            log.warning("help request from the %s screen not delivered (%s): the prompt shows the help line",
                        screen, type(exc).__name__)
            return
        log.info("help request delivered: %s screen", screen)
        if self.prompt == "help" and self._help_task is asyncio.current_task():
            self.help_sent = True
            self.publish()

    def _close_help(self) -> None:
        if self.prompt != "help":
            return
        self.prompt, self.help_sent = None, False
        self._restart_countdown()  # back to the screen's own limit, from now
        self._arm_idle_reset()

    # ------------------------------------------------------------------ intents

    async def handle_intent(self, intent: Intent) -> None:
        """A touch or key from the screens; unknown or out-of-place intents are ignored."""
        name, args = intent.name, intent.args
        if self.state == S.TECH_LOGIN:
            await self.tech_access.handle(intent)
            return
        if name == "language":
            code = str(args.get("code", ""))
            if code in self.config.kiosk.languages:
                self.language = code
            self.note_activity()
            self._arm_idle_reset()
            self.publish()
            return
        if name in ("access", "keypad_used"):
            self._change_access(name, args)
            self.note_activity()  # after the change: an assisted resident's countdown runs longer from now
            self._arm_idle_reset()
            self.publish()
            return
        if name == "help":
            self.note_activity()
            await self._open_help()
            return
        if name == "help_close":
            self._close_help()
            self.note_activity()
            self.publish()
            return
        if name == "voice_key":  # volume, rate or replay (the voice guide): the resident is here, as for a touch
            self.note_activity()
            self._arm_idle_reset()  # a volume or rate chosen at idle is dropped with the other choices
            self.publish()
            return
        if name in ("more_time", "still_here"):  # still_here: a page turned, a chooser opened on the screen
            self.note_activity()
            self.publish()
            return
        if name == "cancel":
            if self.state in S.CANCELLABLE and self.session is not None:
                self.session.outcome = self.session.outcome or "cancelled"
                self.session.reason = self.session.reason or "resident-cancelled"
                await self.fire("cancel")
            return
        self.note_activity()
        if await self.pickup_desk.handle(name, args):  # issue 17: the pickup screen's keys and back
            return
        if await self.notice_desk.handle(name, args):  # issue 17: the notice screen's keys and back
            return
        if await self.delivery_desk.handle(name, args):  # issue 17: "deliver" on the options screen
            return
        if await self.mobile_id_desk.handle(name, args):  # issue 17: back from the mobile ID QR
            return
        handler = getattr(self, f"_intent_{name}", None)
        if handler is None:
            log.debug("ignored intent %s in %s", name, self.state)
            return
        try:
            await handler(**args)
        except JournalUnwritable as exc:  # the kiosk is already going out of service
            log.error("intent %s stopped: %s", name, exc)

    async def _intent_start(self) -> None:
        # No resident's session starts while the service door is open (kiosk.maintenance.access).
        if self.state == S.IDLE and self.availability.open_reason == "" and not self.tech_access.door_open:
            await self.fire("start")

    async def _intent_choose_document(self, code: str = "") -> None:
        if self.state != S.CHOOSE or self.session is None:
            return
        offer = {d.code: d for d in self.availability.documents}.get(code)
        if offer is None or not offer.available:
            return
        self.session.document = code
        doc = self.config.documents[code]
        self.session.options = set()
        self.session.copies = 1
        self.record(self.session.id, "document_chosen", ref=code)
        await self.fire("chose_identity_document" if doc.needs_identity else "chose_public_document")

    async def _intent_digit(self, value: str = "") -> None:
        session = self.session
        if session is None:
            return
        if self.state == S.NUMBER:
            session.number.press(str(value))
            session.number_error = ""
        elif self.state == S.PARCEL:
            session.lot = type_lot(session.lot, str(value))
            session.lot_error = ""
        self.publish()

    async def _intent_backspace(self) -> None:
        session = self.session
        if session is None:
            return
        if self.state == S.NUMBER:
            session.number.backspace()
            session.number_error = ""
        elif self.state == S.PARCEL:
            session.lot = session.lot[:-1]
            session.lot_error = ""
        self.publish()

    async def _intent_clear(self) -> None:
        session = self.session
        if session is None:
            return
        if self.state == S.NUMBER:
            session.number.clear()
            session.number_error = ""
        elif self.state == S.PARCEL:
            session.lot = ""
            session.lot_error = ""
        self.publish()

    def finger_route_closed(self) -> str:
        """"fingerprint-down" while the sensor cannot be used and the mobile ID can: a typed number
        would lead only to a sensor that cannot read, so the number screen points to the mobile ID,
        from its first frame (kiosk/presenter.py) and when a whole number is confirmed anyway."""
        sensor = self.statuses.get("fingerprint")
        if (sensor is not None and sensor.usable) or not self.mobile_id_desk.offered():
            return ""
        return "fingerprint-down"

    async def _intent_confirm(self) -> None:
        session = self.session
        if session is None:
            return
        if self.state == S.NUMBER:
            session.number_error = session.number.error(self.clock.now().date()) or self.finger_route_closed()
            if session.number_error:
                self.publish()
            else:
                await self.fire("number_entered")
        elif self.state == S.PARCEL:
            session.lot_error = "" if is_lot_number(session.lot) else "incomplete"
            if session.lot_error:
                self.publish()
            else:
                self.spawn_for_state(self._find_parcel(session), "parcel")
        elif self.state == S.OPTIONS:
            await self.fire("options_chosen")
        elif self.state == S.DONE and (session.closed or self._settling_abandoned()):
            await self.fire("finish")
        elif self.state == S.DONE:
            # Still settling: the press is remembered and answered on screen, and honoured when the
            # amounts are final (kiosk._result_shown).
            session.finish_requested = True
            self.publish()

    async def _intent_retype_number(self) -> None:
        """The resident doubts the number typed (a finger that did not match): type it again."""
        session = self.session
        if self.state != S.FINGER or session is None:
            return
        session.number.clear()
        session.number_error = ""
        session.attempts_cap = None  # the server's count was for the number being replaced
        session.no_match_seen = False
        await self.fire("retype_number")

    async def _intent_back(self) -> None:
        """One step back on the steps before payment; from payment on only cancel is offered."""
        session = self.session
        if self.state not in S.BACKABLE or session is None:
            log.debug("no back from %s", self.state)
            return
        if self.state == S.FINGER and session.guidance == "verifying":
            # The server is matching this finger and counts the attempt: its answer comes first.
            log.debug("back ignored while the server verifies the finger")
            return
        self.record(session.id, "back", ref=SCREEN_OF_STATE[self.state])
        if self.state == S.CHOOSE:
            await self._back_to_idle(session)
        elif self.state == S.PARCEL:
            self._cancel_state_task("parcel")
            session.lot, session.lot_error = "", ""
            await self.fire("back")
        elif self.state == S.NUMBER:
            session.number.clear()  # wiped, not just emptied (kiosk.privacy)
            session.number_error = ""
            await self.fire("back")
        elif self.state == S.FINGER:
            self._cancel_state_task("identify")  # first: a capture finishing now must not send a wiped number
            session.forget_identity()  # the number typed and any template: wiped
            session.number_error = ""
            session.attempts_cap = None  # the server's count was for the number being replaced
            session.no_match_seen = False
            await self.fire("back")
        elif self.config.documents[session.document].needs_identity:
            # Options of an identity document: another document needs the identity checked again.
            session.wipe()
            session.exempt = False
            session.attempts, session.attempts_cap, session.no_match_seen = 0, None, False
            session.options, session.copies = set(), 1
            await self.fire("back")
        else:
            session.options, session.copies = set(), 1
            await self.fire("back_to_parcel")  # a register's lot can be corrected

    async def _back_to_idle(self, session: Session) -> None:
        """Back from the first step: the session ends as a cancel would, with nothing to settle (no
        acceptor is open before payment), and the resident keeps the language and access chosen."""
        if self.journal.session_money(session.id).money_in:  # never before payment; settle it properly if so
            session.outcome, session.reason = "cancelled", "resident-back"
            await self.fire("cancel")
            return
        session.outcome, session.reason = "cancelled", "resident-back"
        session.closed = True
        self.record(session.id, "session_closed", outcome=session.outcome, reason=session.reason)
        session.wipe()
        self._keep_choices = True
        await self.fire("back")

    async def _intent_toggle_option(self, option_id: str = "") -> None:
        session = self.session
        if self.state != S.OPTIONS or session is None:
            return
        if option_id in self.offered_options(session.document):
            session.options ^= {option_id}
            self.publish()

    async def _intent_copies(self, delta: int = 0) -> None:
        session = self.session
        if self.state != S.OPTIONS or session is None:
            return
        limit = self.config.documents[session.document].max_copies
        session.copies = max(1, min(limit, session.copies + int(delta)))
        self.publish()

    async def _intent_pay_card(self) -> None:
        await self.card_payment.start()

    async def _intent_maintenance_enter(self) -> None:
        """Only with a technician in (card + PIN, or the console's `tech_access.enter_console`): a
        screen's or a script's intent alone never opens maintenance."""
        if self.technician is None:
            log.warning("maintenance refused: no technician (a card and its PIN, or the console)")
            return
        await self.fire("maintenance_enter")

    async def _intent_maintenance_exit(self) -> None:
        await self._leave_maintenance()

    async def _leave_maintenance(self) -> None:
        """The technician is done: the self-test decides whether the booth returns to service."""
        if self.state != S.MAINTENANCE:
            return
        self.record("maintenance", "maintenance_left", technician=self.technician.id if self.technician else "")
        self.technician = None
        await self.fire("maintenance_exit")

    async def _intent_maint(self, do: str = "", **args: Any) -> None:
        """A technician's action from a maintenance screen (kiosk.maintenance.workshop)."""
        if self.state == S.MAINTENANCE:
            await self.workshop.act(do, args)

    async def _intent_maintenance_selftest(self) -> None:
        await self._leave_maintenance()

    # ------------------------------------------------------------------ helpers

    def quote(self, session: Session) -> int:
        """The fee the resident is charged (kiosk.till.Till.quote), for the delivery desk."""
        return self.till.quote(session)

    def fee_per_copy(self, code: str) -> int:
        return self.catalog_fees.get(code, self.config.documents[code].fee)

