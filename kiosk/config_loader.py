"""Reading the kiosk's TOML files into a `KioskConfig`, every error naming the file and the key.

Files merge key by key in order (the shipped config/kiosk.toml, then a site's own); each file is
checked alone first, so a typo names its own file; then the merged tables are built into the types of
kiosk/config.py and checked for meaning (kiosk/config_rules.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from kiosk.config import ConfigError, KioskConfig, _KeyProblem, key_text
from kiosk.config_rules import check_meaning

T = TypeVar("T")


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
