"""A journal that stops taking writes while the kiosk runs stops the money, and the kiosk says why.

Real SQLite against a real file-system refusal: the test process may no longer grow a file past the
size the journal's write-ahead log has reached (RLIMIT_FSIZE, with SIGXFSZ ignored so write() fails
with EFBIG), as a full disk refuses the next block. SQLite's next journal write fails with its own
"disk I/O error"; nothing is mocked. A session is driven through the simulated booth: a resident is
paying when it happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from kiosk.journal import Journal, JournalUnwritable
from kiosk.machine import S
from kiosk.rig.scenario import ScenarioRun
from kiosk.views import Intent

# Real seconds the harness waits for the kiosk to get somewhere (not a product timeout).
PATIENCE = 15.0


async def _until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.005)


@contextmanager
def files_cannot_grow_past(size: int) -> Iterator[None]:
    """No file of this process may grow past `size` bytes: write() fails with EFBIG, as on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def journal_cannot_grow(journal: Path) -> AbstractContextManager[None]:
    """The journal's write-ahead log cannot grow past what it holds now."""
    return files_cannot_grow_past(Path(f"{journal}-wal").stat().st_size)


def test_a_full_disk_at_start_is_unwritable_not_corrupt(tmp_path: Path) -> None:
    """The technician must not be sent to move a good journal aside because the disk is full."""
    path = tmp_path / "journal.sqlite3"
    with files_cannot_grow_past(0), pytest.raises(JournalUnwritable, match="disk I/O error"):
        Journal(path)
    journal = Journal(path)  # room again: the same file opens, nothing was lost or guessed
    assert journal.totals()["open_sessions"] == 0
    journal.close()


async def _to_payment(run: ScenarioRun) -> None:
    kiosk = run.kiosk
    await _until(lambda: kiosk.view.screen == "idle", "the kiosk never became idle")
    for intent in (Intent("start"), Intent("choose_document", {"code": "land_register"}),
                   *(Intent("digit", {"value": d}) for d in "123"), Intent("confirm")):
        await kiosk.handle_intent(intent)
        await asyncio.sleep(0.01)
    await _until(lambda: kiosk.view.screen == "options", f"no options screen: {kiosk.view.screen}")
    await kiosk.handle_intent(Intent("confirm"))
    await _until(lambda: kiosk.view.data_fields().get("accepting") is True, "the acceptors were never enabled")


async def _acceptors_shut(run: ScenarioRun) -> None:
    """Wait (real time, a ccTalk exchange or two) until both acceptors' master inhibits are on."""
    deadline = time.monotonic() + PATIENCE
    while True:
        state = await run.booth.control("cctalk", "state")
        if not state["coin"]["master"] and not state["bill"]["master"]:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"acceptors still open: {state['coin']} {state['bill']}")
        await asyncio.sleep(0.01)


async def _journal_heard_of(run: ScenarioRun) -> object:
    """The journal's status in the last heartbeat the server simulator received (None if none yet)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        heartbeats = await run.booth.control("server", "heartbeats")
        for body in heartbeats.values():
            if "journal" in body["statuses"]:
                return body["statuses"]["journal"]
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.02)


@pytest.mark.timeout(120)
async def test_a_journal_that_refuses_writes_stops_the_money_and_the_kiosk(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    run = ScenarioRun(tmp_path, None, {})
    path = tmp_path / "journal.sqlite3"
    await run.start()
    try:
        kiosk = run.kiosk
        await _to_payment(run)
        assert kiosk.view.data_fields()["total"] == 500
        assert await run.booth.control("cctalk", "insert_coin", value=100) == "accepted"
        await _until(lambda: kiosk.journal.totals()["money_in"] == 100, "the first coin was never credited")

        with caplog.at_level(logging.WARNING), journal_cannot_grow(path):
            # The disk is full: the acceptor takes the next coin, but the kiosk cannot write it down.
            assert await run.booth.control("cctalk", "insert_coin", value=100) == "accepted"
            await _until(lambda: kiosk.view.screen == "done", f"the session went on: {kiosk.view.screen}")
            await _until(lambda: kiosk.view.data_fields().get("reason") == "journal-unwritable",
                         f"done screen says {kiosk.view.data_fields()}")
            assert kiosk.view.data_fields()["outcome"] == "failed"

            # The acceptors are shut: the next coin drops straight back to the resident.
            await _acceptors_shut(run)
            assert await run.booth.control("cctalk", "insert_coin", value=100) == "inhibited"

            # Settling stops at the refund it cannot write down (no money moves unrecorded); then the
            # resident's "finish" works, and the kiosk goes out of service naming the file for the technician.
            await _until(lambda: any("task settle stopped" in r.getMessage() for r in caplog.records),
                         "settling never gave up")
            await kiosk.handle_intent(Intent("confirm"))
            await _until(lambda: kiosk.view.screen == "out_of_service", f"not out of service: {kiosk.view.screen}")
            assert kiosk.view.data_fields()["reason"] == "journal-unwritable"
            assert kiosk.view.data_fields()["journal"] == str(path)

            # No new session, and still no money in.
            await kiosk.handle_intent(Intent("start"))
            await asyncio.sleep(0.05)
            assert kiosk.state == S.OUT_OF_SERVICE
            # Nothing to start or pay with: only the language, accessibility and help buttons are left.
            assert run.screens is not None and set(run.screens.runner.widgets()) == {"lang", "access", "help"}
            assert await run.booth.control("cctalk", "insert_bill", value=1000) == "inhibited"

            # The city hears of it with the next heartbeat, as a device in error.
            await run.clock.advance(31)
            assert await _journal_heard_of(run) == {"state": "hardwareError", "reason": "journal-unwritable",
                                                    "supplies": {}}

        critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
        assert len(critical) == 1, [r.getMessage() for r in critical]
        assert str(path) in critical[0].getMessage()
        assert "disk I/O error" in critical[0].getMessage()
        assert kiosk.journal.totals()["money_in"] == 100  # the second coin could not be written down

        # The technician frees the disk and restarts the kiosk: recovery settles what the journal
        # shows, and the acceptor's event counter gives back the coin the journal missed.
        await run.restart()
        kiosk = run.kiosk
        await _until(lambda: kiosk.view.screen == "idle", f"not back in service: {kiosk.view.screen}")
        await _until(lambda: kiosk.journal.totals()["refunds"] == 200,
                     f"not every coin was given back: {kiosk.journal.totals()}")
        totals = kiosk.journal.totals()
        assert (totals["money_in"], totals["open_sessions"], totals["fees_kept"]) == (200, 0, 0)
    finally:
        await run.stop()
    assert Journal(path).totals()["refunds"] == 200


@pytest.mark.timeout(120)
async def test_recovery_that_cannot_write_leaves_the_kiosk_out_of_service_not_starting(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A power cut left a resident's coin in an open session; at the next boot the disk is full.

    Recovery must not pay the coin back unrecorded: it stops, and the kiosk goes out of service
    with the reason instead of showing "starting" for ever. With room again, the next boot refunds.
    """
    run = ScenarioRun(tmp_path, None, {})
    path = tmp_path / "journal.sqlite3"
    await run.start()
    try:
        await _to_payment(run)
        assert await run.booth.control("cctalk", "insert_coin", value=100) == "accepted"
        await _until(lambda: run.kiosk.journal.totals()["money_in"] == 100, "the coin was never credited")
        # Another reader (a technician's `kiosk journal`) keeps the write-ahead log from being folded
        # back at shutdown, so the restarted kiosk appends to it, and the full disk refuses that.
        with contextlib.closing(sqlite3.connect(path)) as reader:
            reader.execute("SELECT COUNT(*) FROM journal").fetchone()
            with caplog.at_level(logging.WARNING), journal_cannot_grow(path):
                await run.restart()
                kiosk = run.kiosk
                await _until(lambda: kiosk.view.screen == "out_of_service", f"kiosk on {kiosk.view.screen}")
                assert kiosk.view.data_fields()["reason"] == "journal-unwritable"
                await _acceptors_shut(run)
                cash = await run.booth.control("cctalk", "state")
                assert cash["hopper"]["won_paid_out"] == 0  # nothing paid that the books cannot show
            assert [r.levelno for r in caplog.records].count(logging.CRITICAL) == 1
        await run.restart()
        kiosk = run.kiosk
        await _until(lambda: kiosk.view.screen == "idle", f"kiosk on {kiosk.view.screen}")
        totals = kiosk.journal.totals()
        assert (totals["money_in"], totals["refunds"], totals["open_sessions"]) == (100, 100, 0)
    finally:
        await run.stop()
