"""Secrets of one session: the resident number and the fingerprint template.

They live in bytearrays that `wipe()` overwrites, print themselves masked, and have no path to disk:
nothing here can be pickled or turned into JSON. The log filter below is defence in depth for the
day someone formats a secret by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import NoReturn

RESIDENT_NUMBER_DIGITS = 13
# Digits shown before masking: the birth date and the century/sex digit, as on Korean receipts.
VISIBLE_DIGITS = 7

# Century from the 7th digit (domain.md): 9/0 → 1800s, 1/2 → 1900s, 3/4 → 2000s; 5–8 foreign
# residents (5/6 → 1900s, 7/8 → 2000s).
_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "3": 2000, "4": 2000,
            "5": 1900, "6": 1900, "7": 2000, "8": 2000}


class SecretBytes:
    """Bytes that must not outlive the session: wiped on `wipe()`, masked in repr, never serialised."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes | bytearray = b"") -> None:
        self._data = bytearray(data)

    def reveal(self) -> bytearray:
        """The bytes themselves, for the one call that must send them (sealed) to the server."""
        return self._data

    def wipe(self) -> None:
        for i in range(len(self._data)):
            self._data[i] = 0
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<secret {len(self._data)} bytes>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets are never serialised")


def mask_resident_number(digits: str) -> str:
    """`900101-1******` for a full number; a partial entry shows what was typed, up to 7 digits."""
    return _masked(digits[:VISIBLE_DIGITS], len(digits))


def _masked(shown: str, length: int) -> str:
    """What the screen shows of a `length`-digit entry whose first digits (at most 7) are `shown`."""
    text = shown + "*" * max(0, length - VISIBLE_DIGITS)
    return text[:6] + "-" + text[6:] if len(text) > 6 else text


def validate_resident_number(digits: str | bytes | bytearray, *, today: dt.date | None = None) -> str:
    """An error code for the screen, or "" when the number is plausible.

    The date must exist in the century the 7th digit names and, given `today` (the kiosk clock's
    date), must not lie after it: a typo such as 301231-3 would otherwise go to the server and
    cost the resident one of their identity attempts. The old mod-11 check digit is NOT checked:
    numbers issued since October 2020 end in random digits.

    Given the entry's bytearray, nothing here copies the whole number: only the two-digit date parts
    and the century digit are read out.
    """
    if len(digits) != RESIDENT_NUMBER_DIGITS or not digits.isdigit():
        return "incomplete"
    seventh = digits[6]
    century = _CENTURY.get(chr(seventh) if isinstance(seventh, int) else seventh)
    if century is None:
        return "invalid-sex-digit"
    try:
        born = dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return "invalid-date"
    if today is not None and born > today:
        return "future-date"
    return ""


class ResidentNumberEntry:
    """The digits a resident types, held as a secret until the session ends.

    They live in one fixed 13-byte buffer (no reallocation leaves a partial copy behind as the
    resident types) and never become a str or bytes: what the screen shows is built from the first 7
    digits only (exactly what it shows), the check reads the bytes in place, and the one request that
    must send the number gets a bytearray its caller wipes. So `wipe()` really is the end of it.
    """

    __slots__ = ("_buffer", "_count")

    def __init__(self) -> None:
        self._buffer = SecretBytes(bytes(RESIDENT_NUMBER_DIGITS))
        self._count = 0

    def press(self, digit: str) -> None:
        if len(digit) == 1 and digit.isdigit() and self._count < RESIDENT_NUMBER_DIGITS:
            data = self._buffer.reveal()
            if len(data) != RESIDENT_NUMBER_DIGITS:  # wiped: a fresh buffer for a retyped number
                data[:] = bytes(RESIDENT_NUMBER_DIGITS)
                self._count = 0
            data[self._count] = ord(digit)
            self._count += 1

    def backspace(self) -> None:
        if self._count:
            self._count -= 1
            self._buffer.reveal()[self._count] = 0

    def clear(self) -> None:
        self.wipe()

    @property
    def count(self) -> int:
        return self._count

    def masked(self) -> str:
        shown = min(self._count, VISIBLE_DIGITS)
        with memoryview(self._buffer.reveal()) as view:
            return _masked(view[:shown].tobytes().decode(), self._count)

    def error(self, today: dt.date) -> str:
        """Why the number cannot be right ("" if it may be), judged on the kiosk clock's `today`."""
        if self._count != RESIDENT_NUMBER_DIGITS:
            return "incomplete"
        return validate_resident_number(self._buffer.reveal(), today=today)

    def formatted(self) -> bytearray:
        """`YYMMDD-SBBBBBC` as a bytearray for the one sealed request that needs it: the caller wipes it
        (`wipe_bytes`) once sealed; never log it, never turn it into a str or bytes."""
        n = self._count
        head = min(n, 6)
        out = bytearray(n + (1 if n > 6 else 0))
        with memoryview(self._buffer.reveal()) as view:  # slices of a view copy nothing
            out[:head] = view[:head]
            if n > 6:
                out[6] = ord("-")
                out[7:] = view[6:n]
        return out

    def wipe(self) -> None:
        self._buffer.wipe()
        self._count = 0

    def __repr__(self) -> str:
        return f"<resident number {self.masked()}>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets are never serialised")


def wipe_bytes(data: bytearray) -> None:
    """Overwrite, then empty, a bytearray that held a secret."""
    for i in range(len(data)):
        data[i] = 0
    data.clear()


# What personal data looks like in text, by its structure, so identifiers the kiosk must repeat to a
# server (payment references, 19-digit parcel numbers, session ids) are left alone:
# - a resident number: 13 digits, an optional hyphen after six, and a birth date that could exist
#   (month 01-12, day 01-31; the year and the century digit are not checked, so a number mistyped in
#   its date is still hidden);
# - a card number: 13-19 digits that pass the Luhn check, as every issued PAN does;
#   Where the text is known to hold identifiers (the journal's `ref`), a parcel number (PNU: 19 digits,
#   a province code, 8 more digits of district, dong and ri, then 1 or 2 for ordinary or mountain land)
#   is not a card, even when it happens to pass Luhn; in free text (logs) it is masked then, as a
#   19-digit Visa or Maestro number of the same shape would be;
# - fingerprint template bytes: a long hex run (a template is hundreds of bytes; hashes are shorter).
# A digit run glued to letters (`PAY-2026...`, `ISS-...`, a hex session id) is part of an identifier,
# never a number a person typed or a card carries: it is left alone.
_NOT_AFTER = r"(?<![0-9A-Za-z])(?<![A-Za-z]-)"
_NOT_BEFORE = r"(?![0-9A-Za-z])"
_RESIDENT_NUMBER = re.compile(
    _NOT_AFTER + r"(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))-?(\d)\d{6}" + _NOT_BEFORE)
_CARD_NUMBER = re.compile(_NOT_AFTER + r"(\d{6})(\d{3,9})(\d{4})" + _NOT_BEFORE)
# Issue 17's notices: a mobile number (010, 011, 016-019, then 7 or 8 digits, hyphens or not; not a
# piece of a longer hyphenated code such as a verification number) and an e-mail address. The booth
# uses them for one message and never keeps them; if one reached a log line it is masked there.
_MOBILE = re.compile(_NOT_AFTER + r"(?<!\d-)01[016789]-?\d{3,4}-?\d{4}" + _NOT_BEFORE + r"(?!-\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
TEMPLATE_HEX_DIGITS = 128  # 64 bytes: shorter than any template, longer than a SHA-256 in hex
_TEMPLATE_HEX = re.compile(rf"(?<![0-9A-Fa-f])[0-9A-Fa-f]{{{TEMPLATE_HEX_DIGITS},}}(?![0-9A-Fa-f])")


# The first two digits of every Korean legal-dong code (시·도): how a PNU begins.
_PROVINCE_CODES = frozenset({"11", "26", "27", "28", "29", "30", "31", "36", "41", "42", "43", "44", "45", "46",
                             "47", "48", "50", "51", "52"})
PNU_DIGITS = 19


def is_parcel_number(digits: str) -> bool:
    """A 19-digit PNU (필지고유번호): province code first, land type (1 or 2) as the 11th digit."""
    return len(digits) == PNU_DIGITS and digits[:2] in _PROVINCE_CODES and digits[10] in "12"


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes; 9 in 10 random numbers fail it."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card_masker(keep_parcel_numbers: bool) -> Callable[[re.Match[str]], str]:
    def mask(match: re.Match[str]) -> str:
        whole = match.group(0)
        if not luhn_valid(whole) or (keep_parcel_numbers and is_parcel_number(whole)):
            return whole  # a reference, a parcel number, a count: not a card
        return f"{match.group(1)}******{match.group(3)}"

    return mask


def redact(text: str, *, keep_parcel_numbers: bool = False) -> str:
    """`text` with resident numbers, card numbers, mobile numbers, e-mail addresses and template bytes
    masked; everything else as it was.
    `keep_parcel_numbers`: the text holds identifiers (the journal's `ref`), so a 19-digit parcel
    number stays whole even when it passes Luhn."""
    text = _RESIDENT_NUMBER.sub(lambda m: f"{m.group(1)}-{m.group(2)}******", text)
    text = _CARD_NUMBER.sub(_card_masker(keep_parcel_numbers), text)
    text = _MOBILE.sub("01*-****-****", text)
    text = _EMAIL.sub("***@***", text)
    return _TEMPLATE_HEX.sub(lambda m: f"<{len(m.group(0)) // 2} bytes>", text)


class RedactingFilter(logging.Filter):
    """Masks anything shaped like a resident or card number in every log record: its message, its
    traceback (`log.exception` would print `ValueError: bad number 900101-1720624` whole) and its
    stack. The record itself is changed (the traceback formatted into `exc_text`, `exc_info`
    cleared), so every handler the record reaches after this one prints the masked text too."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            # A formatter formats `exc_info` only when `exc_text` is empty: cleared, the raw exception
            # (and the number in its message) cannot be printed again by any handler.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
