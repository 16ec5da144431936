"""Rule 5, proven: after a whole session, no resident number or template byte is in the logs,
the journal, or any file the kiosk wrote."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.rig.scenario import run_scenario
from simulators.residents import captured_template, resident

ROOT = Path(__file__).resolve().parents[2]


def _windows(data: bytes, size: int = 16) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data) - size, size)]


@pytest.mark.timeout(120)
async def test_a_full_session_leaves_no_number_or_template_behind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    demo_resident = resident(0)
    digits = demo_resident.number.replace("-", "")
    tail = digits[7:]  # the six digits that must never be shown or kept
    out_dir = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        result = await run_scenario(ROOT / "scenarios" / "demo.toml", out_dir=out_dir, keep_work_dir=True)
    assert result.work_dir is not None
    try:
        log_text = caplog.text
        assert demo_resident.number not in log_text and digits not in log_text
        assert f"-{digits[6]}{tail}" not in log_text

        # Every file the kiosk wrote: the journal (with its WAL), its screenshots, copies of the output and
        # what voice guidance said (the demo has an earphone in: every screen spoken, as WAVs and a transcript).
        kiosk_files = [p for p in result.work_dir.glob("journal.sqlite3*")]
        kiosk_files += [p for p in out_dir.rglob("*") if p.is_file()]
        assert any(p.name == "journal.sqlite3" for p in kiosk_files)
        assert any(p.name == "transcript.jsonl" for p in kiosk_files)
        templates = [captured_template(0, 1, "zfm", capture=n) for n in range(3)]
        for path in kiosk_files:
            data = path.read_bytes()
            assert digits.encode() not in data, path
            assert demo_resident.number.encode() not in data, path
            assert f"{digits[6]}{tail}".encode() not in data, path
            for template in templates:
                assert not any(window in data for window in _windows(template)), path
    finally:
        shutil.rmtree(result.work_dir, ignore_errors=True)
