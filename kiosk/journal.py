"""The journal: an append-only SQLite record of every step that moves money or paper.

Each step is written before the action it announces (``*_intent``) and confirmed after it, so after a
power cut at any instant the boot-time recovery knows what may have happened. WAL with
synchronous=FULL: a record that `record()` returned from survives a power cut. Writes are
synchronous on purpose: the action must not start before its record is durable.

No personal data goes in: no resident number, no template, no card number. A session id links the
records; amounts are integers in won. The kiosk rebuilds voids, commits and lookups from `ref` and
from the identifier fields of `detail` (`IDENTIFIER_KEYS`), so a payment reference or a parcel number
that happens to hold a long digit run must come back unchanged: the privacy filter
(kiosk.privacy.redact) masks personal data by its structure (a birth date, a Luhn-valid card number,
template bytes), not every long number. `ref` passes that filter; identifier detail fields are kept
as given; bytes are never stored, only their length. Counters (money per kind, documents per type) are derived
from the rows, never kept beside them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from common.clock import Clock
from kiosk.hopper_inventory import KINDS, REFILLED, count_from
from kiosk.privacy import redact

# KiB of journal pages SQLite keeps in memory: enough for the day's rows the kiosk reads back.
PAGE_CACHE_KIB = 256

SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT    NOT NULL,
    session  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    amount   INTEGER NOT NULL DEFAULT 0,
    ref      TEXT    NOT NULL DEFAULT '',
    detail   TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS journal_session ON journal(session);
CREATE INDEX IF NOT EXISTS journal_kind ON journal(kind);
"""

# Kinds that put money into the kiosk, and kinds that account for it.
MONEY_IN = ("coin_credited", "bill_stacked", "card_authorised")
MONEY_OUT = ("change_paid", "refund_paid", "card_voided")
VOUCHERS = ("voucher_issued",)
FEES_KEPT = ("fee_kept",)
# One row that stands for sessions moved to an archive file (kiosk.journal_archive): their sums and
# counts per kind, which the whole-journal counters add back.
ARCHIVED = "archived"
ARCHIVE_SESSION = "archive"


# Detail fields that hold identifiers the kiosk repeats to a server or a technician: never masked.
IDENTIFIER_KEYS = frozenset({"ref", "reference", "payment_ref", "parcel_id", "pnu", "session", "for_session",
                             "issuance_id", "verification_number", "verification_numbers", "job", "job_name"})


def scrub_detail(value: Any, key: str = "") -> Any:
    """A journal detail value with personal data masked, identifiers (by key) kept, bytes reduced to
    their length: a template can never reach the disk, even by mistake."""
    if isinstance(value, dict):
        return {str(k): scrub_detail(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_detail(v, key) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    text = str(value)
    return text if key in IDENTIFIER_KEYS else redact(text)


class JournalCorrupt(RuntimeError):
    """The journal file failed SQLite's integrity check: refuse it rather than guess."""


class JournalUnwritable(RuntimeError):
    """The journal cannot be opened or a record cannot be made durable (disk full, I/O error, file
    gone read-only).

    The step the record announces must not happen, and no more money may be taken: the books would
    miss it. Raised in place of SQLite's own error, whose text it carries.
    """


class JournalUnreadable(RuntimeError):
    """A journal opened only to be read is missing or is not a kiosk journal (a mistyped path)."""


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    session: str
    kind: str
    amount: int
    ref: str
    detail: dict[str, Any]

    def line(self) -> str:
        """One line for the technician's screen and the SSH tool."""
        extra = f" {self.ref}" if self.ref else ""
        unit = "쪽" if self.kind == "pages_printed" else "원"
        amount = f" {self.amount:,}{unit}" if self.amount else ""
        return f"{self.at[11:19]} {self.session[:8]} {self.kind}{amount}{extra}"


@dataclass(frozen=True)
class SessionMoney:
    """What one session's money did, from its rows alone."""

    money_in: int
    fee_kept: int
    change: int
    refunds: int
    vouchers: int
    change_owed: int  # promised (intent) but not confirmed paid or vouchered

    @property
    def unaccounted(self) -> int:
        """Money taken that is neither kept, returned nor vouchered: must be 0 when a session closes."""
        return self.money_in - self.fee_kept - self.change - self.refunds - self.vouchers


def _is_corruption(exc: sqlite3.Error) -> bool:
    """SQLite says the file itself is bad (not a database, malformed), not that it cannot reach it."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB"


class Journal:
    def __init__(self, path: Path | str) -> None:
        """Open (or create) the journal. Raises JournalCorrupt for a file SQLite finds damaged, and
        JournalUnwritable when the file cannot be opened or written (disk full, I/O error): the
        second must not send a technician to move a good journal aside."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalUnwritable(f"{self.path}: {exc}") from exc
        try:
            self._check_integrity()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            # SQLite's own page cache (2 MiB by default) fills as the journal grows, which on a booth
            # that runs for months reads as a leak; the OS page cache holds the file anyway.
            self._db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _is_corruption(exc):
                raise JournalCorrupt(f"{self.path}: {exc}") from exc
            raise JournalUnwritable(f"{self.path}: {exc}") from exc
        # Told of every refused write before the error reaches the writer, so the kiosk stops taking
        # money even where a caller's own `except` would have swallowed the error.
        self.on_unwritable: Callable[[JournalUnwritable], None] | None = None

    @classmethod
    def read_only(cls, path: Path | str) -> Journal:
        """An existing journal, opened so that nothing can be written or created: `kiosk journal`.

        A technician's mistyped path must not become a new, empty journal reporting zeros: the
        file is opened with SQLite's ``mode=ro``, which never creates one. Raises JournalUnreadable
        for a missing file or one that holds no journal, JournalCorrupt for a damaged one.
        """
        journal = cls.__new__(cls)
        journal.path = Path(path)
        journal.on_unwritable = None
        if not journal.path.is_file():
            raise JournalUnreadable(f"no journal at {journal.path}")
        uri = "file:" + quote(str(journal.path.resolve())) + "?mode=ro"
        try:
            journal._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise JournalUnreadable(f"{journal.path}: {exc}") from exc
        try:
            journal._check_integrity()
            journal._db.execute("SELECT seq FROM journal LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            journal._db.close()
            if _is_corruption(exc):
                raise JournalCorrupt(f"{journal.path}: {exc}") from exc
            raise JournalUnreadable(f"{journal.path} is not a kiosk journal ({exc})") from exc
        return journal

    def _check_integrity(self) -> None:
        (result,) = self._db.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise JournalCorrupt(f"{self.path}: integrity check says {result}")

    def close(self) -> None:
        self._db.close()

    def record(self, session: str, kind: str, *, at: str, amount: int = 0, ref: str = "",
               **detail: Any) -> int:
        """Append one durable record and return its sequence number."""
        self._about_to_write(kind)
        text = json.dumps(scrub_detail(detail), ensure_ascii=False, sort_keys=True)
        try:
            cur = self._db.execute(
                "INSERT INTO journal(at, session, kind, amount, ref, detail) VALUES (?,?,?,?,?,?)",
                (at, session, kind, int(amount), redact(str(ref), keep_parcel_numbers=True), text),
            )
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from exc
        seq = cur.lastrowid
        assert seq is not None
        self._written(kind)
        return seq

    def _about_to_write(self, kind: str) -> None:
        """Called before each record is written: the test rig's power cut (kiosk.rig) stops it here."""

    def _written(self, kind: str) -> None:
        """Called once each record is durable: the test rig's crash and kill points (kiosk.rig) hook here."""

    def _unwritable(self, exc: sqlite3.Error) -> JournalUnwritable:
        error = JournalUnwritable(f"{self.path}: {exc}")
        if self.on_unwritable is not None:
            self.on_unwritable(error)
        return error

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several records as one durable unit (all or none after a power cut)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from exc
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._db.execute("ROLLBACK")
            raise self._unwritable(exc) from exc

    def entries(self, session: str | None = None) -> list[Entry]:
        if session is None:
            rows = self._db.execute("SELECT * FROM journal ORDER BY seq").fetchall()
        else:
            rows = self._db.execute("SELECT * FROM journal WHERE session=? ORDER BY seq", (session,)).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def sessions_with(self, kinds: tuple[str, ...], *, flag: str = "") -> list[str]:
        """Sessions with a row of one of `kinds` (whose detail's `flag` is true, when given), in the order
        they first had one; found through the kind index, without decoding a row."""
        marks = ",".join("?" * len(kinds))
        flagged = " AND json_extract(detail, ?)" if flag else ""
        rows = self._db.execute(f"SELECT session FROM journal WHERE kind IN ({marks}){flagged} GROUP BY session "
                                "ORDER BY MIN(seq)", (*kinds, *([f"$.{flag}"] if flag else []))).fetchall()
        return [r[0] for r in rows]

    def sessions_with_unanswered(self, request: str, answers: tuple[str, ...], *, no_answer: tuple[str, str]
                                 ) -> list[str]:
        """Sessions where a `request` row is not followed, among the rows of `request` and `answers`, by an
        answer: by nothing, by another request, or by `no_answer` (an answer kind and the ref that says it
        is none). Oldest first; SQLite's window over the kind index, without decoding a row."""
        kinds = (request, *answers)
        marks = ",".join("?" * len(kinds))
        rows = self._db.execute(
            "SELECT session FROM (SELECT session, seq, kind, LEAD(kind) OVER w AS next_kind, "
            f"LEAD(ref) OVER w AS next_ref FROM journal WHERE kind IN ({marks}) "
            "WINDOW w AS (PARTITION BY session ORDER BY seq)) "
            "WHERE kind = ? AND (next_kind IS NULL OR next_kind = ? OR (next_kind = ? AND next_ref = ?)) "
            "GROUP BY session ORDER BY MIN(seq)", (*kinds, request, request, *no_answer)).fetchall()
        return [r[0] for r in rows]

    def entries_of_kinds(self, kinds: tuple[str, ...]) -> list[Entry]:
        """Rows of these kinds, oldest first, through the kind index: for kinds a month holds few of."""
        marks = ",".join("?" * len(kinds))
        rows = self._db.execute(f"SELECT * FROM journal WHERE kind IN ({marks}) ORDER BY seq", kinds).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def entries_of_sessions(self, sessions: Iterable[str]) -> list[Entry]:
        """Every row of these sessions, oldest first."""
        rows = self._db.execute("SELECT * FROM journal WHERE session IN (SELECT value FROM json_each(?)) "
                                "ORDER BY seq", (json.dumps(sorted(sessions)),)).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def closed_sessions_before(self, at: str, seq: int) -> list[str]:
        """Sessions opened and closed whose every row is older than `at` (a stamp) and than sequence number
        `seq`, oldest first. SQLite answers without a row being decoded here: the nightly archival asks
        this of a month of rows, and decoding them all held the booth's loop for seconds and 200 MB."""
        rows = self._db.execute(
            "SELECT session FROM journal GROUP BY session HAVING MAX(at) < ? AND MAX(seq) < ? "
            "AND SUM(kind='session_opened') > 0 AND SUM(kind='session_closed') > 0 ORDER BY MIN(seq)",
            (at, seq)).fetchall()
        return [r[0] for r in rows]

    def newest_seq_of_kind(self, kind: str) -> int | None:
        (seq,) = self._db.execute("SELECT MAX(seq) FROM journal WHERE kind=?", (kind,)).fetchone()
        return None if seq is None else int(seq)

    def entries_since(self, seq: int, kinds: tuple[str, ...]) -> list[Entry]:
        """Rows of these kinds after sequence number `seq`, oldest first (a running count's update)."""
        marks = ",".join("?" * len(kinds))
        # `+kind`: walk the rows after `seq` (few), not every row of these kinds through journal_kind.
        rows = self._db.execute(f"SELECT * FROM journal WHERE seq > ? AND +kind IN ({marks}) ORDER BY seq",
                                (seq, *kinds)).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def last_detail(self, kind: str, key: str) -> Any:
        """`detail[key]` of the newest record of `kind` that has it (None when there is none)."""
        rows = self._db.execute(
            "SELECT json_extract(detail, ?) FROM journal WHERE kind=? AND json_extract(detail, ?) IS NOT NULL "
            "ORDER BY seq DESC LIMIT 1", (f"$.{key}", kind, f"$.{key}")).fetchall()
        return rows[0][0] if rows else None

    def last_cash_counter(self, part: str) -> int | None:
        """The newest event counter of a cash part ("coin", "bill") the journal accounted for: from the
        money it credited, or from the baseline a boot recorded (`cash_counters`) before any money
        came. The next run's driver resumes there, so money taken while no controller was
        journaling is found and given back, never skipped."""
        credited = {"coin": "coin_credited", "bill": "bill_stacked"}[part]
        rows = self._db.execute(
            "SELECT CASE WHEN kind=? THEN json_extract(detail, '$.counter') ELSE json_extract(detail, ?) END "
            "FROM journal WHERE (kind=? AND json_extract(detail, '$.counter') IS NOT NULL) "
            "OR (kind='cash_counters' AND json_extract(detail, ?) IS NOT NULL) ORDER BY seq DESC LIMIT 1",
            (credited, f"$.{part}", credited, f"$.{part}")).fetchall()
        return int(rows[0][0]) if rows else None

    def tail_of_kind(self, kind: str, count: int) -> list[Entry]:
        """The last `count` records of `kind`, oldest first."""
        rows = self._db.execute("SELECT * FROM journal WHERE kind=? ORDER BY seq DESC LIMIT ?",
                                (kind, count)).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in reversed(rows)]

    def tail(self, count: int) -> list[Entry]:
        rows = self._db.execute("SELECT * FROM journal ORDER BY seq DESC LIMIT ?", (count,)).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in reversed(rows)]

    def open_sessions(self, *, opened_up_to: int | None = None) -> list[str]:
        """Sessions that were opened and never closed. With `opened_up_to` (a sequence number), only
        those opened at or before it: recovery's work list is what the previous run left, not a
        session this run has just opened and is settling itself."""
        rows = self._db.execute(
            "SELECT session FROM journal WHERE kind='session_opened' AND seq <= ? AND session NOT IN "
            "(SELECT session FROM journal WHERE kind='session_closed') ORDER BY seq",
            (opened_up_to if opened_up_to is not None else 2**62,),
        ).fetchall()
        return [r[0] for r in rows]

    def last_seq(self) -> int:
        """The sequence number of the newest record (0 for an empty journal)."""
        (seq,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()
        return int(seq)

    def _sum(self, kinds: tuple[str, ...], session: str | None = None) -> int:
        marks = ",".join("?" * len(kinds))
        sql = f"SELECT COALESCE(SUM(amount),0) FROM journal WHERE kind IN ({marks})"
        args: list[Any] = list(kinds)
        if session is not None:
            sql += " AND session=?"
            args.append(session)
        (total,) = self._db.execute(sql, args).fetchone()
        if session is None:
            total += sum(self.archived_total("sums", kind) for kind in kinds)
        return int(total)

    def archived_total(self, what: str, key: str) -> int:
        """A sum or count (`what`: "sums", "counts", "cash_box") of the rows moved to archive files."""
        (total,) = self._db.execute(
            "SELECT COALESCE(SUM(json_extract(detail, ?)),0) FROM journal WHERE kind=?",
            (f'$.{what}."{key}"', ARCHIVED)).fetchone()
        return int(total)

    def remove_into_rollup(self, seqs: list[int], *, at: str, **rollup: Any) -> int:
        """Delete rows (already copied to an archive file) and record the `archived` row that stands for
        them, as one durable unit. Only kiosk.journal_archive calls this. The cash parts' counters the
        next run resumes from (`last_cash_counter`) stay what they were: if the newest came from a row
        that left, a `cash_counters` row carries it."""
        counters = {part: self.last_cash_counter(part) for part in ("coin", "bill")}
        with self.batch():
            self._db.executemany("DELETE FROM journal WHERE seq=?", [(seq,) for seq in seqs])
            carried: dict[str, Any] = {part: value for part, value in counters.items()
                                       if value is not None and self.last_cash_counter(part) != value}
            if carried:
                self.record(ARCHIVE_SESSION, "cash_counters", at=at, **carried)
            return self.record(ARCHIVE_SESSION, ARCHIVED, at=at, **rollup)

    def session_money(self, session: str) -> SessionMoney:
        change_intent = self._sum(("change_intent",), session)
        change_done = self._sum(("change_paid",), session) + self._sum(("change_vouchered",), session)
        return SessionMoney(
            money_in=self._sum(MONEY_IN, session),
            fee_kept=self._sum(FEES_KEPT, session),
            change=self._sum(("change_paid",), session),
            refunds=self._sum(("refund_paid", "card_voided"), session),
            vouchers=self._sum(VOUCHERS, session),
            change_owed=max(0, change_intent - change_done),
        )

    def totals(self) -> dict[str, int]:
        """Whole-journal money and document counters, derived from the rows."""
        out = {
            "money_in": self._sum(MONEY_IN),
            "fees_kept": self._sum(FEES_KEPT),
            "change": self._sum(("change_paid",)),
            "refunds": self._sum(("refund_paid", "card_voided")),
            "vouchers": self._sum(VOUCHERS),
            "open_sessions": len(self.open_sessions()),
        }
        for kind in ("print_done", "committed", "voided", "receipt_printed"):
            (n,) = self._db.execute("SELECT COUNT(*) FROM journal WHERE kind=?", (kind,)).fetchone()
            out[kind] = int(n) + self.archived_total("counts", kind)
        out["pages_printed"] = self._sum(("pages_printed",))
        # The coins the hopper certainly holds (kiosk.hopper_inventory), once a refill is on record.
        refill = self.tail_of_kind(REFILLED, 1)
        if refill:
            coin = int(refill[0].detail.get("coin", 0)) or 1
            coins = count_from(self.entries_since(refill[0].seq - 1, KINDS), coin).coins
            out["hopper_coins"] = int(coins or 0)
        return out

    def cash_box(self) -> dict[str, int]:
        """Coins and bills taken in, per denomination (won → count), derived from the rows."""
        rows = self._db.execute(
            "SELECT kind, amount, COUNT(*) FROM journal WHERE kind IN ('coin_credited','bill_stacked') "
            "GROUP BY kind, amount"
        ).fetchall()
        box = {f"{'coin' if k == 'coin_credited' else 'bill'}:{a}": int(n) for k, a, n in rows}
        for (detail,) in self._db.execute("SELECT detail FROM journal WHERE kind=?", (ARCHIVED,)).fetchall():
            for key, n in json.loads(detail).get("cash_box", {}).items():
                box[key] = box.get(key, 0) + int(n)
        return box


def stamp(clock: Clock) -> str:
    """Now, as the journal writes it (`at`)."""
    return clock.now().isoformat(timespec="milliseconds")


class Recorder:
    """The one way the controller and its helpers write a record: stamped `at` now on the kiosk's
    clock, with the amount and ref positional as every money and paper step writes them."""

    def __init__(self, journal: Journal, clock: Clock) -> None:
        self.journal = journal
        self.clock = clock

    def __call__(self, session_id: str, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> int:
        return self.journal.record(session_id, kind, at=stamp(self.clock), amount=amount, ref=ref, **detail)
