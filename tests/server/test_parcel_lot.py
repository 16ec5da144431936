"""One lot-number rule (common/parcel_lot.py) for the keypad, the controller, the client and the server."""

from __future__ import annotations

import pytest

from common.parcel_lot import is_lot_number, parse_lot_number
from kiosk.controller import type_lot


@pytest.mark.parametrize("lot", ["1", "123", "9999", "123-4", "1-1", "9999-9999", "100-10"])
def test_lot_numbers(lot: str) -> None:
    assert is_lot_number(lot)


@pytest.mark.parametrize("lot", ["", "0", "0-1", "01", "123-", "123-0", "123-04", "12345", "1-12345", "12a",
                                 "123\n", " 123", "1-2-3", "-4"])
def test_not_lot_numbers(lot: str) -> None:
    assert not is_lot_number(lot)
    assert parse_lot_number(lot) is None


def test_parse_gives_main_and_sub_number_zero_when_none() -> None:
    assert parse_lot_number("123-4") == (123, 4)
    assert parse_lot_number("123") == (123, 0)


def test_every_lot_the_keypad_can_make_whole_is_a_lot_number() -> None:
    """The keypad (kiosk.controller.type_lot) never makes what the rule refuses, however the keys go."""
    for keys in ("123-4", "0123-0456", "99999-99999", "1--2", "-1", "1-0"):
        lot = ""
        for key in keys:
            lot = type_lot(lot, key)
            assert is_lot_number(lot) or lot == "" or lot.endswith("-")
