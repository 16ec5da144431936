"""The privacy filter masks personal data by its structure and leaves the identifiers the kiosk needs.

A payment reference with a long digit run was masked in the journal (`PAY-202611******0002`), so the
void rebuilt from the journal named no payment and the resident was charged for nothing; parcel
numbers (19-digit PNU) and session ids were masked the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.journal import Journal
from kiosk.privacy import redact
from kiosk.till import open_card_authorisations, payment_ref

DIGITS = "0123456789"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _luhn_complete(body: str) -> str:
    """`body` plus the check digit that makes it pass Luhn, as every issued card number does."""
    return next(body + d for d in DIGITS if luhn_valid(body + d))


card_numbers = st.integers(12, 18).flatmap(
    lambda n: st.text(alphabet=DIGITS, min_size=n, max_size=n)).map(_luhn_complete)
resident_numbers = st.builds(
    lambda day, sex, tail, hyphen: f"{day:%y%m%d}{'-' if hyphen else ''}{sex}{tail}",
    st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)), st.sampled_from(DIGITS),
    st.text(alphabet=DIGITS, min_size=6, max_size=6), st.booleans())
digit_runs = st.integers(13, 24).flatmap(lambda n: st.text(alphabet=DIGITS, min_size=n, max_size=n))
references = st.builds(lambda prefix, run: f"{prefix}-{run}", st.sampled_from(["PAY", "ISS", "STL"]), digit_runs)
# PNU: 법정동 code (province first), land type 1 or 2, 본번 (4), 부번 (4)
parcel_numbers = st.builds(lambda province, rest, land, lot: f"{province}{rest}{land}{lot}",
                           st.sampled_from(["11", "26", "36", "41", "50"]),
                           st.text(alphabet=DIGITS, min_size=8, max_size=8), st.sampled_from("12"),
                           st.text(alphabet=DIGITS, min_size=8, max_size=8))
noise = st.text(alphabet="abc 가나:=", max_size=20)


@given(card_numbers, noise)
def test_a_card_number_is_masked_to_its_first_six_and_last_four(pan: str, words: str) -> None:
    text = redact(f"{words} {pan} {words}")
    assert pan not in text and sum(c.isdigit() for c in text) <= 10
    if len(pan) > 13:  # 13 digits with a birth date at the front are masked as a resident number
        assert f"{pan[:6]}******{pan[-4:]}" in text


@given(resident_numbers, noise)
def test_a_resident_number_shows_only_birth_date_and_century_digit(number: str, words: str) -> None:
    digits = number.replace("-", "")
    text = redact(f"{words} {number} {words}")
    assert digits[7:] not in text.replace(f"{digits[:6]}-{digits[6]}", "")
    assert f"{digits[:6]}-{digits[6]}******" in text


@given(references, noise)
def test_a_reference_glued_to_its_prefix_is_never_masked(reference: str, words: str) -> None:
    text = f"{words} voided {reference} {words}"
    assert redact(text) == text


@given(st.uuids())
def test_a_session_id_is_never_masked(session: object) -> None:
    text = f"session {session.hex} closed"  # type: ignore[attr-defined]
    assert redact(text) == text


def test_digit_runs_that_are_neither_a_card_nor_a_person_stay() -> None:
    assert redact("pages 2026110000000002 printed") == "pages 2026110000000002 printed"  # fails Luhn
    assert redact("lot 9913451234567") == "lot 9913451234567"  # month 13: no birth date
    pnu = next(f"36110101001{n:08d}" for n in range(100) if luhn_valid(f"36110101001{n:08d}"))
    # It passes Luhn: where identifiers are expected (the journal's ref) it is a parcel number; in a log
    # line it is masked like a 19-digit card number of the same shape.
    assert redact(f"parcel {pnu}", keep_parcel_numbers=True) == f"parcel {pnu}"
    assert redact(f"parcel {pnu}") == f"parcel {pnu[:6]}******{pnu[-4:]}"
    assert redact("card 4111111111111111") == "card 411111******1111"


def test_template_bytes_in_hex_are_masked() -> None:
    template = bytes(range(256)).hex()
    assert redact(f"template {template}") == "template <256 bytes>"


def _journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


@settings(max_examples=40, deadline=None)
@given(reference=references, pnu=parcel_numbers)
def test_identifiers_come_back_from_the_journal_unchanged(tmp_path_factory: object, reference: str,
                                                          pnu: str) -> None:
    path = tmp_path_factory.mktemp("j")  # type: ignore[attr-defined]
    journal = _journal(path)
    try:
        journal.record("s1", "card_authorised", at="2026-11-24T00:00:00", amount=200, ref=reference,
                       masked_pan="411111******1111")
        journal.record("s1", "parcel_found", at="2026-11-24T00:00:01", ref=pnu, pnu=pnu)
        authorised, parcel = journal.entries("s1")
        assert authorised.ref == reference
        assert parcel.ref == pnu and parcel.detail["pnu"] == pnu
    finally:
        journal.close()


def test_a_void_rebuilt_from_the_journal_names_the_payment(tmp_path: Path) -> None:
    """The refund path rebuilds the authorisation from the journal rows: the reference must be whole."""
    journal = _journal(tmp_path)
    reference = "PAY-2026110000000002"
    luhn_reference = "PAY-" + _luhn_complete("202611000000000")
    try:
        for ref in (reference, luhn_reference):
            journal.record("s1", "card_authorised", at="2026-11-24T00:00:00", amount=200, ref=ref,
                           masked_pan="411111******1111")
        rows = journal.entries("s1")
        rebuilt = open_card_authorisations(rows)
        assert [a.reference for a in rebuilt] == [reference, luhn_reference]
        assert payment_ref(rows, "s1") == f"card:{luhn_reference}"
        journal.record("s1", "card_voided", at="2026-11-24T00:00:02", amount=200, ref=rebuilt[0].reference)
        assert [a.reference for a in open_card_authorisations(journal.entries("s1"))] == [luhn_reference]
    finally:
        journal.close()


def test_personal_data_in_a_detail_never_reaches_the_journal(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    try:
        journal.record("s1", "oops", at="2026-11-24T00:00:00", note="resident 900101-1720624 card 4111111111111111",
                       template=bytes(range(200)))
        data = (tmp_path / "journal.sqlite3").read_bytes() + b"".join(
            p.read_bytes() for p in tmp_path.glob("journal.sqlite3-*"))
        assert b"1720624" not in data and b"4111111111111111" not in data
        (row,) = journal.entries("s1")
        assert row.detail == {"note": "resident 900101-1****** card 411111******1111", "template": "<200 bytes>"}
    finally:
        journal.close()
