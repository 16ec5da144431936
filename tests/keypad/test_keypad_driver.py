"""The keypad driver against the simulator over a real FIFO: the records the kernel would write go
in at one end, the keys a resident pressed come out at the other. Reconnects wait on the virtual
clock; a FIFO answers at once, so nothing here waits for real time but a few loop turns."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from common.backoff import Backoff
from common.clock import VirtualClock
from common.keypad_keys import Key
from common.status import DeviceState, DeviceStatus
from drivers.keypad import EarphoneJack, Keypad, KeypadEvent, KeyPressed, build_keymap
from simulators.keypad import KeypadSimulator

pytestmark = pytest.mark.timeout(20)


@dataclass
class Rig:
    sim: KeypadSimulator
    keypad: Keypad
    clock: VirtualClock
    events: list[KeypadEvent] = field(default_factory=list)
    statuses: list[DeviceStatus] = field(default_factory=list)

    async def until(self, predicate: Callable[[], bool], what: str) -> None:
        for _ in range(2000):
            if predicate():
                return
            await asyncio.sleep(0.001)
        raise AssertionError(what)

    async def keys(self, count: int) -> list[Key]:
        await self.until(lambda: len(self.pressed()) >= count, f"{count} keys never came: {self.events}")
        await asyncio.sleep(0.005)  # and no more than those
        return self.pressed()

    def pressed(self) -> list[Key]:
        return [e.key for e in self.events if isinstance(e, KeyPressed)]

    def jack(self) -> list[bool]:
        return [e.plugged for e in self.events if isinstance(e, EarphoneJack)]


@contextlib.asynccontextmanager
async def _rig(tmp_path: Path, clock: VirtualClock, *, separate_jack: bool,
               keymap: dict[str, str] | None = None) -> AsyncIterator[Rig]:
    jack = tmp_path / "jack-event" if separate_jack else None
    sim = KeypadSimulator(tmp_path / "keypad-event-kbd", jack_path=jack)
    events: list[KeypadEvent] = []
    statuses: list[DeviceStatus] = []
    keypad = Keypad(str(sim.keypad.path), clock=clock, on_event=events.append, on_status=statuses.append,
                    jack_device=str(jack) if jack else "", keymap=build_keymap(keymap),
                    reconnect_backoff=Backoff(base=0.5, factor=2.0, cap=4.0))
    await sim.start()
    await keypad.start()
    try:
        yield Rig(sim, keypad, clock, events, statuses)
    finally:
        await keypad.close()
        await sim.stop()


@pytest.fixture
async def rig(tmp_path: Path, clock: VirtualClock) -> AsyncIterator[Rig]:
    async with _rig(tmp_path, clock, separate_jack=True) as r:
        yield r


async def test_presses_arrive_as_keys_and_releases_do_not(rig: Rig) -> None:
    assert rig.keypad.status.state is DeviceState.ONLINE and rig.keypad.status.reason == ""
    for key in ("down", "down", "ok", "5", "voice", "back"):
        await rig.sim.press(key)
    assert await rig.keys(6) == [Key.DOWN, Key.DOWN, Key.OK, Key.DIGIT_5, Key.VOICE, Key.BACK]


async def test_typed_digits_come_in_order(rig: Rig) -> None:
    await rig.sim.type_digits("9001011720624")
    assert "".join(k.value for k in await rig.keys(13)) == "9001011720624"


async def test_autorepeat_moves_arrows_and_volume_but_never_repeats_ok_or_a_digit(rig: Rig) -> None:
    await rig.sim.hold("down", repeats=3)
    await rig.sim.hold("volume_up", repeats=2)
    await rig.sim.hold("ok", repeats=5)
    await rig.sim.hold("7", repeats=5)
    assert await rig.keys(9) == [Key.DOWN] * 4 + [Key.VOLUME_UP] * 3 + [Key.OK, Key.DIGIT_7]
    repeats = [e for e in rig.events if isinstance(e, KeyPressed) and e.repeat]
    assert len(repeats) == 5


async def test_records_torn_across_reads_lose_and_garble_nothing(rig: Rig) -> None:
    rig.sim.torn(1)  # byte by byte
    await rig.sim.press("3")
    assert await rig.keys(1) == [Key.DIGIT_3]
    for chunk in (5, 23, 25, 37):
        rig.events.clear()
        rig.sim.torn(chunk)
        await rig.sim.type_digits("4815")
        await rig.sim.press("up")
        assert await rig.keys(5) == [Key.DIGIT_4, Key.DIGIT_8, Key.DIGIT_1, Key.DIGIT_5, Key.UP], chunk


async def test_an_unknown_code_is_logged_once_by_name_and_keys_go_on(rig: Rig,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="drivers.keypad.client"):
        for _ in range(3):
            await rig.sim.send_code("KEY_F7")
        await rig.sim.send_code("700")
        await rig.sim.press("ok")
        assert await rig.keys(1) == [Key.OK]
    named = [r.getMessage() for r in caplog.records if "no keypad key is mapped" in r.getMessage()]
    assert len(named) == 2 and "KEY_F7" in named[0] and "code 700" in named[1]


async def test_the_earphone_jack_on_the_sound_cards_node(rig: Rig) -> None:
    await rig.sim.plug_earphone()
    await rig.until(lambda: rig.jack() == [True], f"no plug seen: {rig.events}")
    await rig.sim.unplug_earphone()
    await rig.until(lambda: rig.jack() == [True, False], f"no unplug seen: {rig.events}")
    assert rig.keypad.earphone is False


async def test_unplugged_the_keypad_is_offline_and_back_when_replugged(rig: Rig) -> None:
    await rig.sim.plug_earphone()
    await rig.until(lambda: rig.jack() == [True], "no plug")
    await rig.sim.unplug()
    await rig.until(lambda: rig.keypad.status.state is DeviceState.OFFLINE, "never went offline")
    assert rig.keypad.status.reason == "unplugged"
    # The reopen waits on the virtual clock: a missing keypad costs no real time and no busy loop.
    await rig.clock.advance(2.0)
    assert rig.keypad.status.reason == "device-missing"
    await rig.sim.replug()
    await rig.clock.advance(4.0)
    await rig.until(lambda: rig.keypad.status.state is DeviceState.ONLINE, "never came back")
    await rig.sim.press("help")
    assert await rig.keys(1) == [Key.HELP]
    # The earphone is on the sound card, which stayed: the keypad's cable says nothing about it.
    assert rig.jack() == [True]
    assert [s.state for s in rig.statuses][-3:] == [DeviceState.OFFLINE, DeviceState.OFFLINE, DeviceState.ONLINE]


async def test_a_keypad_that_keeps_dropping_out_is_retried_ever_more_slowly_and_warned_of_once(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    # A loose cable: the node comes back, then goes at once. Opening proves nothing, so the waits keep
    # growing (0.5, 1, 2 s here) and the log is not filled with a warning for every bounce.
    caplog.set_level(logging.DEBUG, logger="drivers.keypad")

    def warnings() -> int:
        return sum(r.levelno == logging.WARNING and "keypad offline" in r.getMessage() for r in caplog.records)

    for wait in (0.5, 1.0, 2.0):
        await rig.sim.unplug()
        await rig.until(lambda: rig.keypad.status.state is DeviceState.OFFLINE, "never went offline")
        await rig.sim.replug()
        await rig.clock.advance(wait - 0.25)
        assert rig.keypad.status.state is DeviceState.OFFLINE, f"reopened before its {wait} s wait"
        await rig.clock.advance(0.25)
        await rig.until(lambda: rig.keypad.status.state is DeviceState.ONLINE, f"not back after {wait} s")
    assert warnings() == 1
    # A keypad that then stays as long as the longest wait (4 s) has earned a fresh start.
    await rig.clock.advance(4.0)
    await rig.sim.unplug()
    await rig.until(lambda: rig.keypad.status.state is DeviceState.OFFLINE, "never went offline")
    assert warnings() == 2
    await rig.sim.replug()
    await rig.clock.advance(0.5)
    await rig.until(lambda: rig.keypad.status.state is DeviceState.ONLINE, "a fresh start waits 0.5 s")


async def test_a_missing_jack_node_leaves_the_keypad_online_saying_so(tmp_path: Path, clock: VirtualClock) -> None:
    sim = KeypadSimulator(tmp_path / "kbd")
    await sim.start()
    keypad = Keypad(str(tmp_path / "kbd"), clock=clock, on_event=lambda e: None,
                    jack_device=str(tmp_path / "no-such-jack"))
    try:
        await keypad.start()
        assert keypad.status.state is DeviceState.ONLINE and keypad.status.reason == "jack-device-missing"
    finally:
        await keypad.close()
        await sim.stop()


async def test_a_keypad_with_its_own_jack_reports_it_on_its_stream_and_on_replug(tmp_path: Path,
                                                                                 clock: VirtualClock) -> None:
    async with _rig(tmp_path, clock, separate_jack=False) as rig:
        await rig.sim.plug_earphone()
        await rig.until(lambda: rig.jack() == [True], "no plug")
        await rig.sim.unplug()
        await rig.until(lambda: rig.jack() == [True, False], "a lost keypad must take its earphone with it")
        await rig.sim.replug()
        await rig.clock.advance(1.0)
        await rig.until(lambda: rig.jack() == [True, False, True], f"no earphone after replug: {rig.events}")


async def test_started_without_its_keypad_it_waits_offline_then_finds_it(tmp_path: Path,
                                                                        clock: VirtualClock) -> None:
    path = tmp_path / "kbd"
    keys: list[KeypadEvent] = []
    keypad = Keypad(str(path), clock=clock, on_event=keys.append, reconnect_backoff=Backoff(base=1.0))
    sim = KeypadSimulator(path)
    try:
        await keypad.start()
        assert (keypad.status.state, keypad.status.reason) == (DeviceState.OFFLINE, "device-missing")
        await sim.start()
        await clock.advance(1.0)
        assert keypad.status.state is DeviceState.ONLINE
        await sim.press("right")
        for _ in range(200):
            if keys:
                break
            await asyncio.sleep(0.001)
        assert keys == [KeyPressed(Key.RIGHT)]
    finally:
        await keypad.close()
        await sim.stop()


async def test_garbage_on_the_wire_never_raises_out_of_the_reader(rig: Rig) -> None:
    for count in (7, 24, 100):
        await rig.sim.garbage(count)
    await asyncio.sleep(0.01)
    assert rig.keypad.status.state is DeviceState.ONLINE


async def test_a_file_that_is_no_event_node_is_refused(tmp_path: Path, clock: VirtualClock) -> None:
    path = tmp_path / "plain"
    path.write_bytes(b"")
    for wrong in (str(path), "/dev/null"):  # a file; a character device that is no evdev node
        keypad = Keypad(wrong, clock=clock, on_event=lambda e: None)
        await keypad.start()
        try:
            assert keypad.status.reason == "not-an-input-device", wrong
        finally:
            await keypad.close()
