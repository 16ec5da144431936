"""Delivery instead of print (민원택배, issue 17): the same document, sent to the registered address.

When the booth cannot print (its A4 tray is empty, its printer out) but the server can be reached, a
document the catalog delivers (its `delivery_fee` > 0) is still offered, for delivery only; when it
can print, the options screen offers delivery as a choice ("deliver" in its list). The fee is the
document's plus the delivery fee. The order is placed before any money is taken (as a reservation
is), confirmed once the fee is in (the journal's `delivery_ordered` carries the tracking code, and the
fee is kept), and cancelled when the session ends without payment. The receipt and the result screen
give the tracking code; the resident may have it sent by text message (kiosk/notices.py).

After a crash, recovery at boot (`recover_delivery`) confirms an order that was paid and being
confirmed (its fee kept) and cancels one that was not paid; an order the server cannot be asked about
lapses there after its hold, and the fee is refunded as for any unfinished session.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from drivers.issuance_server import ServerRejected, ServerUnavailable
from kiosk.availability import Availability
from kiosk.context import Context
from kiosk.machine import S
from kiosk.session import Session

log = logging.getLogger(__name__)

DELIVER = "deliver"  # the pseudo-option on the options screen
DELIVERY_ONLY = "delivery-only"  # the notice of a booth that cannot print but can take delivery orders


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
        """In the print state, instead of printing: paid, so the order is dispatched."""
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        ctx.record(session.id, "delivery_confirm_intent", ref=session.id)
        try:
            order = await ctx.server.confirm_delivery(session.id)
        except Exception as exc:
            log.warning("delivery not confirmed: %s", type(exc).__name__)
            ctx.record(session.id, "delivery_failed", ref=session.id, error=type(exc).__name__)
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

    async def settle(self, session: Session) -> None:
        """A pending order whose fee never came (cancel, walk-away, a failure) is cancelled."""
        kinds = {e.kind for e in self._ctx.journal.entries(session.id)}
        if "delivery_intent" not in kinds or kinds & {"delivery_ordered", "delivery_cancelled"}:
            return
        try:
            await self._ctx.server.cancel_delivery(session.id, reason=session.reason or session.outcome or "cancelled")
        except ServerRejected as exc:
            if exc.status != 404:
                log.error("the server refused to cancel delivery %s: %s", session.id[:8], exc.reason)
                return
        except Exception as exc:
            log.warning("delivery cancel not delivered (%s): the order lapses at the server", type(exc).__name__)
            return
        self._ctx.record(session.id, "delivery_cancelled", ref=session.id)


async def recover_delivery(ctx: Context, session_id: str) -> None:
    """At boot, a delivery a crash left half-done (kiosk.issuing.Issuer.recover_unfinished): paid and
    being confirmed, it is confirmed now and its fee kept (the resident paid for it); not paid yet,
    it is cancelled. Confirm and cancel are idempotent at the server; if it cannot be reached, the
    order lapses there after its hold and the fee is refunded as unaccounted money."""
    entries = ctx.journal.entries(session_id)
    kinds = {e.kind for e in entries}
    if "delivery_pending" not in kinds or kinds & {"delivery_ordered", "delivery_cancelled"}:
        return
    pending = [e for e in entries if e.kind == "delivery_pending"][-1]
    if "delivery_confirm_intent" in kinds:
        try:
            order = await ctx.server.confirm_delivery(session_id)
        except Exception as exc:
            log.error("session %s: delivery not confirmed after the restart (%s); refunding instead",
                      session_id[:8], type(exc).__name__)
            return
        ctx.record(session_id, "delivery_ordered", ref=order.tracking_code, order=order.order_id, recovered=True)
        ctx.record(session_id, "fee_kept", int(pending.detail.get("fee_total", order.fee_total)), delivery=True,
                   recovered=True)
        return
    try:
        await ctx.server.cancel_delivery(session_id, reason="recovered-after-restart")
    except Exception as exc:
        log.warning("session %s: delivery cancel not delivered (%s): it lapses at the server",
                    session_id[:8], type(exc).__name__)
        return
    ctx.record(session_id, "delivery_cancelled", ref=session_id, recovered=True)
