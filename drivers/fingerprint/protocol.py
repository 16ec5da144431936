"""The asyncio side of a sensor link, shared by both families: buffer, loss, deadlines.

A `Link` is the `asyncio.Protocol` that pyserial-asyncio-fast feeds. Each family subclass cuts its
frames out of the buffer and routes them to the request waiting for them; a request registers its
waiter before it writes, holds the link's lock, and waits on the injected `Clock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from common.clock import Clock
from drivers.fingerprint.errors import FingerprintTimeout, FingerprintUnavailable

log = logging.getLogger(__name__)

# An item in a waiter's inbox: a frame or raw data, or the exception that ended the link.
Inbox = asyncio.Queue[Any]


class Link(asyncio.Protocol):
    """One open serial connection to a sensor; dead for good once the connection is lost."""

    def __init__(self, clock: Clock, response_timeout: float,
                 on_lost: Callable[[Link, Exception | None], None] | None = None) -> None:
        self.clock = clock
        self.response_timeout = response_timeout
        self.lock = asyncio.Lock()
        self._on_lost = on_lost
        self._buf = bytearray()
        self._transport: asyncio.Transport | None = None
        self._made: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lost: BaseException | None = None
        self._inboxes: set[Inbox] = set()

    # asyncio.Protocol -------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if not self._made.done():
            self._made.set_result(None)

    def data_received(self, data: bytes) -> None:
        self._buf += data
        self._process()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._lost = exc or ConnectionError("serial port closed")
        for inbox in list(self._inboxes):
            inbox.put_nowait(self._lost)
        self._drop(len(self._buf))
        if not self._closed.done():
            self._closed.set_result(None)
        if not self._made.done():
            self._made.set_result(None)
        if self._on_lost is not None:
            self._on_lost(self, exc)

    # API for subclasses and the client ---------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    async def opened(self) -> None:
        """Wait until the transport has called `connection_made` (it is scheduled, not immediate)."""
        await self._made

    async def close(self) -> None:
        """Close the port and wait until the transport has released it."""
        if self._transport is not None:
            self._transport.close()
        await self._closed

    def write(self, data: bytes) -> None:
        if not self.alive or self._transport is None:
            raise FingerprintUnavailable("serial link is closed") from self._lost
        self._transport.write(data)

    def open_inbox(self) -> Inbox:
        """Register a waiter; do this before writing the request it waits for."""
        inbox: Inbox = asyncio.Queue()
        if self._lost is not None:
            inbox.put_nowait(self._lost)
        self._inboxes.add(inbox)
        return inbox

    def close_inbox(self, inbox: Inbox) -> None:
        self._inboxes.discard(inbox)

    async def receive(self, inbox: Inbox, seconds: float) -> Any:
        """The next item for `inbox` within `seconds` on the clock; raises if the link died."""
        try:
            item = await self.clock.wait_for(inbox.get(), seconds)
        except TimeoutError as exc:
            raise FingerprintTimeout(f"no answer within {seconds:g} s") from exc
        if isinstance(item, BaseException):
            raise FingerprintUnavailable(f"serial link lost: {item}") from item
        return item

    def _consume(self, n: int) -> bytearray:
        """Take `n` bytes off the buffer, zeroing them there (they may be template bytes)."""
        taken = bytearray(self._buf[:n])
        self._drop(n)
        return taken

    def _drop(self, n: int) -> None:
        self._buf[:n] = bytes(n)
        del self._buf[:n]

    def _process(self) -> None:
        raise NotImplementedError

    def _deliver(self, inbox: Inbox | None, item: Any, what: str) -> None:
        if inbox is None or inbox not in self._inboxes:
            log.debug("dropped unsolicited %s", what)
            return
        inbox.put_nowait(item)


async def wait_closed_quietly(link: Link) -> None:
    with contextlib.suppress(Exception):
        await link.close()
