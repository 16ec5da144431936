"""Resident numbers: validated like the law says, masked everywhere, never serialisable."""

from __future__ import annotations

import datetime as dt
import logging
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.privacy import (
    RedactingFilter,
    ResidentNumberEntry,
    SecretBytes,
    mask_resident_number,
    redact,
    validate_resident_number,
)


@pytest.mark.parametrize(
    ("digits", "error"),
    [
        ("9001011234567", ""),  # 1990-01-01, male born 1900s
        ("0002294123456", ""),  # 2000-02-29 exists (leap year), 2000s female
        ("0102294123456", "invalid-date"),  # 2001-02-29 does not exist
        ("9913015123456", "invalid-date"),  # month 13
        ("9001019123456", ""),  # 9 → 1800s, still a valid date
        ("900101112345", "incomplete"),
        ("9001011234560", ""),  # check digit deliberately wrong: random since Oct 2020, not rejected
    ],
)
def test_validation_follows_the_century_digit_not_the_old_check_digit(digits: str, error: str) -> None:
    assert validate_resident_number(digits) == error


def test_february_29_depends_on_the_century_digit() -> None:
    assert validate_resident_number("0002293123456") == ""  # 2000: leap year
    assert validate_resident_number("0002291123456") == "invalid-date"  # 1900: not a leap year


def test_entry_shows_only_birth_date_and_century_digit() -> None:
    entry = ResidentNumberEntry()
    for d in "9001011720624":
        entry.press(d)
    assert entry.masked() == "900101-1******"
    assert "1720624" not in repr(entry) and "1720624" not in str(entry)
    entry.press("5")  # a 14th digit is ignored
    assert entry.count == 13
    entry.backspace()
    assert entry.masked() == "900101-1*****"


def test_secrets_refuse_to_be_pickled_and_wipe_to_nothing() -> None:
    secret = SecretBytes(b"template-bytes")
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(TypeError):
        pickle.dumps(ResidentNumberEntry())
    data = secret.reveal()
    secret.wipe()
    assert len(secret) == 0 and bytes(data) == b""


@given(st.text(alphabet="0123456789", max_size=13))
def test_masking_never_reveals_more_than_seven_digits(digits: str) -> None:
    masked = mask_resident_number(digits)
    assert sum(c.isdigit() for c in masked) == min(len(digits), 7)


# A resident number by its structure: a birth date that exists, then seven digits. A run of 13 digits
# with no such date (a reference, a count) is not a person's number and is left alone
# (tests/kiosk/test_privacy_identifiers.py).
@given(st.builds(lambda day, rest, hyphen: f"{day:%y%m%d}{'-' if hyphen else ''}{rest}",
                 st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)), st.from_regex(r"[1-8][0-9]{6}", fullmatch=True),
                 st.booleans()),
       st.text(alphabet="abc 가나:=", max_size=20))
def test_log_redaction_masks_any_resident_number(number: str, noise: str) -> None:
    text = redact(f"{noise} {number} {noise}")
    digits = number.replace("-", "")
    assert f"{digits[:6]}-{digits[6]}******" in text
    assert sum(c.isdigit() for c in text) == 7


def test_log_records_are_masked_at_the_handler(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.privacy")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("verify %s with card %s", "900101-1720624", "4111111111111111")
    assert "1720624" not in caplog.text and "411111******1111" in caplog.text
