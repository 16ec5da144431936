"""The journal: durable, append-only, counters derived from rows, corrupt files refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.journal import Journal, JournalCorrupt
from kiosk.settlement import daily_csv
from kiosk.till import acceptable_bills, payment_hint

AT = "2026-11-23T14:00:00.000+09:00"


def test_journal_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    (mode,) = journal._db.execute("PRAGMA journal_mode").fetchone()
    (sync,) = journal._db.execute("PRAGMA synchronous").fetchone()
    assert mode == "wal" and sync == 2  # 2 = FULL


def test_session_money_balances_fee_change_and_vouchers(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    s = "s1"
    journal.record(s, "session_opened", at=AT)
    journal.record(s, "bill_stacked", at=AT, amount=1000)
    journal.record(s, "change_intent", at=AT, amount=800)
    journal.record(s, "change_paid", at=AT, amount=700)
    journal.record(s, "voucher_issued", at=AT, amount=100, ref="V-1")
    assert journal.session_money(s).unaccounted == 200  # the fee, not yet kept
    journal.record(s, "fee_kept", at=AT, amount=200)
    assert journal.session_money(s).unaccounted == 0
    assert journal.open_sessions() == ["s1"]
    journal.record(s, "session_closed", at=AT)
    assert journal.open_sessions() == []
    assert journal.cash_box() == {"bill:1000": 1}
    totals = journal.totals()
    assert (totals["money_in"], totals["fees_kept"], totals["change"], totals["vouchers"]) == (1000, 200, 700, 100)


def test_journal_keeps_no_resident_or_card_number(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    journal.record("s", "oops", at=AT, ref="900101-1720624", note="card 4111111111111111")
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"1720624" not in raw and b"4111111111111111" not in raw


def test_a_corrupt_journal_is_refused_loudly(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    for i in range(200):
        journal.record(f"s{i}", "coin_credited", at=AT, amount=100)
    journal._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    journal.close()
    data = bytearray(path.read_bytes())
    for i in range(4096, min(len(data), 4096 * 3)):
        data[i] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(JournalCorrupt):
        Journal(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalCorrupt):
        Journal(path)


def test_daily_csv_sums_each_kind(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    journal.record("a", "fee_kept", at=AT, amount=200)
    journal.record("b", "fee_kept", at=AT, amount=500)
    journal.record("c", "fee_kept", at="2026-11-24T01:00:00", amount=500)
    assert daily_csv(journal, "2026-11-23").splitlines() == ["day,kind,count,amount", "2026-11-23,fee_kept,2,700"]


def test_bills_are_offered_only_when_change_can_be_paid() -> None:
    # 200 won due, hopper pays 100-won coins, 800 won of them left: only a 1,000-won bill works.
    assert acceptable_bills(200, 100, 800) == [1000]
    assert payment_hint(200, 100, 800) == "exact-or-1000-only"
    assert acceptable_bills(200, 100, 0) == []
    assert payment_hint(200, 100, 0) == "exact-only"
    assert acceptable_bills(200, 100, 100_000) == [1000, 5000, 10000, 50000]


@settings(max_examples=200)
@given(st.integers(0, 60_000), st.sampled_from([10, 50, 100, 500]), st.integers(0, 100_000))
def test_an_offered_bill_never_leaves_change_unpayable(remaining: int, coin: int, available: int) -> None:
    for bill in acceptable_bills(remaining, coin, available):
        change = bill - remaining
        assert change <= 0 or (change % coin == 0 and change <= available)


def test_sqlite_integrity_check_is_the_real_one(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_recovery_works_only_on_sessions_the_previous_run_left_open(tmp_path: Path) -> None:
    # A coin replayed at boot opens (and is settling) a session of the new run; recovery, which
    # starts a moment later, must not settle that one a second time.
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.record("left-by-the-crash", "session_opened", at="2026-11-23T03:00:00+09:00")
    boundary = journal.last_seq()
    journal.record("opened-by-this-run", "session_opened", at="2026-11-23T03:01:00+09:00", orphan=True)
    assert journal.open_sessions(opened_up_to=boundary) == ["left-by-the-crash"]
    assert journal.open_sessions() == ["left-by-the-crash", "opened-by-this-run"]
    journal.close()
