"""Cut the power at every journal step of a paid session and of a cancelled one: after the restart no
session is open, every won is kept, returned or vouchered, and the cash box and the server agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.rig.crashtest import count_records, crash_at, record_kinds
from kiosk.rig.scenario import ScenarioRun

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


@pytest.mark.timeout(300)
async def test_a_coin_that_dropped_during_the_cancel_refund_is_refunded_whenever_the_power_goes() -> None:
    # cash_coin_drops_at_cancel: a coin lands while the first one is being paid back. Cut the power
    # at every step from that refund to the end of the session: recovery refunds both, once each.
    path = ROOT / "scenarios" / "cash_coin_drops_at_cancel.toml"
    kinds = await record_kinds(path)
    first = kinds.index("refund_intent") + 1

    async def motor_runs_again(run: ScenarioRun) -> None:
        await run.booth.control("cctalk", "hopper_hold", on=False)

    failures = []
    for cut in range(first, len(kinds) + 1):
        point = await crash_at(path, cut, while_down=motor_runs_again)
        if point.problems:
            failures.append(f"after record {cut} ({point.kind}): {'; '.join(point.problems)}")
    assert not failures, "\n".join(failures)
    assert kinds.count("coin_credited") == 2 and kinds.count("refund_paid") == 2
