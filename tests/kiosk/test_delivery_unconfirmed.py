"""A delivery whose confirmation went unanswered (kiosk/delivery.py): what the auditor and the outbox read
of the journal. The whole path, on the wire, is in scenarios/delivery_confirm_*.toml; these pin the two
rules a booth lives by afterwards: the books and the server must tell the same story (a document sent
while the booth refunded it is a finding unless the journal says so), and a cancel the server has not
taken is owed until it answers, but never for a session still settling itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.delivery import cancels_owed
from kiosk.journal import Entry, Journal
from kiosk.maintenance.cash_books import BOOK_KINDS, books_between
from kiosk.rig.books import deliveries_disagree

AT = "2026-12-06T10:00:00.000+09:00"
KEY = "0f835c0444824422a253712319d92ee9"


def _rows(*kinds: str | tuple[str, int]) -> list[Entry]:
    out = []
    for seq, kind in enumerate(kinds, 1):
        name, amount = kind if isinstance(kind, tuple) else (kind, 0)
        out.append(Entry(seq, AT, KEY, name, amount, KEY, {}))
    return out


REFUNDED = ("delivery_intent", ("delivery_pending", 0), "delivery_confirm_intent", "delivery_confirm_unanswered",
            "delivery_unconfirmed", ("coin_credited", 4000), ("refund_paid", 4000))


def _order(state: str, paid: bool) -> list[dict[str, Any]]:
    return [{"key": KEY, "state": state, "paid": paid, "fee_total": 4000}]


def test_the_books_find_the_old_defect_a_document_sent_paid_while_the_kiosk_refunded_it() -> None:
    # Before issue 18: refunded, the cancel lost in silence, the server holding the order paid and sent.
    problems = deliveries_disagree(_rows(*REFUNDED, "session_closed"), _order("dispatched", True))
    assert problems and "server says paid" in problems[0] and "kept no fee" in problems[0]
    # ... or left confirmed at the server while the session closed without it.
    assert any("confirmed at the server" in p for p in
               deliveries_disagree(_rows(*REFUNDED, "session_closed"), _order("confirmed", True)))


def test_the_books_agree_when_each_side_says_how_the_order_ended() -> None:
    owed = _rows(*REFUNDED, "delivery_cancel_pending", "session_closed")
    assert [p for p in deliveries_disagree(owed, _order("confirmed", True)) if "still owes" in p]
    cancelled = _rows(*REFUNDED, "delivery_cancel_pending", "session_closed", "delivery_cancelled")
    assert deliveries_disagree(cancelled, _order("cancelled", False)) == []
    sent = _rows(*REFUNDED, "delivery_cancel_pending", "session_closed", ("delivery_dispatched_after_refund", 4000))
    assert deliveries_disagree(sent, _order("dispatched", False)) == []
    # The journal's word must match the server's: sent unpaid at the server, silent in the journal ...
    assert any("unpaid and the journal does not say so" in p
               for p in deliveries_disagree(cancelled, _order("dispatched", False)))
    # ... and a journal that claims a dispatch the server never made.
    assert any("the server does not" in p for p in deliveries_disagree(sent, _order("cancelled", False)))
    ordered = _rows("delivery_intent", "delivery_confirm_intent", "delivery_ordered", ("fee_kept", 4000),
                    "session_closed")
    assert deliveries_disagree(ordered, _order("dispatched", True)) == []
    assert any("no such order" in p for p in deliveries_disagree(ordered, []))


def test_a_cancel_is_owed_until_the_server_answers_and_never_for_a_session_still_open(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        for session in ("closed-one", "still-open"):
            journal.record(session, "session_opened", at=AT)
            journal.record(session, "delivery_intent", at=AT, ref=session)
            journal.record(session, "delivery_cancel_pending", at=AT, ref=session, reason="refunded")
        journal.record("closed-one", "session_closed", at=AT)
        assert cancels_owed(journal) == [("closed-one", "refunded")]
        journal.record("closed-one", "delivery_dispatched_after_refund", at=AT, amount=4000, late=True)
        assert cancels_owed(journal) == []
    finally:
        journal.close()


def test_the_settlement_names_a_document_sent_after_its_refund_and_the_cash_still_balances() -> None:
    rows = _rows(*REFUNDED, "delivery_cancel_pending", "session_closed", ("delivery_dispatched_after_refund", 4000))
    books = books_between([r for r in rows if r.kind in BOOK_KINDS])
    assert books.deliveries_sent_unpaid == 4000  # printed on the technician's settlement, for the office
    assert books.refunds_paid == 4000 and books.fees_kept == 0
