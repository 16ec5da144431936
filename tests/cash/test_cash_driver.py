"""The cash driver against the simulated ccTalk bus over a real PTY: money in, money out, faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from recording_backoff import RecordingBackoff

from common.backoff import Backoff
from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.cash import (
    BillEscrowed,
    BillReturned,
    BillStacked,
    CashAcceptor,
    CashConfig,
    CashEvent,
    CashFault,
    CoinCredited,
    CoinRejected,
    DispenseError,
    DispenseResult,
    EscrowEmptyError,
    LostEvents,
)
from simulators.cctalk import CcTalkSimulator

REPO = Path(__file__).resolve().parents[2]


async def until(predicate: Callable[[], bool], within: float = 30.0) -> None:
    """Wait (real time) until `predicate` holds; the driver polls every few milliseconds in tests.
    `within` only guards against a hang: a silent bus costs the virtual clock's real-time patience at
    each unanswered poll (2.7 s in all to go offline and back), and 3 s failed once on a loaded machine."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.003)


class Rig:
    """A simulator, a driver wired to it, and what the driver reported."""

    def __init__(self, sim: CcTalkSimulator, clock: VirtualClock) -> None:
        self.sim = sim
        self.clock = clock
        self.events: list[CashEvent] = []
        self.statuses: list[DeviceStatus] = []
        self.cash: CashAcceptor | None = None

    async def connect(self, **config: Any) -> CashAcceptor:
        fast: dict[str, Any] = {"poll_interval": 0.004, "idle_poll_interval": 0.008, "payout_poll_interval": 0.002}
        cfg = CashConfig(port=str(self.sim.link), **{**fast, **config})
        self.cash = CashAcceptor(cfg, clock=self.clock, on_event=self.events.append,
                                 on_status=self.statuses.append, backoff=Backoff(base=0.005, cap=0.02))
        await self.cash.start()
        return self.cash

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def settle(self, polls: int = 8) -> None:
        """Let the driver poll a few more times (to prove nothing is counted twice)."""
        start = self.sim.requests
        await until(lambda: self.sim.requests >= start + polls)


@contextlib.asynccontextmanager
async def rig(tmp_path: Path, clock: VirtualClock, **sim_args: Any) -> AsyncIterator[Rig]:
    sim = CcTalkSimulator(link=tmp_path / "cctalk", coin_interval=0.002, **sim_args)
    await sim.start()
    r = Rig(sim, clock)
    try:
        yield r
    finally:
        if r.cash is not None:
            await r.cash.close()
        await sim.stop()


@contextlib.asynccontextmanager
async def clock_pump(clock: VirtualClock, step: float = 0.01) -> AsyncIterator[None]:
    """Move virtual time on so unanswered requests reach their deadline (silence, noise)."""

    async def pump() -> None:
        while True:
            await clock.advance(step)

    task = asyncio.create_task(pump())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# ------------------------------------------------------------------ coins


async def test_coins_are_credited_exactly_once_and_inhibited_ones_rejected(tmp_path: Path,
                                                                          clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        assert cash.status.state is DeviceState.ONLINE
        assert r.sim.state()["coin"]["master"] is False  # inhibited while no fee is taken
        await cash.enable(coins=[100, 500], bills=[])
        assert r.sim.state()["coin"]["enabled"] == [3, 4]
        assert r.sim.insert_coin(100) == "accepted"
        assert r.sim.insert_coin(500) == "accepted"
        assert r.sim.insert_coin(10) == "inhibited"
        await until(lambda: len(r.of(CoinCredited)) == 2 and len(r.of(CoinRejected)) == 1)
        await r.settle()
        assert [c.value for c in r.of(CoinCredited)] == [100, 500]
        assert [c.counter for c in r.of(CoinCredited)] == [1, 2]  # the acceptor's own event numbers
        assert r.of(CoinRejected)[0].reason == "inhibited"
        await cash.disable()
        assert r.sim.state()["coin"]["master"] is False
        assert r.sim.insert_coin(100) == "inhibited"


async def test_foreign_coin_is_rejected_as_fraud_not_credited(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[])
        r.sim.insert_foreign_coin()
        r.sim.insert_foreign_coin(kind="unknown")
        await until(lambda: len(r.of(CoinRejected)) == 2)
        assert [e.reason for e in r.of(CoinRejected)] == ["fraud", "unknown-coin"]
        assert r.of(CoinCredited) == []


async def test_coin_buffer_overflow_reports_exactly_the_lost_events(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[])
        for _ in range(7):  # between two polls: the acceptor keeps only the last five
            r.sim.insert_coin(100)
        await until(lambda: bool(r.of(LostEvents)))
        await r.settle()
        assert r.of(LostEvents) == [LostEvents("coin", 2)]
        assert len(r.of(CoinCredited)) == 5


async def test_device_reset_reapplies_inhibits_and_reports_possible_loss(tmp_path: Path,
                                                                       clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[1000])
        r.sim.insert_coin(100)
        await until(lambda: len(r.of(CoinCredited)) == 1)
        r.sim.reset("coin")
        r.sim.reset("bill")
        assert r.sim.state()["coin"]["master"] is False
        await until(lambda: r.sim.state()["coin"]["master"] and r.sim.state()["bill"]["master"])
        # The coin counter had moved, so its reset may have swallowed events; the bill's was still 0.
        assert r.of(LostEvents) == [LostEvents("coin", None)]
        assert r.sim.state()["bill"]["enabled"] == [1]
        assert r.sim.state()["coin"]["enabled"] == [3]
        assert r.sim.insert_coin(100) == "accepted"
        await until(lambda: len(r.of(CoinCredited)) == 2)


async def test_coin_jam_is_a_hardware_error_until_cleared(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[])
        r.sim.jam("coin")
        await until(lambda: cash.status.reason == "coin-jam")
        assert cash.status.state is DeviceState.HARDWARE_ERROR
        assert CashFault("coin", "jam", "coin acceptor error code 14") in r.events
        r.sim.clear_jam("coin")
        await until(lambda: cash.status.state is DeviceState.ONLINE)


# ------------------------------------------------------------------ bills


async def test_bill_escrowed_then_stacked(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[], bills=[1000, 5000])
        assert r.sim.insert_bill(5000) == "escrow"
        await until(lambda: bool(r.of(BillEscrowed)))
        assert r.of(BillEscrowed) == [BillEscrowed(5000)]
        await cash.route_bill(stack=True)
        await until(lambda: bool(r.of(BillStacked)))
        await r.settle()
        assert [b.value for b in r.of(BillStacked)] == [5000]
        assert r.sim.state()["bill"]["stacked"] == [5000]


async def test_bill_returned_on_request_and_on_escrow_timeout(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock, escrow_timeout=0.1) as r:
        cash = await r.connect()
        await cash.enable(coins=[], bills=[10000])
        r.sim.insert_bill(10000)
        await until(lambda: len(r.of(BillEscrowed)) == 1)
        await cash.route_bill(stack=False)
        await until(lambda: len(r.of(BillReturned)) == 1)
        r.sim.insert_bill(10000)  # this one nobody routes
        await until(lambda: len(r.of(BillReturned)) == 2)
        assert r.of(BillReturned) == [BillReturned(10000, "returned"), BillReturned(10000, "escrow-timeout")]
        with pytest.raises(EscrowEmptyError):
            await cash.route_bill(stack=True)
        assert r.sim.state()["bill"]["returned"] == [10000, 10000]
        assert r.of(BillStacked) == []


async def test_inhibited_bill_and_stacker_faults(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[1000])
        assert r.sim.insert_bill(50000) == "inhibited"
        await until(lambda: bool(r.of(BillReturned)))
        assert r.of(BillReturned) == [BillReturned(0, "inhibited")]
        r.sim.stacker_removed(True)
        await until(lambda: cash.status.reason == "stacker-removed")
        assert cash.status.supplies["bill-stacker"] is SupplyLevel.MISSING
        r.sim.stacker_removed(False)
        await until(lambda: cash.status.supplies["bill-stacker"] is SupplyLevel.OK)
        r.sim.stacker_full(True)
        await until(lambda: cash.status.reason == "stacker-full")
        assert CashFault("bill", "stacker-full") in r.events


async def test_stacker_full_before_start_is_learnt_from_the_refused_bill(tmp_path: Path,
                                                                       clock: VirtualClock) -> None:
    """The stacker filled while no controller listened: the validator's refusal of the next bill says
    why, and the status shows bills cannot be taken while coins still can."""
    async with rig(tmp_path, clock) as r:
        r.sim.stacker_full(True)
        cash = await r.connect()
        assert cash.status.supplies["bill-stacker"] is SupplyLevel.OK  # its event predates the driver
        assert r.sim.insert_bill(1000) == "refused"
        await until(lambda: cash.status.reason == "stacker-full")
        assert cash.status.supplies["bill-stacker"] is SupplyLevel.FULL  # XFS4IoT cash-in: no room
        assert cash.status.state is DeviceState.ONLINE and cash.status.usable  # coins still work
        assert r.sim.state()["bill"]["returned"] == [1000]


# ------------------------------------------------------------------ hopper


async def test_dispense_pays_exactly(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock, hopper_count=100) as r:
        cash = await r.connect()
        assert cash.status.supplies["hopper:100"] is SupplyLevel.FULL
        assert cash.change_cap() is None  # an untripped low probe sets no bound on the count
        assert cash.change_confirmed() == 20 * 100  # but confirms its threshold
        result = await cash.dispense(700)
        assert result == DispenseResult(requested=700, paid=700, unpaid=0)
        assert r.sim.state()["hopper"]["coins_paid_out"] == 7
        assert r.sim.state()["hopper"]["count"] == 93


async def test_hopper_empty_mid_payout_reports_paid_and_unpaid_exactly(tmp_path: Path,
                                                                     clock: VirtualClock) -> None:
    async with rig(tmp_path, clock, hopper_count=3) as r:
        cash = await r.connect()
        assert cash.status.supplies["hopper:100"] is SupplyLevel.LOW
        assert cash.change_cap() == 20 * 100  # the low probe tripped: at most its threshold
        assert cash.change_confirmed() == 0
        result = await cash.dispense(800)
        assert result == DispenseResult(requested=800, paid=300, unpaid=500)
        assert r.sim.state()["hopper"]["won_paid_out"] == 300
        assert cash.status.supplies["hopper:100"] is SupplyLevel.OUT
        assert cash.status.reason == "hopper-empty"
        assert cash.change_cap() == 0
        assert CashFault("hopper", "empty", "payout timeout") in r.events
        r.sim.hopper_level(300)  # the operator refills it
        await until(lambda: cash.status.supplies["hopper:100"] is SupplyLevel.FULL)
        assert await cash.dispense(200) == DispenseResult(200, 200, 0)


async def test_hopper_jam_mid_payout(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        r.sim.coin_interval = 0.02
        cash = await r.connect()
        payout = asyncio.create_task(cash.dispense(2000))
        await until(lambda: r.sim.state()["hopper"]["coins_paid_out"] >= 3)
        r.sim.jam("hopper")
        result = await payout
        paid = r.sim.state()["hopper"]["won_paid_out"]
        assert result == DispenseResult(2000, paid, 2000 - paid)
        assert 300 <= paid < 2000
        assert cash.status.supplies["hopper:100"] is SupplyLevel.JAMMED


# ------------------------------------------------------------------ the wire


async def test_noise_on_the_bus_costs_nothing(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r, clock_pump(clock):
        cash = await r.connect()
        await cash.enable(coins=[50, 100], bills=[])
        for round_ in range(6):
            r.sim.noise(30)
            r.sim.insert_coin(100 if round_ % 2 else 50)
            await until(lambda n=round_: len(r.of(CoinCredited)) == n + 1)
        r.sim.noise(30)
        assert await cash.dispense(300) == DispenseResult(300, 300, 0)
        await r.settle()
        assert [e.value for e in r.of(CoinCredited)] == [50, 100, 50, 100, 50, 100]
        assert r.sim.state()["hopper"]["coins_paid_out"] == 3
        await until(lambda: cash.status.state is DeviceState.ONLINE)


@pytest.mark.parametrize(("echo", "checksum"), [(True, "simple"), (False, "simple"), (True, "crc16")])
async def test_echo_on_and_off_and_crc16(tmp_path: Path, clock: VirtualClock, echo: bool, checksum: str) -> None:
    async with rig(tmp_path, clock, echo=echo, checksum=checksum) as r:
        cash = await r.connect(echo=echo, checksum=checksum)
        assert cash.status.state is DeviceState.ONLINE
        await cash.enable(coins=[500], bills=[1000])
        r.sim.insert_coin(500)
        r.sim.insert_bill(1000)
        await until(lambda: bool(r.of(CoinCredited)) and bool(r.of(BillEscrowed)))
        await cash.route_bill(stack=True)
        await until(lambda: bool(r.of(BillStacked)))
        assert await cash.dispense(100) == DispenseResult(100, 100, 0)


async def test_silent_bus_is_offline_then_recovers(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        assert cash.status.state is DeviceState.ONLINE
        r.sim.silent(True)
        async with clock_pump(clock):
            await until(lambda: cash.status.state is DeviceState.OFFLINE)
            assert cash.status.reason == "serial-timeout"
            assert not cash.status.state.usable
            assert cash.change_cap() == 0
            r.sim.silent(False)
            await until(lambda: cash.status.state is DeviceState.ONLINE)
        states = [s.state for s in r.statuses]
        assert states[-1] is DeviceState.ONLINE
        assert DeviceState.OFFLINE in states


async def test_missing_port_is_offline_not_an_exception(tmp_path: Path, clock: VirtualClock) -> None:
    events: list[CashEvent] = []
    cash = CashAcceptor(CashConfig(port=str(tmp_path / "nothing-here"), idle_poll_interval=0.01), clock=clock,
                        on_event=events.append, backoff=Backoff(base=0.005, cap=0.02))
    await cash.start()
    try:
        assert cash.status.state is DeviceState.OFFLINE
        assert cash.status.reason == "port-unavailable"
        await asyncio.sleep(0.05)  # the background task keeps retrying without raising
        assert cash.status.reason == "port-unavailable"
    finally:
        await cash.close()


async def test_simulator_runs_as_a_process_with_controls(tmp_path: Path, clock: VirtualClock) -> None:
    link, control = tmp_path / "dev" / "cctalk", tmp_path / "cctalk.sock"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.cctalk", "--link", str(link), "--control", str(control),
        "--coin-interval", "0.002", cwd=REPO, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    events: list[CashEvent] = []
    cash: CashAcceptor | None = None
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert line.decode().strip() == f"READY {link}"
        cash = CashAcceptor(CashConfig(port=str(link), poll_interval=0.004, idle_poll_interval=0.008),
                            clock=clock, on_event=events.append)
        await cash.start()
        await cash.enable(coins=[100], bills=[])
        reader, writer = await asyncio.open_unix_connection(str(control))
        writer.write(json.dumps({"cmd": "insert_coin", "args": {"value": 100}}).encode() + b"\n")
        answer = json.loads(await reader.readline())
        writer.close()
        await writer.wait_closed()
        assert answer == {"ok": True, "result": "accepted"}
        await until(lambda: [e.value for e in events if isinstance(e, CoinCredited)] == [100])
    finally:
        if cash is not None:
            await cash.close()
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0


async def test_unplugged_bus_goes_offline_and_comes_back(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[])
        async with clock_pump(clock):
            await r.sim.stop()  # the USB-serial adapter is pulled out, and the bus loses power
            for part in ("coin", "bill", "hopper"):
                r.sim.reset(part)
            await until(lambda: cash.status.state is DeviceState.OFFLINE)
            assert cash.status.reason in ("port-unavailable", "serial-timeout")
            await r.sim.start()  # plugged back in (same stable path)
            await until(lambda: cash.status.state is DeviceState.ONLINE)
        await until(lambda: r.sim.state()["coin"]["master"] is True)  # the wanted inhibits are back
        r.sim.insert_coin(100)
        await until(lambda: [c.value for c in r.of(CoinCredited)] == [100])


async def test_an_adapter_that_drops_off_whenever_spoken_to_is_reopened_ever_more_slowly(
        tmp_path: Path, clock: VirtualClock, caplog: pytest.LogCaptureFixture) -> None:
    """A weak supply: each time the kiosk speaks, the bus sags and the USB-serial adapter drops off and
    comes straight back. The port opens every time, so opening proves nothing: the kiosk waits longer
    before each reopening, up to the cap, and warns the log once, not at every reopening. Once a device
    answers, the log says so and the next failure starts again from the short wait."""
    caplog.set_level(logging.DEBUG, logger="drivers.cash.client")

    def warnings() -> list[str]:
        return [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.WARNING]

    async with rig(tmp_path, clock) as r:
        r.sim.brown_out(True)
        backoff = RecordingBackoff(base=0.005, cap=0.02)
        r.cash = cash = CashAcceptor(
            CashConfig(port=str(r.sim.link), poll_interval=0.004, idle_poll_interval=0.008), clock=clock,
            on_event=r.events.append, backoff=backoff)
        await cash.start()
        await until(lambda: len(backoff.delays) >= 6)
        assert backoff.delays[:6] == pytest.approx([0.005, 0.009, 0.0162, 0.02, 0.02, 0.02])
        assert r.sim.replugs >= 6
        assert (cash.status.state, cash.status.reason) == (DeviceState.OFFLINE, "port-unavailable")
        assert len(warnings()) == 1, warnings()
        r.sim.brown_out(False)
        await until(lambda: any("works again" in rec.getMessage() for rec in caplog.records))
        assert cash.status.state is DeviceState.ONLINE
        assert backoff.tries == 0
        await cash.enable(coins=[100], bills=[])
        r.sim.insert_coin(100)
        await until(lambda: [c.value for c in r.of(CoinCredited)] == [100])


async def test_coins_taken_while_the_kiosk_was_down_are_credited_after_restart(tmp_path: Path,
                                                                              clock: VirtualClock) -> None:
    """The PC dies with the acceptor enabled; a resident drops a coin into the dark booth. The new driver,
    told the last event counter the journal accounted for, reports that coin instead of skipping it."""
    async with rig(tmp_path, clock) as r:
        cash = await r.connect()
        await cash.enable(coins=[100], bills=[])
        r.sim.insert_coin(100)
        await until(lambda: len(r.of(CoinCredited)) == 1)
        last_journaled = r.of(CoinCredited)[-1].counter
        await cash.close()  # the power cut: nothing inhibits the acceptor
        r.cash = None
        assert r.sim.insert_coin(100) == "accepted"
        r.events.clear()
        cash = CashAcceptor(CashConfig(port=str(r.sim.link), poll_interval=0.004, idle_poll_interval=0.008),
                            clock=clock, on_event=r.events.append, backoff=Backoff(base=0.005, cap=0.02))
        r.cash = cash
        cash.resume_from(coin=last_journaled)
        await cash.start()
        await until(lambda: len(r.of(CoinCredited)) == 1)
        await r.settle()
        assert [(c.value, c.counter) for c in r.of(CoinCredited)] == [(100, last_journaled + 1)]


# ------------------------------------------------------------------ after the controller died


async def _restarted(r: Rig, clock: VirtualClock) -> CashAcceptor:
    """A new driver on the same bus, as the next kiosk process opens it after a kill."""
    cfg = CashConfig(port=str(r.sim.link), poll_interval=0.004, idle_poll_interval=0.008, payout_poll_interval=0.002)
    cash = CashAcceptor(cfg, clock=clock, on_event=r.events.append, backoff=Backoff(base=0.005, cap=0.02))
    await cash.start()
    return cash


async def test_a_payout_cut_short_by_a_crash_is_known_to_the_next_run(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        r.sim.coin_interval = 0.01
        first = await r.connect()
        before = first.event_counters()["hopper"]
        payout = asyncio.create_task(first.dispense(800))
        await until(lambda: r.sim.state()["hopper"]["coins_paid_out"] >= 2)
        payout.cancel()  # the controller dies mid-payout; the hopper goes on paying what it was told
        with contextlib.suppress(asyncio.CancelledError):
            await payout
        await first.close()
        r.cash = second = await _restarted(r, clock)
        assert await second.paid_since(before, 800) == 800  # followed to the end: all 8 coins fell
        assert r.sim.state()["hopper"]["won_paid_out"] == 800


async def test_a_payout_never_started_is_known_as_nothing_paid(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        first = await r.connect()
        assert await first.dispense(300) == DispenseResult(300, 300, 0)
        before = first.event_counters()["hopper"]
        await first.close()
        r.cash = second = await _restarted(r, clock)
        assert await second.paid_since(before, 500) == 0
        assert await second.paid_since((before - 1) % 256 or 255, 300) == 300  # the one before was paid


async def test_a_bill_left_in_escrow_by_a_dead_controller_is_returned_at_start(tmp_path: Path,
                                                                            clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        first = await r.connect()
        await first.enable(coins=[], bills=[1000])
        r.sim.insert_bill(1000)
        await until(lambda: bool(r.of(BillEscrowed)))
        await first.close()  # killed before it decided
        assert r.sim.state()["bill"]["escrow"] == 1000
        r.cash = await _restarted(r, clock)
        await until(lambda: r.sim.state()["bill"]["returned"] == [1000])
        assert r.sim.state()["bill"]["stacked"] == []
        await until(lambda: bool(r.of(BillReturned)))


# ------------------------------------------------------------------ a payout that meets BUSY, NAK or a power cut


@pytest.mark.parametrize("reply", ["busy", "nak"])
async def test_a_hopper_that_balks_mid_payout_still_reports_every_coin_it_paid(tmp_path: Path, clock: VirtualClock,
                                                                           reply: str) -> None:
    async with rig(tmp_path, clock) as r:
        r.sim.coin_interval = 0.01
        cash = await r.connect()
        r.sim.hopper_balk(reply=reply, times=5, after_coins=3)  # more than the bus's own BUSY retries
        result = await cash.dispense(800)
        assert result == DispenseResult(800, 800, 0)
        assert r.sim.state()["hopper"]["won_paid_out"] == 800


async def test_a_hopper_quiet_right_after_taking_a_dispense_pays_the_change_once(tmp_path: Path,
                                                                                 clock: VirtualClock) -> None:
    """A hopper model with no dispense count takes 167, its reply is lost, and it stays quiet for the
    whole next status request (all three bus tries): the coins fall all the same. The driver asks
    again and follows the payout, so the resident's 800 won are reported paid, not "nothing paid"
    (which the kiosk turned into an 800-won voucher on top of the coins)."""
    async with rig(tmp_path, clock) as r:
        r.sim.hopper.counts_dispensed = False
        cash = await r.connect()
        r.sim.hopper_quiet(times=4, header=167)  # the 167 reply, then the next 166 and its two retries
        async with clock_pump(clock):
            result = await cash.dispense(800)
        assert r.sim.state()["hopper"]["won_paid_out"] == 800
        assert result == DispenseResult(800, 800, 0)
        assert r.sim.state()["hopper"]["counter"] == 1  # one dispense command: never sent twice


async def test_a_hopper_that_never_answers_after_taking_a_dispense_is_an_unknown_payout(tmp_path: Path,
                                                                                       clock: VirtualClock) -> None:
    """The same lost 167 reply, and the hopper stays quiet past every status retry: the coins fall, and
    the driver cannot see them. It must not say "0 paid" as if certain: the error says the amount is
    unknown, and the dispense command was still sent only once."""
    async with rig(tmp_path, clock) as r:
        r.sim.hopper.counts_dispensed = False
        cash = await r.connect(retries=0)  # one bus try per request: 31 silent requests, not 91
        r.sim.hopper_quiet(times=100, header=167)
        clock.io_patience_real_seconds = 0.05  # every hopper answer from here on is lost anyway
        async with clock_pump(clock):
            with pytest.raises(DispenseError) as failed:
                await cash.dispense(300)
        assert failed.value.unknown
        assert failed.value.result == DispenseResult(300, 0, 300)  # none seen: at most a voucher, never coins
        assert r.sim.state()["hopper"]["counter"] == 1
        assert r.sim.state()["hopper"]["won_paid_out"] == 300  # the resident did get them


async def test_a_silent_hopper_is_given_up_on_once_its_clock_moved_past_the_tries(tmp_path: Path,
                                                                                clock: VirtualClock) -> None:
    """The kiosk's clock moves in jumps (a scenario's `advance`), each carrying only the status request
    pending then: the pause between two tries is real time. Counted in tries alone, a hopper silent for
    minutes of that clock was asked again forever and the resident stayed on the payment screen; the
    silence is also measured on the clock, so the payout is given up on as unknown after a few jumps."""
    async with rig(tmp_path, clock) as r:
        r.sim.hopper.counts_dispensed = False
        # The kiosk's pause between two tries (0.1 s), longer than a jump's own real-time settling.
        cash = await r.connect(retries=0, payout_poll_interval=0.1)
        r.sim.hopper_quiet(times=100, header=167)
        clock.io_patience_real_seconds = 0.05  # every hopper answer from here on is lost anyway
        payout = asyncio.create_task(cash.dispense(300))
        await until(lambda: r.sim.state()["hopper"]["counter"] == 1)
        jumps = 0
        while not payout.done() and jumps < 6:
            await clock.advance(5)  # far more than all 30 tries take, but only one try is pending
            await asyncio.sleep(0.2)  # the driver's real pause before it asks again
            jumps += 1
        given_up = payout.done()
        if not given_up:
            payout.cancel()
            with contextlib.suppress(asyncio.CancelledError, DispenseError):
                await payout
        assert given_up, "the driver still waits on a hopper silent for 30 s of its clock"
        with pytest.raises(DispenseError) as failed:
            await payout
        assert failed.value.unknown
        assert failed.value.result == DispenseResult(300, 0, 300)
        assert r.sim.state()["hopper"]["counter"] == 1


async def test_a_second_batch_that_cannot_start_reports_the_first_batch_paid(tmp_path: Path,
                                                                             clock: VirtualClock) -> None:
    async with rig(tmp_path, clock, hopper_count=400) as r:
        r.sim.coin_interval = 0.0005
        cash = await r.connect()
        r.sim.hopper_balk(reply="nak", times=3, after_coins=255, header=164)  # 164: enable, before batch 2
        with pytest.raises(DispenseError) as failed:
            await cash.dispense(300 * 100)
        paid = r.sim.state()["hopper"]["won_paid_out"]
        assert paid == 255 * 100
        assert failed.value.result == DispenseResult(30000, paid, 30000 - paid)


async def _power_cut_mid_payout(r: Rig, clock: VirtualClock, coins_before_cut: int) -> dict[str, int]:
    """A payout of 48 coins, the booth's power cut after `coins_before_cut` fell: returns the mark the
    kiosk journaled before it; the driver that started it is gone (r.cash is a new one)."""
    r.sim.coin_interval = 0.01
    first = await r.connect()
    mark = await first.payout_mark()
    payout = asyncio.create_task(first.dispense(4800))
    await until(lambda: r.sim.state()["hopper"]["coins_paid_out"] >= coins_before_cut)
    r.sim.power_cycle()
    payout.cancel()  # the controller died with the power
    with contextlib.suppress(BaseException):
        await payout
    await first.close()
    r.cash = await _restarted(r, clock)
    return mark


async def test_a_power_cut_in_the_first_payout_of_the_day_is_counted_not_read_as_nothing_paid(
        tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        mark = await _power_cut_mid_payout(r, clock, 10)
        assert mark["hopper_counter"] == 0  # the hopper had just powered up: its counter starts at 0 again
        assert r.sim.state()["hopper"]["counter"] == 0
        fell = r.sim.state()["hopper"]["won_paid_out"]
        assert fell >= 1000
        assert r.cash is not None
        assert await r.cash.paid_since(mark["hopper_counter"], 4800, serial=mark["hopper_serial"],
                                       dispensed=mark["hopper_dispensed"]) == fell


async def test_without_a_dispense_count_a_power_cut_payout_is_unknown_not_nothing(tmp_path: Path,
                                                                                 clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        r.sim.hopper.counts_dispensed = False
        mark = await _power_cut_mid_payout(r, clock, 10)
        assert "hopper_dispensed" not in mark
        assert r.cash is not None
        assert await r.cash.paid_since(mark["hopper_counter"], 4800, serial=mark["hopper_serial"]) is None


async def test_a_payout_by_a_hopper_swapped_since_is_unknown(tmp_path: Path, clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        first = await r.connect()
        mark = await first.payout_mark()
        assert await first.dispense(300) == DispenseResult(300, 300, 0)
        await first.close()
        r.sim.hopper_swap()
        r.cash = second = await _restarted(r, clock)
        assert await second.paid_since(mark["hopper_counter"], 300, serial=mark["hopper_serial"],
                                       dispensed=mark["hopper_dispensed"]) is None


async def test_a_hopper_counter_that_moved_further_than_the_payout_could_is_unknown(tmp_path: Path,
                                                                                    clock: VirtualClock) -> None:
    async with rig(tmp_path, clock) as r:
        r.sim.hopper.counts_dispensed = False
        first = await r.connect()
        before = first.event_counters()["hopper"]
        for _ in range(3):  # three payouts since the mark: no single 300-won payout moves it that far
            await first.dispense(100)
        await first.close()
        r.cash = second = await _restarted(r, clock)
        assert await second.paid_since(before, 300) is None
