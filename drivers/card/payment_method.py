"""How the kiosk takes a card payment, as an interface a certified payment module can fill.

In Korea a card terminal must be a registered IC terminal (여신금융협회 standard, 신용카드 단말기 등록):
a production kiosk takes card payments through a certified payment module (a VAN's IC reader module
with its own certified EMV kernel), which implements `PaymentMethod` directly and never exposes card
data to the kiosk. `EmvCardPaymentMethod` is the open, uncertified implementation on our own PC/SC
reader, for development, tests and places where certification is not required: it reads the card
with `CardReader.read_for_payment` and hands the result to an `authorise_online` callable (the
issuance server's payment API, wired by the controller).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from drivers.card.client import CardAuthorisationRequest
from drivers.card.errors import CardDeclinedOffline


@dataclass(frozen=True)
class Authorisation:
    """The outcome of one payment attempt. A decline is an outcome, not an error."""

    approved: bool
    amount: int
    session_id: str
    reference: str = ""  # the acquirer's approval / transaction number, needed to void
    masked_pan: str = ""  # "476173******0010" for the receipt
    method: str = "card"
    decline_reason: str = ""  # short code: "card-declined-offline", "issuer-declined", ...


class PaymentMethod(Protocol):
    """Take `amount` won for kiosk session `session_id`, or give it back.

    `authorise` returns an `Authorisation` (approved or declined) and raises
    `drivers.card.errors.CardError` when the card could not be read at all (removed, mute, broken):
    the resident can try again. `void` cancels an approved authorisation (document not printed);
    `cancel_part` gives back `amount` won of it and leaves the rest charged (부분취소: only some of the
    copies paid for printed). `auth.amount` is what the authorisation still has charged.
    """

    async def authorise(self, amount: int, session_id: str) -> Authorisation: ...

    async def void(self, auth: Authorisation) -> None: ...

    async def cancel_part(self, auth: Authorisation, amount: int) -> None: ...


class ReadsForPayment(Protocol):
    """What `EmvCardPaymentMethod` needs of a reader: `CardReader`, or the controller's port to it."""

    async def read_for_payment(self, amount: int, *, session_id: str = "") -> CardAuthorisationRequest: ...


class EmvCardPaymentMethod:
    """`PaymentMethod` over our own EMV reader; the online part is injected."""

    def __init__(
        self,
        reader: ReadsForPayment,
        authorise_online: Callable[[CardAuthorisationRequest], Awaitable[Authorisation]],
        void_online: Callable[[Authorisation], Awaitable[None]] | None = None,
        cancel_part_online: Callable[[Authorisation, int], Awaitable[None]] | None = None,
    ) -> None:
        self._reader = reader
        self._authorise_online = authorise_online
        self._void_online = void_online
        self._cancel_part_online = cancel_part_online

    async def authorise(self, amount: int, session_id: str) -> Authorisation:
        try:
            request = await self._reader.read_for_payment(amount, session_id=session_id)
        except CardDeclinedOffline:
            return Authorisation(approved=False, amount=amount, session_id=session_id,
                                 decline_reason="card-declined-offline")
        try:
            return await self._authorise_online(request)
        finally:
            request.wipe()  # the full PAN exists only for the length of the online call

    async def void(self, auth: Authorisation) -> None:
        if self._void_online is None:
            raise NotImplementedError("no void_online wired: the lead connects the issuance server's API")
        await self._void_online(auth)

    async def cancel_part(self, auth: Authorisation, amount: int) -> None:
        if self._cancel_part_online is None:
            raise NotImplementedError("no cancel_part_online wired: the lead connects the issuance server's API")
        await self._cancel_part_online(auth, amount)
