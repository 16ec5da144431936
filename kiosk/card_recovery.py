"""Card authorisations whose answer never reached the journal: found at the server and voided.

`card_authorise_intent` is journaled before the kiosk asks the payment API and the answer
(`card_authorised` or `card_declined`) after it. In between the server may approve while the kiosk
never hears it: the power is cut, or the connection drops after the server did the work on every
attempt the client made. The card is then charged with no document and no record of it.

So whenever an intent has no answer, the kiosk asks the server for the session's payments (GET
/v1/payments?session=). An approval the journal does not know is journaled as `card_authorised`
(`recovered=True`), money in like any other, and voided at once through the normal void path
(`card_void_intent` / `card_voided`): the books balance and the resident is not charged.
`card_reconciled` records that the server was asked, with the won it had taken unknown to the kiosk.

A lookup made while the session is still open is provisional (`final=False`): the lost request may
still be on its way to the acquirer. The outbox (kiosk.outbox, after a heartbeat) asks once more
when the session has closed, and asks again and again while the server cannot be reached; that the
question is still open is journaled as `card_lookup_pending`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from drivers.card import Authorisation
from kiosk.context import Books
from kiosk.journal import Entry

log = logging.getLogger(__name__)

# The decline kiosk.card_payment journals for an authorisation that got no answer: not an answer.
NO_ANSWER = "authorisation-unavailable"


class CardVoids(Protocol):
    """Who gives a card authorisation back (kiosk.card_payment.CardPayment)."""

    async def void(self, auth: Authorisation, *, reason: str, amount: int | None = None) -> bool:
        """Void `auth` at the acquirer (journaled), or only `amount` won of it (a partial cancel); False
        when the void could not be delivered."""
        ...


def lookup_owed(rows: Iterable[Entry]) -> bool:
    """Whether a session's rows hold a card authorisation that got no answer and that no final
    lookup (`card_reconciled` with `final`) has settled since."""
    lost = False  # an earlier intent of this session never got an answer
    waiting = False  # the latest intent has no answer yet
    for e in rows:
        if e.kind == "card_authorise_intent":
            lost = lost or waiting
            waiting = True
        elif e.kind == "card_authorised" or (e.kind == "card_declined" and e.ref != NO_ANSWER):
            waiting = False
        elif e.kind == "card_reconciled" and e.detail.get("final"):
            lost = waiting = False
    return lost or waiting


def sessions_owing_lookup(rows: Iterable[Entry]) -> list[str]:
    """Sessions (oldest first) whose card authorisations still need a lookup at the server."""
    by_session: dict[str, list[Entry]] = {}
    for e in rows:
        by_session.setdefault(e.session, []).append(e)
    return [s for s, own in by_session.items() if lookup_owed(own)]


async def reconcile(books: Books, cards: CardVoids, session_id: str, *, reason: str, final: bool) -> bool:
    """Ask the server what `session_id` was charged; journal and void every approval the journal does
    not know. False when the server could not be asked (`card_lookup_pending`) or a void did not go
    through (`card_void_failed`, which the outbox delivers): both are kept for later."""
    rows = books.journal.entries(session_id)
    server = books.server
    try:
        payments = await server.session_payments(session_id)
    except Exception as exc:
        log.warning("cannot ask the server what session %s was charged: %s", session_id[:8], type(exc).__name__)
        if not _pending_noted(rows):
            books.record(session_id, "card_lookup_pending", ref=type(exc).__name__, reason=reason)
        return False
    known = {e.ref for e in rows if e.kind == "card_authorised"}
    recovered = 0
    all_voided = True
    for payment in payments:
        if not payment.approved or payment.reference in known:
            continue
        log.error("session %s: the server approved %s won (%s) the journal never heard of: voiding it",
                  session_id[:8], payment.amount, payment.reference)
        auth = Authorisation(approved=True, amount=payment.amount, session_id=session_id,
                             reference=payment.reference, masked_pan=payment.masked_pan)
        books.record(session_id, "card_authorised", payment.amount, ref=payment.reference,
                     masked_pan=payment.masked_pan, recovered=True)
        recovered += payment.amount
        all_voided = await cards.void(auth, reason=reason) and all_voided
    books.record(session_id, "card_reconciled", recovered, final=final, payments=len(payments))
    return all_voided


def _pending_noted(rows: list[Entry]) -> bool:
    """A `card_lookup_pending` already stands for the latest unanswered intent (one row per outage)."""
    for e in reversed(rows):
        if e.kind == "card_lookup_pending":
            return True
        if e.kind in ("card_authorise_intent", "card_reconciled"):
            return False
    return False

