"""`kiosk journal` only reads: a mistyped path is refused, never created as an empty journal of zeros."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.journal import Journal

ROOT = Path(__file__).resolve().parents[2]


def _journal_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "journal", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("option", [[], ["--totals"], ["--sessions", "3"], ["--csv", "2026-12-06"]])
def test_a_wrong_path_is_refused_and_no_file_is_created(tmp_path: Path, option: list[str]) -> None:
    wrong = tmp_path / "no-such-dir" / "journl.sqlite3"
    done = _journal_cli("--path", str(wrong), *option)
    assert done.returncode != 0
    assert done.stderr.strip() == f"kiosk journal: no journal at {wrong}"
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # no zeros that look like an empty day
    assert not wrong.exists() and not wrong.parent.exists()


def test_a_file_that_is_not_a_journal_is_refused_and_left_as_found(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    other_db = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_db) as db:
        db.execute("CREATE TABLE things(x)")
    db.close()
    for path in (text, other_db):
        before = _digest(path)
        done = _journal_cli("--path", str(path), "--totals")
        assert done.returncode != 0, done.stdout
        assert done.stderr.startswith(f"kiosk journal: {path}"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "other.sqlite3"]  # no -wal, -shm


def test_a_real_journal_is_read_without_being_written(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal.record("S-1", "coin_credited", at="2026-12-06T09:00:00", amount=100)
    journal.record("S-1", "fee_kept", at="2026-12-06T09:00:05", amount=100)
    journal.close()
    before = _digest(path)

    totals = _journal_cli("--path", str(path), "--totals")
    assert totals.returncode == 0, totals.stderr
    assert '"money_in": 100' in totals.stdout
    tail = _journal_cli("--path", str(path))
    assert tail.returncode == 0, tail.stderr
    assert "coin_credited" in tail.stdout
    assert _digest(path) == before


def test_the_journal_of_a_running_kiosk_can_be_read_while_it_writes(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)  # open, in WAL mode, as a running kiosk holds it
    try:
        journal.record("S-1", "coin_credited", at="2026-12-06T09:00:00", amount=500)
        done = _journal_cli("--path", str(path), "--totals")
        assert done.returncode == 0, done.stderr
        assert '"money_in": 500' in done.stdout
        journal.record("S-1", "refund_paid", at="2026-12-06T09:00:09", amount=500)  # still writable
    finally:
        journal.close()
