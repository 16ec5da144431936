"""Fixtures every test may use."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
