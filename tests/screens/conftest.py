"""Screen tests: every runner a test makes is closed afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers_screens import Recorder, runner

from screens.runner import ScreenRunner


@pytest.fixture
def ui() -> Iterator[tuple[ScreenRunner, Recorder]]:
    r, rec = runner()
    try:
        yield r, rec
    finally:
        r.close()
