"""Commits and voids (of issuances and of card authorisations) the server did not receive, delivered
when the link returns.

The journal is the outbox: a `commit_pending` or `void_pending` record with no later `committed` /
`voided` for the same session is owed to the server. Each is resent with the session's idempotency
key, so the server applies it exactly once however many times the kiosk had to try.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.server_client import ServerRejected
from kiosk.till import open_card_authorisations, payment_ref

if TYPE_CHECKING:
    from kiosk.controller import Kiosk

log = logging.getLogger(__name__)


def owed(kiosk: Kiosk) -> list[tuple[str, str, int]]:
    """(session, "commit"|"void", pages) still owed to the server, oldest first."""
    done: dict[str, set[str]] = {}
    pending: list[tuple[str, str]] = []
    pages: dict[str, int] = {}
    for entry in kiosk.journal.entries():
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


async def deliver_owed(kiosk: Kiosk) -> int:
    """Resend what is owed; stop at the first failure (the link is down again). Returns how many went."""
    delivered = 0
    for session, what, pages in owed(kiosk):
        try:
            if what == "commit":
                await kiosk.server.commit(session, pages_printed=pages,
                                          payment_ref=payment_ref(kiosk.journal.entries(session), session))
            else:
                await kiosk.server.void(session, reason="delivered-after-outage")
        except ServerRejected as exc:
            # Refused for good (e.g. a void of a reservation the server never made): stop resending it.
            log.warning("server refused the owed %s for %s: %s", what, session[:8], exc.reason)
            kiosk.journal.record(session, f"{what}_refused", at=kiosk.stamp(), ref=session, reason=exc.reason)
            continue
        except Exception as exc:
            log.info("still cannot deliver %s for %s: %s", what, session[:8], type(exc).__name__)
            break
        kiosk.journal.record(session, "committed" if what == "commit" else "voided", at=kiosk.stamp(),
                             ref=session, late=True)
        delivered += 1
    delivered += await _deliver_card_voids(kiosk)
    if delivered:
        log.warning("delivered %d commit/void records kept during a server outage", delivered)
    return delivered


async def _deliver_card_voids(kiosk: Kiosk) -> int:
    """Card authorisations whose void never reached the server (`card_void_failed`): void them now."""
    failed = {(e.session, e.ref) for e in kiosk.journal.entries() if e.kind == "card_void_failed"}
    delivered = 0
    for session, reference in sorted(failed):
        rows = kiosk.journal.entries(session)
        for auth in open_card_authorisations(rows):
            if auth.reference == reference and await kiosk.card_payment.void(auth, reason="delivered-after-outage"):
                delivered += 1
            elif auth.reference == reference:
                return delivered  # still down: try again at the next heartbeat
    return delivered
