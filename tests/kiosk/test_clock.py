"""The virtual clock: timeouts fire only when time is advanced, and cancels are never swallowed."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from common.clock import VirtualClock, wait_for_a_person


async def test_sleepers_wake_in_deadline_order_only_when_advanced(clock: VirtualClock) -> None:
    woke: list[str] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    tasks = [asyncio.create_task(sleeper("late", 90)), asyncio.create_task(sleeper("early", 1))]
    await asyncio.sleep(0.01)
    assert woke == []
    await clock.advance(1)
    assert woke == ["early"]
    await clock.advance(100)
    assert woke == ["early", "late"] and clock.monotonic() == 101
    await asyncio.gather(*tasks)


async def test_wait_for_times_out_on_virtual_time(clock: VirtualClock) -> None:
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiter = asyncio.create_task(clock.wait_for(never, 0.5))
    await clock.advance(0.4)
    assert not waiter.done()
    await clock.advance(0.2)
    with pytest.raises(TimeoutError):
        await waiter
    assert never.cancelled()


async def test_an_answer_on_its_way_beats_a_deadline_the_clock_jumps_past(clock: VirtualClock) -> None:
    """A device in another process answers in real time; on a loaded machine that can take tens of
    milliseconds. Advancing the clock 2 s past a 0.5 s deadline must not time out that answer (a
    fingerprint sensor was taken offline mid-session this way in one CI run out of four)."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()
    device = threading.Timer(0.05, lambda: loop.call_soon_threadsafe(answer.set_result, "ack"))
    waiter = asyncio.create_task(clock.wait_for(answer, 0.5))
    await asyncio.sleep(0)
    device.start()
    await clock.advance(2)
    assert waiter.done() and waiter.result() == "ack"


async def _scan_through_a_jump(clock: VirtualClock, answer_crosses_back: Callable[[Callable[[], None]], object]) -> str:
    """A sensor asked to scan answers "no finger" when its own 1 s timer ends; the driver gives up at
    1.5 s, and the clock jumps 2 s. The question reaches the device only after the jump has started;
    `answer_crosses_back(send)` calls `send` when the answer has crossed the PTY. The driver's result."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    async def device() -> None:
        await asyncio.sleep(0.01)  # the question crosses the wire while the clock is already advancing
        await clock.sleep(1.0)
        answer_crosses_back(lambda: answer.set_result("no finger"))

    sensor = asyncio.create_task(device())
    waiter = asyncio.create_task(clock.wait_for(answer, 1.5))
    await asyncio.sleep(0)
    await clock.advance(2)
    await sensor
    assert waiter.done()
    return waiter.result()


async def test_an_answer_sent_by_a_device_timer_beats_the_deadline_after_it(clock: VirtualClock) -> None:
    """The answer takes real time to cross the PTY: the driver's deadline must wait for it again once the
    device's timer has moved the clock (a fake-finger scenario ended "sensor unavailable" in CI this way)."""
    loop = asyncio.get_running_loop()
    assert await _scan_through_a_jump(clock, lambda send: loop.call_later(0.05, send)) == "no finger"


async def test_an_answer_delayed_by_a_stalled_process_is_still_answered(clock: VirtualClock) -> None:
    """As above, on a loaded machine: the whole process does not run for 0.4 s (longer than the clock's
    patience) while the answer is on its way back. The stall does not use up the patience
    (the fake-finger scenario ended "sensor unavailable" once in CI when it did)."""
    loop = asyncio.get_running_loop()

    def stalled_then_sent(send: Callable[[], None]) -> None:
        time.sleep(0.4)  # the process is not scheduled: nothing on its loop runs
        loop.call_later(0.05, send)  # then the answer crosses the wire

    assert await _scan_through_a_jump(clock, lambda send: loop.call_later(0.02, stalled_then_sent, send)) == "no finger"


async def test_a_wait_only_a_person_can_end_times_out_without_waiting_for_an_answer(clock: VirtualClock) -> None:
    """A simulated sensor waiting for a finger has no answer in flight: the jump times it out at once,
    however patient the clock is with device answers."""
    clock.io_patience_real_seconds = 3600.0
    finger: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiter = asyncio.create_task(wait_for_a_person(clock, finger, 1.0))
    await asyncio.sleep(0)
    await asyncio.wait_for(clock.advance(2), 60)  # real seconds: only a hang would reach them
    with pytest.raises(TimeoutError):
        await waiter
    assert finger.cancelled() and clock.held_sleepers == 0


async def test_a_device_that_never_answers_still_times_out_when_the_clock_jumps(clock: VirtualClock) -> None:
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiter = asyncio.create_task(clock.wait_for(never, 0.5))
    await clock.advance(2)
    with pytest.raises(TimeoutError):
        await waiter
    assert clock.held_sleepers == 0


async def test_cancelling_a_waiter_is_never_swallowed(clock: VirtualClock) -> None:
    for _ in range(50):
        gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = asyncio.create_task(clock.wait_for(gate, 10))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
