"""A birth date after today is refused on the kiosk, before it costs an identity attempt (issue 11, item 17)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kiosk.privacy import ResidentNumberEntry, validate_resident_number

# The 7th digit for each century (domain.md): residents, then foreign residents.
CENTURY_DIGITS = {1800: "90", 1900: "1256", 2000: "3478"}


def number_for(born: dt.date, digit: str, rest: str) -> str:
    return f"{born:%y%m%d}{digit}{rest}"


@given(
    born=st.dates(dt.date(1800, 1, 1), dt.date(2099, 12, 31)),
    today=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
    pick=st.integers(0, 3),
    rest=st.text("0123456789", min_size=6, max_size=6),
)
def test_a_birth_date_after_today_is_refused(born: dt.date, today: dt.date, pick: int, rest: str) -> None:
    digits = CENTURY_DIGITS[born.year // 100 * 100]
    number = number_for(born, digits[pick % len(digits)], rest)
    expected = "future-date" if born > today else ""
    assert validate_resident_number(number, today=today) == expected


def test_the_issue_example_and_today_itself() -> None:
    today = dt.date(2026, 12, 6)
    assert validate_resident_number("3012313123456", today=today) == "future-date"  # 2030-12-31
    assert validate_resident_number("2612063123456", today=today) == ""  # born today
    assert validate_resident_number("2612073123456", today=today) == "future-date"  # tomorrow
    assert validate_resident_number("3012311123456", today=today) == ""  # 1930-12-31


def test_the_entry_judges_on_the_date_it_is_given() -> None:
    entry = ResidentNumberEntry()
    for d in "3012313123456":
        entry.press(d)
    assert entry.error(dt.date(2026, 12, 6)) == "future-date"
    assert entry.error(dt.date(2031, 1, 1)) == ""
