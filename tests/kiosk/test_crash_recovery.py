"""Cut the power at every journal step of a paid session and of a cancelled one: after the restart no
session is open, every won is kept, returned or vouchered, and the cash box and the server agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.crashtest import count_records, crash_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("scenario", ["demo", "cancel_refund"])
async def test_every_kill_point_recovers_with_the_books_balanced(scenario: str) -> None:
    path = ROOT / "scenarios" / f"{scenario}.toml"
    total = await count_records(path)
    assert total >= 5  # a session journals every money and paper step
    failures = []
    for cut in range(1, total + 1):
        point = await crash_at(path, cut)
        if point.problems:
            failures.append(f"after record {cut} ({point.kind}): {'; '.join(point.problems)}")
    assert not failures, "\n".join(failures)
