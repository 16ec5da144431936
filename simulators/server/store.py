"""Issuances on disk (SQLite), so counts and idempotent replays survive a simulator restart.

Nothing identifying is stored: no resident number, no template, no token; the PDFs carry only
masked numbers. Calls are synchronous and sub-millisecond on a local file; the server runs them
on its event loop under one lock, which also serialises reservations per idempotency key.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS issuances (
    kiosk_id TEXT NOT NULL,
    key TEXT NOT NULL,
    issuance_id TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    document TEXT NOT NULL,
    options TEXT NOT NULL,
    copies INTEGER NOT NULL,
    fee_total INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'voided')),
    created_at TEXT NOT NULL,
    finished_at TEXT,
    pages_printed INTEGER,
    payment_ref TEXT,
    void_reason TEXT,
    PRIMARY KEY (kiosk_id, key)
);
CREATE TABLE IF NOT EXISTS documents (
    verification_number TEXT PRIMARY KEY,
    issuance_id TEXT NOT NULL REFERENCES issuances(issuance_id),
    seq INTEGER NOT NULL,
    pdf BLOB NOT NULL,
    signature BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class StoredDocument:
    verification_number: str
    pdf: bytes
    signature: bytes
    sha256: str
    pages: int


@dataclass(frozen=True)
class Issuance:
    kiosk_id: str
    key: str
    issuance_id: str
    request_hash: str
    document: str
    options: tuple[str, ...]
    copies: int
    fee_total: int
    state: str
    created_at: str
    finished_at: str | None
    pages_printed: int | None
    payment_ref: str | None
    void_reason: str | None

    def summary(self, verification_numbers: list[str]) -> dict[str, Any]:
        return {
            "kiosk_id": self.kiosk_id,
            "key": self.key,
            "issuance_id": self.issuance_id,
            "document": self.document,
            "options": list(self.options),
            "copies": self.copies,
            "fee_total": self.fee_total,
            "state": self.state,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "pages_printed": self.pages_printed,
            "payment_ref": self.payment_ref,
            "void_reason": self.void_reason,
            "verification_numbers": verification_numbers,
        }


class Store:
    def __init__(self, path: Path) -> None:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def find(self, kiosk_id: str, key: str) -> Issuance | None:
        row = self._db.execute(
            "SELECT * FROM issuances WHERE kiosk_id=? AND key=?", (kiosk_id, key)
        ).fetchone()
        return _issuance(row) if row else None

    def documents(self, issuance_id: str) -> list[StoredDocument]:
        rows = self._db.execute("SELECT * FROM documents WHERE issuance_id=? ORDER BY seq", (issuance_id,))
        return [
            StoredDocument(r["verification_number"], r["pdf"], r["signature"], r["sha256"], r["pages"])
            for r in rows
        ]

    def number_taken(self, verification_number: str) -> bool:
        row = self._db.execute("SELECT 1 FROM documents WHERE verification_number=?", (verification_number,))
        return row.fetchone() is not None

    def insert(self, issuance: Issuance, documents: list[StoredDocument]) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO issuances VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    issuance.kiosk_id,
                    issuance.key,
                    issuance.issuance_id,
                    issuance.request_hash,
                    issuance.document,
                    json.dumps(list(issuance.options)),
                    issuance.copies,
                    issuance.fee_total,
                    issuance.state,
                    issuance.created_at,
                    None,
                    None,
                    None,
                    None,
                ),
            )
            self._db.executemany(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?)",
                [
                    (d.verification_number, issuance.issuance_id, seq, d.pdf, d.signature, d.sha256, d.pages)
                    for seq, d in enumerate(documents)
                ],
            )

    def commit(self, issuance_id: str, *, pages_printed: int, payment_ref: str, at: dt.datetime) -> None:
        self._db.execute(
            "UPDATE issuances SET state='committed', finished_at=?, pages_printed=?, payment_ref=? "
            "WHERE issuance_id=? AND state='reserved'",
            (at.isoformat(), pages_printed, payment_ref, issuance_id),
        )

    def void(self, issuance_id: str, *, reason: str, at: dt.datetime) -> None:
        self._db.execute(
            "UPDATE issuances SET state='voided', finished_at=?, void_reason=? "
            "WHERE issuance_id=? AND state='reserved'",
            (at.isoformat(), reason, issuance_id),
        )

    def lookup_document(self, verification_number: str) -> tuple[Issuance, StoredDocument] | None:
        row = self._db.execute(
            "SELECT * FROM documents WHERE verification_number=?", (verification_number,)
        ).fetchone()
        if row is None:
            return None
        issuance = self._db.execute(
            "SELECT * FROM issuances WHERE issuance_id=?", (row["issuance_id"],)
        ).fetchone()
        doc = StoredDocument(
            row["verification_number"], row["pdf"], row["signature"], row["sha256"], row["pages"]
        )
        return _issuance(issuance), doc

    def counts(self) -> dict[str, int]:
        out = {"reserved": 0, "committed": 0, "voided": 0}
        for state, n in self._db.execute("SELECT state, COUNT(*) FROM issuances GROUP BY state"):
            out[state] = n
        return out

    def all(self) -> list[dict[str, Any]]:
        out = []
        for row in self._db.execute("SELECT * FROM issuances ORDER BY created_at, issuance_id").fetchall():
            issuance = _issuance(row)
            numbers = [
                r[0]
                for r in self._db.execute(
                    "SELECT verification_number FROM documents WHERE issuance_id=? ORDER BY seq",
                    (issuance.issuance_id,),
                )
            ]
            out.append(issuance.summary(numbers))
        return out

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _issuance(row: sqlite3.Row) -> Issuance:
    return Issuance(
        kiosk_id=row["kiosk_id"],
        key=row["key"],
        issuance_id=row["issuance_id"],
        request_hash=row["request_hash"],
        document=row["document"],
        options=tuple(json.loads(row["options"])),
        copies=row["copies"],
        fee_total=row["fee_total"],
        state=row["state"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        pages_printed=row["pages_printed"],
        payment_ref=row["payment_ref"],
        void_reason=row["void_reason"],
    )
