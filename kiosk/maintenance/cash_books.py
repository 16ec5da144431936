"""The cash box's books between two collections, from the journal rows alone.

Every coin and bill a resident puts in goes to the cash box (coins: the acceptor's sorter path 1) or
the bill stacker; change, refunds and vouchers paid by hopper come out of the hopper, never out of
the box. So what the box must hold at a collection is, since the previous one:

    box = fees kept - card money kept + change paid + refunds paid in coins + vouchers issued
          + the count-only test float left in it

(each session balances: coins + bills + card authorised = fees kept + change + coin refunds + card
voids + vouchers issued; rearranged, the card's share is what the box does not hold). The journal's
own count of the box (coins and bills credited, by denomination) must equal that; a difference is
money unaccounted, shown to the technician and sent to the server as it is, never hidden.

Count-only test money (`test_coin_counted`, `test_bill_counted`) is never a fee: it sits in the box
until the technician takes it back out (`test_float_returned`, with the denominations taken).
Vouchers paid later (`voucher_paid`) and hopper tests (`hopper_test_paid`) come out of the hopper (or
the technician's hand) and are listed for the city's cash office; they do not touch the box.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.journal_rows import Row

COLLECTED = "cash_collected"
TEST_COIN = "test_coin_counted"
TEST_BILL = "test_bill_counted"
TEST_RETURNED = "test_float_returned"
VOUCHER_PAID = "voucher_paid"  # by the hopper (kiosk.hopper_inventory counts it gone)
VOUCHER_PAID_HAND = "voucher_paid_by_hand"  # from the technician's hand: the hopper is not touched
HOPPER_TEST_PAID = "hopper_test_paid"
# A delivery order refunded because its confirmation went unanswered, which the courier took before the
# booth's cancel arrived (kiosk/delivery.py): no money moves, but the city sent a document unpaid, and
# the settlement says so.
SENT_UNPAID = "delivery_dispatched_after_refund"


# Every kind the books read: a caller may fetch only these rows (Journal.entries_since), not the whole journal.
BOOK_KINDS = ("coin_credited", "bill_stacked", TEST_COIN, TEST_BILL, TEST_RETURNED, "card_authorised", "card_voided",
              "fee_kept", "change_paid", "refund_paid", "voucher_issued", VOUCHER_PAID, VOUCHER_PAID_HAND,
              HOPPER_TEST_PAID, COLLECTED, SENT_UNPAID)


def denomination(kind: str, amount: int) -> str | None:
    """The box's name for a piece of money a row moved in ("coin:100", "bill:1000"), None for others."""
    if kind in ("coin_credited", TEST_COIN):
        return f"coin:{amount}"
    if kind in ("bill_stacked", TEST_BILL):
        return f"bill:{amount}"
    return None


def won_of(box: Mapping[str, int]) -> int:
    return sum(int(name.partition(":")[2]) * count for name, count in box.items())


@dataclass(frozen=True)
class CashBooks:
    """The money since the last collection (rows after `since_seq`), and what the box must hold."""

    since_seq: int = 0
    since_at: str = ""
    box: dict[str, int] = field(default_factory=dict)  # what the journal says the box holds, by denomination
    resident_cash: int = 0  # coins and bills residents put in
    card_authorised: int = 0
    card_voided: int = 0
    fees_kept: int = 0
    change_paid: int = 0
    refunds_paid: int = 0  # in coins, from the hopper
    vouchers_issued: int = 0
    vouchers_paid_hopper: int = 0
    vouchers_paid_hand: int = 0
    hopper_test_paid: int = 0
    test_float: int = 0  # count-only test money still in the box
    deliveries_sent_unpaid: int = 0  # won of delivery fees refunded for documents the courier took anyway

    @property
    def box_won(self) -> int:
        return won_of(self.box)

    @property
    def expected_box_won(self) -> int:
        """What the fees, payouts and vouchers say the box must hold."""
        card_kept = self.card_authorised - self.card_voided
        return (self.fees_kept - card_kept + self.change_paid + self.refunds_paid + self.vouchers_issued
                + self.test_float)

    @property
    def difference(self) -> int:
        """Won the journal's box holds beyond what the books explain (negative: short). 0 balances."""
        return self.box_won - self.expected_box_won

    @property
    def balanced(self) -> bool:
        return self.difference == 0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(box_won=self.box_won, expected_box_won=self.expected_box_won, difference=self.difference,
                   balanced=self.balanced)
        return out


def last_collection(rows: Iterable[Row]) -> Row | None:
    found = None
    for row in rows:
        if row.kind == COLLECTED:
            found = row
    return found


def books_between(rows: Iterable[Row], after_seq: int = 0, upto_seq: int | None = None,
                  since_at: str = "") -> CashBooks:
    """The books of the rows with `after_seq` < seq <= `upto_seq` (no upper bound when None)."""
    box: dict[str, int] = {}
    sums: dict[str, int] = {}
    for row in rows:
        if row.seq <= after_seq or (upto_seq is not None and row.seq > upto_seq):
            continue
        name = denomination(row.kind, row.amount)
        if name is not None:
            box[name] = box.get(name, 0) + 1
        if row.kind == TEST_RETURNED:
            taken = row.detail.get("box")
            for piece, count in (taken.items() if isinstance(taken, Mapping) else ()):
                box[str(piece)] = box.get(str(piece), 0) - int(count)
        sums[row.kind] = sums.get(row.kind, 0) + row.amount
    return CashBooks(
        since_seq=after_seq,
        since_at=since_at,
        box={name: count for name, count in sorted(box.items()) if count},
        resident_cash=sums.get("coin_credited", 0) + sums.get("bill_stacked", 0),
        card_authorised=sums.get("card_authorised", 0),
        card_voided=sums.get("card_voided", 0),
        fees_kept=sums.get("fee_kept", 0),
        change_paid=sums.get("change_paid", 0),
        refunds_paid=sums.get("refund_paid", 0),
        vouchers_issued=sums.get("voucher_issued", 0),
        vouchers_paid_hopper=sums.get(VOUCHER_PAID, 0),
        vouchers_paid_hand=sums.get(VOUCHER_PAID_HAND, 0),
        hopper_test_paid=sums.get(HOPPER_TEST_PAID, 0),
        test_float=sums.get(TEST_COIN, 0) + sums.get(TEST_BILL, 0) - sums.get(TEST_RETURNED, 0),
        deliveries_sent_unpaid=sums.get(SENT_UNPAID, 0),
    )


def books_since_last_collection(rows: Sequence[Row]) -> CashBooks:
    """The books of everything after the newest `cash_collected` row (all rows when there is none)."""
    last = last_collection(rows)
    if last is None:
        return books_between(rows)
    return books_between(rows, last.seq, since_at=str(getattr(last, "at", "")))
