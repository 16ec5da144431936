"""A booth that runs for months ("a month in a day"): sessions again and again on one kiosk.

Each round is one resident's session on one kiosk, its simulators and its journal, without restarting
anything. Most rounds are the demo session (a 주민등록표 등본 paid in coins) by touch; one in
`VOICE_EVERY` is the same with an earphone in (every screen spoken); one in `FAULT_EVERY` is a fault
from the scenarios (`FAULT_ROUNDS`: a paper jam, receipt paper out, the server dropping, a coin acceptor
reset, walk-aways), played on the same kiosk, after which the booth must come back to idle by itself or
with the technician's fix the scenario makes. Every `TECHNICIAN_EVERY` sessions a technician visits: the
hopper is filled again and the cash collected on the booth's console, the collection's count balanced
against the journal. At the end the books must balance (kiosk/rig/books.py).
After every round we sample what must stay flat over a
booth's life: the clock's sleepers, the kiosk's tasks, the process's open file descriptors and its
resident memory. A leak of a few kilobytes per session is a restart a week at a busy booth.

The virtual clock runs a session in under a second; the production clock (`MonotonicClock`) runs
the same steps in real time (the touch guard's wait before each tap really passes).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from common.clock import KST, MonotonicClock, VirtualClock
from kiosk.booth.logging_setup import setup_logging
from kiosk.booth.simulated import SimulatedBooth
from kiosk.rig.books import check_books
from kiosk.rig.remote_booth import RemoteBooth, write_booth_file
from kiosk.rig.scenario import ScenarioRun, _read_first, _step, load_scenario
from simulators.process import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo.toml"
# Checks of one session's own totals (or of the simulators' running counts): they hold for a fresh booth
# only, so rounds on a booth with history leave them out; the books are checked once, at the end.
_FRESH_BOOTH_ONLY = {"expect_printed", "expect_journal", "expect_books"}
# Faults, each a scenario of its own (scenarios/*.toml), played in turn every FAULT_EVERY sessions; extra
# steps after a scenario put back what it took away (a technician's visit).
FAULT_ROUNDS: dict[str, list[dict[str, Any]]] = {
    "print_jam": [],
    "walk_away_payment": [],
    "server_drop_after_reserve": [],
    "cash_acceptor_reset_mid_payment": [],
    "print_receipt_paper_out": [{"sim": {"simulator": "receipt_printer", "command": "paper_end",
                                         "args": {"on": False}}}],
    "fingerprint_walk_away": [],
}
FAULT_EVERY = 10  # a session in ten meets a fault or walks away
# A technician's visit, about weekly at a busy booth, as the change-low alert would call one: refunds
# take some 50 coins a thousand sessions, so without visits the hopper ran dry near session 4,000 and
# every refund after it became a voucher. On the booth's console: the hopper filled back to its float and
# the count typed, then the cash box emptied and collected, its count balanced against the journal.
TECHNICIAN_EVERY = 1000
# The first visit falls in the warm-up (100 sessions), as every kind of round does: the technician's
# screens fill their caches there, not in the growth the soak measures.
TECHNICIAN_FIRST = 51
HOPPER_FLOAT = int(tomllib.loads((ROOT / "config" / "kiosk.toml").read_text(encoding="utf-8"))["cash"]["hopper_float"])
TECHNICIAN_VISIT: list[dict[str, Any]] = [
    {"expect_screen": "idle"},
    {"console_maintenance": "root"},
    {"expect_screen": "maintenance"},
    {"tap": "maint:page:cash"},
    {"expect_screen": "maint_cash"},
    {"sim": {"simulator": "cctalk", "command": "hopper_level", "args": {"count": HOPPER_FLOAT}}},
    {"keys": str(HOPPER_FLOAT)},
    {"tap": "cash:refill"},
    {"expect_maint": {"do": "refill_hopper", "ok": True, "coins": HOPPER_FLOAT}},
    {"sim": {"simulator": "cctalk", "command": "empty_cash_box"}},
    {"tap": "cash:collect"},
    {"expect_maint": {"do": "collect_cash", "ok": True, "balanced": True, "difference": 0}},
    {"tap": "maint:exit"},
]
VOICE_EVERY = 20  # a session in twenty is a blind resident's, with the earphone in
# The soak's virtual clock starts at this Korean hour, on the latest such hour before the real now. Its
# 10,000 sessions span some twelve to twenty virtual hours, so every run crosses 02:00 and the nightly
# journal archival runs in it, whatever the hour it was started at. Started from the real now, one run
# reached 02:00 at session 8,050 (and hung in the archival then) and the next, started at noon, never did.
SOAK_STARTS_AT_HOUR = 21
# Virtual seconds the clock moves at a time while a round's end waits for the idle screen.
IDLE_STEP_SECONDS = 5.0
RSS_WINDOW = 25  # samples whose median is the resident memory at each end of the measured stretch
IDLE_STEPS = 60
T = TypeVar("T")


@dataclass(frozen=True)
class Sample:
    session: int
    held_sleepers: int  # entries the clock keeps (0 for the production clock: asyncio keeps them)
    kiosk_tasks: int  # the controller's own tasks
    loop_tasks: int  # every task on the event loop (drivers, simulators, the screens)
    open_fds: int
    rss_mib: float
    threads: int = 0
    journal_bytes: int = 0  # the journal's files (database and write-ahead log) on disk
    log_bytes: int = 0  # what the kiosk logged so far, at the production level and format
    seconds: float = 0.0  # wall time since the soak started


class RealTimeClock(VirtualClock):
    """The production clock where the scenario runner expects a virtual one: `advance` really waits."""

    def __init__(self) -> None:
        super().__init__()
        self._real = MonotonicClock()

    def monotonic(self) -> float:
        return self._real.monotonic()

    def now(self) -> dt.datetime:
        return self._real.now()

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)

    async def wait_for(self, aw: Awaitable[T], seconds: float) -> T:
        return await self._real.wait_for(aw, seconds)

    async def advance(self, seconds: float, *, turns_per_wake: int = 20) -> None:
        await asyncio.sleep(seconds)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    """Every thread of the process (Python's and the libraries' own)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def journal_bytes(path: Path) -> int:
    """The journal's size as SQLite sees it (pages in use, the write-ahead log's committed pages
    included): the file sizes jump when the log is checkpointed, this does not."""
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
        return int(pages) * int(size)
    finally:
        db.close()


class LogVolume(logging.Handler):
    """The production log (kiosk/booth/logging_setup.py: level, format, privacy filter) counted, not kept."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.bytes += len(self.format(record).encode()) + 1


def count_logs() -> LogVolume:
    """Set up logging as a booth does and count the bytes it would write."""
    setup_logging()
    root = logging.getLogger()
    counter = LogVolume()
    counter.setFormatter(root.handlers[0].formatter)
    counter.filters = list(root.handlers[0].filters)
    root.handlers[:] = [counter]
    return counter


def round_name(session: int) -> str:
    """What resident `session` (1-based) does: "demo", "voice", or a fault scenario's name; or a
    technician's visit ("technician_visit")."""
    if session % TECHNICIAN_EVERY == TECHNICIAN_FIRST:
        return "technician_visit"
    if session > 1 and session % FAULT_EVERY == 0:
        faults = list(FAULT_ROUNDS)
        return faults[(session // FAULT_EVERY - 1) % len(faults)]
    if session % VOICE_EVERY == VOICE_EVERY // 4:  # between two faults' sessions
        return "voice"
    return "demo"


def _holds_on_any_booth(step: dict[str, Any]) -> bool:
    """Not a check of running totals (`_FRESH_BOOTH_ONLY`, a simulator's stats): those hold on a fresh booth."""
    if _FRESH_BOOTH_ONLY & set(step):
        return False
    return not ("expect_sim" in step and step["expect_sim"].get("command") == "stats")


def round_steps(name: str, demo: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps of one round on a booth with history (see `_holds_on_any_booth`)."""
    if name == "technician_visit":
        return TECHNICIAN_VISIT
    if name in ("demo", "voice"):
        steps = [s for s in demo if _holds_on_any_booth(s)]
        plugged = name == "voice"
        return [{"plug_earphone": plugged} if "plug_earphone" in s else s for s in steps]
    _, _, steps = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    return [s for s in steps if _holds_on_any_booth(s)] + FAULT_ROUNDS[name]


async def back_to_idle(run: ScenarioRun) -> None:
    """After a round: the resident's last "ok" on a result screen, then the booth's own way back to
    idle (time passing on the clock). A booth that never comes back is the soak's failure."""
    assert run.screens is not None
    for _ in range(IDLE_STEPS):
        view = run.kiosk.view
        if view.screen == "idle" and view.data_fields().get("issuance_open") is True:
            return
        if view.screen == "done" and "ok" in run.screens.runner.widgets():
            _read_first(run)  # the touch guard ignores a tap on a screen nobody had time to read
            run.screens.runner.tap("ok")
            await asyncio.sleep(0.02)
            continue
        await run.clock.advance(IDLE_STEP_SECONDS)
    view = run.kiosk.view
    raise AssertionError(f"the booth never came back to idle (on {view.screen!r}, {view.data_fields()})")


def soak_clock_start(now: dt.datetime | None = None) -> dt.datetime:
    """The latest `SOAK_STARTS_AT_HOUR` o'clock, Korean time, at or before `now` (the real now)."""
    now = (now or dt.datetime.now(KST)).astimezone(KST)
    start = now.replace(hour=SOAK_STARTS_AT_HOUR, minute=0, second=0, microsecond=0)
    return start if start <= now else start - dt.timedelta(days=1)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# Readings per sample, a few milliseconds apart: the fewest tasks seen. One reading catches whatever is
# in flight at that instant (the idle screen's inhibit on the ccTalk bus, a heartbeat): not growth.
TASK_READINGS, TASK_READING_GAP_SECONDS = 5, 0.005
VOICE_DRAIN_SECONDS = 2.0  # real seconds; the recorded output plays at once, so this is synthesis only


async def _task_floors(run: ScenarioRun) -> tuple[int, int]:
    """The controller's own tasks and every task on the loop, each the fewest of a few readings, taken
    once voice guidance has said the idle screen (its engine's task is in flight for a tenth of a second)."""
    voice = run.app.voice if run.app is not None else None
    if voice is not None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(VOICE_DRAIN_SECONDS):
                await voice.drained()
    kiosk, loop = len(run.kiosk._tasks), len(asyncio.all_tasks())
    for _ in range(TASK_READINGS - 1):
        await asyncio.sleep(TASK_READING_GAP_SECONDS)
        kiosk, loop = min(kiosk, len(run.kiosk._tasks)), min(loop, len(asyncio.all_tasks()))
    return kiosk, loop


async def soak(sessions: int, *, real_clock: bool = False, booth_dir: Path | None = None,
               on_sample: Callable[[Sample], None] | None = None, faults: bool = True,
               books: list[str] | None = None, logs: LogVolume | None = None,
               rounds: list[str] | None = None, keep: int | None = None) -> list[Sample]:
    """Run `sessions` sessions on one kiosk (`round_name`: the demo, with voice, or a fault when `faults`);
    a sample after each one. With `booth_dir`, the simulators run in another process (`booth_process`)
    and this one holds only the kiosk. `books` receives what check_books finds wrong at the end. `rounds`
    (names as `round_name` gives them) replaces the month's plan: session n plays rounds[n - 1], in turn.
    With `keep`, only the first and the last `keep` samples are kept: 10,000 samples are themselves
    megabytes of the very memory the soak watches (`on_sample` sees every one: see `Peaks`)."""
    _, settings, demo = load_scenario(DEMO)
    plans: dict[str, list[dict[str, Any]]] = {}
    work_dir = booth_dir or Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    run = ScenarioRun(work_dir, None, settings, booth=RemoteBooth(booth_dir) if booth_dir else None,
                      clock=RealTimeClock() if real_clock else VirtualClock(soak_clock_start()))
    journal_path = work_dir / "journal.sqlite3"
    samples: list[Sample] = []
    started = time.perf_counter()
    try:
        await run.start()
        for session in range(1, sessions + 1):
            name = rounds[(session - 1) % len(rounds)] if rounds else round_name(session) if faults else "demo"
            steps = demo if session == 1 else plans.setdefault(name, round_steps(name, demo))
            try:
                for step in steps:
                    await _step(run, step)
                await back_to_idle(run)
            except AssertionError as exc:
                raise AssertionError(f"session {session} ({name}): {exc}") from exc
            if run.screens is not None:  # the harness's log of the screens shown is not the kiosk's memory
                run.screens.screens.clear()
                run.screens.shown_at.clear()
            run.voice_output.played.clear()  # nor the simulated sound card's list of what it played
            kiosk_tasks, loop_tasks = await _task_floors(run)
            sample = Sample(session, 0 if real_clock else run.clock.held_sleepers, kiosk_tasks, loop_tasks,
                            open_fds(), rss_mib(), threads(), journal_bytes(journal_path),
                            logs.bytes if logs is not None else 0, time.perf_counter() - started)
            samples.append(sample)
            if keep is not None and len(samples) > 2 * keep:
                del samples[keep]  # the middle of a long soak: the summary reads its ends and the peaks
            if on_sample is not None:
                on_sample(sample)
        if books is not None:
            books += check_books(run.kiosk.journal, await run.booth.control("cctalk", "state"),
                                 await run.booth.control("server", "stats"),
                                 await run.booth.control("server", "payments"))
    finally:
        await run.stop()
        if booth_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    return samples


# The unit's settings of the interpreter (PYTHON...) and of glibc's allocator (MALLOC_..._).
_RUNTIME_SETTINGS = ("Environment=PYTHON", "Environment=MALLOC_")


def unit_python_environment(unit: Path = ROOT / "systemd" / "kiosk.service") -> dict[str, str]:
    """The interpreter's and the allocator's settings the booth's unit gives the kiosk: the soak's kiosk
    runs as the booth's does, its memory allocators included (PYTHONMALLOC, MALLOC_MMAP_THRESHOLD_)."""
    settings: dict[str, str] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        name, _, value = line.removeprefix("Environment=").partition("=")
        if line.startswith(_RUNTIME_SETTINGS) and value:
            settings[name] = value
    return settings


async def soak_kiosk_alone(args: list[str]) -> str:
    """The simulators here, the kiosk in a child process (`python -m bench.soak --booth-dir ...`), so the
    child's memory is the kiosk's own, as on a booth where the devices are hardware. The child's output."""
    run_dir = Path(tempfile.mkdtemp(prefix="kiosk-soak-booth-"))
    booth = SimulatedBooth(run_dir, fast_poll=True, serve_controls=True)
    try:
        write_booth_file(run_dir, await booth.start())
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.soak", *args, "--booth-dir", str(run_dir), stdout=asyncio.subprocess.PIPE,
            env={**os.environ, **unit_python_environment()}, preexec_fn=die_with_parent())
        out, _ = await child.communicate()
        if child.returncode:
            raise RuntimeError(f"soak child exited {child.returncode}")
        return out.decode()
    finally:
        await booth.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@dataclass
class Peaks:
    """The highest readings over every sample of a soak, thinned (`keep`) or not."""

    held_sleepers: int = 0
    kiosk_tasks: int = 0

    def see(self, sample: Sample) -> None:
        self.held_sleepers = max(self.held_sleepers, sample.held_sleepers)
        self.kiosk_tasks = max(self.kiosk_tasks, sample.kiosk_tasks)


def _typical_rss_mib(samples: list[Sample]) -> float:
    """The median of a stretch of samples: one sample can land on a session's passing peak (the 10,000-session
    soak read 174.4 MiB at session 100, between 167.6 and 169.9), which would flatter or fail the growth."""
    return statistics.median(s.rss_mib for s in samples)


def summary(samples: list[Sample], warm_up: int, peaks: Peaks | None = None) -> dict[str, float]:
    """Growth from the end of the warm-up (caches filled, pools opened) to the last session. Resident memory
    compares the median of the warm-up's last `RSS_WINDOW` samples with that of the last `RSS_WINDOW`."""
    if peaks is None:
        peaks = Peaks()
        for sample in samples:
            peaks.see(sample)
    ended = min(warm_up, len(samples))
    base, last = samples[ended - 1], samples[-1]
    window = max(1, min(RSS_WINDOW, ended, len(samples) - ended))
    measured = max(1, last.session - base.session)
    return {
        "thread_growth": last.threads - base.threads,
        "journal_bytes_per_session": (last.journal_bytes - base.journal_bytes) / measured,
        "log_bytes_per_session": (last.log_bytes - base.log_bytes) / measured,
        "wall_seconds_per_session": (last.seconds - base.seconds) / measured,
        "wall_seconds": last.seconds,
        "sessions": last.session, "warm_up": warm_up,
        "rss_growth_mb": (_typical_rss_mib(samples[-window:]) - _typical_rss_mib(samples[:ended][-window:]))
        * 1.048576,
        "rss_first_mb": samples[0].rss_mib * 1.048576, "rss_last_mb": last.rss_mib * 1.048576,
        "max_held_sleepers": peaks.held_sleepers,
        "fd_growth": last.open_fds - base.open_fds, "loop_task_growth": _task_floor_growth(samples, warm_up),
        "max_kiosk_tasks": peaks.kiosk_tasks,
    }


def _task_floor_growth(samples: list[Sample], warm_up: int) -> int:
    """How far the floor of the loop's task count rose: the fewest tasks in the last `warm_up` samples
    minus the fewest in the warm-up's. One sample catches whatever is in flight at that instant (a poll, a
    heartbeat: 7 to 11 tasks from one session to the next); a leak lifts the floor itself."""
    window = max(1, min(warm_up, len(samples)))
    return (min(s.loop_tasks for s in samples[-window:])
            - min(s.loop_tasks for s in samples[:window]))


def main() -> int:
    """`python -m bench.soak --sessions N [--real-clock]`: one JSON line of `summary` on stdout."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--real-clock", action="store_true", help="the production MonotonicClock, in real time")
    parser.add_argument("--kiosk-alone", action="store_true",
                        help="simulators in this process, the kiosk (measured) in a child process")
    parser.add_argument("--no-faults", action="store_true", help="the demo session only, every round")
    parser.add_argument("--booth-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kiosk_alone:
        logging.disable(logging.WARNING)
        passed = ["--sessions", str(args.sessions), "--warm-up", str(args.warm_up)]
        passed += ["--real-clock"] if args.real_clock else []
        passed += ["--no-faults"] if args.no_faults else []
        sys.stdout.write(asyncio.run(soak_kiosk_alone(passed)))
        return 0
    logs = count_logs()

    peaks = Peaks()

    def progress(sample: Sample) -> None:
        peaks.see(sample)
        if sample.session % 50 == 0:
            print(f"bench: soak {sample}", file=sys.stderr, flush=True)

    books: list[str] = []
    # Walk-aways need the virtual clock: the production clock runs the demo only.
    samples = asyncio.run(soak(args.sessions, real_clock=args.real_clock, booth_dir=args.booth_dir,
                               on_sample=progress, faults=not (args.no_faults or args.real_clock), books=books,
                               logs=logs, keep=args.warm_up))
    print(json.dumps({**summary(samples, min(args.warm_up, args.sessions), peaks), "books_problems": books}),
          flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
