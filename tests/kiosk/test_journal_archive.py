"""The journal stays small over a booth's year: settled sessions of closed days move to archive files,
and every counter a technician, an auditor or the next run reads stays what it was."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from common.clock import KST, VirtualClock
from kiosk.delivery import cancels_owed
from kiosk.journal import Journal, Recorder, stamp
from kiosk.journal_archive import archive_dir, archive_settled
from kiosk.maintenance.paper import REFILLED as PAPER_REFILLED
from kiosk.maintenance.paper import sheets_since_refill
from kiosk.maintenance.voucher_book import VOUCHER_KINDS, voucher_lines
from kiosk.outbox import owed

DAY = 24 * 3600.0


def _session(record: Recorder, sid: str, *, counter: int, commit: bool = True) -> None:
    """A resident's session paid with two 100-won coins: issued and committed (or the commit still owed)."""
    record(sid, "session_opened")
    record(sid, "coin_credited", 100, counter=counter)
    record(sid, "coin_credited", 100, counter=counter + 1)
    record(sid, "print_done", ref=sid)
    record(sid, "pages_printed", 1)
    record(sid, "commit_pending" if not commit else "commit_intent", ref=sid)
    if commit:
        record(sid, "committed", ref=sid)
    record(sid, "fee_kept", 200)
    record(sid, "session_closed")


def _start_of_day(clock: VirtualClock) -> str:
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0).isoformat(timespec="milliseconds")


async def test_closed_days_move_out_and_the_counters_stay(tmp_path: Path) -> None:
    clock = VirtualClock(dt.datetime(2026, 1, 30, 9, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    _session(record, "s-old-1", counter=1)
    _session(record, "s-old-owed", counter=3, commit=False)  # the server never got its commit
    record("s-old-open", "session_opened")  # recovery has not closed it yet
    await clock.advance(2 * DAY)  # into February
    record("tech", "hopper_refilled", 20000, coins=200, coin=100)  # the rows before it may move
    record("tech", "cash_collected", 0)  # and before the cash box's collection
    _session(record, "s-new", counter=5)
    totals, box, coin_counter = journal.totals(), journal.cash_box(), journal.last_cash_counter("coin")

    moved = archive_settled(journal, _start_of_day(clock), at=stamp(clock))

    assert moved.sessions == 1
    assert {e.session for e in journal.entries()} == {"boot", "tech", "s-old-owed", "s-old-open", "s-new", "archive"}
    assert journal.totals() == totals and journal.cash_box() == box
    assert journal.last_cash_counter("coin") == coin_counter
    assert owed(journal) == [("s-old-owed", "commit", 1)]
    (file,) = moved.files
    assert file.parent == archive_dir(journal) and file.name == "journal-2026-01.sqlite3"
    archived = Journal.read_only(file)
    assert next(e.kind for e in archived.entries()) == "session_opened"
    assert {e.session for e in archived.entries()} == {"s-old-1"}
    archived.close()
    # Nothing left to move: a second run changes nothing.
    assert archive_settled(journal, _start_of_day(clock), at=stamp(clock)).sessions == 0
    journal.close()


async def test_a_year_of_daily_archival_keeps_the_journal_bounded(tmp_path: Path) -> None:
    """A resident a day for a year, the archival run each night keeping the last seven days: the journal
    holds no more at the year's end than in its first month (rows before the month's hopper refill wait
    for it), the archive holds the rest, the books agree."""
    clock = VirtualClock(dt.datetime(2026, 1, 1, 8, 0, tzinfo=KST))
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal._db.execute("PRAGMA synchronous=OFF")  # a year of fsyncs is not what this test is about
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    counter, sessions, rows_seen = 0, 0, []
    for day in range(365):
        if day % 30 == 0:  # a technician refills the hopper monthly: what came before may move
            record("tech", "hopper_refilled", 20000, coins=200, coin=100)
            record("tech", "cash_collected", 0)
        for n in range(1):
            counter += 2
            sessions += 1
            _session(record, f"s-{day}-{n}", counter=counter)
            await clock.advance(3600)
        await clock.advance(DAY - 3600)
        week_ago = (clock.now() - dt.timedelta(days=7)).replace(hour=0, minute=0, second=0, microsecond=0)
        archive_settled(journal, week_ago.isoformat(timespec="milliseconds"), at=stamp(clock))
        rows_seen.append(len(journal.entries()))
    totals = journal.totals()
    assert totals["money_in"] == totals["fees_kept"] == 200 * sessions
    assert totals["committed"] == sessions and totals["open_sessions"] == 0
    assert journal.cash_box() == {"coin:100": 2 * sessions}
    assert journal.last_cash_counter("coin") == counter + 1
    # Bounded: the last month's rows are the first month's (not twelve times as many), give or take the
    # technician's refills and collections, which stay (two dozen rows a year).
    assert max(rows_seen[-30:]) <= max(rows_seen[:40]) + 24
    assert len([e for e in journal.entries() if e.kind == "archived"]) == 1
    archived = 0
    for file in archive_dir(journal).glob("journal-*.sqlite3"):
        db = sqlite3.connect(file)
        archived += db.execute("SELECT COUNT(DISTINCT session) FROM journal").fetchone()[0]
        db.close()
    live = {e.session for e in journal.entries()} - {"boot", "tech", "archive"}
    assert archived + len(live) == sessions
    journal.close()


@pytest.mark.timeout(30)  # a hang guard (this takes 2 s): the archival that ran once per row took 108 s here
async def test_a_busy_months_first_archival_moves_thousands_of_sessions_in_one_pass(tmp_path: Path) -> None:
    """A booth's first night of archival after thousands of sessions (the soak's reached it after 8,050)
    must not hold the booth: every settled session moves, and the one whose card void is still owed stays."""
    clock = VirtualClock(dt.datetime(2026, 1, 1, 8, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    journal._db.execute("PRAGMA synchronous=OFF")  # thousands of fsyncs are not what this test is about
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    record("s-card", "session_opened")
    record("s-card", "card_authorised", 200, ref="auth-1", masked_pan="476173******0010")
    record("s-card", "card_void_intent", ref="auth-1")  # a power cut stopped the void: still owed
    record("s-card", "session_closed")
    sessions = 3000
    for n in range(sessions):
        _session(record, f"s-{n}", counter=2 * n + 2)
    await clock.advance(10 * DAY)
    record("tech", "hopper_refilled", 20000, coins=200, coin=100)
    record("tech", "cash_collected", 0)

    moved = archive_settled(journal, _start_of_day(clock), at=stamp(clock))

    assert moved.sessions == sessions
    assert {e.session for e in journal.entries()} == {"boot", "s-card", "tech", "archive"}
    journal.close()


def _printing_session(record: Recorder, sid: str, *, counter: int, pages: int) -> None:
    """A resident's session that printed `pages` A4 pages and a receipt, paid with one 100-won coin."""
    record(sid, "session_opened")
    record(sid, "coin_credited", 100, counter=counter)
    record(sid, "print_done", ref=sid)
    record(sid, "pages_printed", pages)
    record(sid, "commit_intent", ref=sid)
    record(sid, "committed", ref=sid)
    record(sid, "fee_kept", 100)
    record(sid, "receipt_printed")
    record(sid, "session_closed")


def _month_ago(clock: VirtualClock) -> str:
    keep_from = (clock.now() - dt.timedelta(days=31)).replace(hour=0, minute=0, second=0, microsecond=0)
    return keep_from.isoformat(timespec="milliseconds")


async def test_sheets_since_the_paper_refill_survive_every_archival_pass(tmp_path: Path) -> None:
    """The paper page, the device board and `kiosk diag counters` say how many sheets each printer used
    since its tray or roll was refilled. The hopper is refilled and the cash collected each month, the
    paper not for months: each night's archival moves the old sessions out, and the counters stay; a
    paper refill starts them again, and the next archival keeps that too."""
    clock = VirtualClock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", PAPER_REFILLED, 0, ref="a4", technician="T0042")  # a full A4 tray on 5 January
    record("maintenance", PAPER_REFILLED, 0, ref="receipt", technician="T0042")
    counter, a4, receipts = 0, 0, 0
    for month in range(4):  # four months, three residents a month, no paper refilled
        for n in range(3):
            counter += 1
            _printing_session(record, f"s-{month}-{n}", counter=counter, pages=4)
            a4, receipts = a4 + 4, receipts + 1
        await clock.advance(30 * DAY)
        record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
        record("maintenance", "cash_collected", 0)
        archive_settled(journal, _month_ago(clock), at=stamp(clock))
        assert (sheets_since_refill(journal, "a4"), sheets_since_refill(journal, "receipt")) == (a4, receipts)
    # The journal did not keep the months since the refill: only the last month's sessions are left.
    live = {e.session for e in journal.entries()} - {"boot", "maintenance", "archive"}
    assert live == {"s-3-0", "s-3-1", "s-3-2"}

    record("maintenance", PAPER_REFILLED, a4, ref="a4", technician="T0042")  # the A4 tray is refilled
    _printing_session(record, "s-after-refill", counter=counter + 1, pages=2)
    await clock.advance(40 * DAY)
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)
    for _ in range(2):  # a second pass the same night changes nothing
        archive_settled(journal, _month_ago(clock), at=stamp(clock))
        assert sheets_since_refill(journal, "a4") == 2  # the refill restarted it; the old months stay out
        assert sheets_since_refill(journal, "receipt") == receipts + 1  # the roll was never changed
    assert {e.session for e in journal.entries()} == {"boot", "maintenance", "archive"}
    journal.close()


async def test_a_change_voucher_still_owed_stays_findable_through_the_archive(tmp_path: Path) -> None:
    """The hopper ran dry and a resident got a voucher for 300 won of change. Months later they bring it
    back: the technician's vouchers page must still find it, however many nights of archival came
    between. Once it is paid, its session may move like any other, and the books stay what they were."""
    clock = VirtualClock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 0, coins=0, coin=100)
    code = "V-1234-5678-9012"
    record("s-voucher", "session_opened")
    record("s-voucher", "bill_stacked", 1000, counter=1)
    record("s-voucher", "fee_kept", 700)
    record("s-voucher", "change_intent", 300)
    record("s-voucher", "voucher_issued", 300, ref=code, purpose="change")
    record("s-voucher", "receipt_printed")
    record("s-voucher", "session_closed", outcome="issued")
    _printing_session(record, "s-plain", counter=1, pages=1)

    def vouchers() -> list[tuple[str, int]]:
        return [(v.code, v.remaining) for v in voucher_lines(journal.entries_since(0, VOUCHER_KINDS))]

    for _ in range(3):  # three months of nightly archival, the hopper refilled and the cash collected
        await clock.advance(40 * DAY)
        record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
        record("maintenance", "cash_collected", 0)
        archive_settled(journal, _month_ago(clock), at=stamp(clock))
        assert vouchers() == [(code, 300)]
    assert "s-plain" not in {e.session for e in journal.entries()}  # the rest did move

    totals = journal.totals()
    record("maintenance", "voucher_paid_by_hand", 300, ref=code, technician="T0042")
    assert vouchers() == [(code, 0)]
    await clock.advance(40 * DAY)
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)
    assert archive_settled(journal, _month_ago(clock), at=stamp(clock)).sessions == 1  # paid: it may go
    assert journal.totals() == totals
    journal.close()


async def test_a_delivery_cancel_the_server_has_not_taken_stays_owed_through_the_archive(tmp_path: Path) -> None:
    """A delivery order refunded because its confirmation went unanswered owes the server a cancel, resent
    at every heartbeat until the server takes it. A server away for weeks must not see that cancel
    dropped by the nightly archive: the courier would dispatch a document the resident got back."""
    clock = VirtualClock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    record("s-order", "session_opened")
    record("s-order", "delivery_cancel_pending", reason="refunded")
    record("s-order", "session_closed", outcome="refunded")
    _printing_session(record, "s-plain", counter=1, pages=1)
    await clock.advance(40 * DAY)
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)

    archive_settled(journal, _month_ago(clock), at=stamp(clock))

    assert cancels_owed(journal) == [("s-order", "refunded")]
    assert "s-plain" not in {e.session for e in journal.entries()}
    record("s-order", "delivery_cancelled")  # the server took it at last: the session may move
    await clock.advance(40 * DAY)
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)
    assert archive_settled(journal, _month_ago(clock), at=stamp(clock)).sessions == 1
    assert cancels_owed(journal) == []
    journal.close()
