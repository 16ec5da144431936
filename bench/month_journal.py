"""What reading a month's journal costs the booth's only loop: the nightly archival's pass, and the
reads of every heartbeat.

A busy booth writes about 300 sessions a day, so with `[journal] keep_days = 31` its journal holds some
9,000 sessions. The nightly archival reads it to find what may move; its first version decoded every
row for that (4 s and 200 MB on 240,000 rows) and once did so per row (the soak hung for ten minutes).
Two passes are timed: a night with nothing old enough, and a full pass (`SESSIONS_PER_PASS` sessions
moved). Every heartbeat (30 s) asks what is owed to the server; it decoded every card session's rows,
a second of the loop on a month of card payments. That is timed on a month paid by card.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from common.clock import KST, VirtualClock
from kiosk.delivery import cancels_owed
from kiosk.journal import Journal, Recorder
from kiosk.nightly_archive import SESSIONS_PER_PASS, NightlyArchive
from kiosk.outbox import card_sessions_that_may_owe, owed

# A month of a busy booth's residents, and a paid, printed, committed session's rows.
MONTH_SESSIONS = 9000
SESSIONS_A_DAY = 300
_SESSION_ROWS: tuple[tuple[str, int, dict[str, object]], ...] = (
    ("session_opened", 0, {"language": "ko"}),
    ("document_chosen", 0, {"code": "resident_copy", "copies": 1}),
    ("fee_quoted", 200, {"copies": 1}),
    ("reserve_intent", 0, {}),
    ("reserved", 200, {"hold_seconds": 600}),
    ("coin_credited", 100, {"counter": 1}),
    ("coin_credited", 100, {"counter": 2}),
    ("payment_complete", 200, {}),
    ("print_intent", 0, {"pages": 1}),
    ("print_done", 0, {"job": 7}),
    ("pages_printed", 1, {}),
    ("commit_intent", 0, {}),
    ("committed", 0, {}),
    ("receipt_intent", 0, {}),
    ("receipt_printed", 0, {}),
    ("fee_kept", 200, {}),
    ("session_closed", 0, {"outcome": "issued"}),
)
# A card payment's rows, in place of the coins' (kiosk.card_payment).
_CARD_ROWS: tuple[tuple[str, int, dict[str, object]], ...] = (
    ("card_authorise_intent", 200, {}),
    ("card_authorised", 200, {"masked_pan": "476173******0010"}),
)


def month_journal(path: Path, first_day: dt.datetime, sessions: int = MONTH_SESSIONS, *,
                  by_card: bool = False) -> Journal:
    """`sessions` sessions, `SESSIONS_A_DAY` a day from `first_day`, paid in coins (or `by_card`), then a
    technician's refill and collection (rows before both may move)."""
    rows = _SESSION_ROWS
    if by_card:
        coinless = tuple(row for row in _SESSION_ROWS if row[0] != "coin_credited")
        rows = coinless[:5] + _CARD_ROWS + coinless[5:]  # authorised after the reservation, as coins would be
    journal = Journal(path)
    journal._db.execute("PRAGMA synchronous=OFF")  # the bench times the archival, not the writing
    record = Recorder(journal, VirtualClock(first_day))
    record("boot", "hopper_refilled", 20000, coins=200, coin=100)
    for n in range(sessions):
        if n % SESSIONS_A_DAY == 0:
            record = Recorder(journal, VirtualClock(first_day + dt.timedelta(days=n // SESSIONS_A_DAY)))
        with journal.batch():
            for kind, amount, detail in rows:
                record(f"s-{n:05d}", kind, amount, ref=f"s-{n:05d}", **detail)
    record("tech", "hopper_refilled", 20000, coins=200, coin=100)
    record("tech", "cash_collected", 0)
    return journal


def _pass_ms(nightly: NightlyArchive) -> tuple[float, int]:
    started = time.perf_counter()
    moved = nightly.run()
    return (time.perf_counter() - started) * 1000, moved


def measure_nightly_passes() -> dict[str, float | int]:
    """Milliseconds of one pass with nothing to move, and of one full pass, on a month's journal."""
    first_day = dt.datetime(2026, 1, 1, 9, 0, tzinfo=KST)
    days = MONTH_SESSIONS // SESSIONS_A_DAY
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-archive-") as folder:
        journal = month_journal(Path(folder) / "journal.sqlite3", first_day)
        try:
            rows = journal.last_seq()
            # The month's last night: nothing is older than keep_days yet.
            night = VirtualClock(first_day + dt.timedelta(days=days, hours=-6))
            idle_ms, idle_moved = _pass_ms(NightlyArchive(journal, night, keep_days=31))
            # Ten days on: a third of the month is older than keep_days, more than one pass holds.
            night = VirtualClock(first_day + dt.timedelta(days=days + 10, hours=-6))
            full_ms, full_moved = _pass_ms(NightlyArchive(journal, night, keep_days=31))
        finally:
            journal.close()
    assert idle_moved == 0 and full_moved == SESSIONS_PER_PASS, (idle_moved, full_moved)
    return {"nothing_due_ms": idle_ms, "full_pass_ms": full_ms, "rows": rows, "sessions": MONTH_SESSIONS,
            "moved": full_moved}


def measure_heartbeat_reads(runs: int = 5) -> dict[str, float | int]:
    """Milliseconds (median of `runs`) of what a heartbeat reads to find what is owed to the server
    (kiosk.outbox: commits and voids, card lookups and voids, delivery cancels), on a month paid by card
    with nothing owed."""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-heartbeat-") as folder:
        journal = month_journal(Path(folder) / "journal.sqlite3", dt.datetime(2026, 1, 1, 9, 0, tzinfo=KST),
                                by_card=True)
        try:
            rows = journal.last_seq()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                found = len(owed(journal)) + len(card_sessions_that_may_owe(journal)) + len(cancels_owed(journal))
                times.append((time.perf_counter() - started) * 1000)
        finally:
            journal.close()
    assert found == 0, found
    return {"ms": statistics.median(times), "rows": rows, "sessions": MONTH_SESSIONS}
