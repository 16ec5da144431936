"""What the event loop still watches for a kiosk: after an in-process power cut, nothing may be left.

The crash harness runs the dead kiosk, the restarted one and every simulator in one process and one
event loop. A serial port, a keypad node or a socket reader of the dead kiosk left registered on the
loop would still be called when its descriptor turns readable (or when the number is reused), in a
kiosk that no longer exists: at best noise, at worst a reader that fails on every call and spins the
loop. The simulators' own readers (PTY masters, servers) stay: they are the hardware.
"""

from __future__ import annotations

import asyncio
import selectors
from typing import Any

import serial_asyncio_fast

# Modules whose objects are the kiosk's (the controller and its drivers), not the booth's devices.
KIOSK_MODULES = ("drivers.", "kiosk.", "common.")


def kiosk_watchers(loop: asyncio.AbstractEventLoop) -> list[str]:
    """Each reader or writer registered on `loop` for the kiosk's side, as "fd N: callback" (sorted)."""
    selector: selectors.BaseSelector | None = getattr(loop, "_selector", None)
    if selector is None:  # not a selector loop: nothing this check can see
        return []
    found = []
    for key in list(selector.get_map().values()):
        for handle in key.data:
            callback = getattr(handle, "_callback", None)
            if handle is not None and not handle.cancelled() and _is_kiosk_side(callback):
                found.append(f"fd {key.fd}: {getattr(callback, '__qualname__', callback)!s}")
    return sorted(found)


def _is_kiosk_side(callback: Any) -> bool:
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, serial_asyncio_fast.SerialTransport):
        return True  # only drivers open serial transports; the simulators' ends are PTY masters
    module = getattr(type(owner), "__module__", "") if owner is not None else getattr(callback, "__module__", "")
    return isinstance(module, str) and module.startswith(KIOSK_MODULES)
