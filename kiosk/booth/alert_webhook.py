"""Alerts to the city's webhook (`[alerts] webhook_url`): each raise and clear POSTed once as JSON.

A resident never waits on it: `send` only queues, and one task of its own posts, retrying a failed
post with the project's capped backoff (common/backoff.py) on the kiosk's clock until the receiver
takes it (any 2xx). The queue is bounded: a receiver gone for weeks costs the oldest events, never
the booth's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

import aiohttp

from common.backoff import Backoff
from common.clock import Clock
from kiosk.alerts import AlertEvent

log = logging.getLogger(__name__)

# A booth raises a handful of alerts a day; 200 undelivered edges is weeks of a dead receiver.
MAX_QUEUED = 200
# One POST's own deadline (real seconds): a receiver that takes longer is retried later.
POST_TIMEOUT_S = 10.0
# Retries start at 1 s and settle at 5 minutes: a receiver back from a restart hears within seconds,
# one down for a day is asked a dozen times an hour.
RETRY_BASE_S = 1.0
RETRY_CAP_S = 300.0


class AlertWebhook:
    def __init__(self, url: str, *, kiosk_id: str, clock: Clock) -> None:
        self.url = url
        self.kiosk_id = kiosk_id
        self._clock = clock
        self._queue: deque[dict[str, object]] = deque(maxlen=MAX_QUEUED)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.delivered = 0

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT_S),
                                              headers={"User-Agent": "civil-kiosk/0.1"})
        self._task = asyncio.get_running_loop().create_task(self._run(), name="alert-webhook")

    def send(self, event: AlertEvent) -> None:
        """Queue one edge (an AlertWatch listener): returns at once."""
        if len(self._queue) == MAX_QUEUED:
            log.warning("alert webhook queue full: the oldest undelivered alert is dropped")
        self._queue.append({"kiosk_id": self.kiosk_id, **event.as_json()})
        self._wake.set()

    async def _run(self) -> None:
        backoff = Backoff(base=RETRY_BASE_S, cap=RETRY_CAP_S)
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                if await self._post(self._queue[0], backoff):
                    self._queue.popleft()
                    self.delivered += 1
                    backoff.reset()
                else:
                    await self._clock.sleep(backoff.next_delay())

    async def _post(self, body: dict[str, object], backoff: Backoff) -> bool:
        assert self._session is not None
        try:
            async with self._session.post(self.url, json=body) as response:
                if 200 <= response.status < 300:
                    return True
                problem = f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            problem = repr(exc)
        log.log(logging.WARNING if backoff.first_failure else logging.DEBUG,
                "alert webhook %s: %s (retrying)", self.url, problem)
        return False

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
