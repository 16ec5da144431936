"""What can go wrong talking to the issuance server, as a small typed tree the controller acts on.

The controller tells "try later" (ServerUnavailable) from "the server said no" (ServerRejected) from
"the server is broken" (ServerProtocolError) from "do not print this" (DocumentSignatureInvalid,
DocumentMalformed) by class alone; `reason` is the short code a technician sees and tests assert.
"""

from __future__ import annotations


class ServerError(Exception):
    """Base of everything this client raises about the server. `reason` is a short code."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason = reason
        self.message = message


class ServerUnavailable(ServerError):
    """No usable answer now: refused, timed out, dropped, 5xx or maintenance. Try again later."""

    def __init__(
        self, reason: str, message: str = "", *, retry_after: float | None = None, retryable: bool = True
    ) -> None:
        super().__init__(reason, message)
        self.retry_after = retry_after
        self.retryable = retryable


class ServerTimeout(ServerUnavailable, TimeoutError):
    """The server did not answer within the call's deadline."""


class ServerTLSError(ServerUnavailable):
    """The TLS handshake failed: our client certificate was refused, or the server is not the pinned one."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(reason, message, retryable=False)


class ServerProtocolError(ServerError):
    """The server answered something that is not the protocol: bad JSON, wrong type, oversized."""


class ServerRejected(ServerError):
    """The server understood and said no (4xx); `reason` is its error code."""

    def __init__(self, status: int, reason: str, message: str = "") -> None:
        super().__init__(reason, message)
        self.status = status


class DocumentSignatureInvalid(ServerError):
    """An issued PDF whose Ed25519 signature does not verify against the pinned key: never print it."""


class DocumentMalformed(ServerError):
    """A signed document that is not what it claims (not a PDF that opens, another page count, a page
    with nothing to print): the printer never sees it."""


class KeyFileExposed(ValueError):
    """The kiosk's private TLS key can be read by other users: whoever reads it can pose as the booth."""
