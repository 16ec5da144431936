"""Where each key of the accessibility keypad goes: voice guidance, or the screens.

The keypad driver (drivers/keypad) reports what the resident did; this decides who acts on it, so
neither the driver nor the screens need to know the other exists. Voice's own keys (volume, rate,
replay, pause: `common.keypad_keys.VOICE_KEYS`) go to the voice guide; every other key (digits,
arrows, OK, back, help, and voice on/off, which changes the resident's accessibility settings) goes
to the screens, which move their focus ring or turn the key into an intent for the controller. The
earphone jack goes to voice, which starts speaking into it and tells the controller that voice is on
(the session's AccessMode, which the screens then show).

Both sinks are Protocols and may be connected late (`connect`): the screens exist only once the
window is up, and a booth without voice guidance still has a working keypad. A sink that raises is
logged and does not stop the other sink or the next key.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Protocol

from common.keypad_keys import VOICE_KEYS, Key
from drivers.keypad import EarphoneJack, KeypadEvent, KeyPressed

log = logging.getLogger(__name__)


class ScreenKeys(Protocol):
    """The screen runner (screens.runner.ScreenRunner) as the keypad uses it."""

    def keypad(self, key: Key) -> object:
        """Move the focus, type a digit or act on the focused item; returns the Intent it made, if any."""


class VoiceKeys(Protocol):
    """Voice guidance as the keypad uses it; a method may also be a coroutine function."""

    def keypad(self, key: Key) -> object:
        """Volume, rate, replay or pause (one of VOICE_KEYS)."""

    def earphone(self, plugged: bool) -> object:
        """Speak into the earphone (and mute the speaker) while one is plugged in."""


class KeypadDispatcher:
    """Hands each keypad event to the sink that acts on it (`dispatch` is the driver's `on_event`)."""

    def __init__(self, screens: ScreenKeys | None = None, voice: VoiceKeys | None = None) -> None:
        self.screens = screens
        self.voice = voice
        # Events handed on so far: the scenario runner waits on it to know a press reached the kiosk.
        self.handled = 0
        self._pending: set[asyncio.Task[object]] = set()
        # Per sink, its last coroutine: the next one starts after it, so a sink hears keys in order.
        self._last: dict[int, asyncio.Task[object]] = {}

    def connect(self, *, screens: ScreenKeys | None = None, voice: VoiceKeys | None = None) -> None:
        if screens is not None:
            self.screens = screens
        if voice is not None:
            self.voice = voice

    def dispatch(self, event: KeypadEvent) -> None:
        if isinstance(event, KeyPressed):
            if event.key in VOICE_KEYS:
                self._call(self.voice, "keypad", event.key)
            else:
                self._call(self.screens, "keypad", event.key)
        elif isinstance(event, EarphoneJack):
            self._call(self.voice, "earphone", event.plugged)
        self.handled += 1

    @property
    def busy(self) -> bool:
        """A sink's coroutine is still running."""
        return any(not task.done() for task in self._pending)

    def _call(self, sink: ScreenKeys | VoiceKeys | None, method: str, arg: Key | bool) -> None:
        if sink is None:
            log.debug("keypad: no sink connected for %s", method)
            return
        handler = getattr(sink, method, None)
        if handler is None:  # e.g. screens that do not show the jack: the other sink still hears it
            log.debug("keypad: %s has no %s", type(sink).__name__, method)
            return
        try:
            result = handler(arg)
        except Exception:
            log.exception("keypad: %s.%s failed", type(sink).__name__, method)
            return
        if inspect.isawaitable(result):
            task: asyncio.Task[object] = asyncio.ensure_future(_in_turn(self._last.get(id(sink)), result))
            self._last[id(sink)] = task
            self._pending.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._pending.discard(task)
        for sink, last in list(self._last.items()):
            if last is task:
                del self._last[sink]
        if not task.cancelled() and task.exception() is not None:
            log.error("keypad: a sink's coroutine failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()
        self._last.clear()


async def _in_turn(previous: asyncio.Task[object] | None, work: Awaitable[object]) -> object:
    try:
        if previous is not None:
            await asyncio.wait({previous})
    except asyncio.CancelledError:
        if inspect.iscoroutine(work):
            work.close()  # never started: no "coroutine was never awaited" at shutdown
        raise
    return await work
