"""Keeping the journal small over a booth's years: settled sessions of closed days move to archive files.

The journal is read whole in places (the outbox's `owed` on every heartbeat, the books, the technician's
counters), so a booth that kept every row would spend more time and disk each month. Once a day closes
and its sessions are settled (closed, nothing owed to the server, no card lookup or void pending), their
rows move to a monthly archive file beside the journal (`<journal>.archive/journal-YYYY-MM.sqlite3`, the
same schema and sequence numbers, so `kiosk journal --path` reads it) and leave the journal in one
durable step, replaced by one `archived` row that carries their sums and counts: the whole-journal
counters (`Journal.totals`, `cash_box`) stay what they were, and so do the technician's paper counters
(the sheets printed since each printer's last refill ride in it: kiosk.maintenance.paper). The archive
file is written and made durable before a row leaves the journal; a power cut between the two leaves
rows in both, and the next run archives the same sessions again (the archive keys rows by their
sequence number: no duplicates).

Only rows before the newest hopper refill move: the hopper's coin count is derived from the rows since
that refill (kiosk.hopper_inventory). A session whose change voucher still owes money stays, so the
technician can find and pay it when the resident comes back (kiosk.maintenance.voucher_book): a few
sessions, not a month's. Rows that are not a resident's session (a boot's cash counters,
a refill, a technician's visit) stay. Archive files are what a city keeps for its audits; deleting old
ones is the operator's retention policy, not the kiosk's.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kiosk.card_recovery import sessions_owing_lookup
from kiosk.delivery import cancels_owed
from kiosk.hopper_inventory import REFILLED
from kiosk.journal import ARCHIVE_SESSION, ARCHIVED, SCHEMA, Entry, Journal
from kiosk.maintenance.cash_books import COLLECTED
from kiosk.maintenance.paper import ARCHIVED_SHEETS, PRINTERS, archived_key, refill_seq, sheets_moved
from kiosk.maintenance.voucher_book import OWED_KINDS, sessions_owing_a_voucher
from kiosk.outbox import card_sessions_that_may_owe, owed
from kiosk.till import card_voids_owed


@dataclass(frozen=True)
class Archived:
    sessions: int
    rows: int
    files: tuple[Path, ...]


def archive_dir(journal: Journal) -> Path:
    return journal.path.with_name(journal.path.name + ".archive")


def settled_sessions(journal: Journal, before: str) -> list[str]:
    """Resident sessions whose every row is older than `before` (an `at` stamp, e.g. a day's start), that
    closed, owe the server nothing (a commit, a void, a card lookup, a delivery's cancel) and no resident a
    voucher, and end before the newest hopper refill and the newest cash collection: safe to move out
    (the hopper's count and the cash box's books each start at their newest row).

    Runs on the booth's loop each night over a month of rows: SQLite picks the closed sessions, and the
    few card sessions that may still owe something (kiosk.outbox)."""
    refill, collection = journal.newest_seq_of_kind(REFILLED), journal.newest_seq_of_kind(COLLECTED)
    if refill is None or collection is None:
        return []  # the hopper's count, or the box's books since the last collection, would lose their start
    closed = journal.closed_sessions_before(before, min(refill, collection))
    if not closed:
        return []
    card_rows = card_sessions_that_may_owe(journal)
    unsettled = {session for session, _, _ in owed(journal)} | set(sessions_owing_lookup(card_rows))
    unsettled |= sessions_owing_a_voucher(journal.entries_of_kinds(OWED_KINDS))
    unsettled |= {session for session, _ in cancels_owed(journal)}
    voids_owed = {a.reference for a in card_voids_owed(card_rows)}
    unsettled |= {e.session for e in card_rows if e.ref in voids_owed}
    return [session for session in closed if session not in unsettled]


def archive_settled(journal: Journal, before: str, *, at: str, most: int | None = None) -> Archived:
    """Move the settled sessions older than `before` to the monthly archive files, the oldest `most` of
    them when given (each moved row is decoded and written again: a backlog moves in passes); `at` stamps
    the `archived` row. Returns what moved (nothing: `sessions` 0)."""
    sessions = set(settled_sessions(journal, before)[:most])
    if not sessions:
        return Archived(0, 0, ())
    rows = journal.entries_of_sessions(sessions)
    by_month: dict[str, list[Entry]] = {}
    for e in rows:
        by_month.setdefault(e.at[:7], []).append(e)
    folder = archive_dir(journal)
    folder.mkdir(parents=True, exist_ok=True)
    files = tuple(_append(folder / f"journal-{month}.sqlite3", month_rows) for month, month_rows in by_month.items())
    # One `archived` row in all: the earlier ones are folded into the new one, so the journal does not
    # gain a row a night for ever.
    earlier = [e for e in journal.entries(ARCHIVE_SESSION) if e.kind == ARCHIVED]
    sums: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    cash_box: Counter[str] = Counter()
    # Sheets printed since each printer's last refill: an earlier carry counts only while that refill is
    # still the last (a refill since restarted the counter, and the stale key leaves with this fold).
    since_refill = {archived_key(which, refill_seq(journal, which)) for which in PRINTERS}
    sheets: Counter[str] = Counter()
    total_sessions = len(sessions)
    names: list[str] = []
    for e in earlier:
        sums.update(e.detail.get("sums", {}))
        counts.update(e.detail.get("counts", {}))
        cash_box.update(e.detail.get("cash_box", {}))
        sheets.update({k: n for k, n in e.detail.get(ARCHIVED_SHEETS, {}).items() if k in since_refill})
        total_sessions += int(e.detail.get("sessions", 0))
        names += [n for n in e.detail.get("files", []) if n not in names]
    for e in rows:
        sums[e.kind] += e.amount
        counts[e.kind] += 1
        if e.kind in ("coin_credited", "bill_stacked"):
            cash_box[f"{'coin' if e.kind == 'coin_credited' else 'bill'}:{e.amount}"] += 1
    sheets.update(sheets_moved(journal, rows))
    names += [f.name for f in files if f.name not in names]
    journal.remove_into_rollup([e.seq for e in rows + earlier], at=at, sessions=total_sessions, sums=dict(sums),
                               counts=dict(counts), cash_box=dict(cash_box), files=names,
                               **{ARCHIVED_SHEETS: dict(sheets)})
    return Archived(len(sessions), len(rows), files)


def _append(path: Path, rows: list[Entry]) -> Path:
    """Rows into an archive file, durable before this returns; rows already there (same seq) are kept."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(SCHEMA)
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT OR IGNORE INTO journal(seq, at, session, kind, amount, ref, detail) VALUES (?,?,?,?,?,?,?)",
            [(e.seq, e.at, e.session, e.kind, e.amount, e.ref, json.dumps(e.detail, ensure_ascii=False,
                                                                          sort_keys=True)) for e in rows])
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file to copy or hand over
    finally:
        db.close()
    return path


__all__ = ["ARCHIVED", "ARCHIVE_SESSION", "Archived", "archive_dir", "archive_settled", "settled_sessions"]
