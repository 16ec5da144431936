"""Issue 17's notices, proven: the mobile number a resident typed for a text message reaches the
server's notice gateway once and is then nowhere the booth keeps anything: not in any log record (at
DEBUG), not in the journal, not in any file of the run or its output."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.privacy import redact
from kiosk.rig.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[2]
NUMBER = "01012345678"
SHAPES = (NUMBER, "010-1234-5678")


@pytest.mark.timeout(120)
async def test_a_notice_by_text_leaves_no_number_behind(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out_dir = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        result = await run_scenario(ROOT / "scenarios" / "notice_by_text.toml", out_dir=out_dir,
                                    keep_work_dir=True)
    assert result.work_dir is not None
    try:
        assert "notice" in result.screens  # the number was typed on the notice screen
        log_text = caplog.text
        for shape in SHAPES:
            assert shape not in log_text
        files = [p for p in result.work_dir.glob("journal.sqlite3*")] + [p for p in out_dir.rglob("*") if p.is_file()]
        assert any(p.name == "journal.sqlite3" for p in files)
        for path in files:
            data = path.read_bytes()
            for shape in SHAPES:
                assert shape.encode() not in data, path
    finally:
        shutil.rmtree(result.work_dir, ignore_errors=True)


def test_log_lines_mask_mobile_numbers_and_addresses_but_not_codes() -> None:
    assert redact(f"sending to {NUMBER}") == "sending to 01*-****-****"
    assert redact("to 010-1234-5678.") == "to 01*-****-****."
    assert redact("mail kim.minji@example.go.kr") == "mail ***@***"
    # Verification numbers, payment references and session ids stay whole.
    for code in ("0101-2345-6789-0123", "PAY-01012345678", "3f01012345678a9c"):
        assert redact(code) == code
