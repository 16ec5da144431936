"""`kiosk diag`'s end of the diag socket: one request, one answer, and words for what went wrong.

Answers can be long (a bundle's journal part, base64), so the line limit is set far above
common/control_socket.py's `send_control`, which is for short simulator answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from kiosk.booth.diag_socket import DIAG_SOCKET
from kiosk.booth.service_dirs import control_run_dirs

# The longest answer line read: a bundle part of a few MiB in base64.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
# A kiosk answers a query at once; a self-test prints a page (tens of seconds at worst).
DEFAULT_TIMEOUT_S = 120.0
SOCKET_VARIABLE = "KIOSK_DIAG_SOCKET"


class DiagUnreachable(RuntimeError):
    """No kiosk answers on the socket (not running, another run directory, or not root)."""


class DiagRefused(RuntimeError):
    """The kiosk understood the request and refused it (unknown command, bad arguments)."""


def diag_socket_path(explicit: Path | None = None) -> Path:
    """`--socket`, else $KIOSK_DIAG_SOCKET, else the first run directory holding a diag socket (this
    shell's, then the installed unit's /run/kiosk)."""
    if explicit is not None:
        return explicit
    if os.environ.get(SOCKET_VARIABLE):
        return Path(os.environ[SOCKET_VARIABLE])
    candidates = [d / DIAG_SOCKET for d in control_run_dirs()]
    return next((p for p in candidates if p.exists()), candidates[-1])


async def ask(path: Path, cmd: str, /, *, within: float = DEFAULT_TIMEOUT_S, **args: Any) -> dict[str, Any]:
    """Send one request; the kiosk's answer (a dict with "ok"), or DiagUnreachable / DiagRefused."""
    try:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_ANSWER_BYTES)
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        raise DiagUnreachable(f"no kiosk is running here (no diag socket at {path}); is the kiosk up "
                              f"(systemctl status kiosk)? Another run directory: --socket PATH") from exc
    except PermissionError as exc:
        raise DiagUnreachable(f"not allowed to open {path}: `kiosk diag` is for root on the booth "
                              f"(sudo kiosk diag ...)") from exc
    try:
        writer.write(json.dumps({"cmd": cmd, "args": args}, ensure_ascii=False).encode() + b"\n")
        await writer.drain()
        try:
            async with asyncio.timeout(within):
                line = await reader.readline()
        except TimeoutError as exc:
            raise DiagUnreachable(f"the kiosk did not answer {cmd} within {within:g} s") from exc
    except ConnectionError as exc:
        raise DiagUnreachable(f"the kiosk closed the diag socket: {exc}") from exc
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    if not line:
        raise DiagUnreachable("the kiosk closed the diag socket without an answer")
    answer = json.loads(line)
    if not answer.get("ok"):
        raise DiagRefused(str(answer.get("error", "refused")))
    result = answer.get("result")
    return result if isinstance(result, dict) else {"ok": True, "result": result}


def ask_sync(path: Path, cmd: str, /, **args: Any) -> dict[str, Any]:
    return asyncio.run(ask(path, cmd, **args))
