"""What a lot number (지번) is, written once for the keypad, the controller, the client and the server.

A lot number names a parcel (필지) within a 법정동: a main number (본번) and, when the parcel was split
off another, a sub number (부번), written "123" or "123-4". Each is 1–9999, written without leading
zeros; a 부번 of 0 means "no 부번" and is written by leaving it out ("123", never "123-0"). The 19-digit
PNU pads both to four digits; people and this protocol never do.
"""

from __future__ import annotations

import re

# 본번, then optionally "-" and 부번: 1–4 digits each, neither starting with 0. Use with fullmatch.
LOT_NUMBER = re.compile(r"([1-9][0-9]{0,3})(?:-([1-9][0-9]{0,3}))?")


def is_lot_number(text: str) -> bool:
    """Whether `text` is a whole lot number ("123", "123-4"), nothing before or after it."""
    return LOT_NUMBER.fullmatch(text) is not None


def parse_lot_number(text: str) -> tuple[int, int] | None:
    """"123-4" -> (123, 4), "123" -> (123, 0): 본번 and 부번 (0 when none); None when not a lot number."""
    match = LOT_NUMBER.fullmatch(text)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None
