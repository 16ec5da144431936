"""The kiosk's configuration: TOML files validated at load.

A technician who mistypes a key at 2 a.m. must be told which file and which key, not shown a
traceback: every error names both. Values that differ per city or per booth (fees, hours, ports)
live here, never in code.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
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


class _KeyProblem(ConfigError):
    """A value that is wrong wherever it came from; `load_config` adds the file that set `key`."""

    def __init__(self, key: tuple[str, ...], why: str) -> None:
        self.key, self.why = key, why
        super().__init__(f"{key_text(key)}: {why}")


def key_text(key: tuple[str, ...]) -> str:
    """`cash.coin_channels.1` as a technician would write it; odd names quoted, so the error stays one line."""
    return ".".join(part if re.fullmatch(r"[A-Za-z0-9_-]+(\[\d+\])?", part) else json.dumps(part)
                    for part in key) or "top level"


def _convert(value: Any, hint: Any, key: tuple[str, ...], *, partial: bool = False) -> Any:
    origin = get_origin(hint)
    if is_dataclass(hint):
        if not isinstance(value, dict):
            raise _KeyProblem(key, f"expected a table, got {type(value).__name__}")
        return _build(hint, value, key, partial=partial)  # type: ignore[arg-type]
    if origin is Literal:
        if value not in get_args(hint) or type(value) is not type(get_args(hint)[0]):
            raise _KeyProblem(key, f"{value!r} is not one of {', '.join(map(repr, get_args(hint)))}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise _KeyProblem(key, f"expected a list, got {type(value).__name__}")
        (item,) = get_args(hint)
        return [_convert(v, item, (*key[:-1], f"{key[-1]}[{i}]"), partial=partial) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise _KeyProblem(key, f"expected a table, got {type(value).__name__}")
        _, item = get_args(hint)
        return {str(k): _convert(v, item, (*key, str(k)), partial=partial) for k, v in value.items()}
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _KeyProblem(key, f"expected a number, got {value!r}")
        return float(value)
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise _KeyProblem(key, f"expected {hint.__name__}, got {value!r}")
        return value
    raise _KeyProblem(key, f"unsupported type {hint!r}")  # pragma: no cover - a programming error


def _build(cls: type[T], table: dict[str, Any], key: tuple[str, ...], *, partial: bool = False) -> T | None:
    """The section `cls` from `table`; with `partial`, only check the keys present (one file of several)."""
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - known)
    if unknown:
        raise _KeyProblem((*key, unknown[0]), f"unknown key (known in {key_text(key)}: "
                          f"{', '.join(sorted(known))})")
    kwargs = {name: _convert(value, hints[name], (*key, name), partial=partial) for name, value in table.items()}
    if partial:
        return None
    missing = [f.name for f in fields(cls)  # type: ignore[arg-type]
               if f.name not in kwargs and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise _KeyProblem(key, f"missing key {missing[0]!r}")
    return cls(**kwargs)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, at every depth; any other value replaces the earlier one."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _note_origins(table: dict[str, Any], source: str, origins: dict[tuple[str, ...], str],
                  key: tuple[str, ...] = ()) -> None:
    """Remember which file set each key (tables included), so a later error can name it."""
    for name, value in table.items():
        origins[(*key, str(name))] = source
        if isinstance(value, dict):
            _note_origins(value, source, origins, (*key, str(name)))


def _source_of(key: tuple[str, ...], origins: dict[tuple[str, ...], str]) -> str:
    for length in range(len(key), 0, -1):
        if key[:length] in origins:
            return origins[key[:length]]
    return "built-in defaults"


def _read_table(path: Path) -> dict[str, Any]:
    try:
        if path.is_dir():
            raise ConfigError(f"{path}: is a directory, not a configuration file")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc


def load_config(*paths: Path, overrides: dict[str, Any] | None = None,
                layers: Sequence[tuple[str, dict[str, Any]]] = ()) -> KioskConfig:
    """Later files override earlier ones key by key (tables merge at every depth); `overrides` (e.g.
    simulator endpoints) win, then `layers` (named tables, e.g. a scenario's [config]) in order.
    Every error is one line naming the file (or layer) that set the key, and the key."""
    from kiosk.config_rules import check_meaning

    merged: dict[str, Any] = {}
    origins: dict[tuple[str, ...], str] = {}
    sources: list[tuple[str, dict[str, Any]]] = [(str(path), _read_table(path)) for path in paths]
    if overrides:
        sources.append(("the simulators' settings", overrides))
    sources.extend(layers)
    for source, table in sources:
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: expected a table of sections, got {type(table).__name__}")
        try:
            _build(KioskConfig, table, (), partial=True)  # each file alone, so a typo names its own file
        except _KeyProblem as exc:
            raise ConfigError(f"{source}: {exc}") from None
        merged = _merge(merged, table)
        _note_origins(table, source, origins)
    try:
        config = _build(KioskConfig, merged, ())
        assert config is not None
        check_meaning(config)
    except _KeyProblem as exc:
        raise ConfigError(f"{_source_of(exc.key, origins)}: {exc}") from None
    return config


CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
