"""Fixtures every test may use, and three every test gets: no leaked task, thread or file descriptor."""

from __future__ import annotations

import asyncio
import asyncio.runners
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.clock import VirtualClock

# Helper modules shared by test files in different folders (card_chip_data.py) import from here.
sys.path.insert(0, str(Path(__file__).parent))

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def clock() -> VirtualClock:
    """Time that moves only when the test says so."""
    return VirtualClock()


@pytest.fixture(scope="session")
def pcscd() -> list[str]:
    """The vpcd readers of this test run's own pcscd: its own socket (PCSCLITE_CSOCK_NAME, set for
    this process and its children) and its own free TCP ports, so two runs on one machine, or a
    pcscd someone left running, never meet. Card booths of scenarios in this run use the same one.
    It stops when the run ends."""
    from simulators.smartcard.pcscd import PcscdUnavailable, shared_pcscd

    try:
        return shared_pcscd().readers
    except PcscdUnavailable as exc:
        pytest.fail(str(exc))


# --- leaks: what a test leaves behind fails it ---------------------------------------------------------------
#
# A booth runs for months: a task, thread or file descriptor left over per session is a booth that stops after
# some thousands of residents. So every test is checked, by three autouse fixtures. Each compares the world just
# before the test's function-scoped fixtures are set up with the world just after they are torn down (pytest
# sets up fixtures of a wider scope first, so a session's pcscd or a module's printer simulator is in "before"
# and never counts). What keeps the checks from being flaky:
# - a thread or descriptor may still be closing when the test returns (a transport closes its socket on the
#   loop's next turn, a waitpid thread ends when its process does): each check waits a bounded while
#   (LEAK_WAIT_SECONDS) for them, and a clean test waits not at all;
# - an object that holds a descriptor but is garbage closes it whenever the collector happens to run; the
#   collector is run first, so the answer does not depend on when it last ran: what is left is held by
#   something alive, a leak that piles up;
# - descriptors are compared by number and target together (a number closed and reused is a new one), and
#   descriptors that vanish are not leaks;
# - libraries that open a file once and keep it (a font, a shared library, the random device) are not leaks:
#   read-only files of the system, the venv and this checkout are ignored (LIBRARY_FILES);
# - a test that failed is not checked again: it stopped half-way, and its own failure is the one to read.

LEAK_WAIT_SECONDS = 2.0
_HERE = Path(__file__).resolve().parent.parent
LIBRARY_FILES = (sys.prefix, sys.base_prefix, "/usr/", "/lib", "/etc/", str(_HERE / "common"),
                 "/dev/urandom", "/dev/random", "/dev/null")

_pending_at_loop_end: list[asyncio.Task[Any]] = []


def _note_tasks_that_do_not_end(loop: asyncio.AbstractEventLoop) -> None:
    """Tasks still pending as the loop ends, given a bounded while to end on their own first (a transport
    that was closed finishes closing in a task of its own, on a later turn of the loop)."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if pending and not loop.is_running() and not loop.is_closed():
        loop.run_until_complete(asyncio.wait(pending, timeout=LEAK_WAIT_SECONDS))
    _pending_at_loop_end.extend(task for task in pending if not task.done())


_cancel_all_tasks = asyncio.runners._cancel_all_tasks  # type: ignore[attr-defined]


def _note_pending_then_cancel(loop: asyncio.AbstractEventLoop) -> None:
    """asyncio.run and pytest-asyncio's runner cancel whatever tasks are still pending when the loop ends;
    a task the test did not finish or cancel itself is a leak. Noted here, before the runner cancels it."""
    _note_tasks_that_do_not_end(loop)
    _cancel_all_tasks(loop)


asyncio.runners._cancel_all_tasks = _note_pending_then_cancel  # type: ignore[attr-defined]
_close_loop = asyncio.BaseEventLoop.close


def _note_pending_then_close(self: asyncio.BaseEventLoop) -> None:
    """A loop closed by hand (not by a runner) drops its pending tasks: noted too."""
    _note_tasks_that_do_not_end(self)
    _close_loop(self)


asyncio.BaseEventLoop.close = _note_pending_then_close  # type: ignore[method-assign]


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "leak_check_call_report", None)
    return report is not None and report.failed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call":
        item.leak_check_call_report = report  # type: ignore[attr-defined]
    return report


@pytest.fixture(autouse=True)
def no_leaked_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every task the test (or its fixtures) started has ended when its event loop ends."""
    _pending_at_loop_end.clear()
    yield
    leaked = list(_pending_at_loop_end)
    _pending_at_loop_end.clear()
    if leaked and not _failed(request):
        pytest.fail(f"{len(leaked)} asyncio task(s) still pending when the test's event loop ended (await or "
                    "cancel every task you start, and stop what you started):\n"
                    + "\n".join(f"  {task!r}" for task in leaked), pytrace=False)


@pytest.fixture(autouse=True)
def no_leaked_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every thread the test started has ended (daemon or not) once it is over, after a bounded wait."""
    before = set(threading.enumerate())
    yield
    if _failed(request):
        return
    deadline = time.monotonic() + LEAK_WAIT_SECONDS
    alive = []
    for thread in threading.enumerate():
        if thread not in before and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                alive.append(thread)
    if alive:
        pytest.fail(f"{len(alive)} thread(s) the test started still run {LEAK_WAIT_SECONDS} s after it ended "
                    "(stop and join every thread you start):\n" + "\n".join(f"  {t!r}" for t in alive),
                    pytrace=False)


def _open_fds() -> set[tuple[int, str]]:
    """(number, target) of every descriptor open now, but the library files a process keeps open."""
    found = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed meanwhile (the listing's own descriptor is)
            target = os.readlink(f"/proc/self/fd/{name}")
            if not (target.startswith(LIBRARY_FILES) and os.path.isfile(target)):
                found.add((int(name), target))
    return found


@pytest.fixture(autouse=True)
def no_leaked_fds(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every file descriptor the test opened (socket, pipe, pty, file, event loop) is closed once it is over,
    after a bounded wait for those still closing."""
    before = _open_fds()
    yield
    if _failed(request):
        return
    deadline = time.monotonic() + LEAK_WAIT_SECONDS
    gc.collect()
    while (left := _open_fds() - before) and time.monotonic() < deadline:
        time.sleep(0.02)
    if left:
        pytest.fail(f"{len(left)} file descriptor(s) the test opened are still open {LEAK_WAIT_SECONDS} s after "
                    "it ended (close every socket, file, process pipe and event loop you open):\n"
                    + "\n".join(f"  fd {fd} -> {target}" for fd, target in sorted(left)), pytrace=False)
