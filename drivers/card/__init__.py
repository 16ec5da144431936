"""IC payment card reading over PC/SC (pcsc-lite + pyscard), behind a payment-method interface.

Layers: `tlv` and `apdu` (pure bytes), `emv` (the EMV flow as pure steps over a transmit function),
`pcsc` (the one loosely typed wrapper around pyscard), `client` (the async `CardReader` the controller
uses), `payment_method` (the interface a certified Korean payment module can fill instead).

Card events (`drivers.card.events.CardInserted` / `CardRemoved`) and the error `errors.CardRemoved`
share a name on purpose (the controller's words): the package exports the error under that name and
the events as `CardEvent` (the union the reader hands `on_event`) and `CardInserted`.
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
from drivers.card.events import CardEvent, CardInserted
from drivers.card.payment_method import Authorisation, EmvCardPaymentMethod, PaymentMethod, ReadsForPayment
from drivers.card.technician import PinStatus, TechnicianCardInfo

__all__ = [
    "Authorisation",
    "CardAuthorisationRequest",
    "CardDeclinedOffline",
    "CardError",
    "CardEvent",
    "CardInserted",
    "CardMute",
    "CardProtocolError",
    "CardReader",
    "CardRemoved",
    "CardStatusError",
    "EmvCardPaymentMethod",
    "NoCard",
    "PaymentMethod",
    "PinStatus",
    "ReaderUnavailable",
    "ReadsForPayment",
    "TechnicianCardInfo",
]
