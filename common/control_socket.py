"""The control channel every simulator exposes: JSON lines over a Unix socket.

A resident's actions and a device's faults (insert a coin, place a finger, empty the paper tray)
reach a simulator running in another process through this channel; tests that run a simulator
in-process call the same methods directly. One request per line::

    {"cmd": "insert_coin", "args": {"value": 100}}
    -> {"ok": true, "result": null}
    -> {"ok": false, "error": "unknown command 'insrt_coin'; try: help"}

`help` lists the commands with their docstrings' first lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import os
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

Command = Callable[..., Any]
C = TypeVar("C", bound=Command)

# Every number a control takes is bounded: `noise count=1e12` once asked the ccTalk simulator for a
# terabyte of random bytes, froze `make run` (past 700 MiB, SIGTERM unheard by a blocked loop). A
# command declares tighter bounds with `@bounded`; any other number must lie within this.
DEFAULT_LIMIT = 1_000_000

# 64 KiB: a control request is a command name and a few scalars; anything longer is a mistake.
MAX_REQUEST_BYTES = 65536
# An answer may be a simulator's whole record (every payment or mobile ID of a month-long soak: the
# soak stopped at session 3,350 when one outgrew asyncio's default 64 KiB line).
MAX_ANSWER_BYTES = 256 * 2**20


def default_run_dir() -> Path:
    """Where control sockets live: $KIOSK_RUN_DIR, else ./run (one kiosk per checkout)."""
    return Path(os.environ.get("KIOSK_RUN_DIR", "run"))


def control_socket_path(simulator: str, run_dir: Path | None = None) -> Path:
    return (run_dir or default_run_dir()) / "sim" / f"{simulator}.sock"


def bounded(**limits: tuple[float, float]) -> Callable[[C], C]:
    """Declare the range (low, high) of a control command's numeric arguments, checked by `dispatch`."""
    def mark(fn: C) -> C:
        fn.control_bounds = limits  # type: ignore[attr-defined]
        return fn
    return mark


def _number_kind(hint: Any) -> type | None:
    """int or float when the annotation asks for a number (`int`, `float | None`, ...), else None."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
        else (hint,)
    for kind in (float, int):
        if kind in options:
            return kind
    return None


def checked_arguments(fn: Command, args: Mapping[str, Any]) -> dict[str, Any]:
    """`args` as `fn` takes them (a whole float for an int becomes an int); ValueError names the bad one."""
    try:
        inspect.signature(fn).bind(**args)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # an annotation that cannot be resolved: check the numbers against the default only
        hints = {}
    limits: Mapping[str, tuple[float, float]] = getattr(fn, "control_bounds", {})
    out = dict(args)
    for name, value in args.items():
        kind = _number_kind(hints.get(name))
        if kind is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            if value is None and type(None) in typing.get_args(hints.get(name)):
                continue
            raise ValueError(f"{name}={value!r} is not a number")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name}={value!r} is not a finite number")
        number = value
        if kind is int and isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"{name}={value!r} is not a whole number")
            number = int(value)
        low, high = limits.get(name, (-DEFAULT_LIMIT, DEFAULT_LIMIT))
        if not low <= number <= high:
            raise ValueError(f"{name}={value!r} is outside {low:g}..{high:g}")
        out[name] = number
    return out


def describe(commands: Mapping[str, Command]) -> dict[str, str]:
    out = {}
    for name, fn in sorted(commands.items()):
        doc = inspect.getdoc(fn) or ""
        sig = str(inspect.signature(fn)).replace("'", "")
        limits: Mapping[str, tuple[float, float]] = getattr(fn, "control_bounds", {})
        bounds = "; ".join(f"{arg} {low:g}..{high:g}" for arg, (low, high) in limits.items())
        out[name] = f"{sig}  {doc.splitlines()[0] if doc else ''}{f' (bounds: {bounds})' if bounds else ''}".strip()
    return out


async def dispatch(commands: Mapping[str, Command], request: Mapping[str, Any]) -> dict[str, Any]:
    """Run one control request against `commands`; errors become answers, never exceptions."""
    name = request.get("cmd")
    args = request.get("args") or {}
    if name == "help":
        return {"ok": True, "result": describe(commands)}
    if not isinstance(name, str) or name not in commands:
        return {"ok": False, "error": f"unknown command {name!r}; try: help"}
    if not isinstance(args, dict):
        return {"ok": False, "error": "args must be an object"}
    try:
        args = checked_arguments(commands[name], args)
    except ValueError as exc:
        return {"ok": False, "error": f"bad arguments for {name}: {exc}"}
    try:
        result = commands[name](**args)
        if inspect.isawaitable(result):
            result = await result
    except TypeError as exc:
        return {"ok": False, "error": f"bad arguments for {name}: {exc}"}
    except Exception as exc:  # a control mistake must not kill the simulator
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "result": result}


class ControlServer:
    """Serves `commands` on a Unix socket until closed."""

    def __init__(self, commands: Mapping[str, Command]) -> None:
        self._commands = commands
        self._server: asyncio.Server | None = None
        self.path: Path | None = None

    async def start(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        self._server = await asyncio.start_unix_server(self._serve, path=str(path), limit=MAX_REQUEST_BYTES)
        self.path = path

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    request = json.loads(line)
                    if not isinstance(request, dict):
                        raise ValueError("request must be a JSON object")
                    answer = await dispatch(self._commands, request)
                except ValueError as exc:
                    answer = {"ok": False, "error": f"not a JSON request: {exc}"}
                writer.write(json.dumps(answer, ensure_ascii=False, default=str).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()


async def send_control(path: Path, cmd: str, /, **args: Any) -> dict[str, Any]:
    """Send one control request to the simulator listening on `path` and return its answer."""
    reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_ANSWER_BYTES)
    try:
        writer.write(json.dumps({"cmd": cmd, "args": args}).encode() + b"\n")
        await writer.drain()
        line = await reader.readline()
        answer: dict[str, Any] = json.loads(line)
        return answer
    finally:
        writer.close()
