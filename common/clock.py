"""Time, injected.

Every timeout in the kiosk (a resident who walks away, a device that does not answer, a reconnect
backoff) waits on a `Clock`. Production uses `MonotonicClock`; tests and the scenario runner use
`VirtualClock`, whose time moves only when told, so a 90-second walk-away or a night-long soak runs
in milliseconds and never flakes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import heapq
import itertools
import time
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

KST = dt.timezone(dt.timedelta(hours=9), "KST")


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards; only differences mean anything."""

    def now(self) -> dt.datetime:
        """Wall-clock time for receipts and the journal (timezone-aware)."""

    async def sleep(self, seconds: float) -> None: ...

    async def wait_for(self, aw: Awaitable[T], seconds: float) -> T:
        """`aw`'s result, or TimeoutError after `seconds` on this clock (and `aw` cancelled)."""


async def wait_for_a_person(clock: Clock, aw: Awaitable[T], seconds: float) -> T:
    """`clock.wait_for` for what only a person ends (a finger on a simulated sensor's glass): no answer can
    be in flight, so a virtual clock spends no real-time patience on it before the deadline fires."""
    return await _race_against_sleep(clock, aw, seconds)


async def _race_against_sleep(clock: Clock, aw: Awaitable[T], seconds: float, *,
                              deadline: Awaitable[None] | None = None) -> T:
    """Race `aw` against `clock.sleep` (or the `deadline` given). A cancel of the caller always propagates."""
    work: asyncio.Future[T] = asyncio.ensure_future(aw)
    timer: asyncio.Future[None] = asyncio.ensure_future(deadline or clock.sleep(seconds))
    racers: set[asyncio.Future[Any]] = {work, timer}
    try:
        await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        timer.cancel()
        raise
    timer.cancel()
    if work.done():
        return work.result()
    work.cancel()
    # Let the loser finish cancelling; asyncio.wait does not raise for it, but does for our own cancel.
    await asyncio.wait({work})
    raise TimeoutError(f"no answer within {seconds:g} s")


class MonotonicClock:
    """The real clock: the event loop's monotonic time, the system's wall time shown in KST."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.now(KST)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def wait_for(self, aw: Awaitable[T], seconds: float) -> T:
        return await asyncio.wait_for(aw, seconds)


class VirtualClock:
    """A clock whose time advances only through `advance()`.

    Sleepers wake in deadline order; between wake-ups the loop runs a few turns so that what a
    wake-up starts (a timeout callback, a refund) happens at the right virtual instant.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = 0.0
        # Wall time starts at the real now (so a server's Date header agrees with it), unless a test
        # needs a fixed day; only the monotonic part is virtual.
        self._epoch = start or dt.datetime.now(KST).replace(microsecond=0)
        # (deadline, order, wake, the wait_for work it guards or None)
        self._sleepers: list[tuple[float, int, asyncio.Future[None], asyncio.Future[Any] | None]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self._now

    def now(self) -> dt.datetime:
        return self._epoch + dt.timedelta(seconds=self._now)

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds, None)

    async def _sleep(self, seconds: float, guarding: asyncio.Future[Any] | None) -> None:
        """A sleep; `guarding` is the work whose deadline this is, when it is a `wait_for`'s."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._now + seconds, next(self._order), wake, guarding)
        heapq.heappush(self._sleepers, entry)
        try:
            await wake
        except asyncio.CancelledError:
            # Most sleeps end this way (the deadline of a `wait_for` whose work finished first). Left in
            # the heap until time reached them, they held their futures for the booth's whole life: 5,558
            # after 80 sessions. The heap holds a handful of live sleepers, so removing is cheap.
            with contextlib.suppress(ValueError):  # already popped by `advance`
                self._sleepers.remove(entry)
                heapq.heapify(self._sleepers)
            raise

    async def wait_for(self, aw: Awaitable[T], seconds: float) -> T:
        work: asyncio.Future[T] = asyncio.ensure_future(aw)
        return await _race_against_sleep(self, work, seconds, deadline=self._sleep(seconds, work))

    @property
    def pending_sleepers(self) -> int:
        return sum(1 for _, _, fut, _ in self._sleepers if not fut.done())

    @property
    def held_sleepers(self) -> int:
        """Entries the clock keeps, finished or not: what a months-long booth must keep bounded."""
        return len(self._sleepers)

    async def advance(self, seconds: float, *, turns_per_wake: int = 20) -> None:
        """Move time forward by `seconds`, waking every sleeper whose deadline falls inside."""
        target = self._now + seconds
        # The virtual instant at which each guarded deadline last had its patience: given again once time
        # has moved, since what moved it (a simulator's own timer) may have just sent the awaited answer.
        patience_given_at: dict[int, float] = {}
        while True:
            await asyncio.sleep(self.settle_real_seconds)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            _, order, _, guarded = self._sleepers[0]
            if guarded is not None and not guarded.done() and patience_given_at.get(order) != self._now:
                patience_given_at[order] = self._now
                await self._give_io_real_time(guarded)
                continue
            deadline, _, wake, _ = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not wake.done():
                wake.set_result(None)
                for _ in range(turns_per_wake):
                    await asyncio.sleep(0)
        self._now = target
        for _ in range(turns_per_wake):
            await asyncio.sleep(0)

    # Between wake-ups the loop gets this much real time, so that device I/O already in flight
    # (a PTY round trip takes well under a millisecond) lands before a deadline it would beat on a
    # real clock: advancing 90 s must not time out a poll that was answered.
    settle_real_seconds: float = 0.003

    # Before a `wait_for` deadline fires on work still running (a request to a simulator in another
    # process), the work gets up to this much real time to finish. A device answers a PTY round trip
    # in well under a millisecond, but on a loaded machine its process may not run for tens of
    # milliseconds, and a virtual clock that jumped 2 s would time out an answer that is on its way:
    # a sensor taken offline mid-session in one CI run out of four. The patience is given again at each
    # later instant the deadline is next due: a device's own timer that woke in between may just have
    # sent the answer. A device that truly never answers costs a test this long once or twice a timeout.
    io_patience_real_seconds: float = 0.25
    # The patience is counted in slices of this much real time, each counted at most once however long
    # it really took: a process that did not run for a while (two test workers, pcscd and the printers on
    # two cores) has not used up its patience, so an answer that such a stall delayed still arrives in
    # time (a fake-finger scan timed out once in CI), while a device that is truly silent still costs
    # only the patience on a quiet machine.
    io_patience_slice_seconds: float = 0.01

    async def _give_io_real_time(self, work: asyncio.Future[Any]) -> None:
        loop = asyncio.get_running_loop()
        given = 0.0
        while given < self.io_patience_real_seconds and not work.done():
            started = loop.time()
            await asyncio.wait({work}, timeout=self.io_patience_slice_seconds)
            given += min(loop.time() - started, self.io_patience_slice_seconds)
