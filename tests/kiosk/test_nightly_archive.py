"""The booth archives its journal by itself: once a night while idle, after 02:00, sessions older than
`[journal] keep_days` leave the journal and the counters keep their totals (kiosk/nightly_archive.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.clock import KST, VirtualClock
from kiosk.journal import Journal, Recorder
from kiosk.nightly_archive import NightlyArchive


def _session(record: Recorder, sid: str) -> None:
    record(sid, "session_opened")
    record(sid, "coin_credited", 100, counter=1)
    record(sid, "fee_kept", 100)
    record(sid, "session_closed")


async def test_the_night_after_keep_days_the_old_sessions_move_out_once(tmp_path: Path) -> None:
    clock = VirtualClock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    _session(record, "s-old")
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)
    nightly = NightlyArchive(journal, clock, keep_days=7)
    assert nightly.due()  # noon: past 02:00 of a day it has not run
    assert nightly.run() == 0  # nothing is a week old yet
    assert not nightly.due()  # once a day
    await clock.advance(8 * 86400 - 11 * 3600)  # eight days on, 01:00: too early in the night
    assert not nightly.due()
    await clock.advance(3600)
    assert nightly.due()
    assert nightly.run() == 1
    assert "s-old" not in {e.session for e in journal.entries()}
    assert journal.totals()["fees_kept"] == 100  # the archived row keeps the counters
    assert list(tmp_path.glob("**/journal-2026-03.sqlite3"))


async def test_keep_days_zero_never_archives(tmp_path: Path) -> None:
    clock = VirtualClock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=KST))
    nightly = NightlyArchive(Journal(tmp_path / "journal.sqlite3"), clock, keep_days=0)
    assert not nightly.due()


async def test_a_backlog_moves_a_pass_a_heartbeat_oldest_first_until_the_night_is_done(tmp_path: Path) -> None:
    # keep_days set on a booth with weeks of rows: each pass holds the booth's loop, so each moves a
    # bounded number of sessions, and the archival stays due until a pass finds less than that to move.
    clock = VirtualClock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=KST))
    journal = Journal(tmp_path / "journal.sqlite3")
    record = Recorder(journal, clock)
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    for n in range(5):
        _session(record, f"s-{n}")
    record("maintenance", "hopper_refilled", 20000, coins=200, coin=100)
    record("maintenance", "cash_collected", 0)
    await clock.advance(9 * 86400)
    nightly = NightlyArchive(journal, clock, keep_days=7, sessions_per_pass=2)

    def left() -> list[str]:
        return sorted({e.session for e in journal.entries()} & {f"s-{n}" for n in range(5)})

    assert nightly.due() and nightly.run() == 2 and left() == ["s-2", "s-3", "s-4"]
    assert nightly.due() and nightly.run() == 2 and left() == ["s-4"]
    assert nightly.due() and nightly.run() == 1 and left() == []
    assert not nightly.due()  # the night's work is done
    assert journal.totals()["fees_kept"] == 500  # one archived row carries all three passes
    assert [e.kind for e in journal.entries("archive")].count("archived") == 1
