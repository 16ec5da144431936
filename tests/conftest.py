"""Fixtures every test may use."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from drivers.clock import VirtualClock

# Helper modules shared by test files in different folders (card_chip_data.py) import from here.
sys.path.insert(0, str(Path(__file__).parent))

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def clock() -> VirtualClock:
    """Time that moves only when the test says so."""
    return VirtualClock()
