"""Card voids the outbox owes (kiosk.outbox._deliver_card_voids), against the real payment simulator:
a partial cancel a power cut interrupted is delivered as that partial cancel (the copy printed stays
charged), and a void the acquirer refuses for good is journaled for the technician without holding
up the voids owed after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from card_chip_data import chip_data

from kiosk.machine import S
from kiosk.rig.scenario import ScenarioRun, load_scenario

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_S = 31.0  # one heartbeat period (kiosk.controller.HEARTBEAT_SECONDS) and a second more
MASKED = "476173******0010"


async def _booth(tmp_path: Path) -> ScenarioRun:
    _, settings, _ = load_scenario(ROOT / "scenarios" / "card_approve.toml")
    run = ScenarioRun(tmp_path, None, settings)
    await run.start()
    await run.until(lambda: run.kiosk.state == S.IDLE, "the kiosk never became idle")
    return run


def _closed_session(run: ScenarioRun, session: str, rows: list[tuple[str, int, str, dict[str, Any]]]) -> None:
    run.kiosk.record(session, "session_opened")
    for kind, amount, ref, detail in rows:
        run.kiosk.record(session, kind, amount, ref, **detail)
    run.kiosk.record(session, "session_closed", outcome="partial")


async def _payments(run: ScenarioRun) -> dict[str, tuple[str, int]]:
    return {p["reference"]: (p["state"], p["amount"]) for p in await run.booth.control("server", "payments")}


@pytest.mark.timeout(120)
async def test_a_partial_cancel_cut_short_is_delivered_as_a_partial_cancel(tmp_path: Path) -> None:
    run = await _booth(tmp_path)
    try:
        session = "partial-cut-0001"
        paid = await run.kiosk.server.authorise_payment(session, amount=600, icc_data=await chip_data(600),
                                                        masked_pan=MASKED)
        part = {"partial": True, "remaining": 200}
        _closed_session(run, session, [("card_authorised", 600, paid.reference, {"masked_pan": MASKED}),
                                       ("fee_kept", 200, "", {}),
                                       ("card_void_intent", 400, paid.reference, part),
                                       ("card_void_failed", 400, paid.reference, part)])

        await run.clock.advance(HEARTBEAT_S)
        await run.until(lambda: run.kiosk.journal.session_money(session).unaccounted == 0,
                        lambda: f"not settled: {run.kiosk.journal.session_money(session)}")

        assert (await _payments(run))[paid.reference] == ("approved", 200)
    finally:
        await run.stop()


@pytest.mark.timeout(120)
async def test_a_void_refused_for_good_does_not_block_the_voids_after_it(tmp_path: Path) -> None:
    run = await _booth(tmp_path)
    try:
        # The acquirer does not know this one (a payment its sandbox forgot): 404 unknown-payment, forever.
        _closed_session(run, "refused-void-0001", [("card_authorised", 200, "PAY-NEVERHEARDOFTHIS", {}),
                                                   ("card_void_failed", 200, "PAY-NEVERHEARDOFTHIS", {})])
        owed = await run.kiosk.server.authorise_payment("owed-void-0002", amount=200,
                                                        icc_data=await chip_data(200), masked_pan=MASKED)
        _closed_session(run, "owed-void-0002", [("card_authorised", 200, owed.reference, {}),
                                                ("card_void_failed", 200, owed.reference, {})])

        await run.clock.advance(HEARTBEAT_S)
        await run.until(lambda: run.kiosk.journal.session_money("owed-void-0002").unaccounted == 0,
                        "the void owed after the refused one was never delivered")

        assert (await _payments(run))[owed.reference][0] == "voided"
        refused = [e for e in run.kiosk.journal.entries("refused-void-0001") if e.kind == "card_void_refused"]
        assert [(e.ref, e.detail.get("reason")) for e in refused] == [("PAY-NEVERHEARDOFTHIS", "unknown-payment")]
        await run.clock.advance(HEARTBEAT_S)  # refused for good: never asked again
        intents = [e for e in run.kiosk.journal.entries("refused-void-0001") if e.kind == "card_void_intent"]
        assert len(intents) == 1
    finally:
        await run.stop()
