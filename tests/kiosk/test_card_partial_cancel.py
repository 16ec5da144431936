"""A card payment of which only part is given back (some copies paid for did not print): a partial
cancel (부분취소) leaves the rest charged, and one a power cut interrupted is asked for again with the
same balance, never turned into a void of the whole authorisation."""

from __future__ import annotations

from typing import Any

from kiosk.journal import Entry
from kiosk.till import card_void_amounts_owed, card_voids_owed, open_card_authorisations


def _rows(*rows: tuple[str, int, dict[str, Any]]) -> list[Entry]:
    return [Entry(seq=i, at="", session="s1", kind=kind, amount=amount, ref="PAY-A", detail=detail)
            for i, (kind, amount, detail) in enumerate(rows, 1)]


AUTH = ("card_authorised", 600, {"masked_pan": "476173******0010"})
PART = {"partial": True, "remaining": 200}


def test_a_confirmed_partial_cancel_leaves_the_rest_charged_and_owes_nothing() -> None:
    rows = _rows(AUTH, ("card_void_intent", 400, PART), ("card_voided", 400, PART))

    assert [(a.reference, a.amount) for a in open_card_authorisations(rows)] == [("PAY-A", 200)]
    assert card_voids_owed(rows) == []


def test_a_partial_cancel_cut_short_is_owed_for_its_own_amount_only() -> None:
    for cut in (_rows(AUTH, ("card_void_intent", 400, PART)),
                _rows(AUTH, ("card_void_intent", 400, PART), ("card_void_failed", 400, PART))):
        ((auth, part),) = card_void_amounts_owed(cut)
        assert (auth.amount, part) == (600, 400)


def test_a_whole_void_after_a_partial_cancel_closes_the_authorisation() -> None:
    rows = _rows(AUTH, ("card_void_intent", 400, PART), ("card_voided", 400, PART),
                 ("card_void_intent", 200, {}), ("card_voided", 200, {}))

    assert open_card_authorisations(rows) == []
    assert card_voids_owed(rows) == []
