"""How many coins the hopper certainly holds, kept in the journal.

A hopper's level probes only say "below the low probe" or "not": an upper bound when tripped, and
nothing at all when not. Change promised on that guess becomes a voucher when the guess was wrong.
The kiosk therefore counts: a refill journals the coins loaded (`hopper_refilled`, amount = won,
detail `coins`), every payout subtracts what it paid (`change_paid`, `refund_paid`), and a payout
whose outcome is not known yet (an `_intent` with no `_paid`) or not known for sure (a `_paid` row
marked `unknown`, or `recovered`: settled after a restart) subtracts everything it asked for. The
count can only be too low, never too high.

Coins that residents insert do not add: our coin acceptor's sorter routes every coin to the cash box
(ccTalk sorter path 1), not to the hopper. A booth whose acceptor routes the hopper's denomination
into the hopper would add `coin_credited` rows of that value here.

The low probe is applied on top, as a cap (kiosk.controller `change_available`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.journal_rows import Row, RowsSince

REFILLED = "hopper_refilled"
# A technician's payouts (kiosk.maintenance.cash_desk) come out of the same hopper: a voucher paid by
# hopper and a hopper test's coins into the service tray.
INTENTS = ("change_intent", "refund_intent", "voucher_pay_intent", "hopper_test_intent")
PAID = ("change_paid", "refund_paid", "voucher_paid", "hopper_test_paid")
KINDS = (REFILLED, *INTENTS, *PAID)


class Records(Protocol):
    def record(self, session: str, kind: str, *, at: str, amount: int = 0, ref: str = "", **detail: Any) -> int: ...


def payable(amount: int, coin: int) -> int:
    """The part of `amount` the hopper's coin can make."""
    return amount - amount % coin if coin > 0 else 0


@dataclass
class HopperCount:
    """The running count: won loaded at the last refill, won known gone since, payouts in flight."""

    coin: int
    loaded: int | None = None  # won at the last refill; None: no refill on record
    gone: int = 0
    in_flight: dict[str, int] = field(default_factory=dict)  # session -> won a payout may be paying
    seq: int = 0  # the last journal row applied

    def apply(self, row: Row) -> None:
        self.seq = max(self.seq, row.seq)
        if row.kind == REFILLED:
            self.loaded, self.gone, self.in_flight = row.amount, 0, {}
        elif row.kind in INTENTS:
            self.in_flight[row.session] = payable(row.amount, self.coin)
        elif row.kind in PAID:
            asked = self.in_flight.pop(row.session, 0)
            # A payout settled after a restart (`recovered`) or whose outcome the hopper could not tell
            # (`unknown`) may have paid more than its row says: count every coin it asked for as gone,
            # so the count stays a guarantee (a refill sets it right).
            uncertain = row.detail.get("unknown") or row.detail.get("recovered")
            self.gone += max(asked, row.amount) if uncertain else row.amount

    @property
    def won(self) -> int | None:
        """Won the hopper certainly holds (None when no refill was ever journaled)."""
        if self.loaded is None:
            return None
        return max(0, self.loaded - self.gone - sum(self.in_flight.values()))

    @property
    def coins(self) -> int | None:
        won = self.won
        return None if won is None else won // self.coin


def count_from(rows: Iterable[Row], coin: int) -> HopperCount:
    count = HopperCount(coin)
    for row in rows:
        if row.kind in KINDS:
            count.apply(row)
    return count


class HopperInventory:
    """The journal's hopper count, brought up to date from the rows added since it last looked (so a
    refill journaled by `kiosk refill-hopper` from another process is seen at once)."""

    def __init__(self, journal: RowsSince, coin: int) -> None:
        self._journal = journal
        self._count = HopperCount(coin)

    def won(self) -> int | None:
        for row in self._journal.entries_since(self._count.seq, KINDS):
            self._count.apply(row)
        return self._count.won

    def has_refill(self) -> bool:
        self.won()
        return self._count.loaded is not None


def record_refill(journal: Records, *, coins: int, coin: int, at: str, source: str) -> None:
    """Journal that the hopper now holds `coins` coins of `coin` won (the count after the refill)."""
    if coins < 0:
        raise ValueError("a hopper cannot hold a negative number of coins")
    journal.record("device", REFILLED, at=at, amount=coins * coin, coins=coins, coin=coin, source=source)
