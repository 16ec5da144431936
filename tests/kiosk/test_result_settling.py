"""The result screen shows amounts only when they are final, and its OK always answers.

It used to appear before the session was settled (first frame: change 800, refund 0; the next:
refund 200) and ignore OK until then.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import ScenarioRun, _step
from kiosk.views import View

AMOUNTS = ("outcome", "change", "refund", "voucher", "fee_kept")

TO_PAYMENT: list[dict[str, Any]] = [
    {"expect_screen": "idle"}, {"tap": "start"}, {"tap": "doc:resident_copy"}, {"keys": "9001011720624"},
    {"tap": "ok"}, {"place_finger": {"resident": 0, "finger": 1}}, {"expect_screen": "options"},
    {"lift_finger": True}, {"tap": "ok"}, {"expect_screen": "payment", "data": {"total": 200}},
]


async def _play(run: ScenarioRun, steps: list[dict[str, Any]]) -> None:
    for step in steps:
        await _step(run, step)


def _done_views(views: list[View]) -> list[dict[str, Any]]:
    return [v.data_fields() for v in views if v.screen == "done"]


@pytest.mark.timeout(120)
async def test_no_amount_is_shown_before_the_session_is_settled(tmp_path: Path) -> None:
    run = ScenarioRun(tmp_path, None, {})
    views: list[View] = []
    run.on_view = views.append
    await run.start()
    try:
        await _play(run, [*TO_PAYMENT, {"insert_bill": 1000},
                          {"expect_screen": "done", "data": {"outcome": "issued", "change": 800, "settled": True}}])
        done = _done_views(views)
        assert done, "no result screen"
        for data in done:
            if not data["settled"]:
                assert data.get("settling") is True and not set(AMOUNTS) & set(data), data
        amounts = {(d.get("change"), d.get("refund")) for d in done if not d.get("settling")}
        assert amounts == {(800, 0)}, f"the amounts on the result screen changed: {amounts}"
    finally:
        await run.stop()


@pytest.mark.timeout(120)
async def test_ok_pressed_while_settling_is_answered_and_honoured(tmp_path: Path) -> None:
    run = ScenarioRun(tmp_path, None, {})
    views: list[View] = []
    run.on_view = views.append
    await run.start()
    try:
        await _play(run, [*TO_PAYMENT, {"insert_coin": 100}, {"expect_data": {"paid": 100}}])
        till = run.kiosk.till
        settle, gate = till.settle, asyncio.Event()

        async def slow_settle(session: Any) -> None:  # the hopper takes its time paying the refund
            await gate.wait()
            await settle(session)

        till.settle = slow_settle  # type: ignore[method-assign]
        await _play(run, [{"tap": "cancel"}, {"expect_screen": "done", "data": {"settling": True}},
                          {"tap": "ok"}, {"expect_data": {"settling": True, "ok_pressed": True}}])
        assert run.kiosk.view.screen == "done"
        assert not set(AMOUNTS) & set(run.kiosk.view.data_fields())
        gate.set()
        await _play(run, [{"expect_screen": "idle"}, {"expect_journal": {"money_in": 100, "refunds": 100,
                                                                          "open_sessions": 0}}])
        final = [d for d in _done_views(views) if not d.get("settling")]
        assert final and final[-1]["refund"] == 100 and final[-1]["outcome"] == "refunded"
    finally:
        await run.stop()
