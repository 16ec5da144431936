"""CardReader against the real stack: pcscd + vsmartcard-vpcd + the simulated card on the vpcd socket.

The pcscd is this test run's own (the `pcscd` fixture in tests/conftest.py: own socket, own vpcd
ports), so another run on the machine, or a pcscd someone left running, changes nothing here. Card
detection is real pcscd time (~0.3 s); every decision about a silent card is on the virtual clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from common.backoff import Backoff
from common.clock import VirtualClock
from common.control_socket import send_control
from common.status import DeviceState, DeviceStatus
from drivers.card import pcsc
from drivers.card.client import CardAuthorisationRequest, CardReader
from drivers.card.errors import CardDeclinedOffline, CardMute, CardRemoved, NoCard, ReaderUnavailable
from drivers.card.events import CardEvent, CardInserted
from drivers.card.events import CardRemoved as CardRemovedEvent
from drivers.card.payment_method import Authorisation, EmvCardPaymentMethod
from simulators.smartcard import SmartcardSimulator, issuer_verify
from simulators.smartcard.card import TEST_PAN
from simulators.smartcard.pcscd import vpcd_port

ROOT = Path(__file__).resolve().parents[2]
# pcscd notices a vpcd card within ~0.3 s and its removal within ~0.6 s (test-stacks.md); 5 s is
# "it is not coming", not a tuning knob.
EVENT_WAIT = 5.0


@dataclass(frozen=True)
class Slot:
    reader: str
    port: int


@pytest.fixture(scope="session")
def slot(pcscd: list[str]) -> Slot:
    """The first vpcd reader of this run's pcscd with no card in it, and its port."""
    for reader in pcscd:
        port = vpcd_port(reader)
        if port is not None and not pcsc.reader_has_card(reader):
            return Slot(reader, port)
    pytest.fail(f"every vpcd reader holds a card: {pcscd}")


async def _until_reader_empty(reader: str) -> None:
    deadline = time.monotonic() + EVENT_WAIT
    while await asyncio.to_thread(pcsc.reader_has_card, reader):
        assert time.monotonic() < deadline, f"{reader} still reports a card"
        await asyncio.sleep(0.05)


@pytest.fixture(autouse=True)
def _no_pcsc_threads_left() -> Iterator[None]:
    yield
    deadline = time.monotonic() + EVENT_WAIT
    while any(t.name.startswith("pcsc-") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a PC/SC worker thread outlived its test"
        time.sleep(0.01)


@pytest.fixture
async def card(slot: Slot) -> AsyncIterator[SmartcardSimulator]:
    simulator = SmartcardSimulator(port=slot.port, insert_on_start=False)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()
        await _until_reader_empty(slot.reader)  # the next test starts with an empty reader


@dataclass
class Seen:
    events: list[CardEvent] = field(default_factory=list)
    statuses: list[DeviceStatus] = field(default_factory=list)

    async def event(self, kind: type, count: int = 1) -> None:
        deadline = time.monotonic() + EVENT_WAIT
        while sum(isinstance(e, kind) for e in self.events) < count:
            assert time.monotonic() < deadline, f"no {kind.__name__} event; saw {self.events}"
            await asyncio.sleep(0.01)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def reader(slot: Slot, clock: VirtualClock, seen: Seen) -> AsyncIterator[CardReader]:
    card_reader = CardReader(reader_name=slot.reader, clock=clock, on_event=seen.events.append,
                             on_status=seen.statuses.append, poll_interval=0.02,
                             backoff=Backoff(base=0.02, cap=0.1))
    await card_reader.start()
    try:
        yield card_reader
    finally:
        await card_reader.close()


async def test_insert_and_removal_are_events(card: SmartcardSimulator, reader: CardReader,
                                             seen: Seen) -> None:
    assert reader.status.state is DeviceState.ONLINE
    assert reader.status.reason == "no-card"
    await card.insert()
    await seen.event(CardInserted)
    assert reader.status.reason == "card-present"
    await card.remove()
    await seen.event(CardRemovedEvent)
    assert reader.status.reason == "no-card"
    assert seen.events == [CardInserted(), CardRemovedEvent()]


async def test_payment_read_gives_a_masked_pan_and_a_verifiable_arqc(
        card: SmartcardSimulator, reader: CardReader, seen: Seen, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await card.insert()
    await seen.event(CardInserted)

    first = await reader.read_for_payment(200, session_id="S-1")

    assert first.masked_pan == "476173******0010"
    assert first.expiry == "2812"
    assert first.cryptogram_type == "ARQC"
    assert first.currency == "410"
    assert first.atc == card.state()["atc"]
    assert issuer_verify(bytes.fromhex(first.icc_data))  # the issuer can check what we send online
    assert bytes(first.pan) == TEST_PAN.encode()  # the one field that carries it
    for text in (repr(first), first.pan_token, first.icc_data, first.masked_pan, caplog.text):
        assert TEST_PAN not in text
    first.wipe()
    assert first.pan == bytearray()
    assert any(s.state is DeviceState.DEVICE_BUSY for s in seen.statuses)
    assert reader.status.reason == "card-present"

    second = await reader.read_for_payment(200)
    assert second.pan_token == first.pan_token  # same card, same session token
    assert second.atc == first.atc + 1
    assert second.cryptogram != first.cryptogram
    second.wipe()
    with pytest.raises(TypeError):
        pickle.dumps(second)


async def test_declining_card_is_declined_offline(card: SmartcardSimulator, reader: CardReader,
                                                 seen: Seen) -> None:
    card.profile("decline")
    await card.insert()
    await seen.event(CardInserted)
    with pytest.raises(CardDeclinedOffline):
        await reader.read_for_payment(200)
    assert reader.status.state is DeviceState.ONLINE


async def test_card_pulled_after_gpo_is_card_removed(card: SmartcardSimulator, reader: CardReader,
                                                    seen: Seen) -> None:
    card.profile("remove_mid")
    await card.insert()
    await seen.event(CardInserted)
    with pytest.raises(CardRemoved):
        await reader.read_for_payment(200)
    assert card.state()["removed_mid_transaction"]
    await seen.event(CardRemovedEvent)
    assert reader.status.reason == "no-card"


async def test_mute_card_is_card_mute_after_the_timeout_on_the_clock(
        card: SmartcardSimulator, reader: CardReader, seen: Seen, clock: VirtualClock) -> None:
    card.profile("mute")
    await card.insert()
    await seen.event(CardInserted)
    attempt = asyncio.create_task(reader.read_for_payment(200))
    deadline = time.monotonic() + EVENT_WAIT
    while card.state()["unanswered"] == 0 or clock.pending_sleepers == 0:
        assert time.monotonic() < deadline, "the SELECT never reached the card"
        assert not attempt.done()
        await asyncio.sleep(0.01)

    await clock.advance(1.9)
    assert not attempt.done()  # 1.9 s of silence is still within the 2 s APDU timeout
    await clock.advance(0.1)
    with pytest.raises(CardMute):
        await attempt
    assert isinstance(attempt.exception(), TimeoutError)
    assert reader.status.state is DeviceState.USER_ERROR
    assert reader.status.reason == "card-mute"
    with pytest.raises(CardMute):  # until the card is taken out
        await reader.read_for_payment(200)

    await card.remove()
    await seen.event(CardRemovedEvent)
    assert reader.status.reason == "no-card"


async def test_a_card_pushed_in_right_after_a_mute_card_was_pulled_is_seen(
        card: SmartcardSimulator, reader: CardReader, seen: Seen, clock: VirtualClock) -> None:
    # The mute card's read is abandoned and the card pulled; the resident pushes the next card in at
    # once. The driver must not have asked pcscd to reset the card that was gone: pcscd then marks
    # the reader empty behind its card watcher's back and never reports the next card.
    card.reinsert_gap = 0  # a hand faster than pcscd's poll: only the driver stands between this and a lost card
    card.profile("mute")
    await card.insert()
    await seen.event(CardInserted)
    attempt = asyncio.create_task(reader.read_for_payment(200))
    deadline = time.monotonic() + EVENT_WAIT
    while card.state()["unanswered"] == 0 or clock.pending_sleepers == 0:
        assert time.monotonic() < deadline, "the SELECT never reached the card"
        await asyncio.sleep(0.01)
    await clock.advance(2.0)
    with pytest.raises(CardMute):
        await attempt
    await card.remove()
    await seen.event(CardRemovedEvent)
    while any(t.name == "pcsc-abandon" for t in threading.enumerate()):  # the abandoned read let go
        assert time.monotonic() < deadline + EVENT_WAIT, "the abandoned read never let go of the card"
        await asyncio.sleep(0.01)

    card.profile("approve")
    await card.insert()
    await seen.event(CardInserted, count=2)
    request = await reader.read_for_payment(200)
    assert request.masked_pan == "476173******0010"
    request.wipe()


async def test_a_card_pulled_and_pushed_straight_back_is_seen_both_ways_and_read(
        card: SmartcardSimulator, reader: CardReader, seen: Seen) -> None:
    # Faster than pcscd's 400 ms look, the second card would be the first one still sitting there to
    # pcscd: no removal, no insertion, never powered up. The simulated hand keeps it out long enough.
    await card.insert()
    await seen.event(CardInserted)
    await card.remove()
    await card.insert()
    await seen.event(CardRemovedEvent)
    await seen.event(CardInserted, count=2)
    request = await reader.read_for_payment(200)
    assert request.cryptogram_type == "ARQC"
    request.wipe()


async def test_a_card_already_in_the_reader_when_the_kiosk_starts_is_seen(
        card: SmartcardSimulator, slot: Slot, clock: VirtualClock, seen: Seen) -> None:
    await card.insert()
    deadline = time.monotonic() + EVENT_WAIT
    while not await asyncio.to_thread(pcsc.reader_has_card, slot.reader):
        assert time.monotonic() < deadline, "pcscd never saw the card"
        await asyncio.sleep(0.02)
    card_reader = CardReader(reader_name=slot.reader, clock=clock, on_event=seen.events.append,
                             poll_interval=0.02, backoff=Backoff(base=0.02, cap=0.1))
    await card_reader.start()
    try:
        assert seen.events == [CardInserted()]  # from the first look, before any change
        assert card_reader.status.reason == "card-present"
        request = await card_reader.read_for_payment(200)
        request.wipe()
    finally:
        await card_reader.close()


async def test_no_card_in_the_reader(card: SmartcardSimulator, reader: CardReader) -> None:
    with pytest.raises(NoCard):
        await reader.read_for_payment(200)


async def test_missing_reader_is_no_device(pcscd: list[str], clock: VirtualClock) -> None:
    statuses: list[DeviceStatus] = []
    card_reader = CardReader(reader_name="No Such Reader", clock=clock, on_event=lambda e: None,
                             on_status=statuses.append, backoff=Backoff(base=0.01, cap=0.02))
    await card_reader.start()
    try:
        assert card_reader.status.state is DeviceState.NO_DEVICE
        assert card_reader.status.reason == "no-reader"
        assert not card_reader.status.usable
        with pytest.raises(ReaderUnavailable):
            await card_reader.read_for_payment(200)
    finally:
        await card_reader.close()
    assert card_reader.status.reason == "closed"


_OTHER_RUN = """
import asyncio, json, os, sys, time
from drivers.card import pcsc
from simulators.smartcard import SmartcardSimulator
from simulators.smartcard.pcscd import shared_pcscd, vpcd_port

async def main():
    mine = shared_pcscd().readers
    card = SmartcardSimulator(port=vpcd_port(mine[0]), insert_on_start=False)
    await card.insert()
    while not pcsc.reader_has_card(mine[0]):
        await asyncio.sleep(0.02)
    print(json.dumps({"readers": mine, "socket": os.environ["PCSCLITE_CSOCK_NAME"]}), flush=True)
    sys.stdin.readline()  # hold the card in until told
    await card.remove()

asyncio.run(main())
"""


async def test_another_run_on_the_machine_has_its_own_pcscd_and_its_cards_never_show_here(
        pcscd: list[str], slot: Slot) -> None:
    # Another `make test` on the same machine, holding a card in its first reader the whole time.
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _OTHER_RUN, cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        env={k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT)}.items() if k != "PCSCLITE_CSOCK_NAME"})
    assert other.stdout is not None and other.stdin is not None
    try:
        line = await asyncio.wait_for(other.stdout.readline(), 3 * EVENT_WAIT)
        theirs = json.loads(line)
        assert theirs["socket"] != os.environ["PCSCLITE_CSOCK_NAME"]
        assert not set(theirs["readers"]) & set(pcscd)  # other ports, so other reader names
        for reader in pcscd:  # their card is in their reader, not in ours
            assert not await asyncio.to_thread(pcsc.reader_has_card, reader)
        assert set(await asyncio.to_thread(pcsc.readers_listed) or []) == set(pcscd)
    finally:
        other.stdin.write(b"done\n")
        await other.stdin.drain()
        assert await asyncio.wait_for(other.wait(), 3 * EVENT_WAIT) == 0


def test_missing_pcscd_is_offline(tmp_path: Path) -> None:
    """pcsc-lite's client finds pcscd through $PCSCLITE_CSOCK_NAME: point it at nothing."""
    script = (
        "import asyncio, logging\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(message)s')\n"
        "from common.backoff import Backoff\n"
        "from drivers.card.client import CardReader\n"
        "from common.clock import MonotonicClock\n"
        "async def main():\n"
        "    r = CardReader(clock=MonotonicClock(), on_event=print, backoff=Backoff(base=0.01, cap=0.01))\n"
        "    await r.start()\n"
        "    await asyncio.sleep(0.1)\n"
        "    print('STATUS', r.status.state.value, r.status.reason)\n"
        "    await r.close()\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=20, cwd=ROOT, check=False)
    assert "STATUS offline pcscd-unavailable" in done.stdout, done.stdout + done.stderr
    assert done.stderr.count("WARNING") == 1  # a night without pcscd logs one warning, then DEBUG


async def test_payment_method_wipes_the_pan_after_the_online_call(
        card: SmartcardSimulator, reader: CardReader, seen: Seen) -> None:
    handed_over: list[CardAuthorisationRequest] = []

    async def issuance_server(request: CardAuthorisationRequest) -> Authorisation:
        handed_over.append(request)
        assert bytes(request.pan) == TEST_PAN.encode()
        assert issuer_verify(bytes.fromhex(request.icc_data))
        return Authorisation(approved=True, amount=request.amount, session_id=request.session_id,
                             reference="A-0001", masked_pan=request.masked_pan)

    method = EmvCardPaymentMethod(reader, issuance_server)
    await card.insert()
    await seen.event(CardInserted)
    auth = await method.authorise(500, "S-9")
    assert (auth.approved, auth.amount, auth.session_id) == (True, 500, "S-9")
    assert auth.masked_pan == "476173******0010"
    assert handed_over[0].pan == bytearray()  # wiped once the online call returned

    card.profile("decline")
    declined = await method.authorise(500, "S-10")
    assert (declined.approved, declined.decline_reason) == (False, "card-declined-offline")
    assert len(handed_over) == 1  # an offline decline never goes online
    with pytest.raises(NotImplementedError):
        await method.void(auth)


async def test_simulator_runs_as_a_process(slot: Slot, clock: VirtualClock, tmp_path: Path) -> None:
    control = tmp_path / "smartcard.sock"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.smartcard", "--port", str(slot.port), "--control", str(control),
        "--profile", "decline", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), EVENT_WAIT)
        assert line.decode().strip() == f"READY vpcd://127.0.0.1:{slot.port}"
        answer = await send_control(control, "state")
        assert answer["ok"]
        assert (answer["result"]["inserted"], answer["result"]["profile"]) == (True, "decline")
        deadline = time.monotonic() + EVENT_WAIT
        while not await asyncio.to_thread(pcsc.reader_has_card, slot.reader):
            assert time.monotonic() < deadline, "pcscd never saw the card process"
            await asyncio.sleep(0.02)
        assert (await send_control(control, "profile", name="nonsense"))["ok"] is False
        assert (await send_control(control, "remove"))["result"]["inserted"] is False
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        assert await asyncio.wait_for(process.wait(), EVENT_WAIT) == 0
    await _until_reader_empty(slot.reader)
