"""The state diagram in the README and docs/ is the machine's own definition, not a drawing of it."""

from __future__ import annotations

from pathlib import Path

from kiosk.machine import TRANSITIONS, S
from kiosk.rig.diagram import mermaid, readme_block

ROOT = Path(__file__).resolve().parents[2]


def test_readme_shows_the_current_machine() -> None:
    assert readme_block() in (ROOT / "README.md").read_text(encoding="utf-8"), "run `make diagram`"
    assert (ROOT / "docs" / "state-diagram.mmd").read_text(encoding="utf-8") == mermaid(), "run `make diagram`"


def test_every_waiting_state_can_be_cancelled_and_abandoned() -> None:
    cancellable = {src for trig, sources, _ in TRANSITIONS if trig == "cancel" for src in sources}
    abandonable = {src for trig, sources, _ in TRANSITIONS if trig == "abandon" for src in sources}
    assert set(S.WAITING_FOR_PERSON) <= cancellable
    assert set(S.WAITING_FOR_PERSON) <= abandonable


def test_simulator_docs_list_every_control() -> None:
    from simulators.catalog import render

    assert (ROOT / "docs" / "simulators.md").read_text(encoding="utf-8") == render(), "run `make docs`"
