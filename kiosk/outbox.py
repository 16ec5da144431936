"""Commits and voids (of issuances and of card authorisations) the server did not receive, and card
lookups it could not answer, delivered when the link returns.

The journal is the outbox: a `commit_pending` or `void_pending` record with no later `committed` /
`voided` for the same session is owed to the server. Each is resent with the session's idempotency
key, so the server applies it exactly once however many times the kiosk had to try. A closed session
with a card authorisation that never got an answer (`card_lookup_pending`, or a lookup made while it
was still open) is looked up at the server, and what it charged voided (kiosk.card_recovery); a card
authorisation a closed session meant to give back and never saw voided is voided. A delivery order's
cancel the server could not take (`delivery_cancel_pending`: an order refunded because its
confirmation went unanswered, or one never paid) is resent until it answers (kiosk.delivery). Open
sessions are left to their own settling, or to boot recovery.
"""

from __future__ import annotations

import logging

from drivers.issuance_server import ServerRejected
from kiosk.card_recovery import NO_ANSWER, CardVoids, reconcile, sessions_owing_lookup
from kiosk.context import Books
from kiosk.delivery import deliver_cancels
from kiosk.issuing import give_back_fee
from kiosk.journal import Entry, Journal
from kiosk.till import card_void_amounts_owed, open_card_authorisations, payment_ref, voucher_code

log = logging.getLogger(__name__)


# What `owed` reads, on every heartbeat: the sessions with something pending (few), then their rows of
# these kinds. Reading these kinds for every session decoded two rows of each session of the month.
_PENDING_KINDS = ("commit_pending", "void_pending")
_OWED_KINDS = (*_PENDING_KINDS, "committed", "voided", "commit_refused", "void_refused", "pages_printed")
# Card rows that may leave a void owed (till.card_voids_owed): a void started, or one that failed.
_VOID_STARTED_KINDS = ("card_void_intent", "card_void_failed")


def owed(journal: Journal) -> list[tuple[str, str, int]]:
    """(session, "commit"|"void", pages) still owed to the server, oldest first."""
    pending_sessions = {e.session for e in journal.entries_of_kinds(_PENDING_KINDS)}
    if not pending_sessions:
        return []
    done: dict[str, set[str]] = {}
    pending: list[tuple[str, str]] = []
    pages: dict[str, int] = {}
    for entry in (e for e in journal.entries_of_sessions(pending_sessions) if e.kind in _OWED_KINDS):
        if entry.kind in ("commit_pending", "void_pending"):
            pending.append((entry.session, entry.kind.split("_")[0]))
        elif entry.kind in ("committed", "voided", "commit_refused", "void_refused"):
            done.setdefault(entry.session, set()).add("commit" if entry.kind.startswith("commit") else "void")
        elif entry.kind == "pages_printed":
            pages[entry.session] = pages.get(entry.session, 0) + entry.amount
    out: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for session, what in pending:
        if what not in done.get(session, set()) and (session, what) not in seen:
            seen.add((session, what))
            out.append((session, what, pages.get(session, 0)))
    return out


async def deliver_owed(books: Books, cards: CardVoids) -> int:
    """Resend what is owed; stop at the first failure (the link is down again). Returns how many went."""
    delivered = 0
    for session, what, pages in owed(books.journal):
        try:
            if what == "commit":
                await books.server.commit(session, pages_printed=pages,
                                          payment_ref=payment_ref(books.journal.entries(session), session))
            else:
                await books.server.void(session, reason="delivered-after-outage")
        except ServerRejected as exc:
            # Refused for good (e.g. a void of a reservation the server never made): stop resending it.
            log.warning("server refused the owed %s for %s: %s", what, session[:8], exc.reason)
            books.record(session, f"{what}_refused", ref=session, reason=exc.reason, status=exc.status)
            if what == "commit":
                await settle_refused_commit(books, cards, session, exc.reason)
            continue
        except Exception as exc:
            log.info("still cannot deliver %s for %s: %s", what, session[:8], type(exc).__name__)
            break
        books.record(session, "committed" if what == "commit" else "voided", ref=session, late=True)
        delivered += 1
    delivered += await _deliver_card_lookups(books, cards)
    delivered += await _deliver_card_voids(books.journal, cards)
    delivered += await deliver_cancels(books)  # delivery orders refunded or never paid (kiosk.delivery)
    if delivered:
        log.warning("delivered %d commits, voids, card lookups and delivery cancels kept during a server outage",
                    delivered)
    return delivered


async def settle_refused_commit(books: Books, cards: CardVoids, session: str, reason: str) -> None:
    """A commit owed from a closed session, refused for good (409 reservation-expired, already-voided):
    the server voided the document the resident took away, so its fee is not earned. Never silence:
    the fee's reversal is journaled, the card part of it voided (the outbox retries a void that does
    not go through), the cash part owed on a voucher kept in the journal for the city office (the
    resident has left; their receipt and document name the session), and the issuance voided."""
    fee = give_back_fee(books, session, reason=reason or "commit-refused")
    if fee <= 0:
        return
    owed = fee
    for auth in open_card_authorisations(books.journal.entries(session)):
        if owed <= 0:
            break
        part = min(owed, auth.amount)
        await cards.void(auth, reason="commit-refused", amount=part)  # card_void_failed: delivered later
        owed -= part
    if owed > 0:
        code = voucher_code()
        books.record(session, "voucher_issued", owed, ref=code, purpose="commit-refused")
        log.error("session %s: %s won in cash for a document the server voided is owed on voucher %s "
                  "(the resident has left: the city office pays it)", session[:8], owed, code)
    try:
        await books.server.void(session, reason="commit-refused")
    except Exception as exc:  # the server voided it itself when it refused (reservation-expired)
        log.info("void after a refused commit of %s not delivered: %s", session[:8], type(exc).__name__)
    else:
        books.record(session, "voided", ref=session, late=True)


async def _deliver_card_lookups(books: Books, cards: CardVoids) -> int:
    """Closed sessions whose card authorisation never got an answer: ask the server, void what it took.
    An open session is left to itself: its own authorisation may still be on the way."""
    still_open = set(books.journal.open_sessions())
    delivered = 0
    for session in sessions_owing_lookup(card_sessions_that_may_owe(books.journal)):
        if session in still_open:
            continue
        if not await reconcile(books, cards, session, reason="delivered-after-outage", final=True):
            return delivered  # still down: try again at the next heartbeat
        delivered += 1
    return delivered


async def _deliver_card_voids(journal: Journal, cards: CardVoids) -> int:
    """Card authorisations of closed sessions the kiosk decided to give back and never saw voided (a
    void that failed or a power cut stopped, one recovered from the server): void them now. An open
    session settles its own card (kiosk.till `refund`), or boot recovery does; touching it here
    could void one twice."""
    still_open = set(journal.open_sessions())
    by_session: dict[str, list[Entry]] = {}
    for entry in card_sessions_that_may_owe(journal):
        if entry.session not in still_open:
            by_session.setdefault(entry.session, []).append(entry)
    delivered = 0
    for rows in by_session.values():
        for auth, part in card_void_amounts_owed(rows):  # a partial cancel cut short stays partial
            if not await cards.void(auth, reason="delivered-after-outage", amount=part):
                if _refused_for_good(journal, auth.session_id, auth.reference):
                    continue  # journaled for the technician (card_void_refused): the next one may go
                return delivered  # still down: try again at the next heartbeat
            delivered += 1
    return delivered


def _refused_for_good(journal: Journal, session: str, reference: str) -> bool:
    """Whether the latest void of `reference` was refused for good (`card_void_refused`), not undelivered."""
    last = [e.kind for e in journal.entries(session) if e.ref == reference and e.kind.startswith("card_void")]
    return bool(last) and last[-1] == "card_void_refused"


def card_sessions_that_may_owe(journal: Journal) -> list[Entry]:
    """Every row of the sessions whose card may still owe a lookup (card_recovery.lookup_owed: an
    authorisation not answered) or a void (till.card_voids_owed: a void started or failed, an approval
    recovered from the server), oldest first. SQLite picks them, a few among a month of card sessions:
    decoding every card session's rows took a second of the booth's loop at each heartbeat on 9,000 of
    them. The callers decide on these rows exactly as before; any session this leaves out owes nothing."""
    sessions = set(journal.sessions_with_unanswered("card_authorise_intent", ("card_authorised", "card_declined"),
                                                    no_answer=("card_declined", NO_ANSWER)))
    sessions |= set(journal.sessions_with(_VOID_STARTED_KINDS))
    sessions |= set(journal.sessions_with(("card_authorised",), flag="recovered"))
    return journal.entries_of_sessions(sessions) if sessions else []
