"""A card the server charged while the kiosk never journaled the answer is found and voided.

The power is cut in the instant between the acquirer's approval and the journal's `card_authorised`:
the journal holds only `card_authorise_intent`, the server an approved payment. After the restart the
resident's card must end voided at the server and the books must balance, whether the server answers
at boot or only later (the outbox, from the heartbeat). A lookup made while the session was open is
re-checked once it closed, so an approval that reached the acquirer late is voided too.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from card_chip_data import chip_data

from kiosk.journal import Journal
from kiosk.machine import S
from kiosk.rig.books import check_books
from kiosk.rig.scenario import PowerCut, ScenarioRun, _step, load_scenario

ROOT = Path(__file__).resolve().parents[2]
CARD_APPROVE = ROOT / "scenarios" / "card_approve.toml"
# Real seconds a step may take before the power cut is declared missed (harness patience, not product time).
PATIENCE_S = 30.0
HEARTBEAT_S = 31.0  # one heartbeat period (kiosk.controller.HEARTBEAT_SECONDS) and a second more


class LosesTheAnswer(Journal):
    """A journal whose power dies just before `card_authorised` is written: the server approved, the
    kiosk was told, and the record of it never reached the disk."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        self.dead = False
        self.died = asyncio.Event()

    def record(self, session: str, kind: str, *, at: str, amount: int = 0, ref: str = "", **detail: Any) -> int:
        if self.dead or kind == "card_authorised":
            self.dead = True
            self.died.set()
            raise PowerCut
        return super().record(session, kind, at=at, amount=amount, ref=ref, **detail)


@pytest.fixture
async def cut_after_approval() -> AsyncIterator[ScenarioRun]:
    """A card session played until the server approves; the power dies before the answer is journaled."""
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-card-recovery-"))
    _, settings, steps = load_scenario(CARD_APPROVE)
    run = ScenarioRun(work_dir, None, settings)
    journal = LosesTheAnswer(work_dir / "journal.sqlite3")
    run.journal_factory = lambda _path: journal
    try:
        await run.start()
        for step in steps:
            acting = asyncio.ensure_future(_step(run, step))
            death = asyncio.ensure_future(journal.died.wait())
            await asyncio.wait({acting, death}, timeout=PATIENCE_S, return_when=asyncio.FIRST_COMPLETED)
            death.cancel()
            if journal.dead:
                acting.cancel()
                with contextlib.suppress(BaseException):
                    await acting
                break
            await acting
        assert journal.dead, "the session never reached the card approval"
        # The kiosk's PC is dead: nothing more is written; its ports close as a dying process's would.
        await run.power_cut()
        journal.close()
        run.journal_factory = Journal
        yield run
    finally:
        await run.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


async def restart(run: ScenarioRun) -> None:
    """The watchdog boots a new kiosk on the same journal and devices; wait until recovery is over."""
    await run._start_kiosk()
    # A real booth's clock moves while recovery waits (a void retried after its back-off, a device's
    # deadline); here it is virtual, so once recovery has waited a real second, let time pass too.
    waited = 0
    while run.kiosk.state not in (S.IDLE, S.OUT_OF_SERVICE):
        if waited >= 150:
            raise AssertionError(f"recovery never finished (now in {run.kiosk.state})")
        await asyncio.sleep(0.1)
        waited += 1
        if waited % 10 == 0:
            await run.clock.advance(1.0)


async def books(run: ScenarioRun) -> list[str]:
    return check_books(run.kiosk.journal, await run.booth.control("cctalk", "state"),
                       await run.booth.control("server", "stats"), await run.booth.control("server", "payments"))


async def payment_states(run: ScenarioRun) -> list[str]:
    return [p["state"] for p in await run.booth.control("server", "payments")]


async def until_voided(run: ScenarioRun) -> None:
    deadline = asyncio.get_running_loop().time() + PATIENCE_S
    while await payment_states(run) != ["voided"]:
        assert asyncio.get_running_loop().time() < deadline, f"payment never voided: {await payment_states(run)}"
        await asyncio.sleep(0.01)


def card_rows(run: ScenarioRun) -> list[tuple[str, int, dict[str, Any]]]:
    return [(e.kind, e.amount, e.detail) for e in run.kiosk.journal.entries() if e.kind.startswith("card_")]


@pytest.mark.timeout(120)
async def test_an_approval_the_power_cut_kept_from_the_journal_is_voided_at_boot(
    cut_after_approval: ScenarioRun,
) -> None:
    run = cut_after_approval
    assert await payment_states(run) == ["approved"]  # charged, and the journal does not know
    on_disk = Journal(run.work_dir / "journal.sqlite3")
    assert on_disk.entries()[-1].kind == "card_authorise_intent"
    on_disk.close()

    await restart(run)

    assert await payment_states(run) == ["voided"]
    kinds = [k for k, _, _ in card_rows(run)]
    assert kinds[-4:] == ["card_authorised", "card_void_intent", "card_voided", "card_reconciled"]
    recovered = next(d for k, _, d in card_rows(run) if k == "card_authorised")
    assert recovered["recovered"] is True and recovered["masked_pan"] == "476173******0010"
    totals = run.kiosk.journal.totals()
    assert (totals["money_in"], totals["refunds"], totals["fees_kept"], totals["open_sessions"]) == (200, 200, 0, 0)
    assert await books(run) == []


@pytest.mark.timeout(120)
async def test_when_the_server_is_down_at_boot_the_heartbeat_voids_it_later(cut_after_approval: ScenarioRun) -> None:
    run = cut_after_approval
    await run.booth.control("server", "maintenance", on=True)

    await restart(run)

    assert run.kiosk.journal.totals()["open_sessions"] == 0  # the session is closed, the question is not
    assert "card_lookup_pending" in [k for k, _, _ in card_rows(run)]
    assert await payment_states(run) == ["approved"]
    for _ in range(3):  # heartbeats during the outage do not pile up pending records
        await run.clock.advance(HEARTBEAT_S)
        await asyncio.sleep(0.05)
    assert [k for k, _, _ in card_rows(run)].count("card_lookup_pending") == 1

    await run.booth.control("server", "maintenance", on=False)
    await run.clock.advance(HEARTBEAT_S)

    await until_voided(run)
    await run.until(lambda: "card_reconciled" in [k for k, _, _ in card_rows(run)], "lookup never journaled")
    assert await books(run) == []
    assert run.kiosk.journal.totals()["refunds"] == 200




@pytest.mark.timeout(120)
async def test_an_approval_that_reached_the_acquirer_after_the_sessions_lookup_is_voided_once_it_closed(
    tmp_path: Path,
) -> None:
    """The kiosk's in-session lookup found nothing (the lost request was still on its way); the
    approval lands afterwards. Once the session has closed, the outbox asks again and voids it."""
    _, settings, _ = load_scenario(CARD_APPROVE)
    run = ScenarioRun(tmp_path, None, settings)
    try:
        await run.start()
        await run.until(lambda: run.kiosk.state == S.IDLE, "the kiosk never became idle")
        kiosk = run.kiosk
        session = "late-approval-0001"
        for kind, amount, ref, detail in [
            ("session_opened", 0, "", {}),
            ("card_authorise_intent", 200, "", {"masked_pan": "476173******0010"}),
            ("card_authorise_failed", 0, "ServerTimeout", {}),
            ("card_reconciled", 0, "", {"final": False, "payments": 0}),
            ("card_declined", 0, "authorisation-unavailable", {}),
            ("session_closed", 0, "", {"outcome": "cancelled"}),
        ]:
            kiosk.record(session, kind, amount, ref, **detail)
        late = await kiosk.server.authorise_payment(session, amount=200, icc_data=await chip_data(200),
                                                    masked_pan="476173******0010")
        assert late.approved

        await run.clock.advance(HEARTBEAT_S)

        await until_voided(run)
        await run.until(lambda: any(e.kind == "card_reconciled" and e.detail.get("final")
                                    for e in kiosk.journal.entries(session)), "the final lookup never journaled")
        money = kiosk.journal.session_money(session)
        assert (money.money_in, money.refunds, money.unaccounted) == (200, 200, 0)
    finally:
        await run.stop()


@pytest.mark.timeout(120)
async def test_a_card_payment_being_given_back_is_voided_never_paid_back_in_coins(tmp_path: Path) -> None:
    """A recovered approval whose void failed, in a session the resident then paid in coins: at
    recovery the card is voided and the hopper pays nothing (paying coins for card money would give
    the resident the fee twice, once in coins and once when the void is finally delivered)."""
    _, settings, _ = load_scenario(CARD_APPROVE)
    run = ScenarioRun(tmp_path, None, settings)
    try:
        await run.start()
        await run.until(lambda: run.kiosk.state == S.IDLE, "the kiosk never became idle")
        kiosk = run.kiosk
        session = "given-back-0001"
        charged = await kiosk.server.authorise_payment(session, amount=200, icc_data=await chip_data(200),
                                                       masked_pan="476173******0010")
        for kind, amount, ref, detail in [
            ("session_opened", 0, "", {}),
            ("card_authorise_intent", 200, "", {}),
            ("card_authorised", 200, charged.reference, {"recovered": True}),
            ("card_void_intent", 200, charged.reference, {}),
            ("card_void_failed", 0, charged.reference, {}),
            ("coin_credited", 100, "", {}),
            ("coin_credited", 100, "", {}),
            ("fee_kept", 200, "", {}),
        ]:
            kiosk.record(session, kind, amount, ref, **detail)

        await run.power_cut()  # the kiosk dies here (its journal, ports and sockets closed as the OS would)
        await restart(run)

        assert await payment_states(run) == ["voided"]
        assert (await run.booth.control("cctalk", "state"))["hopper"]["won_paid_out"] == 0
        money = run.kiosk.journal.session_money(session)
        assert (money.money_in, money.fee_kept, money.refunds, money.unaccounted) == (400, 200, 200, 0)
    finally:
        await run.stop()
