"""The kill -9 crash harness: a real kiosk process is killed at every journal step, then restarted.

The in-process harness (kiosk/rig/crashtest.py) cuts the power by refusing further writes. This one
does what the watchdog and a pulled cable do: the harness process runs the simulators (they are the
hardware, and outlive the controller), starts the kiosk as its own process to play a scenario, and
sends it SIGKILL right after its Nth journal record is durable. No handler runs, no file is closed
by Python, the SQLite WAL is left as the kill found it, the serial lines keep whatever bytes were
in flight. Then:

1. SQLite's integrity check must pass on the journal as the kill left it;
2. a new kiosk process boots on the same journal and devices, shows "recovering", resolves every
   open session and reaches its idle (or out-of-service) screen;
3. the books are checked (`kiosk.rig.books.check_books`): no session open; money in = fees kept +
   change + refunds + vouchers; the cash devices, the card acquirer and the issuance server agree
   with the journal; every fee kept bought a printed, committed document.

The kiosk process is ``python -m kiosk.rig.crash_process play|recover SCENARIO RUN_DIR``; it reports
each journal record on stdout (``RECORD n kind``) and, at the chosen one, ``KILLPOINT n kind``
before stopping itself (SIGSTOP) so the harness's SIGKILL lands exactly there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import logging
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.booth.simulated import SimulatedBooth
from kiosk.journal import Journal
from kiosk.machine import S
from kiosk.rig.books import check_books
from kiosk.rig.remote_booth import RemoteBooth, write_booth_file
from kiosk.rig.scenario import ScenarioRun, _step, load_scenario, scenario_uses_card
from simulators.process import die_with_parent

log = logging.getLogger(__name__)

# Real seconds a kiosk process may take to play its scenario, or to recover and reach idle; a
# bound for a stuck process, not a product timeout.
CHILD_PATIENCE_SECONDS = 90.0
# Virtual seconds the recovered kiosk runs before the books are checked: two heartbeats, so work
# left for later (a commit or void the server did not take at boot) is delivered.
SETTLE_VIRTUAL_SECONDS = 60.0
# Seconds the restarted kiosk may spend on "recovering" before the harness calls it stuck.
RECOVERY_PATIENCE_SECONDS = 60.0
# Real seconds the recovered kiosk runs at real pace before the harness jumps ahead.
DEVICE_SETTLE_SECONDS = 1.5


# ---------------------------------------------------------------------- the kiosk process


class KillableJournal(Journal):
    """Reports each durable record on stdout; after record `stop_after`, stops the whole process
    (every thread) so that the harness's SIGKILL arrives with nothing more done."""

    def __init__(self, path: Path | str, stop_after: int | None, *, keep_running: bool = False) -> None:
        super().__init__(path)
        self.stop_after = stop_after
        self.keep_running = keep_running  # in-flight kills: announce, carry on, and be killed mid-action
        self.written = 0

    def _written(self, kind: str) -> None:
        self.written += 1
        if self.written == self.stop_after:
            os.write(1, f"KILLPOINT {self.written} {kind}\n".encode())
            if not self.keep_running:
                os.kill(os.getpid(), signal.SIGSTOP)
        else:
            os.write(1, f"RECORD {self.written} {kind}\n".encode())


async def play(scenario: Path, run_dir: Path, stop_after: int | None, *, keep_running: bool = False) -> int:
    _, settings, steps = load_scenario(scenario)
    run = ScenarioRun(run_dir, None, settings, booth=RemoteBooth(run_dir))
    run.journal_factory = lambda path: KillableJournal(path, stop_after, keep_running=keep_running)
    await run.start()
    try:
        for index, step in enumerate(steps, start=1):
            try:
                await _step(run, step)
            except (AssertionError, ValueError, KeyError, RuntimeError, TimeoutError) as exc:
                print(f"STEP-FAILED {index} {exc}", flush=True)
                return 1
        journal = run.kiosk.journal
        print(f"PLAYED {journal.written if isinstance(journal, KillableJournal) else 0}", flush=True)
    finally:
        await run.stop()
    return 0


async def recover(scenario: Path, run_dir: Path) -> int:
    _, settings, _ = load_scenario(scenario)
    run = ScenarioRun(run_dir, None, settings, booth=RemoteBooth(run_dir))
    boot_steps: list[str] = []
    run.on_view = lambda view: _note_boot_step(boot_steps, view)
    await run.start()
    try:
        kiosk = run.kiosk

        def settled() -> bool:
            return kiosk.state in (S.IDLE, S.OUT_OF_SERVICE)

        # Time passes while it recovers (a job from before the kill may still be printing, coins may
        # still be falling): the virtual clock moves on as fast as real time, no faster, since the
        # simulated devices work at their own real pace.
        await _real_time_passes(run, RECOVERY_PATIENCE_SECONDS, until=settled)
        await run.until(settled, "the kiosk never finished recovering")
        ready_after = process_age_seconds()  # from the process's birth: imports, boot and recovery
        # Money the acceptors took just before the kill is found by the first polls and given back,
        # coin by coin, at the hopper's pace: let that happen in real time before jumping ahead.
        await _real_time_passes(run, DEVICE_SETTLE_SECONDS)
        # A server outage the scenario began before the kill ends now, as the scenario itself ends it
        # later: what the booth owes the server (a cancel, a void) must then reach it, and the books say so.
        await run.booth.control("server", "maintenance", on=False)
        await run.clock.advance(SETTLE_VIRTUAL_SECONDS)
        assert run.screens is not None
        report = {"state": kiosk.state, "reason": kiosk.out_of_service_reason, "boot_steps": boot_steps,
                  "screens": run.screens.screens, "seconds_to_ready": round(ready_after, 3)}
        print("RECOVERED " + json.dumps(report), flush=True)
    finally:
        await run.stop()
    return 0


def process_age_seconds() -> float:
    """Seconds since this process was created (Linux /proc), so interpreter start counts too."""
    started_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started_ticks / os.sysconf("SC_CLK_TCK")


async def _real_time_passes(run: ScenarioRun, seconds: float, *, until: Callable[[], bool] | None = None) -> None:
    """Move the virtual clock along with real time for `seconds` (or until `until()` holds)."""
    loop = asyncio.get_running_loop()
    started = then = loop.time()
    while then - started < seconds and not (until is not None and until()):
        await asyncio.sleep(0.02)
        now = loop.time()
        await run.clock.advance(now - then)
        then = now


def _note_boot_step(steps: list[str], view: Any) -> None:
    """What the boot screen said, in order: the resident must see "recovering" while it recovers."""
    step = view.data_fields().get("step") if view.screen == "boot" else None
    if step and (not steps or steps[-1] != step):
        steps.append(str(step))


def child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.rig.crash_process")
    parser.add_argument("mode", choices=("play", "recover"))
    parser.add_argument("scenario", type=Path)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--stop-after", type=int, default=None, help="stop after this journal record")
    parser.add_argument("--keep-running", action="store_true",
                        help="only announce that record (the harness kills a moment later, mid-action)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.mode == "play":
        return asyncio.run(play(args.scenario, args.run_dir, args.stop_after, keep_running=args.keep_running))
    return asyncio.run(recover(args.scenario, args.run_dir))


# ---------------------------------------------------------------------- the harness


@dataclass
class ProcessKillPoint:
    scenario: str
    after_record: int
    kind: str = "-"
    reached: bool = True
    problems: list[str] = field(default_factory=list)
    recovered: dict[str, Any] = field(default_factory=dict)
    # After recovery: the cash devices' own account, and the journal's kinds and totals.
    cash_state: dict[str, Any] = field(default_factory=dict)
    journal_kinds: list[str] = field(default_factory=list)
    journal_totals: dict[str, int] = field(default_factory=dict)
    receipts: int = 0  # receipts (and voucher slips) the receipt printer printed, both runs together


@dataclass
class ChildResult:
    lines: list[str]
    returncode: int | None
    killed_at: tuple[int, str] | None = None


def _child_env() -> dict[str, str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


async def _run_child(args: list[str], log_path: Path, *, kill_on_killpoint: bool,
                     kill_delay_ms: float = 0.0) -> ChildResult:
    with log_path.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kiosk.rig.crash_process", *args, stdout=asyncio.subprocess.PIPE, stderr=stderr,
            env=_child_env(), preexec_fn=die_with_parent())
    assert process.stdout is not None
    result = ChildResult([], None)

    async def read() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            result.lines.append(line)
            if line.startswith("KILLPOINT ") and kill_on_killpoint:
                _, number, kind = line.split(" ", 2)
                result.killed_at = (int(number), kind)
                if kill_delay_ms:
                    await asyncio.sleep(kill_delay_ms / 1000)
                process.kill()  # SIGKILL: kill -9 (on a process stopped right after its record, or mid-action)
                return

    try:
        await asyncio.wait_for(read(), CHILD_PATIENCE_SECONDS)
    except TimeoutError:
        result.lines.append(f"TIMEOUT after {CHILD_PATIENCE_SECONDS:.0f} s")
        process.kill()
    result.returncode = await process.wait()
    return result


def journal_integrity(path: Path) -> str:
    """SQLite's own verdict on the journal file as the kill left it (WAL included), read-only."""
    if not path.exists():
        return "ok"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows)


class BoothForKills:
    """The simulators, in the harness process, for one kill point."""

    def __init__(self, scenario: Path) -> None:
        _, self.settings, _ = load_scenario(scenario)
        self.work_dir = Path(tempfile.mkdtemp(prefix="kiosk-kill9-"))
        protocol = self.settings.get("fingerprint_protocol", "zfm")
        self.booth = SimulatedBooth(self.work_dir, fingerprint_protocol=protocol,
                                    fast_poll=True, card=scenario_uses_card(self.settings), serve_controls=True)

    async def __aenter__(self) -> BoothForKills:
        try:
            write_booth_file(self.work_dir, await self.booth.start())
        except BaseException:  # SimulatedBooth.start stopped what it had started; the folder goes too
            shutil.rmtree(self.work_dir, ignore_errors=True)
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.booth.stop()
        shutil.rmtree(self.work_dir, ignore_errors=True)

    @property
    def log(self) -> Path:
        return self.work_dir / "kiosk.log"


async def records_in_process(scenario: Path) -> list[str]:
    """The kinds of the journal records a whole, uninterrupted session writes: the kill points to try."""
    async with BoothForKills(scenario) as booth:
        result = await _run_child(["play", str(scenario), str(booth.work_dir)], booth.log, kill_on_killpoint=False)
        if result.returncode != 0 or not any(line.startswith("PLAYED ") for line in result.lines):
            tail = booth.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{scenario.stem} did not play through: {result.lines[-3:]}\n{tail}")
        return [line.split(" ", 2)[2] for line in result.lines if line.startswith("RECORD ")]


async def count_records_in_process(scenario: Path) -> int:
    return len(await records_in_process(scenario))


async def kill_at(scenario: Path, after_record: int, *, in_flight_ms: float = 0.0,
                  while_down: Callable[[SimulatedBooth], Awaitable[Any]] | None = None) -> ProcessKillPoint:
    """Kill the kiosk right after journal record `after_record`; with `in_flight_ms`, that long after
    it instead, while the kiosk carries on with the action the record announced. `while_down` acts on
    the devices between the kill and the restart (a hopper that lost power too, say)."""
    point = ProcessKillPoint(scenario.stem, after_record)
    async with BoothForKills(scenario) as booth:
        args = ["play", str(scenario), str(booth.work_dir), "--stop-after", str(after_record)]
        if in_flight_ms:
            args.append("--keep-running")
        played = await _run_child(args, booth.log, kill_on_killpoint=True, kill_delay_ms=in_flight_ms)
        if played.killed_at is None:
            # This run wrote fewer records than the counting run (timing): nothing to test here.
            point.reached = False
            return point
        point.kind = played.killed_at[1]
        if while_down is not None:
            await while_down(booth.booth)
        verdict = journal_integrity(booth.work_dir / "journal.sqlite3")
        if verdict != "ok":
            point.problems.append(f"journal fails SQLite's integrity check after the kill: {verdict}")
            return point
        restarted = await _run_child(["recover", str(scenario), str(booth.work_dir)], booth.log,
                                     kill_on_killpoint=False)
        reports = [line for line in restarted.lines if line.startswith("RECOVERED ")]
        if restarted.returncode != 0 or not reports:
            tail = booth.log.read_text(errors="replace")[-1500:]
            point.problems.append(f"the restarted kiosk did not recover (exit {restarted.returncode}): "
                                  f"{restarted.lines[-2:]} {tail}")
            return point
        point.recovered = json.loads(reports[-1].removeprefix("RECOVERED "))
        if point.recovered["state"] not in (S.IDLE, S.OUT_OF_SERVICE):
            point.problems.append(f"kiosk did not come back: {point.recovered['state']}")
        if "recovering" not in point.recovered["boot_steps"]:
            point.problems.append(f"'recovering' never shown at boot: {point.recovered['boot_steps']}")
        journal = Journal(booth.work_dir / "journal.sqlite3")
        try:
            point.cash_state = await booth.booth.control("cctalk", "state")
            point.journal_kinds = [e.kind for e in journal.entries()]
            point.journal_totals = journal.totals()
            point.receipts = len(booth.booth.receipts())
            point.problems += check_books(journal, point.cash_state, await booth.booth.control("server", "stats"),
                                          await booth.booth.control("server", "payments"),
                                          a4_jobs=len(await booth.booth.control("a4_printer", "delivered")),
                                          deliveries=await booth.booth.control("server", "deliveries"))
        finally:
            journal.close()
    return point


async def _in_workers(work: Sequence[Callable[[], Awaitable[Any]]], workers: int) -> list[Any]:
    """Run every piece of `work`, at most `workers` at a time, results in the order given."""
    results: list[Any] = [None] * len(work)
    indices = iter(range(len(work)))  # shared: each piece is taken by exactly one worker

    async def worker() -> None:
        for index in indices:
            results[index] = await work[index]()

    await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(work))))))
    return results


async def kill9_crashtest(paths: list[Path], *, every: int = 1, jobs: int = 1,
                          in_flight_ms: float = 0.0) -> list[ProcessKillPoint]:
    """Every `every`th kill point of every scenario, `jobs` at a time (each has its own booth). Card
    scenarios run afterwards, one kill point at a time: this process has one pcscd (its own, see
    simulators/smartcard/pcscd.py), whose readers they share."""
    card = [path for path in paths if scenario_uses_card(load_scenario(path)[1])]
    lanes = [([path for path in paths if path not in card], jobs), (card, 1)]
    points: list[ProcessKillPoint] = []
    for lane, workers in lanes:
        totals = await _in_workers([functools.partial(count_records_in_process, path) for path in lane], workers)

        async def one(path: Path, cut: int, total: int) -> ProcessKillPoint:
            point = await kill_at(path, cut, in_flight_ms=in_flight_ms)
            if not point.reached:
                status = "not reached this run"
            else:
                status = "ok" if not point.problems else "FAIL " + "; ".join(point.problems)
            when = f"{in_flight_ms:g} ms after" if in_flight_ms else "after"
            print(f"{path.stem} kill -9 {when} record {cut}/{total} ({point.kind}): {status}", flush=True)
            return point

        work = [functools.partial(one, path, cut, total) for path, total in zip(lane, totals, strict=True)
                for cut in range(1, total + 1, every)]
        points += await _in_workers(work, workers)
    return points


if __name__ == "__main__":
    raise SystemExit(child_main())
