"""Fixtures every test may use."""

from __future__ import annotations

import os

import pytest

from drivers.clock import VirtualClock

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def clock() -> VirtualClock:
    """Time that moves only when the test says so."""
    return VirtualClock()
