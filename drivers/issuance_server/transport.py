"""Below HTTP: sockets that close when a handshake is cancelled, and transport failures in words.

httpx and httpcore raise their own exception classes for a refused connection, a timeout, a broken
TLS handshake or a certificate the pinned CA did not sign; `transport_error` turns each into the
client's error tree with a reason a technician can act on. The httpcore shim makes a Clock deadline
that cancels a TLS handshake close its socket, which httpcore itself leaves to the garbage collector.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from drivers.issuance_server.errors import ServerError, ServerTimeout, ServerTLSError, ServerUnavailable


class _CancelSafeStream(httpcore.AsyncNetworkStream):
    """Closes the socket when a TLS handshake is cancelled, not only when it fails.

    httpcore 1.0.9 (_backends/anyio.py, start_tls) closes the stream on `Exception` only; a Clock
    deadline cancels the request instead, which would leave the half-open socket to the GC.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109 (httpcore's API)
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109 (httpcore's API)
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's API)
    ) -> httpcore.AsyncNetworkStream:
        try:
            return await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await self._inner.aclose()
            raise

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _CancelSafeBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's API)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _CancelSafeStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def make_cancel_safe(transport: httpx.AsyncHTTPTransport) -> None:
    # httpx has no public hook for httpcore's network backend; the pool attribute is stable across
    # httpx 0.2x. If it ever moves, this does nothing and tests/server catch the leaked socket.
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.AsyncConnectionPool):
        pool._network_backend = _CancelSafeBackend(pool._network_backend)


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


# OpenSSL's verification codes (X509_V_ERR_*) that a technician can act on, each told apart: after a
# clock reset every certificate looks expired or not yet valid, and "not from the pinned CA" would
# send them to replace certificates that are fine.
_X509_NOT_YET_VALID = 9
_X509_EXPIRED = 10
_X509_WRONG_NAME = (62, 64)  # hostname mismatch, IP address mismatch


def _certificate_refused(error: ssl.SSLCertVerificationError, host: str) -> ServerTLSError:
    """Why the server's certificate was refused, in words that say what to fix."""
    code = error.verify_code
    # OpenSSL judged the dates on this machine's clock, not on a virtual one: say what it read.
    now = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if code == _X509_EXPIRED:
        return ServerTLSError(
            "tls-server-expired",
            f"the server's certificate has expired by this kiosk's clock ({now}): if the clock is wrong "
            "(reset, battery), set it; if it is right, the server's certificate must be renewed")
    if code == _X509_NOT_YET_VALID:
        return ServerTLSError(
            "tls-server-not-yet-valid",
            f"the server's certificate is not valid yet by this kiosk's clock ({now}): the clock is "
            "probably behind (reset to an old date?); set it")
    if code in _X509_WRONG_NAME:
        return ServerTLSError(
            "tls-server-wrong-name",
            f"the server's certificate is not made out to {host!r}: check server.base_url in the config, "
            "or the name the server's certificate was issued for")
    return ServerTLSError(
        "tls-server-untrusted",
        f"the server's certificate is not from the pinned CA ({error.verify_message or 'unknown CA'})")


def transport_error(exc: httpx.TransportError, *, host: str = "") -> ServerError:
    chain = _causes(exc)
    refused = next((c for c in chain if isinstance(c, ssl.SSLCertVerificationError)), None)
    if refused is not None:
        return _certificate_refused(refused, host)
    if isinstance(exc, httpx.TimeoutException):
        return ServerTimeout("timeout", type(exc).__name__)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(c, ssl.SSLError) for c in chain):
            return ServerTLSError(
                "tls-handshake-failed", "the server ended the TLS handshake (client certificate refused?)"
            )
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            return ServerUnavailable("connect-refused", "nothing listens at the server address")
        return ServerUnavailable("connect-failed", str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.RemoteProtocolError):
        if "disconnected" in str(exc).lower():
            return ServerUnavailable("dropped", "the server closed the connection without answering")
        return ServerUnavailable("bad-http", "the server's answer is not valid HTTP")
    if isinstance(exc, httpx.NetworkError):
        return ServerUnavailable("dropped", "the connection broke during the exchange")
    return ServerUnavailable("transport-error", type(exc).__name__)
