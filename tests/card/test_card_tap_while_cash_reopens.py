"""A "pay by card" tap is never lost while the last card attempt is still re-opening the cash acceptors.

After a failed card read the kiosk re-opens the coin and bill acceptors (a few ccTalk exchanges). A
resident who taps "pay by card" again inside that moment used to have the tap silently dropped: the
card put back in was never read, and the screen stayed on "card removed". On a loaded machine the
moment is long enough for a scenario to hit it (card_removed_early failed that way under load); here
the acceptors are made slow on purpose so the race is met every time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import run_scenario
from kiosk.till import Till

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "card_removed_early.toml"
SLOW_ACCEPTORS_SECONDS = 0.5  # a slow cash bus (real time: it is the race being widened, not a timeout)


@pytest.mark.timeout(120)
async def test_a_second_pay_by_card_tap_while_the_acceptors_reopen_is_not_lost(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reopen = Till.accept_cash

    async def slow_accept_cash(self: Till, *args: Any, **kwargs: Any) -> bool:
        await asyncio.sleep(SLOW_ACCEPTORS_SECONDS)
        return await reopen(self, *args, **kwargs)

    monkeypatch.setattr(Till, "accept_cash", slow_accept_cash)
    result = await run_scenario(SCENARIO)  # taps "pay by card" again right after the card was pulled
    assert result.journal_totals["open_sessions"] == 0
