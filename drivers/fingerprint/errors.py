"""Typed failures of the fingerprint driver, so the controller can tell a resident what to do.

Every error the driver raises is a `FingerprintError`; those caused by another exception are raised
``from`` it. Timeouts are also `TimeoutError`s.
"""

from __future__ import annotations

from typing import Literal

PoorImageKind = Literal["wet", "dry", "partial"]


class FingerprintError(Exception):
    """Anything the fingerprint driver reports as failed."""


class FrameError(FingerprintError, ValueError):
    """Bytes from the wire that are not a valid frame of the sensor's protocol."""


class FingerprintUnavailable(FingerprintError):
    """The sensor is unplugged, silent or otherwise offline: offer another way, not a retry.

    `reason` is the short code the status reports (``"unplugged"``, ``"no-answer"``, ...).
    """

    def __init__(self, message: str = "", *, reason: str = "unplugged") -> None:
        super().__init__(message)
        self.reason = reason


class FingerprintTimeout(FingerprintUnavailable, TimeoutError):
    """The sensor did not answer a request within its deadline (after the allowed retry)."""

    def __init__(self, message: str = "", *, reason: str = "no-answer") -> None:
        super().__init__(message, reason=reason)


class PoorImage(FingerprintError):
    """The sensor saw a finger but could not read it; `kind` says what the resident should change."""

    def __init__(self, kind: PoorImageKind, detail: str = "") -> None:
        super().__init__(f"poor fingerprint image ({kind}){': ' + detail if detail else ''}")
        self.kind: PoorImageKind = kind


class FakeFinger(FingerprintError):
    """The sensor's liveness check rejected the finger (a replica, not skin)."""


class CaptureCancelled(FingerprintError):
    """`cancel()` aborted the capture before a finger was read."""


class DeviceError(FingerprintError):
    """The sensor answered with a code the driver has no meaning for."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(f"sensor answered code 0x{code:02X}{': ' + detail if detail else ''}")
        self.code = code
