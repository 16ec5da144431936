"""Issue 13, privacy in depth: a traceback and a stack are masked like a message, and the record is
left masked for every handler after the filter, not only the one that carries it."""

from __future__ import annotations

import datetime as dt
import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from kiosk.privacy import RedactingFilter, redact, validate_resident_number


def _two_handlers() -> tuple[logging.Logger, io.StringIO, io.StringIO]:
    """A logger with a masking handler, then a plain one that sees the same record after it."""
    logger = logging.getLogger("test.privacy.tracebacks")
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    masked_out, plain_out = io.StringIO(), io.StringIO()
    masking = logging.StreamHandler(masked_out)
    masking.addFilter(RedactingFilter())
    logger.addHandler(masking)
    logger.addHandler(logging.StreamHandler(plain_out))
    return logger, masked_out, plain_out


def test_a_logged_exception_does_not_print_the_number() -> None:
    logger, masked_out, plain_out = _two_handlers()
    try:
        raise ValueError("bad number 900101-1720624 from the keypad")
    except ValueError:
        logger.exception("verification failed")
    for text in (masked_out.getvalue(), plain_out.getvalue()):
        assert "ValueError: bad number 900101-1****** from the keypad" in text
        assert "1720624" not in text and "Traceback" in text


def test_a_logged_stack_does_not_print_the_number() -> None:
    logger, masked_out, plain_out = _two_handlers()
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "stuck", None, None,
                               sinfo="Stack (most recent call last):\n  verify('000101-9123456')")
    logger.handle(record)
    for text in (masked_out.getvalue(), plain_out.getvalue()):
        assert "verify('000101-9******')" in text and "9123456" not in text


# Every century digit the validator accepts: 9/0 → 1800s, 1/2/5/6 → 1900s, 3/4/7/8 → 2000s.
_CENTURIES = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900,
              "3": 2000, "4": 2000, "7": 2000, "8": 2000}


@given(st.sampled_from(sorted(_CENTURIES)), st.integers(0, 99), st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)),
       st.from_regex(r"-?[0-9]{6}", fullmatch=True), st.text(alphabet="abc 가나:=()", max_size=12))
def test_every_number_the_validator_accepts_is_masked(
    century_digit: str, year: int, day: dt.date, hyphen_and_tail: str, noise: str
) -> None:
    hyphen, tail = hyphen_and_tail[:-6], hyphen_and_tail[-6:]
    number = f"{year:02d}{day:%m%d}{hyphen}{century_digit}{tail}"
    digits = number.replace("-", "")
    if validate_resident_number(digits) != "":
        return  # 29 February in a year without one: not a number anyone holds
    text = redact(f"{noise} {number} {noise}")  # glued to letters it is an identifier's tail
    assert f"{digits[:6]}-{century_digit}******" in text
    assert century_digit + tail not in text


def test_the_1800s_examples_from_the_issue_are_masked() -> None:
    for number in ("000101-9123456", "0001019123456", "991231-0123456"):
        assert validate_resident_number(number.replace("-", "")) == ""
        assert redact(f"verify {number}").endswith("******")
