"""The fingerprint driver against the simulator over real PTYs, once per sensor family.

Deadlines run on the virtual clock (`clock.advance`); polling and reconnect backoff are real but
tiny. What is asserted is what a resident or a technician would notice: the template the server
gets, the guidance shown, the status the kiosk reports.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import serial_asyncio_fast

from common.backoff import Backoff
from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus
from drivers.fingerprint import (
    CaptureCancelled,
    FakeFinger,
    FingerprintReader,
    FingerprintTimeout,
    FingerprintUnavailable,
    PoorImage,
    open_reader,
)
from drivers.fingerprint import frames_zfm as zfm
from drivers.fingerprint.errors import FingerprintError
from drivers.fingerprint.protocol_zfm import ZfmLink
from simulators import residents
from simulators.fingerprint import FingerprintSimulator

pytestmark = pytest.mark.timeout(20)

# How each family reports each fault (see drivers/fingerprint/client.py): the SFM answers a wet
# and a partial finger alike (TRY_AGAIN), so the driver can only say "partial" for both.
EXPECTED_KIND = {
    ("zfm", "wet"): "wet", ("zfm", "dry"): "dry", ("zfm", "partial"): "partial",
    ("sfm", "wet"): "partial", ("sfm", "dry"): "dry", ("sfm", "partial"): "partial",
}
GUIDANCE_FOR_KIND = {"wet": "too_wet", "dry": "too_dry", "partial": "press_harder"}


@dataclass
class Rig:
    protocol: str
    sim: FingerprintSimulator
    reader: FingerprintReader
    clock: VirtualClock
    statuses: list[DeviceStatus] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)

    async def capture(self, seconds: float = 5.0) -> Any:
        return await asyncio.wait_for(self.reader.capture(self.guidance.append), seconds)

    def state(self) -> DeviceState:
        return self.reader.status.state

    def expected(self, resident: int, finger: int = 1, capture: int = 0) -> bytes:
        return residents.captured_template(resident, finger, self.protocol, capture=capture)  # type: ignore[arg-type]


async def eventually(check: Callable[[], bool], seconds: float = 30.0, *,
                     clock: VirtualClock | None = None) -> None:
    """Wait (real time) until `check()` holds; with `clock`, let virtual deadlines pass meanwhile.
    `seconds` only guards against a hang: each unanswered request costs the virtual clock's real-time
    patience, more of it on a loaded machine."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        if clock is not None:
            await clock.advance(0.5)
        await asyncio.sleep(0.01)


async def pass_time(clock: VirtualClock, seconds: float, step: float = 0.25) -> None:
    """Advance virtual time in steps, giving real I/O a moment between them.

    The simulator and the driver share the virtual clock; a PTY round trip takes real time, so a
    single long jump could fire the driver's deadline before an answer due at an earlier instant
    has crossed the PTY.
    """
    while seconds > 0:
        await clock.advance(min(step, seconds))
        await asyncio.sleep(0.01)
        seconds -= step


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def no_leaked_fds() -> Iterator[None]:
    before = _open_fds()
    yield
    leaked = {fd for fd in _open_fds() - before if os.path.exists(f"/proc/self/fd/{fd}")}
    assert not leaked, f"file descriptors left open: {sorted(leaked)}"


@pytest.fixture(params=["zfm", "sfm"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_reader(port: Path | str, protocol: str, clock: VirtualClock,
                statuses: list[DeviceStatus]) -> FingerprintReader:
    return open_reader(str(port), protocol=protocol, clock=clock, on_status=statuses.append,  # type: ignore[arg-type]
                       poll_interval=0.005, reconnect_backoff=Backoff(base=0.01, cap=0.05))


@pytest.fixture
async def rig(protocol: str, clock: VirtualClock, tmp_path: Path) -> AsyncIterator[Rig]:
    sim = FingerprintSimulator(protocol, link=tmp_path / "dev" / "fingerprint", pace=False,
                               clock=clock)
    await sim.start()
    statuses: list[DeviceStatus] = []
    reader = make_reader(sim.port.link, protocol, clock, statuses)
    await reader.start()
    try:
        yield Rig(protocol, sim, reader, clock, statuses)
    finally:
        await reader.close()
        await sim.stop()
        await _no_tasks_left()


async def _no_tasks_left() -> None:
    for _ in range(5):
        await asyncio.sleep(0)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not others, f"tasks left running: {others}"


async def test_capture_returns_the_template_the_sensor_read(rig: Rig) -> None:
    assert rig.state() is DeviceState.ONLINE
    rig.sim.place_finger(7, 6)
    first = await rig.capture()
    assert bytes(first.template) == rig.expected(7, 6, capture=0)
    assert isinstance(first.template, bytearray)
    assert first.fmt == rig.protocol
    assert rig.guidance == ["place", "reading"]
    assert first.quality == -1 if rig.protocol == "zfm" else 0 <= first.quality <= 100
    # The finger stays on the glass: a second capture reads it again, a fresh noisy capture that
    # still matches the enrolled reference.
    second = await rig.capture()
    assert bytes(second.template) == rig.expected(7, 6, capture=1)
    reference = residents.enrolled_template(7, 6, rig.protocol)  # type: ignore[arg-type]
    assert residents.similarity(bytes(second.template), reference) >= residents.MATCH_THRESHOLD
    first.wipe()
    assert first.template == bytearray(len(first.template))


async def test_waits_for_a_finger_as_long_as_it_takes(rig: Rig) -> None:
    task = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.05)
    await pass_time(rig.clock, 30.0)  # a resident who takes half a minute
    assert not task.done()
    assert rig.guidance == ["place"]
    assert rig.state() is DeviceState.ONLINE
    rig.sim.place_finger(3)
    captured = await asyncio.wait_for(task, 5)
    assert bytes(captured.template) == rig.expected(3)
    assert rig.guidance == ["place", "reading"]


@pytest.mark.parametrize("kind", ["wet", "dry", "partial"])
async def test_poor_image_tells_the_resident_what_to_change(rig: Rig, kind: str) -> None:
    rig.sim.quality(kind, captures=1)
    rig.sim.place_finger(11)
    with pytest.raises(PoorImage) as raised:
        await rig.capture()
    expected = EXPECTED_KIND[(rig.protocol, kind)]
    assert raised.value.kind == expected
    assert rig.guidance[-2:] == [GUIDANCE_FOR_KIND[expected], "lift_and_place"]
    assert rig.state() is DeviceState.ONLINE
    # The fault was for one read only: the next one succeeds.
    captured = await rig.capture()
    assert bytes(captured.template) == rig.expected(11, capture=0)


async def test_fake_finger(rig: Rig) -> None:
    rig.sim.fake_finger()
    if rig.protocol == "sfm":
        with pytest.raises(FakeFinger):
            await rig.capture()
        assert rig.guidance[-1] == "lift_and_place"
    else:
        # The ZFM family has no liveness check: the replica reads as a finger nobody enrolled, and
        # the server's matcher is what turns it away.
        captured = await rig.capture()
        assert bytes(captured.template) == residents.unknown_template("zfm", capture=0)
    assert rig.state() is DeviceState.ONLINE


async def test_unplug_mid_capture_then_replug(rig: Rig) -> None:
    task = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.05)
    await rig.sim.unplug()
    with pytest.raises(FingerprintUnavailable):
        await asyncio.wait_for(task, 3)
    assert rig.state() is DeviceState.OFFLINE
    assert rig.reader.status.reason == "unplugged"
    with pytest.raises(FingerprintUnavailable):
        await rig.capture()
    await asyncio.sleep(0.1)  # reconnect attempts find no device and back off
    assert rig.state() is DeviceState.OFFLINE
    await rig.sim.replug()
    await eventually(lambda: rig.reader.status.state is DeviceState.ONLINE)
    assert [s.state for s in rig.statuses][-2:] == [DeviceState.OFFLINE, DeviceState.ONLINE]
    rig.sim.place_finger(4)
    captured = await rig.capture()
    assert bytes(captured.template) == rig.expected(4)


async def test_unplug_while_idle_is_reported(rig: Rig) -> None:
    await rig.sim.unplug()
    await eventually(lambda: rig.reader.status.state is DeviceState.OFFLINE)
    assert rig.reader.status.reason == "unplugged"
    await rig.sim.replug()
    await eventually(lambda: rig.reader.status.state is DeviceState.ONLINE)


async def test_silent_sensor_is_offline_within_one_second(rig: Rig) -> None:
    rig.sim.silent(True)
    task = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.02)
    await rig.clock.advance(0.9)
    assert not task.done()
    assert rig.state() is DeviceState.ONLINE
    await rig.clock.advance(0.1)
    assert task.done()
    with pytest.raises(FingerprintTimeout) as raised:
        await task
    assert isinstance(raised.value, TimeoutError)
    assert rig.state() is DeviceState.OFFLINE
    assert rig.reader.status.reason == "no-answer"
    rig.sim.silent(False)
    await eventually(lambda: rig.reader.status.state is DeviceState.ONLINE, clock=rig.clock)
    rig.sim.place_finger(5)
    assert bytes((await rig.capture()).template) == rig.expected(5)


async def test_silence_while_idle_is_found_by_the_health_check(rig: Rig) -> None:
    rig.sim.silent(True)
    await rig.clock.advance(5.0 + 1.0)
    await eventually(lambda: rig.reader.status.state is DeviceState.OFFLINE)
    assert rig.reader.status.reason == "no-answer"


async def test_garbage_on_the_line_is_skipped(rig: Rig) -> None:
    rig.sim.place_finger(9)
    for capture, noise in enumerate((1, 40, 200)):
        rig.sim.garbage(noise)
        captured = await rig.capture()
        assert bytes(captured.template) == rig.expected(9, capture=capture)
    assert rig.state() is DeviceState.ONLINE


async def test_cancel_aborts_a_capture(rig: Rig) -> None:
    task = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.05)
    await rig.reader.cancel()
    with pytest.raises(CaptureCancelled):
        await asyncio.wait_for(task, 3)
    rig.sim.place_finger(2)
    assert bytes((await rig.capture()).template) == rig.expected(2)


async def test_cancelling_the_task_leaves_the_reader_usable(rig: Rig) -> None:
    task = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    rig.sim.place_finger(8)
    captured = await rig.capture()
    # An SFM may already have read the finger for the abandoned scan before the cancel reached it,
    # so the template is the sensor's latest read, whichever number that is.
    assert bytes(captured.template) == rig.expected(8, capture=rig.sim.captures - 1)
    assert rig.state() is DeviceState.ONLINE


async def test_template_bytes_never_reach_the_log(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rig.sim.garbage(30)
    rig.sim.place_finger(12)
    captured = await rig.capture()
    template = bytes(captured.template)
    assert template.hex() not in caplog.text
    assert template.hex()[:16] not in caplog.text
    assert "template=" not in repr(captured)


async def test_start_without_a_device_then_it_appears(protocol: str, clock: VirtualClock,
                                                      tmp_path: Path) -> None:
    link = tmp_path / "dev" / "fingerprint"
    statuses: list[DeviceStatus] = []
    reader = make_reader(link, protocol, clock, statuses)
    sim = FingerprintSimulator(protocol, link=link, pace=False, clock=clock)
    try:
        await reader.start()  # never raises for an absent sensor
        assert reader.status.state is DeviceState.OFFLINE
        assert reader.status.reason == "port-missing"
        with pytest.raises(FingerprintUnavailable):
            await reader.capture(lambda _code: None)
        await sim.start()
        await eventually(lambda: reader.status.state is DeviceState.ONLINE)
    finally:
        await reader.close()
        await sim.stop()
    await _no_tasks_left()


async def test_start_on_a_silent_device_reports_offline(protocol: str, clock: VirtualClock,
                                                        tmp_path: Path) -> None:
    sim = FingerprintSimulator(protocol, link=tmp_path / "fp", pace=False, clock=clock)
    await sim.start()
    sim.silent(True)
    reader = make_reader(sim.port.link, protocol, clock, [])
    try:
        starting = asyncio.create_task(reader.start())
        await asyncio.sleep(0.05)
        await clock.advance(1.0)
        await asyncio.wait_for(starting, 2)
        assert reader.status.state is DeviceState.OFFLINE
        assert reader.status.reason == "no-answer"
    finally:
        await reader.close()
        await sim.stop()
    await _no_tasks_left()


def test_unknown_protocol_is_a_config_error(clock: VirtualClock) -> None:
    with pytest.raises(ValueError, match="unknown fingerprint protocol"):
        open_reader("/dev/null", protocol="xyz", clock=clock)  # type: ignore[arg-type]


async def test_one_capture_at_a_time(rig: Rig) -> None:
    first = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await asyncio.sleep(0.02)
    with pytest.raises(FingerprintError, match="already running"):
        await rig.reader.capture(rig.guidance.append)
    rig.sim.place_finger(6)
    assert bytes((await asyncio.wait_for(first, 5)).template) == rig.expected(6)


async def test_zfm_uploads_the_sensor_image(clock: VirtualClock, tmp_path: Path) -> None:
    sim = FingerprintSimulator("zfm", link=tmp_path / "fp", pace=False, clock=clock)
    await sim.start()
    link = ZfmLink(clock, 0.5)
    await serial_asyncio_fast.create_serial_connection(
        asyncio.get_running_loop(), lambda: link, str(sim.port.link), baudrate=zfm.DEFAULT_BAUDRATE)
    await link.opened()
    try:
        assert (await link.request(zfm.Instruction.UP_IMAGE))[0] == zfm.Confirm.UPLOAD_IMAGE_FAIL
        sim.place_finger(1)
        assert (await link.request(zfm.Instruction.GEN_IMG))[0] == zfm.Confirm.OK
        code, _, image = await link.request(zfm.Instruction.UP_IMAGE, with_data=True)
        assert code == zfm.Confirm.OK
        assert image is not None
        assert len(image) == zfm.IMAGE_BYTES  # 256 x 288 pixels, 4 bits each
    finally:
        await link.close()
        await sim.stop()


# --- between tries: wait for the finger to leave the glass (issue 11, item 15) ----------------
# A finger left on the sensor keeps the wait going (and says "lift" once); lifting ends it.
async def test_wait_lifted_returns_at_once_on_an_empty_glass(rig: Rig) -> None:
    waiting = asyncio.create_task(rig.reader.wait_lifted(rig.guidance.append))
    await pass_time(rig.clock, 2.0)
    await asyncio.wait_for(waiting, 2)
    assert "lift" not in rig.guidance


async def test_a_finger_left_on_the_glass_is_waited_out(rig: Rig) -> None:
    rig.sim.place_finger(0, 1)
    waiting = asyncio.create_task(rig.reader.wait_lifted(rig.guidance.append))
    await pass_time(rig.clock, 3.0)
    assert not waiting.done()
    assert rig.guidance == ["lift"]  # said once, not once per look
    rig.sim.lift()
    await pass_time(rig.clock, 2.0)
    await asyncio.wait_for(waiting, 2)
    assert rig.guidance == ["lift"]


async def test_the_wait_can_be_cancelled(rig: Rig) -> None:
    rig.sim.place_finger(0, 1)
    waiting = asyncio.create_task(rig.reader.wait_lifted(rig.guidance.append))
    await pass_time(rig.clock, 1.0)
    waiting.cancel()
    await rig.reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    rig.sim.lift()
    # The reader still captures afterwards.
    capture = asyncio.create_task(rig.reader.capture(rig.guidance.append))
    await pass_time(rig.clock, 0.5)
    rig.sim.place_finger(0, 1)
    await pass_time(rig.clock, 1.5)
    captured = await asyncio.wait_for(capture, 3)
    assert len(captured.template) > 0
