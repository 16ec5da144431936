"""The settlement's arithmetic (kiosk.maintenance.cash_books): whatever residents and technicians did
between two collections, the journal's box equals what fees, payouts and vouchers say it must hold,
and a row the journal lost shows up as a difference of exactly its amount, never hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.journal import Entry
from kiosk.maintenance.cash_books import (
    BOOK_KINDS,
    COLLECTED,
    TEST_COIN,
    TEST_RETURNED,
    books_between,
    books_since_last_collection,
    won_of,
)

COINS = (10, 50, 100, 500)
BILLS = (1000, 5000, 10000, 50000)


@dataclass
class Rows:
    rows: list[Entry] = field(default_factory=list)

    def add(self, session: str, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> None:
        self.rows.append(Entry(len(self.rows) + 1, "2026-12-06T10:00:00.000+09:00", session, kind, amount, ref, detail))


session_moves = st.fixed_dictionaries({
    "pieces": st.lists(st.sampled_from(COINS + BILLS), max_size=4),
    "card": st.sampled_from((0, 0, 200, 1000)),
    "fee_share": st.floats(0, 1),
    "void_share": st.floats(0, 1),
    "coin_share": st.floats(0, 1),
})
technician_moves = st.one_of(
    st.tuples(st.just("collect")),
    st.tuples(st.just("test"), st.lists(st.sampled_from(COINS + BILLS), min_size=1, max_size=3), st.booleans()),
    st.tuples(st.just("voucher_paid"), st.sampled_from(("voucher_paid", "voucher_paid_by_hand")),
              st.integers(0, 5000)),
    st.tuples(st.just("hopper_test"), st.integers(0, 20)),
)
moves = st.lists(st.one_of(st.tuples(st.just("session"), session_moves), technician_moves), max_size=25)


def journal_of(plan: list[tuple[Any, ...]]) -> tuple[Rows, int]:
    """The rows a booth would journal for this plan (each session settled as kiosk.till settles it),
    and the won of cash (residents' and test floats left in) the box took in all."""
    out = Rows()
    box_total = 0
    for n, move in enumerate(plan):
        sid = f"s{n}"
        if move[0] == "session":
            m = move[1]
            for piece in m["pieces"]:
                out.add(sid, "coin_credited" if piece in COINS else "bill_stacked", piece)
            if m["card"]:
                out.add(sid, "card_authorised", m["card"], ref=f"C{n}")
            money_in = sum(m["pieces"]) + m["card"]
            fee = int(money_in * m["fee_share"])
            rest = money_in - fee
            voided = m["card"] if m["void_share"] > 0.5 and m["card"] <= rest else 0
            coins = int((rest - voided) * m["coin_share"])
            if fee:
                out.add(sid, "fee_kept", fee)
            if voided:
                out.add(sid, "card_voided", voided, ref=f"C{n}")
            if coins:
                out.add(sid, "change_paid" if fee else "refund_paid", coins)
            if rest - voided - coins:
                out.add(sid, "voucher_issued", rest - voided - coins, ref=f"V-{n:04d}")
            box_total += sum(m["pieces"])
        elif move[0] == "collect":
            out.add("maintenance", COLLECTED)
        elif move[0] == "test":
            for piece in move[1]:
                out.add("maintenance", TEST_COIN if piece in COINS else "test_bill_counted", piece)
            if move[2]:
                box: dict[str, int] = {}
                for piece in move[1]:
                    name = f"{'coin' if piece in COINS else 'bill'}:{piece}"
                    box[name] = box.get(name, 0) + 1
                out.add("maintenance", TEST_RETURNED, sum(move[1]), box=box)
            else:
                box_total += sum(move[1])
        elif move[0] == "voucher_paid":
            out.add("maintenance", move[1], move[2], ref="V-0000")
        else:
            out.add("maintenance", "hopper_test_paid", move[1] * 100)
    return out, box_total


def windows(rows: list[Entry]) -> list[tuple[int, int | None]]:
    """(after, upto) of each collection's window, and the open one after the last collection."""
    marks = [r.seq for r in rows if r.kind == COLLECTED]
    starts = [0, *marks]
    return [(start, end) for start, end in zip(starts, [*marks, None], strict=True)]


@settings(max_examples=150, deadline=None)
@given(plan=moves)
def test_any_sequence_of_journaled_moves_balances_at_every_collection(plan: list[tuple[Any, ...]]) -> None:
    journal, box_total = journal_of(plan)
    rows = journal.rows
    collected = 0
    for after, upto in windows(rows):
        books = books_between(rows, after, upto)
        assert books.balanced, books.as_dict()
        # The cash page reads only BOOK_KINDS rows from the journal: they are all the books need.
        assert books == books_between([r for r in rows if r.kind in BOOK_KINDS], after, upto)
        assert books.box_won == won_of(books.box) >= 0
        collected += books.box_won
    # What all the collections took (and what the box holds now) is every piece the box ever got.
    assert collected == box_total
    now, last_window = books_since_last_collection(rows), books_between(rows, *windows(rows)[-1])
    assert (now.box, now.expected_box_won) == (last_window.box, last_window.expected_box_won)


@settings(max_examples=100, deadline=None)
@given(plan=moves, pick=st.integers(0, 10_000))
def test_a_money_row_the_journal_lost_is_a_difference_of_its_amount(plan: list[tuple[Any, ...]], pick: int) -> None:
    journal, _ = journal_of(plan)
    money = [r for r in journal.rows if r.kind in ("coin_credited", "bill_stacked", "fee_kept", "change_paid",
                                                   "refund_paid", "voucher_issued") and r.amount]
    if not money:
        return
    lost = money[pick % len(money)]
    rows = [r for r in journal.rows if r is not lost]
    window = next((a, u) for a, u in windows(journal.rows) if a < lost.seq and (u is None or lost.seq <= u))
    books = books_between(rows, *window)
    expected = -lost.amount if lost.kind in ("coin_credited", "bill_stacked") else lost.amount
    assert books.difference == expected
    assert not books.balanced


def test_a_settlement_spells_out_the_identity() -> None:
    """1,000 won bill for a 200-won fee: 300 change from the hopper, a 500-won voucher; 100 won of a test
    float left in the box: the box holds 1,100 won, which fees, change, vouchers and the test explain."""
    journal = Rows()
    journal.add("s1", "bill_stacked", 1000)
    journal.add("s1", "fee_kept", 200)
    journal.add("s1", "change_paid", 300)
    journal.add("s1", "voucher_issued", 500, ref="V-1")
    journal.add("maintenance", TEST_COIN, 100)
    journal.add("maintenance", "voucher_paid", 500, ref="V-1")
    books = books_since_last_collection(journal.rows)
    assert books.box == {"bill:1000": 1, "coin:100": 1}
    assert (books.box_won, books.expected_box_won, books.difference) == (1100, 1100, 0)
    assert books.vouchers_paid_hopper == 500 and books.test_float == 100
    journal.add("maintenance", COLLECTED, 1100)
    assert books_since_last_collection(journal.rows).box_won == 0
