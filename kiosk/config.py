"""The kiosk's configuration: its sections as types, and the errors a wrong value raises.

A technician who mistypes a key at 2 a.m. must be told which file and which key, not shown a
traceback: every error names both. Values that differ per city or per booth (fees, hours, ports)
live in the config files, never in code. The files are read and checked by kiosk/config_loader.py
(types) and kiosk/config_rules.py (what each value means).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class KioskSection:
    id: str = "KIOSK-0001"
    name: str = "무인민원발급기"
    location: str = ""
    languages: list[str] = field(default_factory=lambda: ["ko", "en"])
    # The 법정동 whose parcels a resident looks up by lot number (토지대장, 건축물대장).
    district: str = "세종특별자치시 보람동"
    # "24h" or "HH:MM-HH:MM" (local time): outside the hours the kiosk shows it is closed.
    hours: str = "24h"


@dataclass(frozen=True)
class TimeoutsSection:
    # A person reading a screen: 60 s (the national kiosk guideline asks for a way to get more time;
    # we ask after 60 s rather than before, as most sessions take under a minute per screen).
    screen: float = 60.0
    # Counting coins out of a purse takes longer than reading.
    payment: float = 120.0
    # After "need more time?", this long with no answer means the resident has left.
    grace: float = 20.0
    # The result screen stays this long, then the booth is ready for the next person.
    done: float = 15.0
    # A device that does not answer a request in this long is retried, then declared offline.
    device_response: float = 0.5
    # How long a document may wait for paper before the issuance is voided and the fee refunded.
    media_wait: float = 120.0
    # While voice guidance or the physical keypad is in use, the screen, payment and grace limits
    # are this many times longer: listening to a screen and finding keys by touch take longer than
    # reading and tapping (the accessibility rule: limits lengthen for an assisted resident).
    assisted_factor: float = 2.0


@dataclass(frozen=True)
class HelpSection:
    # The booth's help line, shown (and spoken) on the help prompt: e.g. the city's call centre.
    phone: str = ""
    # A resident on the phone with staff must not time out mid-call: while the help prompt is up,
    # the screen's time limit is this long (then "need more time?" is asked as usual).
    hold: float = 300.0


@dataclass(frozen=True)
class UiSection:
    width: int = 1080
    height: int = 1920
    low_position: bool = False
    scale: float = 1.0
    # The panel's active area and how high its lower edge is above the floor: text sizes (12 mm) and
    # the reach band (controls 400-1,220 mm above the floor) are worked out from these. The default
    # booth: a 32" portrait panel (398 x 708 mm), lower edge 650 mm up (top edge 1,358 mm).
    panel_width_mm: float = 398.0
    panel_height_mm: float = 708.0
    panel_bottom_mm: float = 650.0


@dataclass(frozen=True)
class FingerprintSection:
    port: str = "/dev/ttyUSB0"
    protocol: Literal["zfm", "sfm"] = "zfm"
    baudrate: int = 0  # 0: the family's default (57600 ZFM, 115200 SFM)
    max_attempts: int = 3
    # Which finger this booth's residents are asked for, and where its sensor is (the fingerprint
    # screen says and draws both): see kiosk/config_rules.py FINGERS and SENSOR_POSITIONS.
    finger: str = "right_index"
    sensor_position: str = "below-screen-right"


@dataclass(frozen=True)
class CashSection:
    port: str = "/dev/ttyUSB1"
    coin_channels: dict[str, int] = field(default_factory=lambda: {"1": 10, "2": 50, "3": 100, "4": 500})
    bill_channels: dict[str, int] = field(default_factory=lambda: {"1": 1000, "2": 5000, "3": 10000, "4": 50000})
    hopper_coin: int = 100
    echo: bool = True
    checksum: Literal["simple", "crc16"] = "simple"
    # ccTalk coin acceptors recommend polling 229 every 100–200 ms; 0.2 s keeps idle CPU near zero.
    poll_interval: float = 0.2
    # Coins in the hopper after a refill (the float the technician loads). The first boot of a journal
    # with no refill on record journals this count (`hopper_refilled`); later refills are journaled by
    # `kiosk refill-hopper`. Change is promised only from the count the journal keeps (kiosk.hopper_inventory).
    hopper_float: int = 200
    # The hopper's low-level probe trips below this many coins: a tripped probe caps the count there.
    hopper_low_coins: int = 20


@dataclass(frozen=True)
class ReceiptPrinterSection:
    endpoint: str = "tcp://127.0.0.1:9100"
    korean_mode: Literal["raster", "double_byte"] = "raster"


@dataclass(frozen=True)
class A4PrinterSection:
    uri: str = "ipp://localhost:631/printers/kiosk_a4"


@dataclass(frozen=True)
class CardSection:
    enabled: bool = False
    reader: str = "Virtual PCD"


@dataclass(frozen=True)
class KeypadSection:
    """The accessibility keypad: a USB HID keypad read from its evdev node (drivers/keypad)."""

    enabled: bool = False
    # Stable names from udev (ls -l /dev/input/by-id/), not /dev/input/eventN, which can change at boot.
    device: str = "/dev/input/by-id/usb-keypad-event-kbd"
    # The sound card's headphone-jack node (ls -l /dev/input/by-path/; `evtest` names it "... Headphone");
    # "": the keypad's own node reports the jack (a keypad with its own earphone socket).
    jack_device: str = ""
    # Key codes this keypad sends that the default table (drivers/keypad/keymap.py) maps otherwise:
    # `KEY_F1 = "voice"`, `"183" = "help"`, `KEY_ESC = "none"`.
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServerSection:
    base_url: str = "https://issuance.example.invalid"
    pki_dir: str = "/etc/kiosk/pki"


@dataclass(frozen=True)
class JournalSection:
    path: str = "/var/lib/kiosk/journal.sqlite3"
    # Settled sessions older than this many days move to monthly archive files beside the journal, each
    # night while idle (kiosk/nightly_archive.py); 0 keeps everything in the journal. Keep it longer than
    # the city's settlement delay: the daily settlement CSV reads the live journal.
    keep_days: int = 31


@dataclass(frozen=True)
class VoiceSection:
    # Voice guidance (kiosk/voice_guide.py): false for a booth with no audio at all.
    enabled: bool = True
    engine: Literal["espeak-ng"] = "espeak-ng"
    # ALSA device names (`aplay -L` lists them). "" for speaker_device: a booth without a speaker, where
    # voice is heard only on an earphone. The earphone jack is its own device when the booth has one (a
    # USB audio adapter); on one codec both names may be the same card, whose auto-mute does the muting.
    speaker_device: str = "default"
    earphone_device: str = "default"
    # Software gain in dB, -50..0 in 5 dB steps; 0 dB is the engine's own level, and the amplifier is
    # calibrated once so that 0 dB stays within the speaker's 65 dB SPL limit (domain facts).
    volume_db: int = -15
    # Words a minute, 80..300 in steps of 20 (espeak-ng reads 175 by default; 80 is its floor).
    rate_wpm: int = 160


@dataclass(frozen=True)
class MaintenanceSection:
    # The service door opened and no technician has logged in after this long: `door_alarm` is
    # journaled (the operators are alerted) and the booth goes out of service ("door-open").
    door_grace_seconds: float = 60.0
    # The technician PIN screen with no key pressed for this long goes back to service.
    pin_seconds: float = 30.0
    # A technician in maintenance who touches nothing for this long is logged out exactly as by the
    # exit button (journaled, back to service through the self-test): a visit left open would keep the
    # booth from residents and leave the technician's pages to anyone at the glass.
    idle_minutes: float = 5.0
    # The service door closed during a card technician's visit: the visit ends after this long with no
    # touch (the technician has most likely walked away). The console's technicians are not tied to the
    # door: only `idle_minutes` applies to them.
    door_closed_seconds: float = 60.0


@dataclass(frozen=True)
class HoursSection:
    """The booth's opening hours (kiosk/opening_hours.py): when a resident may start a session.

    `open`/`close` are local times (Asia/Seoul) "HH:MM"; "00:00"-"24:00" is a 24-hour booth, and a
    close at or before the open runs past midnight. The legacy `[kiosk] hours = "HH:MM-HH:MM"` still
    works when this section keeps its defaults."""

    open: str = "00:00"
    close: str = "24:00"
    # Days that differ: "mon".."sun" -> "closed", "24h" or "HH:MM-HH:MM" (e.g. a mall's short Sunday).
    weekdays: dict[str, str] = field(default_factory=dict)
    # Korean public holidays (the `holidays` library's KR calendar, lunar ones and substitute days
    # included): true for a booth inside a building that is shut on them (a city hall's lobby).
    close_on_holidays: bool = False
    # No session starts later than this many minutes before closing: a resident must be able to
    # finish (identify, pay, print) before the doors shut. 0 for a 24-hour booth is the natural value.
    last_start_minutes: float = 10.0


@dataclass(frozen=True)
class IoModuleSection:
    """The booth's I/O module (drivers/io_module): a Modbus digital/analog module wired to the door
    switches, the tilt sensor, the UPS and the cabinet thermometer."""

    enabled: bool = False
    # "tcp://host:port" (Modbus TCP) or "rtu:/dev/ttyUSB2:19200" (Modbus RTU, 8N1).
    endpoint: str = "tcp://127.0.0.1:5020"
    device_id: int = 1
    # How often the inputs are read; a door is noticed within this long.
    poll_interval: float = 1.0


@dataclass(frozen=True)
class SensorsSection:
    """What the kiosk does with the I/O module's readings (kiosk/sensors.py)."""

    # Issuance stops above this cabinet temperature (the printers' fuser and the PC fail past ~60 C),
    # and resumes once it is `hysteresis_c` below it.
    overheat_c: float = 50.0
    hysteresis_c: float = 5.0
    # On battery, the booth shuts down cleanly when the UPS says it has less than this many seconds left.
    shutdown_margin_s: float = 180.0


@dataclass(frozen=True)
class DocumentSection:
    title_ko: str
    title_en: str
    fee: int
    needs_identity: bool
    options: list[str] = field(default_factory=list)
    max_copies: int = 5


@dataclass(frozen=True)
class MetricsSection:
    """The booth's Prometheus endpoint (kiosk/booth/metrics.py). Loopback by default: the city's
    scraper reaches it through the booth's VPN or an SSH tunnel, never from the street."""

    enabled: bool = True
    bind: str = "127.0.0.1"
    # 9464: the port OpenTelemetry's Prometheus exporter registered (prometheus/wiki "Default port allocations").
    port: int = 9464


@dataclass(frozen=True)
class AlertsSection:
    """Alerts a city wants (kiosk/alerts.py): sent with every heartbeat while raised, and to the
    webhook once when raised and once when cleared."""

    # A printer's paper at this level or worse raises `paper-low`: "low" (the sensor's near-end) or "out".
    paper_low_level: Literal["low", "out"] = "low"
    # Change the hopper can still promise (won) below which `change-low` is raised.
    change_low_won: int = 5000
    # Out of service this many minutes raises `out-of-service`.
    out_of_service_minutes: float = 15.0
    # A `door_alarm` in the journal raises `door`; it clears when a `door_closed` follows, or after
    # this many minutes with no new alarm (a technician's visit closes the door without a record).
    door_clear_minutes: float = 30.0
    # "" for none; else an http(s) URL that gets each alert raised and cleared as a JSON POST.
    webhook_url: str = ""


@dataclass(frozen=True)
class PublicSection:
    """What the public live feed may say of this booth (sent with the heartbeat, published by the
    server): where it is and what a resident with a disability finds there. Nothing else."""

    # WGS84 degrees of the booth's door, for "the nearest working booth"; 0, 0: not on the map.
    latitude: float = 0.0
    longitude: float = 0.0
    # The booth's place in English (the feed's other languages use [kiosk] location).
    location_en: str = ""
    # Whether the booth takes part in the public feed at all.
    listed: bool = True


@dataclass(frozen=True)
class ScannerSection:
    """Issue 17: a serial 2D barcode scanner (drivers/barcode_scanner) reading pickup QR codes."""

    enabled: bool = False
    # A stable name from udev (ls -l /dev/serial/by-id/), not /dev/ttyACMn, which can change at boot.
    port: str = "/dev/serial/by-id/usb-Honeywell_Imaging_barcode_scanner-if00"


@dataclass(frozen=True)
class DeliverySection:
    """Issue 17, 민원택배: documents the catalog delivers may be ordered to the registered address
    (kiosk/delivery.py): a choice on the options screen, and the only way while the booth cannot print."""

    enabled: bool = False


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskSection = field(default_factory=KioskSection)
    timeouts: TimeoutsSection = field(default_factory=TimeoutsSection)
    ui: UiSection = field(default_factory=UiSection)
    fingerprint: FingerprintSection = field(default_factory=FingerprintSection)
    cash: CashSection = field(default_factory=CashSection)
    receipt_printer: ReceiptPrinterSection = field(default_factory=ReceiptPrinterSection)
    a4_printer: A4PrinterSection = field(default_factory=A4PrinterSection)
    card: CardSection = field(default_factory=CardSection)
    keypad: KeypadSection = field(default_factory=KeypadSection)
    server: ServerSection = field(default_factory=ServerSection)
    journal: JournalSection = field(default_factory=JournalSection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    help: HelpSection = field(default_factory=HelpSection)
    maintenance: MaintenanceSection = field(default_factory=MaintenanceSection)
    hours: HoursSection = field(default_factory=HoursSection)
    io_module: IoModuleSection = field(default_factory=IoModuleSection)
    sensors: SensorsSection = field(default_factory=SensorsSection)
    # Catalog defaults (domain.md); the server's catalog overrides fees and availability when reachable.
    documents: dict[str, DocumentSection] = field(default_factory=dict)
    metrics: MetricsSection = field(default_factory=MetricsSection)
    alerts: AlertsSection = field(default_factory=AlertsSection)
    public: PublicSection = field(default_factory=PublicSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)  # issue 17
    delivery: DeliverySection = field(default_factory=DeliverySection)  # issue 17


class _KeyProblem(ConfigError):
    """A value that is wrong wherever it came from; `load_config` adds the file that set `key`."""

    def __init__(self, key: tuple[str, ...], why: str) -> None:
        self.key, self.why = key, why
        super().__init__(f"{key_text(key)}: {why}")


def key_text(key: tuple[str, ...]) -> str:
    """`cash.coin_channels.1` as a technician would write it; odd names quoted, so the error stays one line."""
    return ".".join(part if re.fullmatch(r"[A-Za-z0-9_-]+(\[\d+\])?", part) else json.dumps(part)
                    for part in key) or "top level"
