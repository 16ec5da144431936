"""Coins, bills and change over ccTalk: coin acceptor (2), hopper (3), bill validator (40) on one bus."""

from __future__ import annotations

from drivers.cash.client import CashAcceptor, CashConfig
from drivers.cash.errors import (
    BusError,
    CashError,
    ChecksumError,
    DeviceTimeout,
    DispenseError,
    EscrowEmptyError,
    FrameError,
    NakError,
)
from drivers.cash.events import (
    BillEscrowed,
    BillReturned,
    BillStacked,
    CashEvent,
    CashFault,
    CoinCredited,
    CoinRejected,
    DispenseResult,
    LostEvents,
)

__all__ = [
    "BillEscrowed",
    "BillReturned",
    "BillStacked",
    "BusError",
    "CashAcceptor",
    "CashConfig",
    "CashError",
    "CashEvent",
    "CashFault",
    "ChecksumError",
    "CoinCredited",
    "CoinRejected",
    "DeviceTimeout",
    "DispenseError",
    "DispenseResult",
    "EscrowEmptyError",
    "FrameError",
    "LostEvents",
    "NakError",
]
