"""One kiosk per run directory: an advisory lock held for the life of `kiosk run`.

Everything a running kiosk serves lives in its run directory: the touch and simulator control
sockets, the simulated booth's journal and spool. A second kiosk started there would bind the same
socket paths (taking them from the first) and delete them on its way out, leaving the first kiosk
deaf to `kiosk tap`, `kiosk screen` and `kiosk sim`. So `kiosk run` takes this lock before it
creates, recovers or binds anything, and a second one stops at once with one line saying which
process holds the directory.

The lock is `flock(2)` on ``<run dir>/kiosk.lock``: the kernel drops it when the holder dies, even by
SIGKILL or a power cut, so a crashed kiosk never leaves a stale lock behind. The file itself stays
(deleting it would let two processes lock two different files of the same name); it holds the pid of
the last holder, for the message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "kiosk.lock"


class RunDirBusy(RuntimeError):
    """Another live process holds the run directory's lock."""

    def __init__(self, run_dir: Path, holder: str) -> None:
        self.run_dir = run_dir
        self.holder = holder
        who = f"pid {holder}" if holder else "another process"
        super().__init__(f"another kiosk ({who}) is already running in {run_dir}/; stop it first, "
                         f"or give this one its own directory with KIOSK_RUN_DIR")


class RunDirLock:
    """Held from `acquire()` until `release()` or the process ends."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.path = run_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise `RunDirBusy` at once (never waits)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise RunDirBusy(self.run_dir, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing the last descriptor drops the flock
