"""The technician's PIN, like a resident number, never leaves its path: typed into a `SecretBytes`, sent
to the card in one VERIFY, wiped. Not in the logs, the journal (nor its files), any view, any text drawn,
nor anything voice guidance said."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import ScenarioRun, _step


async def play(run: ScenarioRun, *steps: dict[str, Any]) -> None:
    for step in steps:
        await _step(run, step)


@pytest.fixture
async def run(tmp_path: Path) -> Any:
    booth = ScenarioRun(tmp_path, None, {"config": {"card": {"enabled": True}}})
    await booth.start()
    try:
        await play(booth, {"expect_screen": "idle"})
        yield booth
    finally:
        await booth.stop()


@pytest.mark.timeout(120)
async def test_the_pin_never_leaves_the_card_path(run: ScenarioRun, caplog: pytest.LogCaptureFixture) -> None:
    pin = "739184"
    drawn: list[str] = []
    run.on_view = lambda view: drawn.append(run.screens.drawn_text(view) if run.screens else "")
    with caplog.at_level(logging.DEBUG):
        await play(run, {"plug_earphone": True}, {"technician_card": {"id": "T0777", "pin": pin}},
                   {"expect_screen": "tech_login", "data": {"step": "pin", "technician": "T0777"}},
                   {"keys": "739185"}, {"tap": "ok"}, {"expect_data": {"error": "wrong-pin", "attempts_left": 2}},
                   {"keys": pin}, {"expect_data": {"digits": 6}}, {"tap": "ok"}, {"expect_screen": "maintenance"},
                   {"tap": "maint:exit"}, {"expect_screen": "idle"}, {"remove_card": True})
    kiosk = run.kiosk
    assert kiosk.technician is None
    rows = kiosk.journal.tail(500)
    views = [repr(v) for v in kiosk.published.views]
    for text in (caplog.text, "\n".join(repr(r) for r in rows), "\n".join(views), "\n".join(drawn)):
        assert pin not in text and "739185" not in text
    assert "T0777" in "\n".join(drawn)  # the card's id is shown, so the technician knows the card was read
    journal = (run.work_dir / "journal.sqlite3").read_bytes()
    for path in run.work_dir.glob("journal.sqlite3*"):
        assert pin.encode() not in path.read_bytes(), path
    assert pin.encode() not in journal
    failed = [e.detail for e in kiosk.journal.tail_of_kind("technician_login_failed", 5)]
    assert [(d["technician"], d["tries_left"]) for d in failed] == [("T0777", 2)]  # who, and the tries: not the PIN
    transcript = run.voice_output.directory / "transcript.jsonl"
    assert transcript.exists()  # the earphone was in: every screen was spoken
    assert pin not in transcript.read_text(encoding="utf-8")
