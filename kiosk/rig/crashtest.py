"""Crash harness: cut the power at every journal step of a session, restart, and check the books.

For a scenario, a first run counts the journal records a clean session writes. Then, for each record
N in turn, a fresh booth plays the scenario with a journal that loses power right after record N is
durable: from that instant nothing more is written, every task of the kiosk is dropped, and the
devices (simulators) keep whatever state they were in, as real hardware does when the controller's
PC dies. A new kiosk then boots on the same journal and the same devices, recovers, and the
invariants are checked:

- no session is left open;
- money in = fees kept + change + refunds + vouchers, to the won, from the journal;
- the cash simulator's own account agrees with the journal (coins and bills taken, coins paid out);
- every paid document is printed and committed, or refunded and voided (journal and server agree).

This in-process form is what CI runs (bounded); `make crashtest` runs it over every kill point.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.journal import Journal
from kiosk.machine import S
from kiosk.rig.books import check_books
from kiosk.rig.loop_watch import kiosk_watchers
from kiosk.rig.scenario import CuttableJournal, PowerCut, ScenarioRun, _step, load_scenario

log = logging.getLogger(__name__)


class CountingJournal(CuttableJournal):
    """A journal that loses power right after record number `cut_after` (None: never)."""

    def __init__(self, path: Path | str, cut_after: int | None) -> None:
        super().__init__(path)
        self.cut_after = cut_after
        self.written = 0
        self.died = asyncio.Event()

    def _written(self, kind: str) -> None:
        self.written += 1
        if self.cut_after is not None and self.written >= self.cut_after:
            self.dead = True
            self.died.set()
            raise PowerCut


@dataclass
class KillPoint:
    scenario: str
    after_record: int
    kind: str
    problems: list[str] = field(default_factory=list)


async def _play(path: Path, cut_after: int | None, work_dir: Path) -> tuple[CountingJournal, ScenarioRun]:
    _, settings, steps = load_scenario(path)
    run = ScenarioRun(work_dir, None, settings)
    journal_path = work_dir / "journal.sqlite3"
    journal = CountingJournal(journal_path, cut_after)
    run.journal_factory = lambda _path: journal
    await run.start()
    death = asyncio.ensure_future(journal.died.wait())
    try:
        for step in steps:
            if journal.dead or "power_cut" in step:
                break  # a scenario's own power cut is where the harness's cuts end: it restarts then too
            # A step waiting for a screen the dead kiosk will never show ends with the power.
            acting = asyncio.ensure_future(_step(run, step))
            await asyncio.wait({acting, death}, return_when=asyncio.FIRST_COMPLETED)
            if not acting.done():
                acting.cancel()
            with contextlib.suppress(asyncio.CancelledError, AssertionError, ValueError, KeyError, RuntimeError,
                                     TimeoutError, PowerCut):
                await acting
    finally:
        death.cancel()
    return journal, run


async def crash_at(path: Path, cut_after: int, *,
                   while_down: Callable[[ScenarioRun], Awaitable[Any]] | None = None) -> KillPoint:
    """Cut the power right after record `cut_after`; `while_down` acts on the devices before the
    restart (a stalled hopper motor that runs again, say)."""
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-crash-"))
    journal, run = await _play(path, cut_after, work_dir)
    kind = journal.entries()[-1].kind if journal.written else "-"
    point = KillPoint(path.stem, cut_after, kind)
    try:
        await run.power_cut()
        # Nothing of the dead kiosk may stay on the loop (a port's reader, a keypad node).
        point.problems += [f"the dead kiosk still watches {watch}"
                           for watch in kiosk_watchers(asyncio.get_running_loop())]
        if while_down is not None:
            await while_down(run)
        journal.close()
        # The watchdog restarts it on the same journal and devices.
        run.journal_factory = Journal
        await run._start_kiosk()
        with contextlib.suppress(AssertionError):
            await run.until(lambda: run.kiosk.state in (S.IDLE, S.OUT_OF_SERVICE), "recovery never finished")
        # A server outage the scenario began before the cut ends now, as the scenario itself ends it
        # later: what the booth owes the server (a cancel, a void) must then reach it, and the books say so.
        with contextlib.suppress(Exception):
            await run.booth.control("server", "maintenance", on=False)
        await run.clock.advance(60)  # let deferred work (escrow timeouts, heartbeat deliveries) happen
        cash_state = await run.booth.control("cctalk", "state")
        server_stats = await run.booth.control("server", "stats")
        payments = await run.booth.control("server", "payments")
        point.problems += check_books(run.kiosk.journal, cash_state, server_stats, payments,
                                      deliveries=await run.booth.control("server", "deliveries"))
        if run.kiosk.state not in (S.IDLE, S.OUT_OF_SERVICE):
            point.problems.append(f"kiosk did not come back: {run.kiosk.state}")
    finally:
        await run.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
        # The two kiosks' screens hold their fonts (an open file each) in reference cycles that only a
        # full collection frees: kill point after kill point they piled up past a thousand open files.
        gc.collect()
    return point


async def count_records(path: Path) -> int:
    return len(await record_kinds(path))


async def record_kinds(path: Path) -> list[str]:
    """The kinds of the journal records a whole, uninterrupted play of the scenario writes."""
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-crash-"))
    journal, run = await _play(path, None, work_dir)
    try:
        return [e.kind for e in journal.entries()]
    finally:
        await run.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


async def crashtest(paths: list[Path], *, every: int = 1) -> list[KillPoint]:
    points = []
    for path in paths:
        total = await count_records(path)
        for cut in range(1, total + 1, every):
            point = await crash_at(path, cut)
            status = "ok" if not point.problems else "FAIL " + "; ".join(point.problems)
            print(f"{path.stem} kill after record {cut}/{total} ({point.kind}): {status}", flush=True)
            points.append(point)
    return points
