"""A card payer is told on the result screen what went back to the card, as a coin payer reads what was
returned: a void or partial cancel done, or one the server has not taken yet (the outbox delivers it)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.presenter import card_void_pending


@dataclass(frozen=True)
class Row:
    kind: str
    amount: int


def test_a_void_that_failed_is_pending_until_a_later_void_gives_the_money_back() -> None:
    assert card_void_pending([Row("card_authorised", 600), Row("card_voided", 600)]) == 0
    assert card_void_pending([Row("card_authorised", 600), Row("card_void_failed", 400)]) == 400
    later = [Row("card_authorised", 600), Row("card_void_failed", 400), Row("card_voided", 400)]
    assert card_void_pending(later) == 0
