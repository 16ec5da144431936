"""The accessibility keypad (and the earphone jack) as the booth sees it, read straight from evdev.

`Keypad(device, clock=..., on_event=...)`; `start()` never raises for a missing keypad: the status
says OFFLINE with a reason and a background task reopens the node with capped backoff on the
injected clock. Each key press reaches `on_event` as a `KeyPressed`, each change of the earphone
jack as an `EarphoneJack`.

The node is read without python-evdev: the driver opens the path non-blocking, reads the kernel's
`struct input_event` records itself (drivers/keypad/codec.py) with the loop's `add_reader`, and
grabs the device (EVIOCGRAB) so its keys do not also type into a console. A FIFO at the path (the
simulator's end of the wire) is read the same way, without the ioctls. The earphone jack is a
switch, EV_SW/SW_HEADPHONE_INSERT: on the keypad's own node, or on the sound card's jack node
(`jack_device`, e.g. /dev/input/by-path/...-event for "HDA Intel PCH Headphone"); its state at
open is read with EVIOCGSW on a real node.

A resident's digits are a resident number: key presses are never logged. Unknown key codes are
logged once each, by name, so a technician can map a new keypad's keys in config.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import stat
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from common.backoff import Backoff
from common.clock import Clock
from common.keypad_keys import Key
from common.status import DeviceState, DeviceStatus
from drivers.keypad.codec import (
    EV_KEY,
    EV_SW,
    KEY_PRESS,
    KEY_REPEAT,
    SW_HEADPHONE_INSERT,
    EventDecoder,
    InputEvent,
    PacketAssembler,
    native_layout,
)
from drivers.keypad.events import EarphoneJack, KeypadEvent, KeyPressed
from drivers.keypad.keymap import DEFAULT_KEYMAP, REPEATING_KEYS, code_name

log = logging.getLogger(__name__)

DEVICE = "keypad"

# <linux/input.h>: EVIOCGRAB = _IOW('E', 0x90, int); EVIOCGSW(len) = _IOC(_IOC_READ, 'E', 0x1b, len).
EVIOCGRAB = 0x40044590
SW_BYTES = 8  # SW_MAX is 0x10: three bytes of bits; eight is plenty


def eviocgsw(length: int = SW_BYTES) -> int:
    return (2 << 30) | (length << 16) | (ord("E") << 8) | 0x1B


# A read takes up to this many bytes: 64 records, more than a burst of keys ever queues.
READ_BYTES = 64 * 24
# Distinct unknown codes remembered for "logged once"; evdev has 768 key codes.
MAX_UNKNOWN_REMEMBERED = 1024


@dataclass
class _Node:
    """One event node (the keypad's, or the sound card's jack detector) and its reconnect state."""

    role: str  # "keypad" or "jack"
    path: str
    backoff: Backoff
    fd: int | None = None
    is_device: bool = False
    reason: str = "not-yet-contacted"
    detail: str = ""
    decoder: EventDecoder = field(default_factory=lambda: EventDecoder(native_layout()))
    assembler: PacketAssembler = field(default_factory=PacketAssembler)
    reconnect: asyncio.Task[None] | None = None
    opened_at: float = 0.0  # on the injected clock, to tell a node that stayed from one that flaps


def _offline_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "device-missing"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission-denied"
    if exc.errno == errno.ENOTTY:
        return "not-an-input-device"
    return "unplugged"


class Keypad:
    """The keypad's event node (and optionally the jack's), read on the running loop."""

    def __init__(self, device: str, *, clock: Clock, on_event: Callable[[KeypadEvent], None],
                 on_status: Callable[[DeviceStatus], None] | None = None, jack_device: str = "",
                 keymap: Mapping[int, Key] | None = None, reconnect_backoff: Backoff | None = None,
                 layout: struct.Struct | None = None) -> None:
        self._clock = clock
        self._on_event = on_event
        self._on_status = on_status
        self._keymap = dict(DEFAULT_KEYMAP if keymap is None else keymap)
        self._status = DeviceStatus.unknown(DEVICE)
        backoff = reconnect_backoff or Backoff()
        self._keypad = _Node("keypad", device, backoff)
        self._jack = _Node("jack", jack_device, Backoff(backoff.base, backoff.factor, backoff.cap)) \
            if jack_device else None
        if layout is not None:
            for node in self._nodes():
                node.decoder = EventDecoder(layout)
        self._earphone: bool | None = None
        self._unknown_logged: set[int] = set()
        self._closing = False
        self.events_delivered = 0

    # Public API --------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the node(s); a missing one is reported OFFLINE and reopened in the background."""
        self._closing = False
        for node in self._nodes():
            self._try_open(node)
        self._update_status()

    async def close(self) -> None:
        self._closing = True
        tasks = [n.reconnect for n in self._nodes() if n.reconnect is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for node in self._nodes():
            node.reconnect = None
            self._close_node(node)
        self._set_status(DeviceStatus(DEVICE, DeviceState.OFFLINE, "closed"))

    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def earphone(self) -> bool | None:
        """The jack as last reported: True, False, or None before anything said."""
        return self._earphone

    # Nodes -------------------------------------------------------------------------------------
    def _nodes(self) -> list[_Node]:
        return [self._keypad] if self._jack is None else [self._keypad, self._jack]

    def _try_open(self, node: _Node) -> bool:
        try:
            self._open(node)
        except OSError as exc:
            self._node_failed(node, _offline_reason(exc), f"cannot open {node.path}: {exc.strerror or exc}")
            return False
        node.reason, node.detail = "", ""
        log.info("%s online on %s", node.role, node.path)
        return True

    def _open(self, node: _Node) -> None:
        fd = os.open(node.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISCHR(mode):
                node.is_device = True
                self._grab(node, fd)
            elif stat.S_ISFIFO(mode):
                node.is_device = False  # the simulator's end of the wire: no ioctls on a pipe
            else:
                raise OSError(errno.ENOTTY, "not an input event node or FIFO")
            asyncio.get_running_loop().add_reader(fd, self._readable, node)
        except BaseException:
            os.close(fd)
            raise
        node.fd = fd
        node.opened_at = self._clock.monotonic()
        node.decoder.reset()
        node.assembler.reset()
        if node.is_device and self._carries_jack(node):
            self._read_switches(node, fd)

    def _grab(self, node: _Node, fd: int) -> None:
        """Take the keypad for this process alone: its keys must not also reach a console or X."""
        if node.role != "keypad":
            return
        try:
            fcntl.ioctl(fd, EVIOCGRAB, 1)
        except OSError as exc:
            if exc.errno in (errno.ENOTTY, errno.EINVAL):  # a character device, but no evdev node (/dev/null)
                raise OSError(errno.ENOTTY, "not an input event node") from exc
            log.warning("keypad %s could not be grabbed (%s): its keys may also reach a console",
                        node.path, exc.strerror or exc)

    def _read_switches(self, node: _Node, fd: int) -> None:
        """The jack's state at open (EVIOCGSW), since the kernel reports only changes."""
        try:
            bits = fcntl.ioctl(fd, eviocgsw(), bytes(SW_BYTES))
        except OSError as exc:
            log.debug("%s: EVIOCGSW failed: %s", node.path, exc)
            return
        self._earphone_is(bool(bits[SW_HEADPHONE_INSERT // 8] >> (SW_HEADPHONE_INSERT % 8) & 1))

    def _close_node(self, node: _Node) -> None:
        fd, node.fd = node.fd, None
        if fd is None:
            return
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(fd)
        with contextlib.suppress(OSError):
            os.close(fd)
        torn = node.decoder.reset()
        node.assembler.reset()
        if torn:
            log.debug("%s: %d bytes of a torn record dropped", node.role, torn)

    def _readable(self, node: _Node) -> None:
        fd = node.fd
        if fd is None:
            return
        try:
            data = os.read(fd, READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # ENODEV: the USB device is gone
            self._lost(node, f"read failed: {exc.strerror or exc}")
            return
        if not data:  # the other end of the FIFO closed
            self._lost(node, "end of stream")
            return
        for packet in node.assembler.feed(node.decoder.feed(data)):
            for event in packet:
                self._handle(node, event)

    def _lost(self, node: _Node, detail: str) -> None:
        """The node went away. Only a node that stayed as long as the backoff's longest wait earns a fresh
        start: opening proves nothing on a keypad with a loose cable, which would otherwise reopen every
        0.2 s and warn in the log at every bounce."""
        if self._clock.monotonic() - node.opened_at >= node.backoff.cap:
            node.backoff.reset()
        self._close_node(node)
        if self._carries_jack(node) and self._earphone:
            # Nobody can say the earphone is still in: the speaker takes over again.
            self._earphone_is(False)
        self._node_failed(node, "unplugged", detail)

    def _node_failed(self, node: _Node, reason: str, detail: str) -> None:
        level = logging.WARNING if node.backoff.first_failure else logging.DEBUG
        log.log(level, "%s offline (%s): %s", node.role, reason, detail)
        node.reason, node.detail = reason, detail
        self._update_status()
        if not self._closing and (node.reconnect is None or node.reconnect.done()):
            node.reconnect = asyncio.get_running_loop().create_task(self._reconnect(node),
                                                                    name=f"keypad-reconnect-{node.role}")

    async def _reconnect(self, node: _Node) -> None:
        while not self._closing:
            await self._clock.sleep(node.backoff.next_delay())  # close() cancels this sleep
            try:
                self._open(node)
            except OSError as exc:
                node.reason, node.detail = _offline_reason(exc), f"cannot open {node.path}: {exc.strerror or exc}"
                log.debug("%s reconnect failed: %s", node.role, node.detail)
                self._update_status()
                continue
            node.reason, node.detail = "", ""
            log.info("%s back online on %s", node.role, node.path)
            self._update_status()
            return

    # Events ------------------------------------------------------------------------------------
    def _carries_jack(self, node: _Node) -> bool:
        return node is (self._jack or self._keypad)

    def _handle(self, node: _Node, event: InputEvent) -> None:
        if event.type == EV_KEY and node.role == "keypad":
            key = self._keymap.get(event.code)
            if key is None:
                self._unknown(event)
            elif event.value == KEY_PRESS:
                self._emit(KeyPressed(key))
            elif event.value == KEY_REPEAT and key in REPEATING_KEYS:
                self._emit(KeyPressed(key, repeat=True))
        elif event.type == EV_SW and event.code == SW_HEADPHONE_INSERT and self._carries_jack(node):
            self._earphone_is(event.value != 0)

    def _unknown(self, event: InputEvent) -> None:
        if event.value != KEY_PRESS or event.code in self._unknown_logged:
            return
        if len(self._unknown_logged) < MAX_UNKNOWN_REMEMBERED:
            self._unknown_logged.add(event.code)
        log.info("keypad sent %s, which no keypad key is mapped to (map it in [keypad.keys])",
                 code_name(event.code))

    def _earphone_is(self, plugged: bool) -> None:
        if plugged == self._earphone:
            return
        self._earphone = plugged
        log.info("earphone %s", "plugged in" if plugged else "pulled out")
        self._emit(EarphoneJack(plugged))

    def _emit(self, event: KeypadEvent) -> None:
        self.events_delivered += 1
        try:
            self._on_event(event)
        except Exception:
            log.exception("keypad event handler failed")

    # Status ------------------------------------------------------------------------------------
    def _update_status(self) -> None:
        keypad = self._keypad
        if keypad.fd is None:
            new = DeviceStatus(DEVICE, DeviceState.OFFLINE, keypad.reason or "unplugged", keypad.detail)
        elif self._jack is not None and self._jack.fd is None:
            new = DeviceStatus(DEVICE, DeviceState.ONLINE, f"jack-{self._jack.reason or 'unplugged'}",
                               self._jack.detail)
        else:
            new = DeviceStatus(DEVICE, DeviceState.ONLINE)
        self._set_status(new)

    def _set_status(self, new: DeviceStatus) -> None:
        if new == self._status:
            return
        self._status = new
        if self._on_status is not None:
            try:
                self._on_status(new)
            except Exception:
                log.exception("keypad status callback failed")
