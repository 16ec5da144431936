"""The serial transport every serial driver opens its port through: a read that fails closes the port.

pyserial-asyncio-fast's transport reads with ``Serial.read``, which on POSIX asks ``select()`` first.
``select()`` refuses any file descriptor of 1024 or more (ValueError, not a SerialException), and the
transport only closes on a SerialException: any other error escapes its reader callback, the port's
bytes stay unread, the descriptor stays readable, and the event loop calls the failing reader again at
once, for ever (a process with many files open, such as the crash harness after a few kill points, met
it: the loop spun at full speed and the session stalled). Any other error of a read (a USB adapter
pulled in a way the OS reports oddly, a protocol bug in `data_received`) did the same.

Here the loop has already said the port is readable, so the read is one ``os.read`` (any descriptor
number), and every failure ends the transport as asyncio's own transports end: the protocol hears
``connection_lost(exc)`` once, the reader is removed, and the driver's own reconnect (with its
backoff) takes over. A read that finds the port readable but empty (the other end gone) is a lost
connection too, as in pyserial.
"""

from __future__ import annotations

import asyncio
import errno
import os
import urllib.parse
from collections.abc import Callable
from typing import Any

import serial
import serial.serialposix
import serial_asyncio_fast

# Errors of a non-blocking read that only mean "nothing to read just now".
_NOTHING_YET = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)


class SerialTransport(serial_asyncio_fast.SerialTransport):
    """pyserial-asyncio-fast's transport with a reader that can neither fail silently nor spin."""

    def _read_ready(self) -> None:
        port = self._serial
        if self._closing or port is None:
            return
        try:
            data = _read_now(port, self._max_read_size)
        except serial.SerialException as exc:
            self._close(exc=exc)
            return
        except Exception as exc:
            self._fatal_error(exc, "Fatal read error on serial transport")
            return
        if data is None:
            return
        try:
            self._protocol.data_received(data)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:  # as asyncio's transports: a protocol that fails ends its connection
            self._fatal_error(exc, "Fatal error: protocol.data_received() call failed")


def _read_now(port: serial.SerialBase, size: int) -> bytes | None:
    """What the port holds now (None: nothing yet); SerialException when the port is gone."""
    if not isinstance(port, serial.serialposix.Serial):
        data: bytes = port.read(size)  # a URL handler's port (rfc2217://, loop://): its own read
        return data or None
    try:
        data = os.read(port.fileno(), size)
    except OSError as exc:
        if exc.errno in _NOTHING_YET:
            return None
        raise serial.SerialException(f"read failed: {exc}") from exc
    if not data:
        raise serial.SerialException("device reports readiness to read but returned no data "
                                     "(device disconnected?)")
    return data


async def connection_for_serial(loop: asyncio.AbstractEventLoop, protocol_factory: Callable[[], asyncio.Protocol],
                                serial_instance: serial.SerialBase) -> tuple[SerialTransport, asyncio.Protocol]:
    """`serial_asyncio_fast.connection_for_serial`, on this module's transport."""
    protocol = protocol_factory()
    return SerialTransport(loop, protocol, serial_instance), protocol


async def create_serial_connection(loop: asyncio.AbstractEventLoop, protocol_factory: Callable[[], asyncio.Protocol],
                                   url: str, **kwargs: Any) -> tuple[asyncio.BaseTransport, asyncio.Protocol]:
    """`serial_asyncio_fast.create_serial_connection`, on this module's transport (a socket:// URL
    keeps the library's socket transport, which has no serial read)."""
    if urllib.parse.urlparse(url).scheme == "socket":
        return await serial_asyncio_fast.create_serial_connection(loop, protocol_factory, url, **kwargs)
    serial_instance = await loop.run_in_executor(None, lambda: serial.serial_for_url(url, **kwargs))
    return await connection_for_serial(loop, protocol_factory, serial_instance)


async def open_serial_connection(*, limit: int = 2**16,
                                 **kwargs: Any) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """`serial_asyncio_fast.open_serial_connection` (a stream pair), on this module's transport."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=limit, loop=loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    url = kwargs.pop("url")
    transport, _ = await create_serial_connection(loop, lambda: protocol, url, **kwargs)
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)  # type: ignore[arg-type]
