"""The kiosk's configuration: TOML files validated at load.

A technician who mistypes a key at 2 a.m. must be told which file and which key, not shown a
traceback: every error names both. Values that differ per city or per booth (fees, hours, ports)
live here, never in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

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


@dataclass(frozen=True)
class UiSection:
    width: int = 1080
    height: int = 1920
    low_position: bool = False
    scale: float = 1.0


@dataclass(frozen=True)
class FingerprintSection:
    port: str = "/dev/ttyUSB0"
    protocol: Literal["zfm", "sfm"] = "zfm"
    baudrate: int = 0  # 0: the family's default (57600 ZFM, 115200 SFM)
    max_attempts: int = 3


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
class ServerSection:
    base_url: str = "https://issuance.example.invalid"
    pki_dir: str = "/etc/kiosk/pki"


@dataclass(frozen=True)
class JournalSection:
    path: str = "/var/lib/kiosk/journal.sqlite3"


@dataclass(frozen=True)
class DocumentSection:
    title_ko: str
    title_en: str
    fee: int
    needs_identity: bool
    options: list[str] = field(default_factory=list)
    max_copies: int = 5


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
    server: ServerSection = field(default_factory=ServerSection)
    journal: JournalSection = field(default_factory=JournalSection)
    # Catalog defaults (domain.md); the server's catalog overrides fees and availability when reachable.
    documents: dict[str, DocumentSection] = field(default_factory=dict)


def _convert(value: Any, hint: Any, where: str) -> Any:
    origin = get_origin(hint)
    if is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
        return _build(hint, value, where)  # type: ignore[arg-type]
    if origin is Literal:
        if value not in get_args(hint):
            raise ConfigError(f"{where}: {value!r} is not one of {', '.join(map(repr, get_args(hint)))}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        (item,) = get_args(hint)
        return [_convert(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table")
        _, item = get_args(hint)
        return {str(k): _convert(v, item, f"{where}.{k}") for k, v in value.items()}
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported type {hint!r}")  # pragma: no cover - a programming error


def _build(cls: type[T], table: dict[str, Any], where: str) -> T:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    kwargs = {name: _convert(value, hints[name], f"{where}.{name}" if where else name)
              for name, value in table.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"{where or 'top level'}: {exc}") from exc


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_config(*paths: Path, overrides: dict[str, Any] | None = None) -> KioskConfig:
    """Later files override earlier ones key by key; `overrides` (e.g. simulator endpoints) win."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        try:
            _check_semantics(_build(KioskConfig, table, ""))  # each file alone, so the error names it
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        merged = _merge(merged, table)
    merged = _merge(merged, overrides or {})
    config = _build(KioskConfig, merged, "")
    _check_semantics(config)
    return config


def _check_semantics(config: KioskConfig) -> None:
    t = config.timeouts
    for name in ("screen", "payment", "grace", "done", "device_response", "media_wait"):
        if getattr(t, name) <= 0:
            raise ConfigError(f"timeouts.{name}: must be positive")
    for code, doc in config.documents.items():
        if doc.fee < 0:
            raise ConfigError(f"documents.{code}.fee: must not be negative")
        if doc.max_copies < 1:
            raise ConfigError(f"documents.{code}.max_copies: must be at least 1")
    if config.cash.hopper_float < 0 or config.cash.hopper_low_coins < 0:
        raise ConfigError("cash.hopper_float and cash.hopper_low_coins: must not be negative")
    for name, value in {**config.cash.coin_channels, **config.cash.bill_channels}.items():
        if value <= 0 or not name.isdigit():
            raise ConfigError(f"cash channels: channel {name!r} must be a number with a positive value")
    if config.kiosk.hours != "24h" and not _valid_hours(config.kiosk.hours):
        raise ConfigError(f"kiosk.hours: {config.kiosk.hours!r} is neither '24h' nor 'HH:MM-HH:MM'")


def _valid_hours(text: str) -> bool:
    try:
        start, end = text.split("-")
        for part in (start, end):
            hh, mm = part.split(":")
            if not (0 <= int(hh) <= 24 and 0 <= int(mm) < 60):
                return False
    except ValueError:
        return False
    return True


CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
