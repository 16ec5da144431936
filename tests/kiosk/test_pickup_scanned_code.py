"""What a scanned QR may hold for the pickup desk (kiosk.pickup.code_in): the phone's QR is outside
input. Only a pickup code (8 ASCII digits, or 4 + 4 as the reservation message prints them) is ever
sent to the server; a URL, another ticket or look-alike digits never are, so the resident is told
"not a pickup code" instead of a server answer about a code they never had."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.pickup import code_in

_codes = st.text("0123456789", min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(code=_codes, separator=st.sampled_from(["", " ", "-"]))
def test_the_code_as_printed_is_read_as_the_code(code: str, separator: str) -> None:
    assert code_in(code[:4] + separator + code[4:]) == code


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), _codes.map(lambda c: f"https://example.invalid/p?code={c}"),
                      _codes.map(lambda c: c + "0"), _codes.map(lambda c: " " + c)))
def test_anything_else_is_no_code_and_a_code_is_only_ascii_digits(text: str) -> None:
    found = code_in(text)
    if found is not None:
        assert re.fullmatch(r"[0-9]{8}", found)
        assert text.replace(" ", "").replace("-", "") == found and len(text) <= 9


def test_look_alike_digits_and_addresses_are_not_codes() -> None:
    for text in ("２０２６１１２３", "٢٠٢٦١١٢٣", "2026112", "202611234", "2026--1123", "https://www.gov.kr/", ""):
        assert code_in(text) is None, text
