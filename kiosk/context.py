"""What the controller's helpers may use of it: a narrow view instead of the whole `Kiosk`.

The till, the card payment, the issuer, identification, the outbox and card recovery each work for
the controller (kiosk.controller.Kiosk), which satisfies these Protocols. They depend on this module,
on the ports and on the helpers below them, never on the controller: so a helper can be read (and
tested) knowing only what it is handed, and the imports run in one direction.

`Books` is enough for work that only talks to the server and writes the journal (card recovery, the
outbox); `Context` adds the session being served and the controller's plumbing (publishing a view,
the resident's activity, tasks, machine events) for the helpers that serve a resident.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any, Protocol

from common.clock import Clock
from common.status import DeviceStatus
from kiosk.config import KioskConfig
from kiosk.journal import Journal, Recorder
from kiosk.ports import Devices, ServerPort
from kiosk.session import Session


class Books(Protocol):
    """The journal (read, and written through `record`, stamped by the kiosk's clock) and the server."""

    @property
    def journal(self) -> Journal: ...

    @property
    def record(self) -> Recorder: ...

    @property
    def server(self) -> ServerPort: ...


class Context(Books, Protocol):
    """Books, plus the devices, the session being served and the controller's plumbing."""

    @property
    def config(self) -> KioskConfig: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def devices(self) -> Devices: ...

    @property
    def statuses(self) -> Mapping[str, DeviceStatus]: ...

    @property
    def session(self) -> Session | None: ...

    @property
    def state(self) -> str: ...

    def publish(self) -> None:
        """Show the current state on the screens (a new `View`)."""

    def note_activity(self) -> None:
        """The resident is here: restart the state's countdown and drop a "need more time?" prompt."""

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `coro` in a task the controller owns (a bug in it ends the session safely)."""
        ...

    def spawn_for_state(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """As `spawn`, for work that is cancelled when the session leaves the current state."""

    async def fire(self, trigger: str) -> None:
        """Send the state machine an event (from a fresh task: the sender's work is never cut)."""
