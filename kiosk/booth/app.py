"""Assembles the booth's program: drivers, server client, journal, controller and (optionally) screens.

This is the only module that knows which driver class backs which port; the controller sees
`kiosk.ports` Protocols. Screens are optional and arrive as two callables (show a view, and the
controller's intent handler is given back to them), so this module does not import pygame either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.clock import Clock
from common.fonts import BOLD, REGULAR
from common.keypad_keys import Key
from common.status import DeviceStatus
from drivers.a4_printer.client import A4Printer
from drivers.barcode_scanner import BarcodeScanner
from drivers.cash.client import CashAcceptor, CashConfig
from drivers.fingerprint.client import open_reader
from drivers.issuance_server import IssuanceClient, ServerConfig
from drivers.keypad import Keypad, build_keymap
from drivers.receipt_printer.client import ReceiptPrinter
from drivers.speech import AlsaOutput, AudioOutput, EspeakNg
from kiosk.booth.alert_webhook import AlertWebhook
from kiosk.booth.keypad_dispatch import KeypadDispatcher
from kiosk.booth.metrics import BoothMetrics
from kiosk.config import KioskConfig
from kiosk.controller import Kiosk
from kiosk.journal import Journal
from kiosk.ports import Devices
from kiosk.sensors import SensorPolicy, Shutdown
from kiosk.views import Intent, Utterance, View
from kiosk.voice_guide import VoiceGuide

log = logging.getLogger(__name__)


def server_config(config: KioskConfig) -> ServerConfig:
    pki = Path(config.server.pki_dir)
    return ServerConfig(
        base_url=config.server.base_url,
        ca_file=pki / "ca.pem",
        cert_file=pki / "kiosk-cert.pem",
        key_file=pki / "kiosk-key.pem",
        signing_key_file=pki / "signing-public.pem",
        identity_key_file=pki / "identity-public.pem",
        kiosk_id=config.kiosk.id,
    )


class KioskApp:
    """One running kiosk. `start()` returns once the controller is running; `stop()` closes everything."""

    def __init__(self, config: KioskConfig, *, clock: Clock, show: Callable[[View], None] | None = None,
                 journal_factory: Callable[[Path], Journal] = Journal, audio: AudioOutput | None = None,
                 on_shutdown: Shutdown | None = None) -> None:
        self.config = config
        # What "shut the booth down" means on battery (kiosk/sensors.py): `kiosk run` stops the service;
        # the scenario rig records it. None: logged only.
        self.on_shutdown = on_shutdown
        self.sensors: SensorPolicy | None = None
        # Voice guidance's sound: ALSA unless the booth records it (simulated booths, scenarios, the demo).
        self._audio = audio
        self.voice: VoiceGuide | None = None
        self._journal_factory = journal_factory
        self.clock = clock
        self._show = show
        self.kiosk: Kiosk | None = None
        self.journal: Journal | None = None
        self._devices: list[Any] = []
        self._server: IssuanceClient | None = None
        self._pending: set[asyncio.Task[None]] = set()
        # Where the keypad's keys go: the screens and voice guidance are connected to it once they
        # exist (`app.keypad_dispatch.connect(screens=..., voice=...)`).
        self.keypad_dispatch = KeypadDispatcher()
        self.keypad: Keypad | None = None
        # The city's view (issue 16): the Prometheus endpoint and the alerts' webhook.
        self.metrics: BoothMetrics | None = None
        self.webhook: AlertWebhook | None = None
        self.scanner: BarcodeScanner | None = None  # issue 17: reads pickup QR codes

    def _status(self, status: DeviceStatus) -> None:
        if self.kiosk is not None:
            self.kiosk.on_device_status(status)

    def _cash_event(self, event: Any) -> None:
        if self.kiosk is not None:
            self.kiosk.on_cash_event(event)

    def _card_event(self, event: Any) -> None:
        if self.kiosk is not None:
            self.kiosk.on_card_event(event)

    def _build_devices(self) -> Devices:
        c = self.config
        fingerprint = open_reader(
            c.fingerprint.port, protocol=c.fingerprint.protocol, clock=self.clock,
            baudrate=c.fingerprint.baudrate or None, on_status=self._status,
            response_timeout=c.timeouts.device_response,
        )
        cash = CashAcceptor(
            CashConfig(
                port=c.cash.port,
                coin_channels={int(k): v for k, v in c.cash.coin_channels.items()},
                bill_channels={int(k): v for k, v in c.cash.bill_channels.items()},
                hopper_coin=c.cash.hopper_coin, echo=c.cash.echo, checksum=c.cash.checksum,
                poll_interval=c.cash.poll_interval, hopper_low_coins=c.cash.hopper_low_coins,
            ),
            clock=self.clock, on_event=self._cash_event, on_status=self._status,
        )
        receipt = ReceiptPrinter(
            c.receipt_printer.endpoint, clock=self.clock, font_regular=REGULAR, font_bold=BOLD,
            korean_mode=c.receipt_printer.korean_mode, on_status=self._status,
        )
        a4 = A4Printer(c.a4_printer.uri, clock=self.clock, on_status=self._status,
                       media_wait=c.timeouts.media_wait)
        card = None
        if c.card.enabled:
            from drivers.card.client import CardReader  # pyscard only when a card reader is configured

            card = CardReader(reader_name=c.card.reader, clock=self.clock, on_event=self._card_event,
                              on_status=self._status)
        keypad = None
        if c.keypad.enabled:
            keypad = Keypad(c.keypad.device, clock=self.clock, on_event=self.keypad_dispatch.dispatch,
                            on_status=self._status, jack_device=c.keypad.jack_device,
                            keymap=build_keymap(c.keypad.keys))
        self.keypad = keypad
        if c.scanner.enabled:
            self.scanner = BarcodeScanner(c.scanner.port, clock=self.clock, on_read=self._scanned,
                                          on_status=self._scanner_status,
                                          response_timeout=c.timeouts.device_response,
                                          on_unreadable=self._scanned_unreadable)
        return Devices(fingerprint=fingerprint, cash=cash, receipt=receipt, a4=a4, card=card, keypad=keypad)

    async def start(self) -> Kiosk:
        self.journal = self._journal_factory(Path(self.config.journal.path))
        devices = self._build_devices()
        self._devices = devices.all()
        self.metrics = BoothMetrics()
        self._server = IssuanceClient(server_config(self.config), clock=self.clock,
                                      on_call=self.metrics.observe_server_call)
        if self.config.voice.enabled:
            self.voice = VoiceGuide(EspeakNg(), self._audio or AlsaOutput(), self.clock, self.config.voice,
                                    language=self.config.kiosk.languages[0], on_voice_change=self._voice_changed,
                                    on_status=self._status, languages=self.config.kiosk.languages,
                                    on_activity=lambda: self.intent(Intent("voice_key")))
            self.voice.start()
            self.keypad_dispatch.connect(voice=self.voice)  # volume, rate, replay, pause and the jack
        self.kiosk = Kiosk(self.config, clock=self.clock, journal=self.journal, devices=devices,
                           server=self._server, publish=self._publish)
        if self.voice is not None:  # voice guidance is a device on the board, in metrics and heartbeats
            self.kiosk.statuses[self.voice.status.device] = self.voice.status
        await self._start_operations(self.kiosk)
        await self.kiosk.run()
        self._start_sensors(self.kiosk)
        if self.scanner is not None:
            self._devices.append(self.scanner)
            await self.scanner.start()
        return self.kiosk

    async def _start_operations(self, kiosk: Kiosk) -> None:
        """Metrics on their endpoint, and alerts to the webhook when one is configured."""
        assert self.metrics is not None
        self.metrics.watch(kiosk)
        if self.config.metrics.enabled:
            await self.metrics.serve(self.config.metrics.bind, self.config.metrics.port)
        if self.config.alerts.webhook_url:
            self.webhook = AlertWebhook(self.config.alerts.webhook_url, kiosk_id=self.config.kiosk.id,
                                        clock=self.clock)
            self.webhook.start()
            kiosk.alerts.listeners.append(self.webhook.send)

    def _start_sensors(self, kiosk: Kiosk) -> None:
        """The I/O module (doors, tilt, UPS, temperature) and what the core does with it (kiosk/sensors.py)."""
        io = self.config.io_module
        if not io.enabled:
            return
        from drivers.io_module import IoModule

        module = IoModule(io.endpoint, device_id=io.device_id, timeout=self.config.timeouts.device_response)
        self._devices.append(module)
        self.sensors = SensorPolicy(kiosk, module, self.config.sensors, poll_interval=io.poll_interval,
                                    shutdown=self._shutdown)
        kiosk.spawn(self.sensors.run(), "sensors")

    def _shutdown(self, reason: str) -> Any:
        log.critical("booth shutdown requested: %s", reason)
        return self.on_shutdown(reason) if self.on_shutdown is not None else None

    # ---- the barcode scanner (issue 17): armed while the pickup screen waits for a code

    def _scanned(self, code: str) -> None:
        self.intent(Intent("scan", {"code": code}))

    def _scanned_unreadable(self, reason: str) -> None:
        """The scanner read something it could not hand over whole: the screen asks to show it again."""
        self.intent(Intent("scan", {"code": ""}))

    def _scanner_status(self, status: DeviceStatus) -> None:
        if self.kiosk is not None:
            self.kiosk.pickup_desk.scanner_ready = status.usable
            # Configured but gone (unplugged, silent): the pickup screen says to type the code instead.
            self.kiosk.pickup_desk.scanner_offline = not status.usable and status.reason != "not-started"
        self._status(status)

    def _follow_with_scanner(self, view: View) -> None:
        scanner = self.scanner
        if scanner is None:
            return
        if view.screen == "pickup" and view.prompt is None and not getattr(view.data, "looking_up", False):
            scanner.arm()
        else:
            scanner.disarm()

    def _publish(self, view: View) -> None:
        """Every view: voice follows the session (its flag, language, idle's reset) before the screens
        draw it, so the screen's own utterance comes after a reset, never before."""
        if self.voice is not None:
            self.voice.follow(view)
        self._follow_with_scanner(view)
        if self._show is not None:
            self._show(view)

    # ---- voice guidance, for the screens' runner (on_speech), the keypad (VOICE_KEYS) and the jack

    def speak(self, utterance: Utterance) -> None:
        """For the screens' runner: what a screen says (spoken only while voice is on)."""
        if self.voice is not None:
            self.voice.say(utterance)

    def voice_key(self, key: Key) -> None:
        """For the keypad: volume and rate +/-, replay, pause (common.keypad_keys.VOICE_KEYS)."""
        if self.voice is not None:
            self.voice.keypad(key)

    def earphone(self, plugged: bool) -> None:
        """For the earphone jack's detection: plugged turns voice on in the earphone, the speaker muted."""
        if self.voice is not None:
            self.voice.earphone(plugged)

    def _voice_changed(self, on: bool) -> None:
        """The earphone turned voice on or off: the session's AccessMode.voice follows (longer limits)."""
        self.intent(Intent("access", {"setting": "voice", "value": on}))

    def intent(self, intent: Intent) -> None:
        """For the screens: hand a resident's touch to the controller."""
        if self.kiosk is not None:
            task = asyncio.get_running_loop().create_task(self.kiosk.handle_intent(intent))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)



    async def stop(self) -> None:
        """Close everything, each part even when one before it failed: a kiosk whose journal refuses
        its last words (a power cut, a full disk) must still let go of its ports, sockets and the
        speech engine's processes."""
        try:
            if self.kiosk is not None:
                await self.kiosk.stop()
        finally:
            if self.webhook is not None:
                await self.webhook.close()
            if self.metrics is not None:
                await self.metrics.close()
            if self.voice is not None:
                await self.voice.close()
            for device in self._devices:
                try:
                    await device.close()
                except Exception as exc:
                    log.debug("closing %s: %s", device, exc)
            await self.keypad_dispatch.close()
            if self._server is not None:
                await self._server.close()
            if self.journal is not None:
                self.journal.close()
