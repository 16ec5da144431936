"""The ccTalk bus: one serial line, one request at a time, the host's own echo stripped.

ccTalk runs on a single wire (Part 1, "Serial protocol – physical layer"): every byte the host sends
comes straight back to its receiver before any peripheral answers. The bus therefore expects, after
each write, the echo of the request (byte for byte) and then the reply; a packet addressed to anyone
but the host is never a reply. With `echo=False` (a two-wire adapter) no echo is awaited.
"""

from __future__ import annotations

import asyncio
import logging

from common.clock import Clock
from drivers import serial_transport
from drivers.cash.errors import BusError, BusyError, DeviceTimeout, NakError
from drivers.cash.frames import BUS_ADDRESSES, HOST_ADDRESS, ChecksumMode, Frame, FrameDecoder, Header

log = logging.getLogger(__name__)

# Part 1 "Baud rate": 9600 baud is the preferred and standard ccTalk speed.
BAUDRATE = 9600
# A device that answered BUSY is asked again after this long; Part 1 leaves the wait to the host,
# and a ccTalk reply takes ~10 ms at 9600 baud, so 50 ms is several reply times.
BUSY_RETRY_DELAY = 0.05


class _LineProtocol(asyncio.Protocol):
    """Feeds received bytes to the bus; notices when the port goes away."""

    def __init__(self, bus: CcTalkBus) -> None:
        self._bus = bus

    def data_received(self, data: bytes) -> None:
        self._bus._received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._bus._lost(exc)


class CcTalkBus:
    """Request/response over one ccTalk line.

    `request` holds a lock for the whole exchange, so the background poller and the controller's
    commands never interleave on the wire. Each try has its own deadline on the injected clock.
    """

    def __init__(self, port: str, *, clock: Clock, echo: bool = True, checksum: ChecksumMode = "simple",
                 response_timeout: float = 0.1, retries: int = 2, baudrate: int = BAUDRATE) -> None:
        self.port = port
        self.echo = echo
        self.checksum: ChecksumMode = checksum
        self.response_timeout = response_timeout
        self.retries = retries
        self._clock = clock
        self._baudrate = baudrate
        self._decoder = FrameDecoder(checksum, BUS_ADDRESSES)
        self._frames: asyncio.Queue[Frame] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._transport: asyncio.BaseTransport | None = None
        self._closed_by: Exception | None = None
        self._warned_no_echo = False

    @property
    def is_open(self) -> bool:
        return self._transport is not None

    async def open(self) -> None:
        """Open the port (BusError if it cannot be opened)."""
        if self._transport is not None:
            return
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await serial_transport.create_serial_connection(
                loop, lambda: _LineProtocol(self), self.port, baudrate=self._baudrate)
        except (OSError, ValueError) as exc:  # serial.SerialException is an OSError
            raise BusError(f"cannot open {self.port}: {exc}") from exc
        self._transport = transport
        self._closed_by = None
        self._decoder.reset()

    async def close(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()
            # Let the transport's close callbacks run so the fd is really released.
            await asyncio.sleep(0)

    async def request(self, dest: int, header: int, data: bytes = b"", *,
                      retries: int | None = None) -> Frame:
        """Send one command to `dest` and return its reply (header 0).

        Retries a lost or garbled reply up to `retries` times; NAK raises NakError at once.
        Callers of commands that must not run twice (dispense) pass ``retries=0`` and recover themselves.
        """
        request = Frame(dest=dest, src=HOST_ADDRESS, header=header, data=data)
        raw = request.to_bytes(self.checksum)
        tries = 1 + (self.retries if retries is None else retries)
        last: Exception | None = None
        async with self._lock:
            for attempt in range(tries):
                try:
                    reply = await self._exchange(dest, raw)
                except TimeoutError as exc:
                    last = exc
                    log.debug("no reply from %d to header %d (try %d/%d)", dest, header, attempt + 1, tries)
                    continue
                if reply.header == Header.NAK:
                    raise NakError(f"address {dest} refused header {header} (NAK)")
                if reply.header == Header.BUSY:
                    last = BusyError(f"address {dest} busy on header {header}")
                    await asyncio.sleep(BUSY_RETRY_DELAY)
                    continue
                return reply
        if isinstance(last, BusyError):
            raise last
        raise DeviceTimeout(f"address {dest} did not answer header {header} "
                            f"within {self.response_timeout:g} s ({tries} tries)") from last

    async def _exchange(self, dest: int, raw: bytes) -> Frame:
        transport = self._transport
        if transport is None or not isinstance(transport, asyncio.WriteTransport):
            raise BusError(f"{self.port} is not open") from self._closed_by
        self._decoder.reset()
        while not self._frames.empty():
            stale = self._frames.get_nowait()
            log.debug("discarding stale packet %s", stale)
        transport.write(raw)
        return await self._clock.wait_for(self._await_reply(dest, raw), self.response_timeout)

    async def _await_reply(self, dest: int, raw: bytes) -> Frame:
        echo_seen = not self.echo
        while True:
            frame = await self._frames.get()
            if self._transport is None:
                raise BusError(f"{self.port} closed") from self._closed_by
            if not echo_seen and frame.to_bytes(self.checksum) == raw:
                echo_seen = True
                continue
            if frame.dest != HOST_ADDRESS:
                continue  # an echo we did not expect, or another host's traffic
            if frame.src is not None and frame.src != dest:
                continue
            if not echo_seen and not self._warned_no_echo:
                self._warned_no_echo = True
                log.warning("ccTalk reply from %d arrived without the bus echo; is `echo` configured right?",
                            dest)
            return frame

    def _received(self, data: bytes) -> None:
        for frame in self._decoder.feed(data):
            self._frames.put_nowait(frame)

    def _lost(self, exc: Exception | None) -> None:
        self._closed_by = exc
        self._transport = None
        # Wake a waiting exchange so it fails now instead of at its deadline.
        self._frames.put_nowait(Frame(dest=0, src=0, header=0))

