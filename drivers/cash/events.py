"""What the cash driver tells the controller: money in, money refused, faults, and payouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Part = Literal["coin", "bill", "hopper"]


@dataclass(frozen=True)
class CoinCredited:
    """A genuine coin of `value` won went into the cash box: credit it exactly once.

    `counter` is the acceptor's event counter for this coin: journal it, and after a restart hand the
    last one journaled to `CashAcceptor.resume_from` so coins dropped while the kiosk was down count.
    """

    value: int
    counter: int = 0


@dataclass(frozen=True)
class CoinRejected:
    """A coin came back out: "inhibited", "fraud", "unknown-coin" or "rejected" (sensor timing)."""

    reason: str
    code: int = 0


@dataclass(frozen=True)
class BillEscrowed:
    """A valid bill of `value` won waits in escrow: call `route_bill` to stack or return it."""

    value: int


@dataclass(frozen=True)
class BillStacked:
    """The bill of `value` won is in the stacker: credit it exactly once (`counter`: as for coins)."""

    value: int
    counter: int = 0


@dataclass(frozen=True)
class BillReturned:
    """A bill went back to the resident; `value` is 0 when it was never recognised.

    `reason`: "returned" (host asked), "escrow-timeout", "invalid", "inhibited", "fraud".
    """

    value: int
    reason: str


@dataclass(frozen=True)
class CashFault:
    """A part reported a fault: `code` is a short machine word ("jam", "stacker-full", ...)."""

    device: Part
    code: str
    detail: str = ""


@dataclass(frozen=True)
class LostEvents:
    """Events a part reported that the driver never saw.

    `count` is exact when the 5-deep buffer overflowed between polls; None when the part was reset
    (its counter went back to 0), which may have swallowed events since the last poll.
    """

    device: Part
    count: int | None


CashEvent = CoinCredited | CoinRejected | BillEscrowed | BillStacked | BillReturned | CashFault | LostEvents


@dataclass(frozen=True)
class DispenseResult:
    """A payout in won: `paid` + `unpaid` == `requested`, each exact."""

    requested: int
    paid: int
    unpaid: int
