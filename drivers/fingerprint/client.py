"""The fingerprint sensor as the controller sees it: one async interface for both sensor families.

`open_reader(port, protocol="zfm"|"sfm", clock=...)` returns a `FingerprintReader`. `start()` never
raises for a missing or silent sensor: the status says OFFLINE with a reason and a background task
reconnects with capped backoff. `capture()` waits for a finger, tells the resident what to do through
`on_guidance`, and returns the template as a `bytearray` the caller wipes when done. Templates are
never logged.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import serial

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus
from drivers import serial_transport
from drivers.fingerprint import frames_sfm as sfm
from drivers.fingerprint import frames_zfm as zfm
from drivers.fingerprint.errors import (
    CaptureCancelled,
    DeviceError,
    FakeFinger,
    FingerprintError,
    FingerprintTimeout,
    FingerprintUnavailable,
    PoorImage,
    PoorImageKind,
)
from drivers.fingerprint.protocol import Link, wait_closed_quietly
from drivers.fingerprint.protocol_sfm import SfmLink
from drivers.fingerprint.protocol_zfm import ZfmLink

log = logging.getLogger(__name__)

SensorProtocol = Literal["zfm", "sfm"]
TemplateFormat = Literal["zfm", "sfm"]
Guidance = Literal["place", "reading", "press_harder", "too_dry", "too_wet", "lift_and_place", "lift"]
GUIDANCE_CODES: tuple[Guidance, ...] = ("place", "reading", "press_harder", "too_dry", "too_wet",
                                        "lift_and_place", "lift")
DEVICE = "fingerprint"
# The ZFM family scores no image: its templates carry this instead of a 0..100 quality.
QUALITY_NOT_REPORTED = -1

# 0.5 s per request, one retry: a silent sensor is OFFLINE within 1 s (the kiosk's budget for "the
# reader is broken, offer another way"); R30x datasheets put image capture itself under 0.5 s.
DEFAULT_RESPONSE_TIMEOUT = 0.5
# 0.03 s between GenImg polls: a finger is seen within 30 ms of touching the glass (0.1 s was a
# third of the controller's whole wait budget per transaction, bench controller_overhead_ms), while the
# 57,600-baud line stays ~85 % idle (a GenImg round trip is 24 bytes, ~4 ms), and only while a capture
# or a lift-wait runs.
DEFAULT_POLL_INTERVAL = 0.03
# 5 s between idle health checks: a sensor that died while nobody used the kiosk is reported
# before the next resident has finished typing a 13-digit resident number.
DEFAULT_HEARTBEAT_INTERVAL = 5.0
# SFM Scan Template waits this long for a finger (system parameter Timeout 0x62 = 0x31, 1 s, the
# shortest finite value) and then answers TIME_OUT; the driver re-sends ST, so a module that went
# silent during a scan is noticed within 1 s + the response timeout.
SFM_SCAN_TIMEOUT_CODE = 0x31
SFM_SCAN_TIMEOUT_SECONDS = 1.0
# Fake Finger Detection 0x98: 0x32 "normal" (manual: 0x31 weak, 0x32 normal, 0x33 strong).
SFM_FAKE_DETECT_LEVEL = 0x32
SFM_ON = 0x31

_GUIDANCE_FOR_KIND: dict[PoorImageKind, Guidance] = {
    "wet": "too_wet", "dry": "too_dry", "partial": "press_harder"}


@dataclass(eq=False)
class CapturedTemplate:
    """A template as the sensor uploaded it. Wipe it (`wipe()`) once the server has it."""

    template: bytearray = field(repr=False)
    fmt: TemplateFormat
    quality: int  # 0..100 as the sensor scored the image, or QUALITY_NOT_REPORTED

    def wipe(self) -> None:
        self.template[:] = bytes(len(self.template))


class FingerprintReader(abc.ABC):
    """A fingerprint sensor on a serial port, whatever its family."""

    fmt: ClassVar[TemplateFormat]
    default_baudrate: ClassVar[int]

    def __init__(self, port: str, *, clock: Clock, baudrate: int | None = None,
                 on_status: Callable[[DeviceStatus], None] | None = None,
                 response_timeout: float = DEFAULT_RESPONSE_TIMEOUT,
                 poll_interval: float = DEFAULT_POLL_INTERVAL,
                 reconnect_backoff: Backoff | None = None,
                 heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL) -> None:
        self.port = port
        self.baudrate = baudrate or self.default_baudrate
        self._clock = clock
        self._on_status = on_status
        self._response_timeout = response_timeout
        self._poll_interval = poll_interval
        self._backoff = reconnect_backoff or Backoff()
        self._heartbeat_interval = heartbeat_interval
        self._status = DeviceStatus.unknown(DEVICE)
        self._link: Link | None = None
        self._closing = False
        self._capturing = False
        self._cancel_requested = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._chores: set[asyncio.Task[Any]] = set()
        self._closers: set[asyncio.Task[Any]] = set()

    # Public API --------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open and handshake; if the sensor is missing or silent, report OFFLINE and keep trying."""
        self._closing = False
        try:
            await self._connect()
        except FingerprintUnavailable as exc:
            self._went_offline(exc.reason, str(exc))
        if self._heartbeat_task is None:
            self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="fingerprint-heartbeat")

    async def close(self) -> None:
        """Stop background work and release the port."""
        self._closing = True
        tasks = [t for t in (self._reconnect_task, self._heartbeat_task, *self._chores) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._reconnect_task = self._heartbeat_task = None
        self._chores.clear()
        link, self._link = self._link, None
        if link is not None:
            await wait_closed_quietly(link)
        # Ports being closed are awaited, not abandoned: the transport releases them in a thread.
        await asyncio.gather(*self._closers, return_exceptions=True)
        self._set_status(DeviceState.OFFLINE, "closed")

    @property
    def status(self) -> DeviceStatus:
        return self._status

    async def capture(self, on_guidance: Callable[[str], None]) -> CapturedTemplate:
        """Wait for a finger and return its template; runs until cancelled while no finger comes."""
        async with self._sole_use_of_the_glass() as link:
            return await self._capture(link, on_guidance)

    async def wait_lifted(self, on_guidance: Callable[[str], None]) -> None:
        """Return once no finger is on the glass; says "lift" (once) while one still is.

        Between tries a finger left on the sensor would be read again at once, and each read the
        server rejects costs the resident an identity attempt. Cancel it like a capture.
        """
        async with self._sole_use_of_the_glass() as link:
            told = False
            while await self._finger_on(link):
                if not told:
                    on_guidance("lift")
                    told = True
                await asyncio.sleep(self._poll_interval)
                if self._cancel_requested:
                    raise CaptureCancelled("wait for lift cancelled")

    @contextlib.asynccontextmanager
    async def _sole_use_of_the_glass(self) -> AsyncIterator[Link]:
        """One capture or lift-wait at a time, on a live link; a link that fails in it is given up.

        Two readers of the glass at once would each take the other's frames for their own.
        """
        link = self._link
        if link is None or not link.alive:
            raise FingerprintUnavailable(f"fingerprint sensor offline ({self._status.reason})",
                                         reason=self._status.reason or "offline")
        if self._capturing:
            raise FingerprintError("a capture is already running on this reader")
        self._cancel_requested = False
        self._capturing = True
        try:
            yield link
        except FingerprintUnavailable as exc:
            self._link_failed(link, exc)
            raise
        finally:
            self._capturing = False

    async def identify(self) -> dict[str, str]:
        """The sensor's system parameters, for the technician's board ({} when it is offline or busy)."""
        try:
            async with self._sole_use_of_the_glass() as link:
                return await self._system_parameters(link)
        except FingerprintError as exc:
            log.info("fingerprint: system parameters not read: %s", exc)
            return {}

    async def _system_parameters(self, link: Link) -> dict[str, str]:
        return {}

    async def cancel(self) -> None:
        """Abort a running capture (on the device too, where the protocol has a cancel command)."""
        self._cancel_requested = True
        link = self._link
        if link is not None and link.alive:
            with contextlib.suppress(FingerprintError):
                await self._cancel_on_device(link)

    # Family hooks ------------------------------------------------------------------------------
    @abc.abstractmethod
    def _make_link(self) -> Link: ...

    @abc.abstractmethod
    async def _handshake(self, link: Link) -> None:
        """Make sure a sensor of this family answers; raise FingerprintUnavailable if not."""

    @abc.abstractmethod
    async def _probe(self, link: Link) -> None:
        """A cheap request that proves the sensor still answers."""

    @abc.abstractmethod
    async def _capture(self, link: Link, on_guidance: Callable[[str], None]) -> CapturedTemplate: ...

    @abc.abstractmethod
    async def _finger_on(self, link: Link) -> bool:
        """One look at the glass: is a finger (real or not) on it now?"""

    async def _cancel_on_device(self, link: Link) -> None:
        return None

    # Shared helpers ----------------------------------------------------------------------------
    def _poor(self, kind: PoorImageKind, on_guidance: Callable[[str], None], detail: str) -> PoorImage:
        on_guidance(_GUIDANCE_FOR_KIND[kind])
        on_guidance("lift_and_place")
        return PoorImage(kind, detail)

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str, *,
               finish_on_close: bool = False) -> asyncio.Task[Any]:
        """Run `coro` in the background; close() cancels it, or awaits it if `finish_on_close`."""
        task = asyncio.create_task(coro, name=name)
        chores = self._closers if finish_on_close else self._chores
        chores.add(task)
        task.add_done_callback(chores.discard)
        return task

    def _set_status(self, state: DeviceState, reason: str = "", detail: str = "") -> None:
        new = DeviceStatus(device=DEVICE, state=state, reason=reason, detail=detail)
        if new == self._status:
            return
        self._status = new
        if self._on_status is not None:
            try:
                self._on_status(new)
            except Exception:
                log.exception("fingerprint status callback failed")

    async def _connect(self) -> None:
        link = self._make_link()
        opening = asyncio.ensure_future(asyncio.to_thread(
            serial.serial_for_url, self.port, baudrate=self.baudrate, exclusive=True))
        try:
            port = await asyncio.shield(opening)
        except asyncio.CancelledError:
            # The thread opens the port anyway: close it when it does, or the fd leaks.
            opening.add_done_callback(_close_opened_port)
            raise
        except (serial.SerialException, OSError, ValueError) as exc:
            raise FingerprintUnavailable(f"cannot open {self.port}: {exc}", reason="port-missing") from exc
        await serial_transport.connection_for_serial(asyncio.get_running_loop(), lambda: link, port)
        try:
            await link.opened()
            await self._handshake(link)
        except BaseException:
            await wait_closed_quietly(link)
            raise
        self._link = link
        self._set_status(DeviceState.ONLINE)
        log.info("fingerprint sensor (%s) online on %s", self.fmt, self.port)

    def _on_link_lost(self, link: Link, exc: Exception | None) -> None:
        if link is not self._link or self._closing:
            return
        self._link = None
        self._went_offline("unplugged", f"serial link lost: {exc}")

    def _link_failed(self, link: Link, exc: FingerprintUnavailable) -> None:
        """A request on `link` found the sensor gone: drop the link and start reconnecting."""
        if link is not self._link:
            return
        self._link = None
        self._spawn(wait_closed_quietly(link), "fingerprint-close", finish_on_close=True)
        self._went_offline(exc.reason, str(exc))

    def _went_offline(self, reason: str, detail: str) -> None:
        level = logging.WARNING if self._backoff.first_failure else logging.DEBUG
        log.log(level, "fingerprint sensor offline (%s): %s", reason, detail)
        self._set_status(DeviceState.OFFLINE, reason, detail)
        if not self._closing and (self._reconnect_task is None or self._reconnect_task.done()):
            self._reconnect_task = asyncio.create_task(self._reconnect(), name="fingerprint-reconnect")

    async def _reconnect(self) -> None:
        while not self._closing:
            await asyncio.sleep(self._backoff.next_delay())
            try:
                await self._connect()
            except FingerprintUnavailable as exc:
                log.debug("fingerprint reconnect failed (%s): %s", exc.reason, exc)
                continue
            except Exception:
                log.exception("fingerprint reconnect attempt crashed")
                continue
            self._backoff.reset()
            return

    async def _heartbeat(self) -> None:
        while not self._closing:
            await self._clock.sleep(self._heartbeat_interval)
            link = self._link
            if link is None or self._capturing or link.lock.locked():
                continue
            try:
                await self._probe(link)
            except FingerprintUnavailable as exc:
                self._link_failed(link, exc)
            except Exception:
                log.exception("fingerprint health check failed")


def _close_opened_port(opening: asyncio.Future[Any]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        with contextlib.suppress(Exception):
            opening.result().close()


class ZfmReader(FingerprintReader):
    """ZFM / R30x / R50x: poll GenImg, then Img2Tz into buffer 1, then UpChar buffer 1."""

    fmt = "zfm"
    default_baudrate = zfm.DEFAULT_BAUDRATE

    def _make_link(self) -> Link:
        return ZfmLink(self._clock, self._response_timeout, self._on_link_lost)

    async def _handshake(self, link: Link) -> None:
        assert isinstance(link, ZfmLink)
        code = await link.verify_password()
        if code != zfm.Confirm.OK:
            raise FingerprintUnavailable(f"VfyPwd answered 0x{code:02X}", reason="handshake-failed")
        code, _ = await link.read_system_parameters()
        if code != zfm.Confirm.OK:
            raise FingerprintUnavailable(f"ReadSysPara answered 0x{code:02X}", reason="handshake-failed")

    async def _probe(self, link: Link) -> None:
        assert isinstance(link, ZfmLink)
        await link.read_system_parameters()

    async def _system_parameters(self, link: Link) -> dict[str, str]:
        """ReadSysPara (0x0F): system id, template library size, security level, address, packet size, baud."""
        assert isinstance(link, ZfmLink)
        _, system = await link.read_system_parameters()
        if system is None:
            return {}
        return {"system-id": f"0x{system.system_id:04X}", "library-size": str(system.library_size),
                "security-level": str(system.security_level), "address": f"0x{system.address:08X}",
                "packet-size": str(system.packet_size), "baud": str(system.baudrate)}

    async def _capture(self, link: Link, on_guidance: Callable[[str], None]) -> CapturedTemplate:
        assert isinstance(link, ZfmLink)
        on_guidance("place")
        while True:
            if self._cancel_requested:
                raise CaptureCancelled("capture cancelled")
            code, _, _ = await link.request(zfm.Instruction.GEN_IMG)
            if code == zfm.Confirm.NO_FINGER:
                await asyncio.sleep(self._poll_interval)
                continue
            if code == zfm.Confirm.IMAGE_FAIL:
                raise self._poor("dry", on_guidance, "GenImg: fail to collect finger (0x03)")
            if code != zfm.Confirm.OK:
                raise DeviceError(code, "GenImg")
            break
        on_guidance("reading")
        code, _, _ = await link.request(zfm.Instruction.IMG2TZ, b"\x01")
        if code == zfm.Confirm.IMAGE_MESSY:
            raise self._poor("wet", on_guidance, "Img2Tz: image too disorderly (0x06)")
        if code == zfm.Confirm.FEATURE_FAIL:
            raise self._poor("partial", on_guidance, "Img2Tz: too few feature points (0x07)")
        if code == zfm.Confirm.NO_VALID_IMAGE:
            raise self._poor("dry", on_guidance, "Img2Tz: no valid image (0x15)")
        if code != zfm.Confirm.OK:
            raise DeviceError(code, "Img2Tz")
        code, _, data = await link.request(zfm.Instruction.UP_CHAR, b"\x01", with_data=True)
        if code != zfm.Confirm.OK or data is None:
            raise DeviceError(code, "UpChar")
        return CapturedTemplate(data, "zfm", QUALITY_NOT_REPORTED)

    async def _finger_on(self, link: Link) -> bool:
        # GenImg answers NO_FINGER (0x02) on an empty glass; an image, good or not, means a finger.
        assert isinstance(link, ZfmLink)
        code, _, _ = await link.request(zfm.Instruction.GEN_IMG)
        if code == zfm.Confirm.NO_FINGER:
            return False
        if code in (zfm.Confirm.OK, zfm.Confirm.IMAGE_FAIL):
            return True
        raise DeviceError(code, "GenImg")


class SfmReader(FingerprintReader):
    """Suprema UniFinger SFM: Scan Template (ST) with the module's own finger wait and liveness check."""

    fmt = "sfm"
    default_baudrate = sfm.DEFAULT_BAUDRATE
    fake_detection = False
    _pending_cancel: asyncio.Task[Any] | None = None

    def _make_link(self) -> Link:
        return SfmLink(self._clock, self._response_timeout, self._on_link_lost)

    async def _system_parameters(self, link: Link) -> dict[str, str]:
        """SR (0x03) of the UniFinger system parameters the board shows, as the codes the manual lists."""
        assert isinstance(link, SfmLink)
        found = {}
        for parameter in (sfm.SysParam.TEMPLATE_SIZE, sfm.SysParam.BAUDRATE, sfm.SysParam.IMAGE_QUALITY,
                          sfm.SysParam.FAKE_DETECT, sfm.SysParam.TIMEOUT):
            flag, value = await link.read_parameter(parameter)
            if flag == sfm.Flag.SUCCESS:
                found[parameter.name.lower().replace("_", "-")] = f"0x{value:02X}"
        return found

    async def _handshake(self, link: Link) -> None:
        assert isinstance(link, SfmLink)
        answer = await link.status_check()
        if answer.flag != sfm.Flag.SUCCESS:
            raise FingerprintUnavailable(f"SS answered 0x{answer.flag:02X}", reason="handshake-failed")
        for parameter, value in ((sfm.SysParam.TIMEOUT, SFM_SCAN_TIMEOUT_CODE),
                                 (sfm.SysParam.SEND_SCAN_SUCCESS, SFM_ON)):
            flag = await link.write_parameter(parameter, value)
            if flag != sfm.Flag.SUCCESS:
                raise FingerprintUnavailable(f"SW 0x{parameter:02X} answered 0x{flag:02X}",
                                             reason="handshake-failed")
        flag = await link.write_parameter(sfm.SysParam.FAKE_DETECT, SFM_FAKE_DETECT_LEVEL)
        self.fake_detection = flag == sfm.Flag.SUCCESS
        if not self.fake_detection:
            log.info("fingerprint module has no fake finger detection (SW 0x98 answered 0x%02X)", flag)

    async def _probe(self, link: Link) -> None:
        assert isinstance(link, SfmLink)
        await link.status_check()

    async def _capture(self, link: Link, on_guidance: Callable[[str], None]) -> CapturedTemplate:
        assert isinstance(link, SfmLink)
        if self._pending_cancel is not None:
            # A CA for an abandoned scan must be answered before the next ST, or it would cancel it.
            with contextlib.suppress(Exception):
                await self._pending_cancel
            self._pending_cancel = None
        on_guidance("place")
        while True:
            if self._cancel_requested:
                raise CaptureCancelled("capture cancelled")
            status = await link.status_check()
            if status.flag != sfm.Flag.SUCCESS:
                raise DeviceError(status.flag, "SS")
            try:
                answer, data = await link.scan_template(SFM_SCAN_TIMEOUT_SECONDS + self._response_timeout,
                                                        lambda: on_guidance("reading"))
            except asyncio.CancelledError:
                self._pending_cancel = self._spawn(link.cancel(), "fingerprint-cancel")
                raise
            flag = answer.flag
            if flag == sfm.Flag.SUCCESS and data is not None:
                return CapturedTemplate(data, "sfm", min(answer.param, 100))
            if flag == sfm.Flag.TIME_OUT:
                continue
            if flag == sfm.Flag.SCAN_FAIL:
                raise self._poor("dry", on_guidance, "ST: SCAN_FAIL (0x63)")
            if flag == sfm.Flag.TRY_AGAIN:
                raise self._poor("partial", on_guidance, "ST: TRY_AGAIN (0x6B)")
            if flag == sfm.Flag.FAKE_DETECTED:
                on_guidance("lift_and_place")
                raise FakeFinger("ST: FAKE_DETECTED (0xB0)")
            if flag == sfm.Flag.CANCELED:
                raise CaptureCancelled("ST: CANCELED (0x81)")
            raise DeviceError(flag, "ST")

    async def _finger_on(self, link: Link) -> bool:
        # The module has no "is a finger there" query: a scan that times out (1 s, the shortest
        # Timeout) saw no finger; any other answer, template or complaint, saw one.
        assert isinstance(link, SfmLink)
        if self._pending_cancel is not None:
            with contextlib.suppress(Exception):
                await self._pending_cancel
            self._pending_cancel = None
        try:
            answer, data = await link.scan_template(SFM_SCAN_TIMEOUT_SECONDS + self._response_timeout,
                                                    lambda: None)
        except asyncio.CancelledError:
            self._pending_cancel = self._spawn(link.cancel(), "fingerprint-cancel")
            raise
        if data is not None:
            data[:] = bytes(len(data))
        if answer.flag == sfm.Flag.TIME_OUT:
            return False
        if answer.flag == sfm.Flag.CANCELED:
            raise CaptureCancelled("ST: CANCELED (0x81)")
        if answer.flag in (sfm.Flag.SUCCESS, sfm.Flag.SCAN_FAIL, sfm.Flag.TRY_AGAIN, sfm.Flag.FAKE_DETECTED):
            return True
        raise DeviceError(answer.flag, "ST")

    async def _cancel_on_device(self, link: Link) -> None:
        assert isinstance(link, SfmLink)
        await link.cancel()


_FAMILIES: dict[str, type[FingerprintReader]] = {"zfm": ZfmReader, "sfm": SfmReader}


def open_reader(port: str, *, protocol: SensorProtocol, clock: Clock, baudrate: int | None = None,
                on_status: Callable[[DeviceStatus], None] | None = None,
                response_timeout: float = DEFAULT_RESPONSE_TIMEOUT,
                poll_interval: float = DEFAULT_POLL_INTERVAL,
                reconnect_backoff: Backoff | None = None,
                heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL) -> FingerprintReader:
    """A reader for the sensor family named in config; call `start()` on it."""
    try:
        family = _FAMILIES[protocol]
    except KeyError:
        raise ValueError(f"unknown fingerprint protocol {protocol!r}; expected {sorted(_FAMILIES)}") from None
    return family(port, clock=clock, baudrate=baudrate, on_status=on_status,
                  response_timeout=response_timeout, poll_interval=poll_interval,
                  reconnect_backoff=reconnect_backoff, heartbeat_interval=heartbeat_interval)


__all__ = [
    "GUIDANCE_CODES", "QUALITY_NOT_REPORTED", "CapturedTemplate", "FingerprintReader", "FingerprintTimeout",
    "Guidance", "SensorProtocol", "SfmReader", "ZfmReader", "open_reader",
]
