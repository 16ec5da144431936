"""Delivery instead of print (민원택배, issue 17): the same document, sent to the registered address.

When the booth cannot print (its A4 tray is empty, its printer out) but the server can be reached, a
document the catalog delivers (its `delivery_fee` > 0) is still offered, for delivery only; when it
can print, the options screen offers delivery as a choice ("deliver" in its list). The fee is the
document's plus the delivery fee. The order is placed before any money is taken (as a reservation
is), confirmed once the fee is in (the journal's `delivery_ordered` carries the tracking code, and the
fee is kept), and cancelled when the session ends without payment. The receipt and the result screen
give the tracking code; the resident may have it sent by text message (kiosk/notices.py).

A confirmation whose answer is lost (issue 18): the server may have confirmed the order (it will be
dispatched) while the booth heard nothing (a timeout, a connection reset after the server committed,
a broken answer). Confirm is idempotent at the server (the same key answers the same order again), so
the booth asks again: the driver's own quick retries, then up to `CONFIRM_ASKS` asks in all,
`CONFIRM_RETRY_SECONDS` apart on the kiosk's clock, while the printing screen says the order is being
confirmed: 30 s of pauses, and at worst a minute and a half with a server that lets every try time
out (5 s a try, three tries an ask), inside the two minutes a printed document may wait for paper
(`timeouts.media_wait`), so a delivery never keeps a resident longer than a print could. A late
answer that says confirmed completes the session as if nothing had happened: fee kept, tracking code
shown and printed on the receipt. Each unanswered ask is journaled (`delivery_confirm_unanswered`).

If the server still does not answer, the booth cannot know whether the order will go out, and it
must neither keep the resident's money for nothing nor let the resident pay for a document twice.
It refunds (the resident is told why: `delivery-unconfirmed`, and that a document already sent comes
free of charge) and owes the server a cancel (`delivery_unconfirmed`, then `delivery_cancel_pending`
when the cancel cannot be delivered at once). We chose the refund over keeping the fee as a credit:
the resident may not come back to this booth, a credit needs a voucher and a counter that honours
it, and a lost answer is rare; the city, which can see both sides, absorbs the rare document that
went out anyway. The cancel is durable: the journal is its outbox (kiosk.outbox delivers it at every
heartbeat until the server answers). The server cancels an order not yet dispatched (its state
becomes "cancelled" and nothing is sent) and refuses one the courier already took, 409
"delivery-dispatched", marking it unpaid; the booth journals that as `delivery_dispatched_after_refund`
(with the fee, for the technician's settlement and the city's books) and logs it at ERROR. Either way
the server's books and the journal say the same thing (kiosk.rig.books checks it), and nothing is
silent: every cancel the booth could not deliver is journaled and retried, never left to lapse.

After a crash, recovery at boot (`recover_delivery`) applies the same rule: an order that was paid and
being confirmed is asked about once more; confirmed, its fee is kept; unanswered, it is refunded (as any
unfinished session's money is) and the cancel is owed as above. One the booth had already given up on
(`delivery_unconfirmed` or `delivery_failed` journaled: its refund may be paid already) is not asked
again but cancelled, so a fee is never kept after it was given back. An order that was not paid is
cancelled (owed too, if the server cannot be reached).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from drivers.issuance_server import DeliveryOrder, ServerRejected, ServerUnavailable
from kiosk.availability import Availability
from kiosk.context import Books, Context
from kiosk.journal import Journal
from kiosk.machine import S
from kiosk.session import Session

log = logging.getLogger(__name__)

DELIVER = "deliver"  # the pseudo-option on the options screen
DELIVERY_ONLY = "delivery-only"  # the notice of a booth that cannot print but can take delivery orders

# A confirmation whose answer was lost is asked again (the server answers a replay with the same order):
# this many asks in all, this many seconds apart on the kiosk's clock (the driver retries each ask too).
CONFIRM_ASKS = 4
CONFIRM_RETRY_SECONDS = 10.0
CONFIRMING = "confirming-delivery"  # the printing screen's status while the booth asks again
UNCONFIRMED = "delivery-unconfirmed"  # the result's reason: refunded, the order cancelled (or sent free)
CONFIRMED_STATES = ("confirmed", "dispatched")

# What a closed session's order ended as, in the journal: once one is there, nothing more is owed.
# `delivery_cancel_pending` means a cancel is owed (kiosk.outbox delivers it, `cancels_owed`).
ORDER_SETTLED = frozenset({"delivery_ordered", "delivery_cancelled", "delivery_dispatched_after_refund",
                           "delivery_cancel_refused"})
_CANCEL_KINDS = ("delivery_cancel_pending", *sorted(ORDER_SETTLED))


class DeliveryContext(Context, Protocol):
    @property
    def availability(self) -> Availability: ...

    @property
    def catalog_delivery_fees(self) -> dict[str, int]: ...

    def quote(self, session: Session) -> int: ...


class DeliveryDesk:
    def __init__(self, ctx: DeliveryContext) -> None:
        self._ctx = ctx

    def deliverable(self, code: str) -> bool:
        return self._ctx.config.delivery.enabled and self._ctx.catalog_delivery_fees.get(code, 0) > 0

    def print_unavailable(self) -> bool:
        return DELIVERY_ONLY in self._ctx.availability.notices

    def entering_options(self) -> None:
        """A booth that cannot print delivers: the choice is made for the resident (and shown)."""
        session = self._ctx.session
        if session is not None and self.print_unavailable() and self.deliverable(session.document):
            self._set(session, True)

    def option(self, session: Session) -> bool | None:
        """The "deliver" choice on the options screen: None when not offered for this document."""
        return session.delivery if self.deliverable(session.document) else None

    async def handle(self, name: str, args: dict[str, Any]) -> bool:
        """`toggle_option(option_id="deliver")` on the options screen."""
        ctx = self._ctx
        session = ctx.session
        if ctx.state != S.OPTIONS or name != "toggle_option" or args.get("option_id") != DELIVER or session is None:
            return False
        if self.deliverable(session.document) and not self.print_unavailable():
            self._set(session, not session.delivery)
            ctx.publish()
        return True

    def _set(self, session: Session, on: bool) -> None:
        session.delivery = on
        session.delivery_fee = self._ctx.catalog_delivery_fees.get(session.document, 0) if on else 0

    # ------------------------------------------------------------------ order, confirm, cancel

    async def order(self) -> None:
        """In the issue state, instead of a reservation: the order, pending, at the quoted fee."""
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        ctx.record(session.id, "delivery_intent", ref=session.id, document=session.document, copies=session.copies)
        try:
            order = await ctx.server.order_delivery(
                session.id, session.document, copies=session.copies, token=session.token,
                parcel=f"{ctx.config.kiosk.district} {session.lot}" if session.lot else None)
        except Exception as exc:
            log.warning("delivery order failed: %s", type(exc).__name__)
            ctx.record(session.id, "delivery_failed", ref=session.id, error=type(exc).__name__)
            session.outcome = "failed"
            session.reason = ("server-unavailable" if isinstance(exc, ServerUnavailable)
                              else exc.reason if isinstance(exc, ServerRejected) and exc.reason == "not-deliverable"
                              else "document-refused")
            await ctx.fire("failed")
            return
        session.token = None
        quoted = ctx.quote(session)
        if order.fee_total != quoted:
            log.error("refusing delivery order %s: the server bills %d won, the kiosk charges %d won",
                      order.order_id, order.fee_total, quoted)
            ctx.record(session.id, "delivery_refused", ref=order.order_id, reason="fee-mismatch")
            session.outcome, session.reason = "failed", "fee-mismatch"
            await ctx.fire("failed")
            return
        ctx.record(session.id, "delivery_pending", ref=order.order_id, fee_total=order.fee_total,
                   delivery_fee=order.delivery_fee)
        await ctx.fire("reserved")

    async def confirm(self, print_receipt: Any) -> None:
        """In the print state, instead of printing: paid, so the order is dispatched. A lost answer is
        asked again; one that never comes is refunded (settle) and the order's cancel owed."""
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        ctx.record(session.id, "delivery_confirm_intent", ref=session.id)
        try:
            order = await self._ask_until_answered(session)
        except ServerRejected as exc:
            # The server said no (e.g. the order lapsed): it will not go out; the fee is refunded.
            log.warning("delivery not confirmed: the server refused (%s)", exc.reason)
            ctx.record(session.id, "delivery_failed", ref=session.id, error=type(exc).__name__, reason=exc.reason)
            session.outcome, session.reason = "failed", "server-unavailable"
            await ctx.fire("failed")
            return
        if order is None:
            log.error("session %s: the delivery's confirmation was never answered after %d asks: refunding; "
                      "the order's cancel is owed to the server", session.id[:8], CONFIRM_ASKS)
            ctx.record(session.id, "delivery_unconfirmed", ref=session.id, asks=CONFIRM_ASKS)
            session.outcome, session.reason = "failed", UNCONFIRMED
            await ctx.fire("failed")
            return
        if order.state not in CONFIRMED_STATES:
            log.error("delivery %s: the confirmation answered state %r", order.order_id, order.state)
            ctx.record(session.id, "delivery_failed", ref=order.order_id, reason=f"state-{order.state}")
            session.outcome, session.reason = "failed", "server-unavailable"
            await ctx.fire("failed")
            return
        session.tracking_code = order.tracking_code
        ctx.record(session.id, "delivery_ordered", ref=order.tracking_code, order=order.order_id)
        ctx.record(session.id, "fee_kept", session.total, ref=session.document, delivery=True)
        session.fee_kept = True
        session.outcome, session.reason = "ordered", "delivery-ordered"
        session.print_status = "printing-receipt"
        ctx.publish()
        await print_receipt(session)
        await ctx.fire("printed")

    async def _ask_until_answered(self, session: Session) -> DeliveryOrder | None:
        """The confirmation, asked again while its answer is lost: the order, or None if it never came.
        A refusal (ServerRejected) is an answer and is raised."""
        ctx = self._ctx
        for ask in range(1, CONFIRM_ASKS + 1):
            if ask > 1:
                session.print_status = CONFIRMING
                ctx.publish()
                await ctx.clock.sleep(CONFIRM_RETRY_SECONDS)
            try:
                return await ctx.server.confirm_delivery(session.id)
            except ServerRejected:
                raise
            except Exception as exc:  # unavailable, timed out, a broken answer: the server may have confirmed
                log.warning("delivery confirmation unanswered (ask %d of %d): %s", ask, CONFIRM_ASKS,
                            type(exc).__name__)
                ctx.record(session.id, "delivery_confirm_unanswered", ref=session.id, ask=ask,
                           error=type(exc).__name__)
        return None

    async def settle(self, session: Session) -> None:
        """An order whose fee the booth does not keep (never paid, or refunded because its confirmation
        went unanswered) is cancelled; a cancel the server cannot take now is owed (kiosk.outbox)."""
        kinds = {e.kind for e in self._ctx.journal.entries(session.id)}
        if "delivery_intent" not in kinds or kinds & ORDER_SETTLED or "delivery_cancel_pending" in kinds:
            return
        refunded = "delivery_confirm_intent" in kinds
        await cancel_order(self._ctx, session.id,
                           reason="refunded" if refunded else session.reason or session.outcome or "cancelled")


async def cancel_order(books: Books, session_id: str, *, reason: str, owed: bool = False, **detail: Any) -> bool:
    """Cancel the session's order at the server and journal how it ended: `delivery_cancelled` (also when
    the server never made it), `delivery_dispatched_after_refund` (the courier took it before the
    cancel came: it goes out unpaid), `delivery_cancel_refused`, or, when the server cannot be reached,
    `delivery_cancel_pending` (once; `owed` says it is already there). True when the server answered."""
    try:
        await books.server.cancel_delivery(session_id, reason=reason)
    except ServerRejected as exc:
        if exc.status == 404:
            log.info("delivery %s: the server never made the order; nothing to cancel", session_id[:8])
        elif exc.reason in ("delivery-dispatched", "delivery-confirmed"):
            fee = _fee_total(books.journal, session_id)
            log.error("delivery %s was dispatched before its cancel arrived: the resident was refunded %d won "
                      "and the document goes out unpaid (flag it in the settlement)", session_id[:8], fee)
            books.record(session_id, "delivery_dispatched_after_refund", fee, ref=session_id, **detail)
            return True
        else:
            log.error("the server refused to cancel delivery %s: %s", session_id[:8], exc.reason)
            books.record(session_id, "delivery_cancel_refused", ref=session_id, reason=exc.reason, **detail)
            return True
    except Exception as exc:
        log.warning("delivery %s: cancel not delivered (%s); owed to the server", session_id[:8],
                    type(exc).__name__)
        if not owed:
            books.record(session_id, "delivery_cancel_pending", ref=session_id, reason=reason,
                         error=type(exc).__name__, **detail)
        return False
    books.record(session_id, "delivery_cancelled", ref=session_id, **detail)
    return True


def _fee_total(journal: Journal, session_id: str) -> int:
    pending = [e for e in journal.entries(session_id) if e.kind == "delivery_pending"]
    return int(pending[-1].detail.get("fee_total", 0)) if pending else 0


def cancels_owed(journal: Journal) -> list[tuple[str, str]]:
    """(session, reason) of closed sessions whose order's cancel the server has not taken yet, oldest
    first. Open sessions settle their own order (DeliveryDesk.settle) or boot recovery does."""
    pending: dict[str, str] = {}
    settled: set[str] = set()
    for entry in journal.entries_of_kinds(_CANCEL_KINDS):
        if entry.kind == "delivery_cancel_pending":
            pending.setdefault(entry.session, str(entry.detail.get("reason", "refunded")))
        else:
            settled.add(entry.session)
    owed = [s for s in pending if s not in settled]
    if not owed:
        return []
    still_open = set(journal.open_sessions())
    return [(s, pending[s]) for s in owed if s not in still_open]


async def deliver_cancels(books: Books) -> int:
    """Resend the cancels owed (kiosk.outbox, every heartbeat); stop at the first the server does not
    take (still down). Returns how many the server answered."""
    delivered = 0
    for session_id, reason in cancels_owed(books.journal):
        if not await cancel_order(books, session_id, reason=reason, owed=True, late=True):
            break
        delivered += 1
    return delivered


async def recover_delivery(ctx: Context, session_id: str) -> None:
    """At boot, a delivery a crash left half-done (kiosk.issuing.Issuer.recover_unfinished): paid and
    being confirmed, it is asked about once more (the driver retries) and, confirmed, its fee kept (the
    resident paid for it); unanswered or refused, the fee is refunded as unaccounted money and the
    order's cancel is sent or owed. Not paid yet, it is cancelled (or the cancel owed)."""
    entries = ctx.journal.entries(session_id)
    kinds = {e.kind for e in entries}
    if "delivery_intent" not in kinds or kinds & ORDER_SETTLED or "delivery_cancel_pending" in kinds:
        return
    if "delivery_confirm_intent" not in kinds:  # not paid: nothing was confirmed
        await cancel_order(ctx, session_id, reason="recovered-after-restart", recovered=True)
        return
    # Once the booth gave up on the confirmation (unanswered, or refused) it refunds: asking again now
    # could keep a fee already given back (a crash between the refund and the cancel).
    if not kinds & {"delivery_unconfirmed", "delivery_failed"}:
        try:
            order = await ctx.server.confirm_delivery(session_id)
        except Exception as exc:
            log.error("session %s: delivery not confirmed after the restart (%s); refunding instead, and "
                      "cancelling the order", session_id[:8], type(exc).__name__)
            if not isinstance(exc, ServerRejected):
                ctx.record(session_id, "delivery_unconfirmed", ref=session_id, recovered=True)
        else:
            if order.state in CONFIRMED_STATES:
                pending = [e for e in entries if e.kind == "delivery_pending"]
                fee = int(pending[-1].detail.get("fee_total", order.fee_total)) if pending else order.fee_total
                ctx.record(session_id, "delivery_ordered", ref=order.tracking_code, order=order.order_id,
                           recovered=True)
                ctx.record(session_id, "fee_kept", fee, delivery=True, recovered=True)
                return
            log.error("session %s: the confirmation answered state %r after the restart; refunding",
                      session_id[:8], order.state)
            ctx.record(session_id, "delivery_failed", ref=order.order_id, reason=f"state-{order.state}",
                       recovered=True)
    await cancel_order(ctx, session_id, reason="refunded", recovered=True)
