"""A booth that runs for months: the same session, again and again, on one kiosk.

Each round is the demo session (a 주민등록표 등본 paid in coins) on one kiosk, its simulators and its
journal, without restarting anything. After every round we sample what must stay flat over a
booth's life: the clock's sleepers, the kiosk's tasks, the process's open file descriptors and its
resident memory. A leak of a few kilobytes per session is a restart a week at a busy booth.

The virtual clock runs a session in under a second; the production clock (`MonotonicClock`) runs
the same steps in real time (the touch guard's wait before each tap really passes).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from common.clock import MonotonicClock, VirtualClock
from kiosk.booth.simulated import SimulatedBooth
from kiosk.rig.remote_booth import RemoteBooth, write_booth_file
from kiosk.rig.scenario import ScenarioRun, _step, load_scenario
from simulators.process import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo.toml"
# Checks of one session's own totals: they hold for the first round only.
_FIRST_ROUND_ONLY = {"expect_printed", "expect_journal"}
T = TypeVar("T")


@dataclass(frozen=True)
class Sample:
    session: int
    held_sleepers: int  # entries the clock keeps (0 for the production clock: asyncio keeps them)
    kiosk_tasks: int  # the controller's own tasks
    loop_tasks: int  # every task on the event loop (drivers, simulators, the screens)
    open_fds: int
    rss_mib: float


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
               on_sample: Callable[[Sample], None] | None = None) -> list[Sample]:
    """Run `sessions` demo sessions on one kiosk; a sample after each one. With `booth_dir`, the
    simulators run in another process (`booth_process`) and this one holds only the kiosk."""
    _, settings, steps = load_scenario(DEMO)
    repeat = [s for s in steps if not _FIRST_ROUND_ONLY & set(s)]
    work_dir = booth_dir or Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    run = ScenarioRun(work_dir, None, settings, booth=RemoteBooth(booth_dir) if booth_dir else None,
                      clock=RealTimeClock() if real_clock else None)
    samples: list[Sample] = []
    try:
        await run.start()
        for session in range(1, sessions + 1):
            for step in steps if session == 1 else repeat:
                await _step(run, step)
            if run.screens is not None:  # the harness's log of the screens shown is not the kiosk's memory
                run.screens.screens.clear()
                run.screens.shown_at.clear()
            kiosk_tasks, loop_tasks = await _task_floors(run)
            sample = Sample(session, 0 if real_clock else run.clock.held_sleepers, kiosk_tasks, loop_tasks,
                            open_fds(), rss_mib())
            samples.append(sample)
            if on_sample is not None:
                on_sample(sample)
    finally:
        await run.stop()
        if booth_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    return samples


async def soak_kiosk_alone(args: list[str]) -> str:
    """The simulators here, the kiosk in a child process (`python -m bench.soak --booth-dir ...`), so the
    child's memory is the kiosk's own, as on a booth where the devices are hardware. The child's output."""
    run_dir = Path(tempfile.mkdtemp(prefix="kiosk-soak-booth-"))
    booth = SimulatedBooth(run_dir, fast_poll=True, serve_controls=True)
    try:
        write_booth_file(run_dir, await booth.start())
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.soak", *args, "--booth-dir", str(run_dir), stdout=asyncio.subprocess.PIPE,
            preexec_fn=die_with_parent())
        out, _ = await child.communicate()
        if child.returncode:
            raise RuntimeError(f"soak child exited {child.returncode}")
        return out.decode()
    finally:
        await booth.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def summary(samples: list[Sample], warm_up: int) -> dict[str, float]:
    """Growth from the end of the warm-up (caches filled, pools opened) to the last session."""
    base = samples[min(warm_up, len(samples)) - 1]
    last = samples[-1]
    return {
        "sessions": len(samples), "warm_up": warm_up,
        "rss_growth_mb": (last.rss_mib - base.rss_mib) * 1.048576,
        "rss_first_mb": samples[0].rss_mib * 1.048576, "rss_last_mb": last.rss_mib * 1.048576,
        "max_held_sleepers": max(s.held_sleepers for s in samples),
        "fd_growth": last.open_fds - base.open_fds, "loop_task_growth": _task_floor_growth(samples, warm_up),
        "max_kiosk_tasks": max(s.kiosk_tasks for s in samples),
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
    import logging

    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--real-clock", action="store_true", help="the production MonotonicClock, in real time")
    parser.add_argument("--kiosk-alone", action="store_true",
                        help="simulators in this process, the kiosk (measured) in a child process")
    parser.add_argument("--booth-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.kiosk_alone:
        passed = ["--sessions", str(args.sessions), "--warm-up", str(args.warm_up)]
        sys.stdout.write(asyncio.run(soak_kiosk_alone(passed + (["--real-clock"] if args.real_clock else []))))
        return 0

    def progress(sample: Sample) -> None:
        if sample.session % 50 == 0:
            print(f"bench: soak {sample}", file=sys.stderr, flush=True)

    samples = asyncio.run(soak(args.sessions, real_clock=args.real_clock, booth_dir=args.booth_dir,
                               on_sample=progress))
    print(json.dumps(summary(samples, min(args.warm_up, args.sessions))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
