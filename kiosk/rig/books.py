"""The books, audited as a city auditor would: what must hold once a session is over or a crash recovered.

Used by the scenarios' `expect_books`, the in-process crash harness (kiosk/rig/crashtest.py) and the
kill -9 harness (kiosk/rig/crash_process.py). A module of its own so that the scenario runner and the
crash harness (which builds on the runner) do not import each other.
"""

from __future__ import annotations

from typing import Any

from kiosk.delivery import ORDER_SETTLED
from kiosk.hopper_inventory import INTENTS, PAID
from kiosk.journal import Journal
from kiosk.maintenance.cash_books import (
    HOPPER_TEST_PAID,
    TEST_BILL,
    TEST_COIN,
    VOUCHER_PAID,
    books_since_last_collection,
)


def check_books(journal: Journal, cash_state: dict[str, Any], server_stats: dict[str, Any],
                payments: list[dict[str, Any]] | None = None, a4_jobs: int | None = None,
                *, deliveries: list[dict[str, Any]] | None = None) -> list[str]:
    """Everything that must hold once recovery is over, in the words a city auditor would use."""
    problems = []
    totals = journal.totals()
    if totals["open_sessions"]:
        problems.append(f"{totals['open_sessions']} session(s) left open")
    balance = totals["money_in"] - totals["fees_kept"] - totals["change"] - totals["refunds"] - totals["vouchers"]
    if balance:
        problems.append(f"money unaccounted: {balance} won (totals {totals})")
    rows = journal.entries()
    # Residents' money, and a technician's count-only test float (never a fee, but in the box all the same);
    # sessions archived (kiosk.journal_archive) count by their sums.
    cash_in = _with_archived(journal, rows, ("coin_credited", "bill_stacked", TEST_COIN, TEST_BILL))
    # Change and refunds, and a technician's payouts: vouchers paid by hopper, hopper tests.
    coins_out = _with_archived(journal, rows, ("change_paid", "refund_paid", VOUCHER_PAID, HOPPER_TEST_PAID))
    taken = sum(int(v) for v in cash_state["coin"]["accepted"]) + sum(int(v) for v in cash_state["bill"]["stacked"])
    if taken != cash_in:
        problems.append(f"cash device took {taken} won, journal says {cash_in}")
    paid_out = int(cash_state["hopper"]["won_paid_out"])
    # A payout the hopper could not tell the end of (a `_paid` row marked `unknown`) may have paid more
    # than its row says, up to what it asked for: the journal's payouts may read low, never high (the
    # rule kiosk.hopper_inventory counts the hopper by).
    uncertain = _unknown_payouts_unseen(rows)
    if not coins_out <= paid_out <= coins_out + uncertain:
        more = f" (and up to {uncertain} won more unseen)" if uncertain else ""
        problems.append(f"hopper paid {paid_out} won, journal says {coins_out}{more}")
    problems += _box_unbalanced(rows, cash_state)
    if cash_state["bill"].get("escrow"):
        problems.append(f"a {cash_state['bill']['escrow']} won bill is still held in escrow")
    if int(server_stats.get("commits", 0)) != totals["committed"]:
        problems.append(f"server has {server_stats.get('commits')} commits, journal {totals['committed']}")
    if int(server_stats.get("reserved", 0)):
        problems.append(f"server holds {server_stats['reserved']} reservation(s) neither committed nor voided")
    problems += _sessions_unbalanced(journal, rows)
    problems += _documents_unsettled(rows)
    if a4_jobs is not None and a4_jobs != totals["print_done"]:
        # Paper the resident may hold that the books do not know of (or the other way round).
        problems.append(f"the A4 printer printed {a4_jobs} document(s), the journal {totals['print_done']}")
    if payments is not None:
        card_kept = (_with_archived(journal, rows, ("card_authorised",))
                     - _with_archived(journal, rows, ("card_voided",)))
        charged = sum(int(p["amount"]) for p in payments if p.get("state") == "approved")
        if charged != card_kept:
            problems.append(f"cards charged {charged} won on the server, journal keeps {card_kept}")
    if deliveries is not None:
        problems += deliveries_disagree(rows, deliveries)
    return problems


def deliveries_disagree(rows: list[Any], deliveries: list[dict[str, Any]]) -> list[str]:
    """Delivery orders (kiosk.delivery): the server holds as paid exactly the orders whose fee the journal
    kept; one it dispatched unpaid is the journal's `delivery_dispatched_after_refund`; no order of a
    closed session is left pending or confirmed at the server while the booth refunded it."""
    kinds: dict[str, set[str]] = {}
    for e in rows:
        kinds.setdefault(e.session, set()).add(e.kind)
    problems = []
    held = {str(d["key"]): d for d in deliveries}
    for key, d in held.items():
        seen = kinds.get(key, set())
        kept = "delivery_ordered" in seen
        if "delivery_cancel_pending" in seen and not seen & ORDER_SETTLED and d["state"] != "cancelled":
            # Not a disagreement yet: the outbox delivers it once the server answers (kiosk.delivery).
            problems.append(f"delivery {key[:8]}: the booth refunded it and still owes the server its cancel "
                            f"(the server holds it {d['state']})")
            continue
        if bool(d.get("paid")) != kept:
            problems.append(f"delivery {key[:8]}: the server says {'paid' if d.get('paid') else 'unpaid'} "
                            f"({d['state']}), the journal {'kept its fee' if kept else 'kept no fee'}")
        if d["state"] == "dispatched" and not d.get("paid") and "delivery_dispatched_after_refund" not in seen:
            problems.append(f"delivery {key[:8]} went out unpaid and the journal does not say so")
        if d["state"] in ("pending", "confirmed") and not kept and "session_closed" in seen:
            problems.append(f"delivery {key[:8]} is {d['state']} at the server, its session closed without it")
    for key, seen in kinds.items():
        if "delivery_ordered" in seen and key not in held:
            problems.append(f"delivery {key[:8]} kept its fee, the server has no such order")
        if "delivery_dispatched_after_refund" in seen and held.get(key, {}).get("state") != "dispatched":
            problems.append(f"delivery {key[:8]}: the journal says dispatched after the refund, the server does not")
    return problems


def _box_unbalanced(rows: list[Any], cash_state: dict[str, Any]) -> list[str]:
    """Since the last collection: the cash box and stacker hold what the journal says they took, and
    the fees, payouts and vouchers explain it (kiosk.maintenance.cash_books)."""
    books = books_since_last_collection(rows)
    problems = []
    if "cashbox" in cash_state["coin"]:
        held = sum(int(v) for v in cash_state["coin"]["cashbox"]) + sum(int(v) for v in cash_state["bill"]["stacker"])
        if held != books.box_won:
            problems.append(f"the cash box and stacker hold {held} won, the journal since the last collection "
                            f"{books.box_won}")
    if not books.balanced:
        problems.append(f"the box since the last collection differs from the books by {books.difference} won "
                        f"({books.as_dict()})")
    return problems


def _unknown_payouts_unseen(rows: list[Any]) -> int:
    """Won that payouts marked `unknown` asked for beyond what their `_paid` rows say was seen paid."""
    asked: dict[tuple[str, str], int] = {}
    unseen = 0
    for e in rows:
        if e.kind in INTENTS:
            asked[(e.session, e.kind.removesuffix("_intent"))] = e.amount
        elif e.kind in PAID:
            wanted = asked.pop((e.session, e.kind.removesuffix("_paid")), 0)
            if e.detail.get("unknown"):
                unseen += max(0, wanted - e.amount)
    return unseen


def _with_archived(journal: Journal, rows: list[Any], kinds: tuple[str, ...]) -> int:
    """The amounts of these kinds in the journal's rows and in the sessions archived (kiosk.journal_archive)."""
    return int(sum(e.amount for e in rows if e.kind in kinds)
               + sum(journal.archived_total("sums", kind) for kind in kinds))


def _sessions_unbalanced(journal: Journal, rows: list[Any]) -> list[str]:
    """Each closed session on its own: money in = fee kept + change + refunds + vouchers."""
    closed = {e.session for e in rows if e.kind == "session_closed"}
    problems = []
    for session in sorted(closed):
        owed = journal.session_money(session).unaccounted
        if owed:
            problems.append(f"session {session[:8]} closed with {owed} won unaccounted")
    return problems


def _documents_unsettled(rows: list[Any]) -> list[str]:
    """Every session that kept a fee printed its documents and committed them, and nothing printed
    was left uncommitted (or unrefused)."""
    kinds: dict[str, set[str]] = {}
    kept: dict[str, int] = {}
    for e in rows:
        kinds.setdefault(e.session, set()).add(e.kind)
        if e.kind == "fee_kept":
            kept[e.session] = kept.get(e.session, 0) + e.amount
    problems = []
    for session, seen in kinds.items():
        # A delivery (issue 17) keeps its fee once the server confirmed the order: nothing is printed.
        if kept.get(session, 0) > 0 and "print_done" not in seen and "delivery_ordered" not in seen:
            problems.append(f"session {session[:8]} kept {kept[session]} won without printing")
        # A commit the server refused for good (its reservation expired) is settled too: the fee was
        # given back (kiosk/issuing.py, kiosk/outbox.py), and the books' money check holds it to that.
        if "print_done" in seen and not seen & {"committed", "commit_refused"}:
            problems.append(f"session {session[:8]} printed but never committed")
    return problems
