"""A restart whose recovery cannot finish leaves the kiosk out of service, saying why, never stuck on
"starting" and never open for money with a session it could not settle."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.machine import S
from kiosk.rig.scenario import ScenarioRun


@pytest.mark.timeout(120)
async def test_a_journal_row_recovery_cannot_read_puts_the_kiosk_out_of_service_for_a_technician(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A session left open by a crash, whose last row holds detail no recovery can read (written by a
    # faulty build, say): SQLite finds the file sound, but the kiosk cannot know what that step did.
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal.record("s-unreadable-0001", "session_opened", at="2026-11-23T03:00:00+09:00")
    journal.record("s-unreadable-0001", "coin_credited", at="2026-11-23T03:00:05+09:00", amount=100, counter=1)
    journal.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO journal (at, session, kind, amount, detail) VALUES (?, ?, ?, ?, ?)",
                   ("2026-11-23T03:00:06+09:00", "s-unreadable-0001", "change_intent", 100, "{not json"))

    run = ScenarioRun(tmp_path, None, {})
    try:
        await run.start()
        await run.until(lambda: run.kiosk.state == S.OUT_OF_SERVICE, "the kiosk never went out of service")
        assert run.kiosk.view.data_fields()["reason"] == "recovery-needs-technician"
        assert run.kiosk.view.screen == "out_of_service"
        # No money is taken meanwhile: both acceptors stay inhibited.
        cash = await run.booth.control("cctalk", "state")
        assert cash["coin"]["master"] is False and cash["bill"]["master"] is False
        assert any(r.levelname == "CRITICAL" and "recovery at boot stopped" in r.getMessage()
                   for r in caplog.records)
        await run.clock.advance(120)  # heartbeats come and go: it does not reopen by itself
        assert run.kiosk.state == S.OUT_OF_SERVICE
    finally:
        await run.stop()
