"""Change vouchers as the journal holds them: issued in a resident's session (`voucher_issued`, the code
in `ref`), paid later by the hopper or from a technician's hand, reprinted on request.

The technician's vouchers page (kiosk.maintenance.cash_desk) lists them from these rows, and the nightly
archive (kiosk.journal_archive) keeps in the journal every session whose voucher still owes money: a
resident may bring a voucher back months later, and a code the booth can no longer find is change
the city owes and cannot pay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kiosk.journal import Entry
from kiosk.maintenance.cash_books import VOUCHER_PAID, VOUCHER_PAID_HAND
from kiosk.views import VoucherLine

ISSUED = "voucher_issued"
REPRINTED = "voucher_reprinted"
# What the vouchers page reads: issued, paid, reprinted, and the receipts that carried their codes.
VOUCHER_KINDS = (ISSUED, VOUCHER_PAID, VOUCHER_PAID_HAND, REPRINTED, "receipt_printed")
# What says how much each voucher still owes (a month's journal holds few of these rows).
OWED_KINDS = (ISSUED, VOUCHER_PAID, VOUCHER_PAID_HAND)


def paid_by_code(rows: Iterable[Entry]) -> dict[str, int]:
    """Won paid out so far on each voucher code."""
    paid: dict[str, int] = {}
    for r in rows:
        if r.kind in (VOUCHER_PAID, VOUCHER_PAID_HAND):
            paid[r.ref] = paid.get(r.ref, 0) + r.amount
    return paid


def voucher_lines(rows: Sequence[Entry]) -> list[VoucherLine]:
    """Every voucher the rows (of `VOUCHER_KINDS`, oldest first) issued, with what it still owes and
    whether the resident's receipt with its code came out."""
    paid = paid_by_code(rows)
    reprinted = {r.ref for r in rows if r.kind == REPRINTED}
    receipts: dict[str, list[int]] = {}
    for r in rows:
        if r.kind == "receipt_printed":
            receipts.setdefault(r.session, []).append(r.seq)
    out = []
    for r in rows:
        if r.kind != ISSUED:
            continue
        printed = r.ref in reprinted or any(seq > r.seq for seq in receipts.get(r.session, []))
        out.append(VoucherLine(code=r.ref, amount=r.amount, remaining=max(0, r.amount - paid.get(r.ref, 0)),
                               issued_at=r.at[:16].replace("T", " "), printed=printed))
    return out


def sessions_owing_a_voucher(rows: Sequence[Entry]) -> set[str]:
    """The sessions whose voucher (in rows of `OWED_KINDS`, oldest first) still owes money."""
    paid = paid_by_code(rows)
    return {r.session for r in rows if r.kind == ISSUED and paid.get(r.ref, 0) < r.amount}
