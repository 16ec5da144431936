"""The till: every won that enters or leaves the kiosk passes through here and into the journal.

Cash events from the acceptors are handled one at a time by one task, in the order the devices
reported them, whatever state the machine is in: a coin that drops after the resident pressed cancel
is still journaled and still refunded. A bill is stacked only if the hoppers can pay its change;
otherwise it goes back from escrow and the screen says what money works. Money that cannot be paid
back in coins becomes a voucher, printed and journaled. Never silence.

A card payment (kiosk.card_payment) lands here too: its authorisation is money in like a coin, and
giving it back means voiding the authorisation at the acquirer, never paying coins for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from drivers.card import Authorisation
from drivers.cash import (
    BillEscrowed,
    BillReturned,
    BillStacked,
    CashEvent,
    CashFault,
    CoinCredited,
    CoinRejected,
    DispenseError,
    LostEvents,
)
from kiosk.availability import Availability, takes_bills, takes_coins
from kiosk.card_recovery import CardVoids
from kiosk.context import Context
from kiosk.journal import MONEY_IN, Entry
from kiosk.machine import S
from kiosk.ports import CashPort
from kiosk.session import Session, new_session_id

log = logging.getLogger(__name__)

BILLS = (1000, 5000, 10000, 50000)
# A bill routed to the stacker shows up as stacked on the validator's next poll (0.2 s cadence, the
# driver's poll_interval); 5 s is "that bill is not coming", after which the late event still lands in
# the journal as its own refunded session (Till._orphan_credit).
STACK_SETTLE_SECONDS = 5.0


# Kept after a payment for what follows it: a document may wait `timeouts.media_wait` for paper, then
# the print itself and the commit. The payment must end this long before the server's reservation
# hold runs out (docs/protocol.md "Reserve").
PRINT_AND_COMMIT_SECONDS = 60.0


def payment_window(hold_seconds: float | None, media_wait: float) -> float | None:
    """Seconds a fee may be taken after the reservation (None: the server holds it without limit)."""
    if hold_seconds is None:
        return None
    return max(0.0, hold_seconds - media_wait - PRINT_AND_COMMIT_SECONDS)


def voucher_code() -> str:
    """12 random digits in groups: short enough to read aloud to a clerk, too many to guess."""
    digits = f"{secrets.randbelow(10**12):012d}"
    return f"V-{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def payable_change(amount: int, hopper_coin: int, available: int) -> bool:
    """Whether the hopper can certainly pay `amount` won: in its coin, from what it certainly holds."""
    return amount == 0 or (amount % hopper_coin == 0 and amount <= available)


def acceptable_bills(remaining: int, hopper_coin: int, available: int, bills: tuple[int, ...] = BILLS, *,
                     takes_bills: bool = True) -> list[int]:
    """Bills whose change the hoppers can certainly pay now (none when the validator cannot take one)."""
    if not takes_bills:
        return []
    return [b for b in bills if b <= remaining or payable_change(b - remaining, hopper_coin, available)]


def payment_hint(remaining: int, hopper_coin: int, available: int, *, takes_bills: bool = True) -> str:
    if not takes_bills:
        return "coins-only"
    bills = acceptable_bills(remaining, hopper_coin, available)
    if not bills:
        return "exact-only"
    if bills == [1000]:
        return "exact-or-1000-only"
    if len(bills) < len(BILLS):
        return "bills-limited"
    return ""


def cash_taken(journal_rows: list[Entry]) -> int:
    """Won of coins and bills a session's rows say went into the cash box."""
    return sum(e.amount for e in journal_rows if e.kind in MONEY_IN and e.kind != "card_authorised")


def payment_ref(journal_rows: list[Entry], session_id: str) -> str:
    """What the commit tells the server paid for the issuance: the card's reference, else the cash session."""
    refs = [a.reference for a in open_card_authorisations(journal_rows)]
    return f"card:{refs[-1]}" if refs else f"cash:{session_id[:12]}"


def card_receipt_line(journal_rows: list[Entry]) -> str:
    """"카드 476173******0010" for the receipt (masked PAN only), or "" when no card paid."""
    pans = [a.masked_pan for a in open_card_authorisations(journal_rows) if a.masked_pan]
    return f"카드 {pans[-1]}" if pans else ""


def open_card_authorisations(journal_rows: list[Entry]) -> list[Authorisation]:
    """Card authorisations in a session's rows that no `card_voided` row cancels yet, oldest first, each
    with the won it still has charged (`amount`): a partial cancel (`card_voided` with `partial`) gives
    back part of one and leaves it open for the rest."""
    voided = {e.ref for e in journal_rows if e.kind == "card_voided" and not e.detail.get("partial")}
    given_back: dict[str, int] = {}
    for e in journal_rows:
        if e.kind == "card_voided" and e.detail.get("partial"):
            given_back[e.ref] = given_back.get(e.ref, 0) + e.amount
    return [Authorisation(approved=True, amount=e.amount - given_back.get(e.ref, 0), session_id=e.session,
                          reference=e.ref, masked_pan=str(e.detail.get("masked_pan", "")))
            for e in journal_rows
            if e.kind == "card_authorised" and e.ref not in voided and e.amount > given_back.get(e.ref, 0)]


def unfinished_payout(journal_rows: list[Entry]) -> Entry | None:
    """The last `change_intent`/`refund_intent` not followed by its `_paid` record, if any."""
    for index in range(len(journal_rows) - 1, -1, -1):
        row = journal_rows[index]
        if row.kind in ("change_intent", "refund_intent"):
            done = row.kind.replace("_intent", "_paid")
            return None if any(r.kind == done for r in journal_rows[index + 1:]) else row
    return None


def card_voids_owed(journal_rows: list[Entry]) -> list[Authorisation]:
    """Open card authorisations the kiosk already decided to give back: its void was started (and
    failed, or a power cut stopped it), or it was recovered from the server (kiosk.card_recovery) and
    so never paid a fee. They are voided, never paid back in coins."""
    return [auth for auth, _ in card_void_amounts_owed(journal_rows)]


def card_void_amounts_owed(journal_rows: list[Entry]) -> list[tuple[Authorisation, int | None]]:
    """`card_voids_owed`, each with what is owed of it: None for the whole authorisation, else the won of
    a partial cancel started and not confirmed (the acquirer is asked again for the same balance, so a
    cancel that did go through is not given twice). A partial cancel that was confirmed owes nothing;
    a void the acquirer refused for good (`card_void_refused`) is left to a technician."""
    pending: dict[str, Entry | None] = {}  # ref -> the void started after its last confirmed one
    for e in journal_rows:
        if e.kind in ("card_void_intent", "card_void_failed"):
            pending[e.ref] = e
        elif e.kind in ("card_voided", "card_void_refused"):  # refused for good: a technician's, not retried
            pending[e.ref] = None
    recovered = {e.ref for e in journal_rows if e.kind == "card_authorised" and e.detail.get("recovered")}
    owed: list[tuple[Authorisation, int | None]] = []
    for auth in open_card_authorisations(journal_rows):
        started = pending.get(auth.reference)
        if started is not None and started.detail.get("partial"):
            give = auth.amount - int(started.detail.get("remaining", 0))
            if give > 0:
                owed.append((auth, give if give < auth.amount else None))
        elif started is not None or auth.reference in recovered:
            owed.append((auth, None))
    return owed


class TillContext(Context, Protocol):
    """What the till uses of the controller: its context, and what the kiosk can take and give back."""

    @property
    def availability(self) -> Availability: ...

    def change_available(self) -> int:
        """Won of change the kiosk can promise now."""
        ...

    def fee_per_copy(self, code: str) -> int: ...


class CardSide(CardVoids, Protocol):
    """What the till asks of the card payment (kiosk.card_payment), which depends on the till."""

    def offered(self) -> bool:
        """Whether the resident can still pay by card now."""
        ...

    async def finish(self, session: Session) -> None:
        """End a card payment still running for `session` (waiting for the authoriser's answer)."""


class Till:
    def __init__(self, ctx: TillContext) -> None:
        self._ctx = ctx
        self.card: CardSide | None = None  # the card payment, attached by the controller once it exists
        self._events: asyncio.Queue[CashEvent] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._escrow: int = 0  # won of a bill held in escrow, 0 when none
        # The session whose money settle() has finished with: a credit arriving after that (a coin
        # that drops as the session closes) is refunded on its own, not left to a settle that is over.
        self._money_settled: str = ""
        # Set while no bill is on its way from escrow to the stacker (BillStacked not yet polled).
        self._no_bill_moving = asyncio.Event()
        self._no_bill_moving.set()
        # A technician's count-only test (kiosk.maintenance.cash_desk): while set, it is offered each
        # device event first, and one it takes (True) is test money, never a resident's.
        self.counting: Callable[[CashEvent], Awaitable[bool]] | None = None
        # Prints the receipt for the vouchers a session journaled after its last receipt (True: none left
        # unprinted); kiosk.issuing attaches it. Used for money refunded outside any session.
        self.print_vouchers: Callable[[str], Awaitable[bool]] | None = None

    @property
    def _card(self) -> CardSide:
        assert self.card is not None, "the controller attaches its card payment when it builds the till"
        return self.card

    @property
    def _cash(self) -> CashPort:
        return self._ctx.devices.cash

    @property
    def _hopper_coin(self) -> int:
        return self._ctx.config.cash.hopper_coin

    def post(self, event: CashEvent) -> None:
        """Called by the cash driver (synchronously, on the loop) for every device event."""
        self._events.put_nowait(event)
        if self._worker is None or self._worker.done():
            self._worker = self._ctx.spawn(self._drain(), "till")

    async def _drain(self) -> None:
        while not self._events.empty():
            event = self._events.get_nowait()
            await self._handle(event)

    def _paying_session(self) -> Session | None:
        session = self._ctx.session
        if session is not None and self._ctx.state == S.PAY and not session.payment_complete:
            return session
        return None

    # ------------------------------------------------------------------ device events

    async def _handle(self, event: CashEvent) -> None:
        if self.counting is not None and await self.counting(event):
            return
        match event:
            case CoinCredited(value=value, counter=counter):
                await self._credit("coin_credited", value, counter)
            case BillEscrowed(value=value):
                await self._decide_escrow(value)
            case BillStacked(value=value, counter=counter):
                self._escrow = 0
                await self._credit("bill_stacked", value, counter)
                self._no_bill_moving.set()
            case BillReturned(value=value, reason=reason):
                self._escrow = 0
                self._no_bill_moving.set()
                session = self._ctx.session
                self._ctx.record(session.id if session else "device", "bill_returned", value, reason=reason)
            case CoinRejected(reason=reason):
                log.info("coin returned: %s", reason)
                self._tell("foreign-coin" if reason in ("fraud", "unknown-coin", "foreign") else "coin-rejected")
            case LostEvents(device=device, count=count):
                # A reset or power cycle (count None: unknown) may have swallowed coins or bills the
                # resident put in: the session goes on with what was counted, and a technician checks
                # the cash box against the journal.
                log.error("cash device %s lost %s events (reset or power cycle): count the cash box",
                          device, "an unknown number of" if count is None else count)
                session = self._ctx.session
                self._ctx.record("device", "cash_events_lost", ref=device, count=count,
                                 for_session=session.id if session is not None and not session.closed else "")
            case CashFault():
                log.warning("cash device reports a fault: %s", event)
                self._ctx.record("device", "cash_fault", ref="CashFault", detail=str(event))

    def _tell(self, message: str) -> None:
        session = self._ctx.session
        if session is not None:
            session.payment_message = message
            self._ctx.publish()

    async def _credit(self, kind: str, amount: int, counter: int = 0) -> None:
        """`counter` (the device's event number) goes into the journal so that after a restart the driver
        resumes from it and credits money taken while the kiosk was down (CashAcceptor.resume_from)."""
        session = self._paying_session()
        if session is None:
            await self._orphan_credit(kind, amount, counter)
            return
        self._ctx.record(session.id, kind, amount, counter=counter)
        session.paid += amount
        session.payment_message = ""
        self._ctx.note_activity()
        self._update_hint(session)
        self._ctx.publish()
        if session.paid >= session.total:
            await self._complete(session)

    async def _orphan_credit(self, kind: str, amount: int, counter: int = 0) -> None:
        """Money that arrived when no fee was being taken (late coin, device glitch): give it back."""
        session = self._ctx.session
        if session is not None and not session.closed and session.id != self._money_settled:
            # Still this resident's money: settle() refunds whatever the session holds beyond its fee
            # (it counts again after each refund, so a coin landing during one is not left behind).
            self._ctx.record(session.id, kind, amount, late=True, counter=counter)
            return
        orphan = new_session_id()
        self._ctx.record(orphan, "session_opened", orphan=True)
        self._ctx.record(orphan, kind, amount, counter=counter)
        _, voucher = await self.refund(orphan, amount)
        if voucher:
            # Nobody's session is there to show it: the code goes on a receipt of its own, for the
            # resident whose coin it was (a late coin, with a hopper that could not pay it back).
            printed = False
            if self.print_vouchers is not None:
                try:
                    printed = await self.print_vouchers(orphan)
                except Exception as exc:  # a bug must not leave the orphan session open
                    log.error("printing the voucher of money outside any session failed: %s", exc)
            if printed:
                log.warning("%s won that came outside any session (%s) could not be paid back in coins: "
                            "its voucher was printed", amount, orphan[:8])
            else:
                log.error("%s won that came outside any session (%s) could not be paid back in coins and its "
                          "voucher was not printed: the code is in the journal for the technician",
                          amount, orphan[:8])
        self._ctx.record(orphan, "session_closed", outcome="refunded", reason="money-outside-session")

    async def _decide_escrow(self, value: int) -> None:
        session = self._paying_session()
        owner = session.id if session else "device"
        self._ctx.record(owner, "bill_escrowed", value)
        self._escrow = value
        stack = False
        if session is not None:
            # Stacked only when the change is certainly payable from the coins the journal counts (never
            # with a voucher in mind: one that could not even be printed would be owed to nobody's hand).
            over = session.paid + value - session.total
            stack = over <= 0 or payable_change(over, self._hopper_coin, self._ctx.change_available())
            if not stack:
                session.payment_message = "bill-returned-no-change"
                self._update_hint(session)
                self._ctx.publish()
        self._ctx.record(owner, "bill_route_intent", value, stack=stack)
        if stack:
            self._no_bill_moving.clear()
        try:
            await self._cash.route_bill(stack=stack)
        except Exception as exc:
            log.error("could not route the escrowed bill: %s", exc)
            self._ctx.record(owner, "bill_route_failed", value, error=str(exc))
            self._no_bill_moving.set()

    def _takes_bills(self) -> bool:
        return takes_bills(self._ctx.statuses.get("cash"))

    def _update_hint(self, session: Session) -> None:
        session.payment_hint = payment_hint(session.remaining, self._hopper_coin, self._ctx.change_available(),
                                            takes_bills=self._takes_bills())

    # ------------------------------------------------------------------ the fee

    def quote(self, session: Session) -> int:
        if session.pickup_fee is not None:  # issue 17: the server's fee for a reserved document (0: paid online)
            return session.pickup_fee
        fee = 0 if session.exempt else self._ctx.fee_per_copy(session.document)
        return fee * session.copies + (session.delivery_fee if session.delivery else 0)  # issue 17: delivery

    async def take_fee(self) -> None:
        session = self._ctx.session
        assert session is not None
        broken = self._ctx.availability.out_of_service_reason
        if broken:
            # The printer (or the journal) failed while the server reserved: no money for a document
            # that cannot be printed.
            session.outcome, session.reason = "failed", broken
            await self._ctx.fire("failed")
            return
        session.total = self.quote(session)
        self._ctx.record(session.id, "fee_quoted", session.total, ref=session.document, copies=session.copies)
        if session.total == 0:
            session.payment_complete = True
            await self._ctx.fire("fee_settled")
            return
        self._update_hint(session)
        self._ctx.publish()
        reservation = session.reservation
        window = payment_window(reservation.hold_seconds if reservation is not None else None,
                                self._ctx.config.timeouts.media_wait)
        if window is not None:
            self._ctx.spawn_for_state(self._reservation_deadline(session, window), "pay-deadline")
        if not await self.accept_cash(session):
            if self._card.offered():
                return  # the card still works: the resident can pay with it
            session.outcome, session.reason = "failed", "cash-unavailable"
            await self._ctx.fire("failed")

    async def _reservation_deadline(self, session: Session, seconds: float) -> None:
        """However often the resident asks for more time, the fee must be in while the server still
        holds the reservation; after that the session ends and what was paid is refunded."""
        await self._ctx.clock.sleep(seconds)
        if self._paying_session() is not session:
            return
        log.warning("session %s: the reservation would expire before printing; ending the payment",
                    session.id[:8])
        session.outcome, session.reason = "failed", "reservation-expired"
        await self._ctx.fire("failed")

    async def accept_cash(self, session: Session) -> bool:
        """Open the acceptors for this fee. Every configured bill may enter escrow: whether it is
        stacked is decided there, against the change the hoppers certainly hold at that moment, and a
        refused bill comes back with the reason on the screen. While the stacker cannot take a bill
        (full, pulled out) the validator stays closed and only coins are taken."""
        if not takes_coins(self._ctx.statuses.get("cash")):
            log.warning("the cash device cannot take money now: %s", self._ctx.statuses.get("cash"))
            return False
        coins = [int(v) for v in self._ctx.config.cash.coin_channels.values()]
        bills = [int(v) for v in self._ctx.config.cash.bill_channels.values()] if self._takes_bills() else []
        try:
            await self._cash.enable(coins=coins, bills=bills)
        except Exception as exc:
            log.error("cannot enable the acceptors: %s", exc)
            return False
        session.accepting = True
        self._ctx.publish()
        return True

    async def bills_changed(self) -> None:
        """The validator can take bills again, or no longer: re-open the acceptors for the fee being
        taken and say so on the payment screen."""
        session = self._paying_session()
        if session is None or not session.accepting:
            return
        self._update_hint(session)
        await self.accept_cash(session)

    async def hold_cash(self, session: Session) -> None:
        """Inhibit the acceptors while a card is being charged, so nobody pays twice."""
        session.accepting = False
        await self.inhibit()
        self._ctx.publish()

    async def card_paid(self, session: Session, auth: Authorisation) -> None:
        """An approved card authorisation: it is money in, like a coin (journal `card_authorised`)."""
        self._ctx.record(session.id, "card_authorised", auth.amount, ref=auth.reference, masked_pan=auth.masked_pan)
        session.paid += auth.amount
        session.payment_message = ""
        self._ctx.note_activity()
        self._ctx.publish()
        if session.paid >= session.total and not session.payment_complete:
            await self._complete(session)

    async def _complete(self, session: Session) -> None:
        session.payment_complete = True
        session.accepting = False
        self._ctx.record(session.id, "payment_complete", session.paid)
        await self.inhibit()
        change = session.paid - session.total
        if change > 0:
            paid, voucher = await self._pay_out(session.id, change, "change")
            session.change = paid
            session.voucher = voucher
        await self._ctx.fire("fee_settled")

    async def inhibit(self) -> None:
        """Acceptors take money only while a fee is being taken."""
        try:
            await self._cash.disable()
        except Exception as exc:
            log.warning("could not inhibit the acceptors: %s", exc)

    # ------------------------------------------------------------------ paying out

    async def _pay_out(self, session_id: str, amount: int, purpose: str) -> tuple[int, str]:
        """Pay `amount` from the hoppers; whatever they cannot pay becomes a voucher. Returns (paid, voucher)."""
        payable = amount - amount % self._hopper_coin
        # Where the hopper stands before this payout (event counter, serial, lifetime dispense count):
        # if the kiosk dies or the power goes while coins fall, the next run asks the hopper what this
        # payout paid (`reconcile_payout`) instead of paying it again.
        mark = await self._payout_mark()
        self._ctx.record(session_id, f"{purpose}_intent", amount, **mark)
        paid = 0
        unknown = False  # the hopper took the payout but could not say how much it paid
        if payable > 0:
            try:
                if "hopper_dispensed" in mark:
                    result = await self._cash.dispense(payable)
                else:
                    # Nothing in this hopper survives a power cut (no dispense count): journal the coins
                    # seen falling, so that the next run knows at least those were paid.
                    def progress(won: int) -> None:
                        self._ctx.record(session_id, f"{purpose}_progress", won)

                    result = await self._cash.dispense(payable, on_progress=progress)
                paid = result.paid
            except Exception as exc:
                # DispenseError carries what the hopper is known to have paid before it failed.
                paid = exc.result.paid if isinstance(exc, DispenseError) else 0
                unknown = isinstance(exc, DispenseError) and exc.unknown
                log.error("hopper failed paying %s won of %s (%s paid%s): %s", payable, purpose, paid,
                          ", perhaps more" if unknown else "", exc)
        if unknown:
            # As after a restart that cut a payout short (`reconcile_payout`): the coins seen count as paid,
            # the rest is owed on a voucher, and the hopper's count takes every coin asked for as gone
            # (kiosk/hopper_inventory.py), so it may read low, never high. The technician sees the fault.
            self._ctx.record(session_id, f"{purpose}_paid", paid, unknown=True)
            self._ctx.record("device", "cash_fault", ref="payout-unknown", for_session=session_id, requested=payable)
        else:
            self._ctx.record(session_id, f"{purpose}_paid", paid)
        unpaid = amount - paid
        voucher = self.voucher_for(session_id, unpaid, purpose) if unpaid > 0 else ""
        return paid, voucher

    async def _payout_mark(self) -> dict[str, Any]:  # journal detail (keyword arguments of record)
        try:
            return dict(await self._cash.payout_mark())
        except Exception as exc:  # the payout itself will fail and say so
            log.warning("cannot read the hopper before a payout: %s", exc)
            return {}

    async def reconcile_payout(self, session_id: str) -> bool:
        """At boot: a payout a crash cut short (`change_intent` or `refund_intent` with no `_paid` after
        it) is settled with what the hopper says it paid. False when the hopper cannot tell (reset,
        silent, or no counter was journaled): then whatever is still owed must not be paid in coins
        again, for the coins may have fallen already."""
        rows = self._ctx.journal.entries(session_id)
        intent = unfinished_payout(rows)
        if intent is None:
            return True
        purpose = intent.kind.removesuffix("_intent")
        payable = intent.amount - intent.amount % self._hopper_coin
        detail = intent.detail
        paid: int | None = 0
        if payable > 0:
            paid = await self._cash.paid_since(_int_or_none(detail.get("hopper_counter")), payable,
                                               serial=_int_or_none(detail.get("hopper_serial")),
                                               dispensed=_int_or_none(detail.get("hopper_dispensed")))
        if paid is None:
            # At least the coins journaled as seen falling were paid; the rest may have been too.
            seen = [r.amount for r in rows if r.seq > intent.seq and r.kind == f"{purpose}_progress"]
            known = seen[-1] if seen else 0
            log.error("session %s: a payout of %s won was cut short and the hopper cannot say how much it "
                      "paid (%s seen); what is still owed becomes a voucher", session_id[:8], payable, known)
            self._ctx.record(session_id, f"{purpose}_paid", known, recovered=True, unknown=True)
            self._ctx.record("device", "cash_fault", ref="payout-unknown", for_session=session_id, requested=payable)
            return False
        log.warning("session %s: a payout cut short by the restart had paid %s of %s won",
                    session_id[:8], paid, payable)
        self._ctx.record(session_id, f"{purpose}_paid", paid, recovered=True)
        return True

    def voucher_for(self, session_id: str, amount: int, purpose: str = "refund") -> str:
        """Owe `amount` on a journaled voucher (what the hopper could not, or must not, pay)."""
        code = voucher_code()
        self._ctx.record(session_id, "voucher_issued", amount, ref=code, purpose=purpose)
        log.warning("%s of %s won not paid in coins: voucher issued", purpose, amount)
        return code

    async def refund(self, session_id: str, amount: int) -> tuple[int, str]:
        """Give `amount` back. Card authorisations already being given back (a void that failed or was
        cut short, one recovered from the server) are voided first, and never paid in coins even if the
        void fails again (the outbox delivers it). Of the rest, coins and bills taken are paid back in
        coins or vouchered, and what card authorisations brought in beyond them is voided: only in part
        when only part is owed (copies that did not print), the rest staying charged. Also used by
        boot recovery, so it works from the rows."""
        rows = self._ctx.journal.entries(session_id)
        giving_back = card_void_amounts_owed(rows)
        for auth, part in giving_back:
            if amount <= 0:
                break
            await self._card.void(auth, reason="refund", amount=part)
            amount -= auth.amount if part is None else part
        cash_owed = min(max(0, amount), cash_taken(rows))
        card_owed = amount - cash_owed
        started = {auth.reference for auth, _ in giving_back}
        for auth in open_card_authorisations(rows):
            if card_owed <= 0:
                break
            if auth.reference in started:
                continue
            # Only what is owed: when some copies paid for printed, their fee stays charged (a partial
            # cancel), never the whole authorisation voided.
            part = min(card_owed, auth.amount)
            if await self._card.void(auth, reason="refund", amount=part):
                card_owed -= part
        paid, voucher = (0, "")
        if cash_owed > 0:
            paid, voucher = await self._pay_out(session_id, cash_owed, "refund")
        return paid, voucher

    async def settle(self, session: Session) -> None:
        """At the end of a session: return escrow, then refund whatever the session holds beyond its fee,
        including a coin that lands while that refund is paid (counted again until nothing is owed);
        a credit after that is refunded on its own (`_orphan_credit`)."""
        await self.inhibit()
        await self._card.finish(session)
        worker = self._worker
        if worker is not None and not worker.done() and worker is not asyncio.current_task():
            # A bill being routed or change being paid right now must finish before we count.
            await asyncio.wait({worker})
        if self._escrow:
            self._ctx.record(session.id, "bill_route_intent", self._escrow, stack=False)
            with contextlib.suppress(Exception):
                await self._cash.route_bill(stack=False)
        if not self._no_bill_moving.is_set():
            with contextlib.suppress(TimeoutError):
                await self._ctx.clock.wait_for(self._no_bill_moving.wait(), STACK_SETTLE_SECONDS)
        await self._drain()
        counted_in = -1
        while True:
            money = self._ctx.journal.session_money(session.id)
            if money.unaccounted <= 0 or money.money_in == counted_in:
                break  # settled, or nothing new came in since the last pass (a void left for the outbox)
            counted_in = money.money_in
            paid, voucher = await self.refund(session.id, money.unaccounted)
            session.refund += paid
            session.voucher = session.voucher or voucher
            if session.outcome == "cancelled":
                session.outcome = "refunded"
            self._ctx.publish()
        # No await between the last count and this: a credit from here on is not this settle's to pay.
        self._money_settled = session.id


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
