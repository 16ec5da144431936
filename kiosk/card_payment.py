"""Paying the fee by card: the pay state's second way in, beside coins and bills.

The resident taps `pay:card`; the acceptors are inhibited (nobody pays twice), the screen asks for the
card, the reader runs the EMV read and the issuance server's payment API authorises online. An
approved authorisation is money in (journal `card_authorised`, kept by `kiosk.till`); giving it back
is a void at the acquirer (`card_voided`), never coins. A card pulled out before the kiosk finished
with it is treated like a terminal would (the EMV completion needs the card): the authorisation is
voided at once and nothing is charged.

Only the masked PAN (first six, last four) is ever shown, journaled or printed; the full PAN lives in
the driver's request object for the length of the online call and is wiped after it.

Phases (`CardPayment.phase`), shown on the payment screen: "" (no card payment running), "insert"
(waiting for a card), "reading" (EMV read; safe to abandon, no money can move yet), "authorising"
(the online call; never abandoned: its answer is always journaled and, if unwanted, voided).
An answer that never came (a dropped connection) or never reached the journal (a power cut) is
looked up at the server and voided: kiosk.card_recovery.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from drivers.card import (
    Authorisation,
    CardAuthorisationRequest,
    CardError,
    CardEvent,
    CardInserted,
    CardRemoved,
    EmvCardPaymentMethod,
    NoCard,
    PaymentMethod,
    ReaderUnavailable,
)
from drivers.issuance_server import ServerRejected
from kiosk.card_recovery import NO_ANSWER, reconcile
from kiosk.context import Context
from kiosk.machine import S
from kiosk.ports import CardPort
from kiosk.session import Session
from kiosk.till import Till

log = logging.getLogger(__name__)

# pcscd reports a new card present and then powers it up on its own 400 ms status poll
# (pcsc-lite PCSCLITE_STATUS_POLL_RATE); a read started inside that window meets "card was reset".
# Half a second after the insertion keeps clear of it (a polling pause, not an outcome: real time).
INSERT_SETTLE_SECONDS = 0.5
# A read that failed for any reason but removal is tried once more while the card is still in:
# nothing has been charged before the online call, and a second EMV read costs the card one ATC.
READ_ATTEMPTS = 2


def card_error_message(exc: CardError) -> str:
    """The payment-screen message code for a card that could not be read."""
    if isinstance(exc, CardRemoved | NoCard):
        return "card-removed"
    if isinstance(exc, ReaderUnavailable):
        return "card-unavailable"
    return "card-unreadable"


def decline_message(auth: Authorisation) -> str:
    return "card-unavailable" if auth.decline_reason == NO_ANSWER else "card-declined"


class CardPayment:
    """One card payment at a time, for the session in the pay state."""

    def __init__(self, ctx: Context, till: Till, method: PaymentMethod | None = None) -> None:
        self._ctx = ctx
        self._till = till  # where an approved authorisation lands, and what re-opens the cash acceptors
        self._method = method  # a certified payment module may be injected; else our EMV reader
        self._task: asyncio.Task[Any] | None = None
        self._card_in = asyncio.Event()
        self._removed = False  # the card left while it was being read or authorised
        self.phase = ""
        self._reopening_cash = False  # the attempt is over; only the cash acceptors are being re-opened
        self._masked: tuple[str, str] = ("", "")  # (session id, masked PAN) of the last approved card

    # ------------------------------------------------------------------ wiring

    @property
    def reader(self) -> CardPort | None:
        return self._ctx.devices.card

    def method(self) -> PaymentMethod | None:
        if self._method is None and self.reader is not None:
            self._method = EmvCardPaymentMethod(self.reader, self._authorise_online, self._void_online,
                                                self._cancel_part_online)
        return self._method

    def offered(self) -> bool:
        """`pay:card` is shown only when the card is enabled and its reader can serve now."""
        status = self._ctx.statuses.get("card_reader")
        return (self._ctx.config.card.enabled and self.method() is not None
                and status is not None and status.usable)

    def masked_pan(self, session_id: str) -> str:
        return self._masked[1] if self._masked[0] == session_id else ""

    def on_event(self, event: CardEvent) -> None:
        """Card inserted / removed, from the reader's monitor (on the loop)."""
        if isinstance(event, CardInserted):
            self._card_in.set()
            if self.phase:
                self._ctx.note_activity()
        else:
            self._card_in.clear()
            if self.phase in ("reading", "authorising"):
                self._removed = True

    def _card_present(self) -> bool:
        reader = self.reader
        return reader.card_present if reader is not None else self._card_in.is_set()

    # ------------------------------------------------------------------ paying

    async def start(self) -> None:
        """The `pay_card` intent: begin a card payment for what is still to pay.

        A tap that comes while the last attempt is only re-opening the cash acceptors (its card part
        is over) waits for that and then begins; it used to be dropped, leaving the resident with a
        card in the reader that nobody read.
        """
        previous = self._task
        if previous is not None and not previous.done() and self._reopening_cash:
            await asyncio.wait({previous})
        session = self._ctx.session
        if (session is None or self._ctx.state != S.PAY or session.payment_complete or session.remaining <= 0
                or not self.offered() or (self._task is not None and not self._task.done())):
            return
        self._task = self._ctx.spawn(self._pay(session), "card")

    async def _pay(self, session: Session) -> None:
        method = self.method()
        assert method is not None
        till = self._till
        await till.hold_cash(session)
        self._removed = False
        try:
            self.phase = "insert"
            session.payment_message = "card-insert"
            self._ctx.publish()
            if not self._card_present():
                self._card_in.clear()
                await self._card_in.wait()
                await asyncio.sleep(INSERT_SETTLE_SECONDS)
            amount = session.remaining
            if amount <= 0:
                return
            self.phase = "reading"
            session.payment_message = "card-reading"
            self._ctx.publish()
            self._ctx.record(session.id, "card_attempt", amount)
            auth = await self._authorise(method, session, amount)
            if auth is None:
                return
            if not auth.approved:
                self._ctx.record(session.id, "card_declined", ref=auth.decline_reason, masked_pan=auth.masked_pan)
                session.payment_message = decline_message(auth)
                return
            if self._removed or (isinstance(method, EmvCardPaymentMethod) and not self._card_present()):
                # Pulled out before the kiosk finished with it: reverse, charge nothing.
                self._ctx.record(session.id, "card_authorised", auth.amount, ref=auth.reference,
                                 masked_pan=auth.masked_pan)
                await self.void(auth, reason="card-removed-early")
                session.payment_message = "card-removed"
                return
            self._masked = (session.id, auth.masked_pan)
            self.phase = ""
            await till.card_paid(session, auth)
        finally:
            self.phase = ""
            if self._ctx.state == S.PAY and self._ctx.session is session and not session.payment_complete:
                self._reopening_cash = True
                try:
                    await till.accept_cash(session)
                finally:
                    self._reopening_cash = False
            self._ctx.publish()

    async def _authorise(self, method: PaymentMethod, session: Session, amount: int) -> Authorisation | None:
        """Read the card and authorise; None (with the reason on the screen) when the card could not be read."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return await method.authorise(amount, session.id)
            except CardError as exc:
                retry = (attempt < READ_ATTEMPTS and card_error_message(exc) == "card-unreadable"
                         and not self._removed and self._card_present())
                log.info("card read failed (%s)%s", type(exc).__name__, "; reading again" if retry else "")
                self._ctx.record(session.id, "card_read_failed", ref=type(exc).__name__, attempt=attempt)
                if not retry:
                    session.payment_message = card_error_message(exc)
                    return None
        return None

    async def _authorise_online(self, request: CardAuthorisationRequest) -> Authorisation:
        """The online half of `EmvCardPaymentMethod.authorise`: the server's payment API."""
        session_id = request.session_id
        self.phase = "authorising"
        session = self._ctx.session
        if session is not None and session.id == session_id:
            session.payment_message = "card-authorising"
        self._ctx.publish()
        self._ctx.record(session_id, "card_authorise_intent", request.amount, masked_pan=request.masked_pan)
        server = self._ctx.server
        try:
            answer = await server.authorise_payment(session_id, amount=request.amount,
                                                    icc_data=request.icc_data, masked_pan=request.masked_pan)
        except Exception as exc:
            log.warning("card authorisation not answered: %s", type(exc).__name__)
            self._ctx.record(session_id, "card_authorise_failed", ref=type(exc).__name__)
            # The server may have approved and its answer been lost on the way back: ask it what this
            # session was charged and void what the journal does not know (the resident may try again).
            await reconcile(self._ctx, self, session_id, reason="answer-lost", final=False)
            return Authorisation(approved=False, amount=request.amount, session_id=session_id,
                                 masked_pan=request.masked_pan, decline_reason=NO_ANSWER)
        return Authorisation(approved=answer.approved, amount=answer.amount, session_id=session_id,
                             reference=answer.reference, masked_pan=request.masked_pan,
                             decline_reason=answer.reason)

    async def _void_online(self, auth: Authorisation) -> None:
        server = self._ctx.server
        await server.void_payment(auth.reference, reason="kiosk-void")

    async def _cancel_part_online(self, auth: Authorisation, amount: int) -> None:
        server = self._ctx.server
        await server.cancel_payment_part(auth.reference, amount=amount, remaining=auth.amount - amount,
                                         reason="kiosk-partial-cancel")

    # ------------------------------------------------------------------ giving it back

    async def void(self, auth: Authorisation, *, reason: str, amount: int | None = None) -> bool:
        """Cancel an approved authorisation (journal `card_voided`); False when it could not be delivered.

        `auth.amount` is what it still has charged. With `amount` below that, only `amount` won are given
        back (a partial cancel, 부분취소: some copies paid for did not print) and the rest stays charged;
        the journal's `card_void_intent` and `card_voided` then carry `amount`, `partial` and `remaining`,
        so a repeat after a power cut asks the acquirer for the same balance (idempotent)."""
        partial = amount is not None and 0 < amount < auth.amount
        give_back = amount if partial and amount is not None else auth.amount
        extra: dict[str, object] = {"partial": True, "remaining": auth.amount - give_back} if partial else {}
        self._ctx.record(auth.session_id, "card_void_intent", give_back, ref=auth.reference, reason=reason, **extra)
        method = self.method()
        try:
            if partial:
                if method is not None:
                    await method.cancel_part(auth, give_back)
                else:
                    await self._cancel_part_online(auth, give_back)
            elif method is not None:
                await method.void(auth)
            else:  # the card was disabled since (recovery at boot): the server still knows the reference
                await self._void_online(auth)
        except ServerRejected as exc:
            # Refused for good (an unknown or declined payment, another balance): asking again would be
            # refused again and hold up every void owed after it. Journaled for the technician, who
            # settles it with the acquirer; never retried on its own.
            log.error("card authorisation %s: the acquirer refused the %s for good (%s %s): a technician must "
                      "settle it", auth.reference, "partial cancel" if partial else "void", exc.status, exc.reason)
            self._ctx.record(auth.session_id, "card_void_refused", give_back, ref=auth.reference,
                             reason=exc.reason, status=exc.status, **extra)
            return False
        except Exception as exc:
            log.error("card authorisation %s not %s: %s", auth.reference,
                      "partly cancelled" if partial else "voided", type(exc).__name__)
            self._ctx.record(auth.session_id, "card_void_failed", give_back, ref=auth.reference,
                             error=type(exc).__name__, **extra)
            return False
        if partial:
            log.info("card authorisation %s: %s won given back, %s won stay charged", auth.reference, give_back,
                     auth.amount - give_back)
        self._ctx.record(auth.session_id, "card_voided", give_back, ref=auth.reference, masked_pan=auth.masked_pan,
                         **extra)
        return True

    async def finish(self, session: Session) -> None:
        """At the end of a session: a card payment still waiting for a card or reading it is abandoned
        (no money moved yet); one waiting for the authoriser is waited for, so its answer is journaled."""
        task = self._task
        if task is None or task.done() or task is asyncio.current_task():
            return
        abandon = self.phase == "insert" or (self.phase == "reading" and isinstance(self._method, EmvCardPaymentMethod))
        if abandon:
            task.cancel()
        await asyncio.wait({task})
