"""The one loosely typed wrapper around pyscard's `smartcard.scard` (pcsc-lite's C API, synchronous).

Every function here blocks: call them from a worker thread, never on the event loop. Each turns a
PC/SC return code other than SCARD_S_SUCCESS into `PcscError` carrying the code.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from smartcard import scard

S_SUCCESS: int = scard.SCARD_S_SUCCESS
E_TIMEOUT: int = scard.SCARD_E_TIMEOUT
E_NO_SERVICE: int = scard.SCARD_E_NO_SERVICE
E_SERVICE_STOPPED: int = scard.SCARD_E_SERVICE_STOPPED
E_INVALID_HANDLE: int = scard.SCARD_E_INVALID_HANDLE
E_NO_READERS_AVAILABLE: int = scard.SCARD_E_NO_READERS_AVAILABLE
E_UNKNOWN_READER: int = scard.SCARD_E_UNKNOWN_READER
E_READER_UNAVAILABLE: int = scard.SCARD_E_READER_UNAVAILABLE
E_NO_SMARTCARD: int = scard.SCARD_E_NO_SMARTCARD
E_NOT_TRANSACTED: int = scard.SCARD_E_NOT_TRANSACTED
W_REMOVED_CARD: int = scard.SCARD_W_REMOVED_CARD
W_RESET_CARD: int = scard.SCARD_W_RESET_CARD
W_UNRESPONSIVE_CARD: int = scard.SCARD_W_UNRESPONSIVE_CARD
W_UNPOWERED_CARD: int = scard.SCARD_W_UNPOWERED_CARD

STATE_UNAWARE: int = scard.SCARD_STATE_UNAWARE
STATE_IGNORE: int = scard.SCARD_STATE_IGNORE
STATE_UNKNOWN: int = scard.SCARD_STATE_UNKNOWN
STATE_UNAVAILABLE: int = scard.SCARD_STATE_UNAVAILABLE
STATE_EMPTY: int = scard.SCARD_STATE_EMPTY
STATE_PRESENT: int = scard.SCARD_STATE_PRESENT
STATE_MUTE: int = scard.SCARD_STATE_MUTE

# Codes meaning "the resource manager itself is gone": start over with a new context.
SERVICE_GONE = frozenset({E_NO_SERVICE, E_SERVICE_STOPPED, E_INVALID_HANDLE})
# Codes meaning "that reader is gone".
READER_GONE = frozenset({E_NO_READERS_AVAILABLE, E_UNKNOWN_READER, E_READER_UNAVAILABLE})
# Codes meaning "the card is gone".
CARD_GONE = frozenset({E_NO_SMARTCARD, W_REMOVED_CARD})


class PcscError(Exception):
    """A PC/SC call returned an error code."""

    def __init__(self, function: str, code: int) -> None:
        self.function = function
        self.code = code & 0xFFFFFFFF
        super().__init__(f"{function}: {self.code:#010x} {scard.SCardGetErrorMessage(code)}")


def _check(function: str, code: Any) -> None:
    if int(code) != S_SUCCESS:
        raise PcscError(function, int(code))


def establish_context() -> int:
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    _check("SCardEstablishContext", code)
    return int(context)


def release_context(context: int) -> None:
    _check("SCardReleaseContext", scard.SCardReleaseContext(context))


def list_readers(context: int) -> list[str]:
    code, readers = scard.SCardListReaders(context, [])
    if int(code) == E_NO_READERS_AVAILABLE:
        return []
    _check("SCardListReaders", code)
    return [str(name) for name in readers]


def reader_state(context: int, reader: str, *, current: int = STATE_UNAWARE, timeout_ms: int = 0) -> int:
    """The reader's event state; with `current` and `timeout_ms`, wait up to that long for a change."""
    code, states = scard.SCardGetStatusChange(context, timeout_ms, [(reader, current)])
    if int(code) == E_TIMEOUT:
        return current
    _check("SCardGetStatusChange", code)
    return int(states[0][1])


def wait_card_absent(context: int, reader: str, timeout_ms: int) -> bool:
    """True once pcscd reports no card in `reader`, False if it still reports one after `timeout_ms`."""
    deadline = time.monotonic() + timeout_ms / 1000
    state = reader_state(context, reader)
    while state & STATE_PRESENT:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0:
            return False
        state = reader_state(context, reader, current=state & ~scard.SCARD_STATE_CHANGED, timeout_ms=left)
    return True


def connect(context: int, reader: str) -> tuple[int, int]:
    """(card handle, active protocol) for a shared connection speaking T=0 or T=1."""
    code, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
    _check("SCardConnect", code)
    return int(card), int(protocol)


def transmit(card: int, protocol: int, command: bytes) -> bytes:
    code, response = scard.SCardTransmit(card, protocol, list(command))
    _check("SCardTransmit", code)
    return bytes(response)


def disconnect(card: int, *, reset: bool) -> None:
    """Leave the card reset (ready for the next transaction) or untouched (it is already gone)."""
    disposition = scard.SCARD_RESET_CARD if reset else scard.SCARD_LEAVE_CARD
    _check("SCardDisconnect", scard.SCardDisconnect(card, disposition))


def readers_listed() -> list[str] | None:
    """The readers pcscd lists now, or None when no pcscd answers (one short-lived context)."""
    try:
        context = establish_context()
    except PcscError:
        return None
    try:
        return list_readers(context)
    except PcscError:
        return []
    finally:
        with contextlib.suppress(PcscError):
            release_context(context)


def reader_has_card(reader: str) -> bool:
    """Whether `reader` holds a card now (one short-lived context)."""
    context = establish_context()
    try:
        return bool(reader_state(context, reader) & STATE_PRESENT)
    finally:
        release_context(context)
