"""IC payment card reading over PC/SC (pcsc-lite + pyscard), behind a payment-method interface.

Layers: `tlv` and `apdu` (pure bytes), `emv` (the EMV flow as pure steps over a transmit function),
`pcsc` (the one loosely typed wrapper around pyscard), `client` (the async `CardReader` the controller
uses), `payment_method` (the interface a certified Korean payment module can fill instead).

Card events (`drivers.card.events.CardInserted` / `CardRemoved`) and the error `errors.CardRemoved`
share a name on purpose (the controller's words); import them from their modules.
"""

from __future__ import annotations

from drivers.card.client import CardAuthorisationRequest, CardReader
from drivers.card.errors import (
    CardDeclinedOffline,
    CardError,
    CardMute,
    CardProtocolError,
    CardRemoved,
    CardStatusError,
    NoCard,
    ReaderUnavailable,
)

__all__ = [
    "CardAuthorisationRequest",
    "CardDeclinedOffline",
    "CardError",
    "CardMute",
    "CardProtocolError",
    "CardReader",
    "CardRemoved",
    "CardStatusError",
    "NoCard",
    "ReaderUnavailable",
]
