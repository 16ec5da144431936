"""Every won accounted for: random sessions of coins, bills, cancels and faults against the real kiosk.

One simulated booth (ccTalk bus on a PTY, ippeveprinter, the HTTPS server, ...) and one real controller
serve all the examples, as one kiosk serves resident after resident; hypothesis draws what each
resident does. After every session the journal must balance to the won (money in = fees kept + change
+ refunds + vouchers), and the cash box must agree three ways: the journal's rows, its per-denomination
counters, and what the ccTalk simulator itself saw go into the cash box and out of the hopper.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.machine import S
from kiosk.rig.scenario import ScenarioRun
from kiosk.views import Intent

# Real seconds the harness waits for the kiosk to get somewhere (not a product timeout).
PATIENCE = 15.0

Action = tuple[str, int]

ACTIONS = st.one_of(
    st.tuples(st.just("coin"), st.sampled_from([10, 50, 100, 500])),
    st.tuples(st.just("bill"), st.sampled_from([1000, 5000, 10000, 50000])),
    st.tuples(st.just("foreign"), st.just(0)),
    st.tuples(st.just("hopper"), st.sampled_from([0, 3, 200])),  # the hopper runs low or dry, or is refilled
    st.tuples(st.just("jam_print"), st.just(0)),  # the A4 printer will jam on the next document
    st.tuples(st.just("balk"), st.sampled_from([0, 1])),  # the hopper answers BUSY (0) or NAK (1) mid-payout
    st.tuples(st.just("cancel"), st.just(0)),
)


class Booth:
    """A booth and its kiosk on a loop of their own, shared by every hypothesis example."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.work = Path(tempfile.mkdtemp(prefix="kiosk-money-"))
        self.run = ScenarioRun(self.work, None, {})
        self.jammed = False

    def __call__(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def until(self, predicate: Any, what: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} (kiosk in {self.run.kiosk.state})")
            await asyncio.sleep(0.005)

    async def sim(self, simulator: str, command: str, **args: Any) -> Any:
        return await self.run.booth.control(simulator, command, **args)

    async def intent(self, name: str, **args: Any) -> None:
        await self.run.kiosk.handle_intent(Intent(name, args))

    def closed(self) -> bool:
        session = self.run.kiosk.session
        return session is None or session.closed

    async def screen(self, name: str) -> None:
        """Wait for a screen: the state's entry work has run once its view is published."""
        await self.until(lambda: self.run.kiosk.view.screen == name, f"screen {name!r} never came")

    async def to_payment(self) -> None:
        kiosk = self.run.kiosk
        await self.screen("idle")
        await self.intent("start")
        await self.screen("choose_document")
        await self.intent("choose_document", code="building_register")
        await self.screen("parcel")
        for digit in "57":
            await self.intent("digit", value=digit)
        await self.intent("confirm")
        await self.screen("options")
        await self.intent("confirm")
        await self.screen("payment")
        await self.until(lambda: kiosk.view.data_fields().get("accepting") is True, "the acceptors were never enabled")

    async def money_settled(self) -> None:
        """The till has handled everything the bus reported (no bill in escrow or on its way)."""
        till = self.run.kiosk.till
        journal = self.run.kiosk.journal

        def quiet() -> bool:
            worker = till._worker
            return (till._events.empty() and (worker is None or worker.done())
                    and till._no_bill_moving.is_set() and not till._escrow)

        for _ in range(3):  # the driver polls every 20 ms: let a poll or two come in
            await asyncio.sleep(0.05)
            await self.until(quiet, "the till never settled")
        state = await self.sim("cctalk", "state")
        rows = journal.entries()
        await self.until(lambda: sum(1 for e in journal.entries() if e.kind == "bill_stacked")
                         == len(state["bill"]["stacked"]), f"stacked bills not journaled: {state['bill']} {len(rows)}")

    async def play(self, actions: list[Action]) -> None:
        kiosk = self.run.kiosk
        await self.to_payment()
        for kind, value in actions:
            if kiosk.state != S.PAY:
                break
            if kind == "coin":
                await self.sim("cctalk", "insert_coin", value=value)
            elif kind == "bill":
                await self.sim("cctalk", "insert_bill", value=value)
            elif kind == "foreign":
                await self.sim("cctalk", "insert_foreign_coin")
            elif kind == "hopper":
                await self.sim("cctalk", "hopper_level", count=value)
            elif kind == "balk":
                await self.sim("cctalk", "hopper_balk", reply="nak" if value else "busy", times=4, after_coins=1)
            elif kind == "jam_print" and not self.jammed:
                await self.sim("a4_printer", "jam_next_job")
                self.jammed = True
            elif kind == "cancel":
                await self.intent("cancel")
                break
            await self.money_settled()
        if kiosk.state == S.PAY:
            await self.intent("cancel")
        await self.screen("done")
        await self.until(self.closed, "the session never settled")
        await self.intent("confirm")
        await self.money_settled()
        # Put the booth back for the next resident: clear a jam, refill the hopper.
        if self.jammed:
            await self.sim("a4_printer", "clear_jam")
            self.jammed = False
        await self.sim("cctalk", "hopper_level", count=200)
        kiosk.refill_hopper(200, source="test")  # journaled, as a technician's refill is
        await self.screen("idle")
        await self.until(lambda: kiosk.availability.open_reason == "", "the kiosk did not reopen")
        await self.until(lambda: kiosk.change_available() > 0, "the hopper refill was never seen")

    async def check_books(self) -> None:
        journal = self.run.kiosk.journal
        totals = journal.totals()
        assert totals["open_sessions"] == 0
        assert totals["money_in"] == (totals["fees_kept"] + totals["change"] + totals["refunds"]
                                      + totals["vouchers"]), totals
        for session in {e.session for e in journal.entries()}:
            assert journal.session_money(session).unaccounted == 0, journal.entries(session)
        state = await self.sim("cctalk", "state")
        box = journal.cash_box()
        by_counter = sum(int(key.split(":")[1]) * count for key, count in box.items())
        in_sim = sum(state["coin"]["accepted"]) + sum(state["bill"]["stacked"])
        assert by_counter == totals["money_in"] == in_sim, (box, totals, state)
        assert box.get("bill:50000", 0) == state["bill"]["stacked"].count(50000)
        paid_out = sum(e.amount for e in journal.entries() if e.kind in ("change_paid", "refund_paid"))
        assert state["hopper"]["won_paid_out"] == paid_out == totals["change"] + totals["refunds"]
        assert state["coin"]["master"] is False and state["bill"]["master"] is False  # no fee taken now

    async def stop(self) -> None:
        await self.run.stop()


@pytest.fixture  # one test: every hypothesis example shares it all the same (hence the suppressed health check)
def booth() -> Iterator[Booth]:
    b = Booth()
    try:
        b(b.run.start())
        yield b
    finally:
        b(b.stop())
        b.loop.close()
        shutil.rmtree(b.work, ignore_errors=True)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=5))
def test_every_won_is_accounted_for(booth: Booth, actions: list[Action]) -> None:
    booth(booth.play(actions))
    booth(booth.check_books())
