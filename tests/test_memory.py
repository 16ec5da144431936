"""A booth that frees a session's memory gives it back to the system (common/memory.py): without it the
allocator keeps pages among the few still in use, and resident memory creeps up over months."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from common.memory import release_freed_memory

NOT_LINUX = sys.platform != "linux"
pytestmark = pytest.mark.skipif(NOT_LINUX, reason="a machine limit: needs Linux's /proc and glibc's malloc_trim")


def resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


def test_memory_freed_among_pages_still_in_use_goes_back_to_the_system() -> None:
    kept: list[bytes] = []
    freed: list[bytes] = []
    for i in range(40_000):  # ~60 MB of blocks past pymalloc's size, one in fifty kept
        freed.append(bytes(1500))
        if i % 50 == 0:
            kept.append(bytes(1500))  # pins every page: free() alone cannot shrink the heap
    del freed
    gc.collect()
    before = resident_kib()
    assert release_freed_memory()
    assert before - resident_kib() > 20_000  # KiB
    assert len(kept) == 800
