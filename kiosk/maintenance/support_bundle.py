"""The support bundle: what a technician (`kiosk diag bundle`) or the city's operators (the server's
`upload_bundle` heartbeat command) send to whoever debugs a booth, as one tar.gz.

It holds the config without secrets (no key files, no value of a key named like key/secret/password/
token/pin), the recent log lines, a journal extract, the device statuses, the versions (Python, the
packages, the git commit), the workshop's answers (status, counters, sessions) and the last screens
(the last views as JSON; PNGs when the booth can draw them cheaply). Nothing personal: the journal's
rows and the views are scrubbed where they are made, and every text file passes `kiosk.privacy.redact`
once more on its way in, so a resident number, a card number or template bytes that slipped into a
log line by mistake still never leave the booth.

The bundle is made of named parts, so the diag tool can fetch them one by one over the diag socket
(a progress bar per part) and pack them with the same `pack` the controller uses.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import json
import logging
import platform
import re
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from common.status import DeviceStatus
from kiosk.config import KioskConfig
from kiosk.journal import Journal
from kiosk.presenter import view_as_dict
from kiosk.privacy import RedactingFilter, redact
from kiosk.views import View

ROOT = Path(__file__).resolve().parents[2]

# A name made of these words (split at "_", "-", "." and camel case) names a secret: its value is replaced.
SECRET_WORDS = frozenset({"key", "secret", "password", "passwd", "passphrase", "token", "pin", "credential",
                          "credentials", "apikey", "privkey"})
REDACTED = "<redacted>"
# Files never taken into a bundle whatever their key is called.
KEY_FILE_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".der")

JOURNAL_ROWS = 500
LOG_LINES = 2000
LAST_VIEWS = 20
# The queries of the workshop whose answers go in (kiosk/maintenance/workshop.py's docstring names them).
WORKSHOP_QUERIES = ("status", "counters", "sessions", "out_of_service_history", "cash")
# The packages whose versions a debugger asks for first.
PACKAGES = ("pyserial", "pyserial-asyncio-fast", "pyscard", "pyusb", "python-escpos", "transitions", "pygame-ce",
            "httpx", "cryptography", "pillow", "aiohttp", "typer", "rich")


def is_secret_name(name: str) -> bool:
    """True for `key_file`, `client-secret`, `apiToken`, `pin`; False for `keypad`, `keys`, `pki_dir`."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]
    return any(w in SECRET_WORDS for w in words)


def without_secrets(value: Any, key: str = "") -> Any:
    """`value` (a config as plain data) with every secret-named key's value replaced, and any value that
    names a key file replaced too."""
    if is_secret_name(key):
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): without_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_secrets(v, key) for v in value]
    if isinstance(value, str) and value.lower().endswith(KEY_FILE_SUFFIXES):
        return REDACTED
    return value


def config_without_secrets(config: KioskConfig) -> dict[str, Any]:
    data: dict[str, Any] = without_secrets(dataclasses.asdict(config))
    return data


class RecentLogs(logging.Handler):
    """The last log lines of this process, masked as the booth's stderr handler masks them, for bundles.

    journald keeps the booth's log; this copy travels with a bundle made on a booth where `journalctl`
    is not the technician's to read."""

    def __init__(self, lines: int = LOG_LINES) -> None:
        super().__init__(logging.DEBUG)
        self.lines: collections.deque[str] = collections.deque(maxlen=lines)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
        self.addFilter(RedactingFilter())
        self._users = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(redact(self.format(record)))
        except Exception:  # a log line must never break the booth
            self.handleError(record)

    def install(self) -> None:
        """Attach to the root logger (counted: two diag servers in one process share it)."""
        self._users += 1
        root = logging.getLogger()
        if self not in root.handlers:
            root.addHandler(self)

    def uninstall(self) -> None:
        self._users = max(0, self._users - 1)
        if not self._users:
            logging.getLogger().removeHandler(self)
            self.lines.clear()  # a kiosk that stopped: its lines go with it


RECENT_LOGS = RecentLogs()


class BundleSource(Protocol):
    """What a bundle is made from: the controller satisfies it."""

    @property
    def config(self) -> KioskConfig: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def statuses(self) -> Mapping[str, DeviceStatus]: ...

    @property
    def state(self) -> str: ...

    def recent_views(self, count: int) -> Sequence[View]: ...

    async def workshop_query(self, what: str) -> dict[str, Any]: ...


def _json(value: Any) -> bytes:
    return redact(json.dumps(value, ensure_ascii=False, indent=2, default=str)).encode()


def status_as_dict(status: DeviceStatus) -> dict[str, Any]:
    return {"device": status.device, "state": status.state.value, "reason": status.reason, "detail": status.detail,
            "supplies": {name: level.value for name, level in status.supplies.items()}}


def git_commit(root: Path = ROOT) -> str:
    """The checkout's commit, or "" (an installed booth without git, or git refused)."""
    if not (root / ".git").exists():
        return ""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def versions() -> dict[str, Any]:
    packages: dict[str, str] = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = ""
    return {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(), "packages": packages, "git_commit": git_commit()}


def journal_extract(journal: Journal, rows: int = JOURNAL_ROWS) -> bytes:
    """The last `rows` journal rows, one JSON object a line (rows are scrubbed when written)."""
    lines = [json.dumps(dataclasses.asdict(entry), ensure_ascii=False, default=str) for entry in journal.tail(rows)]
    return redact("\n".join(lines) + "\n").encode()


# Part names, in the order a bundle is made (the diag tool's progress bar follows them).
PART_NAMES = ("versions.json", "config.json", "devices.json", "journal.jsonl", "logs.txt", "views.json",
              "workshop.json")


async def make_part(source: BundleSource, name: str, *, logs: Iterable[str] | None = None) -> bytes:
    """One part of the bundle, as the bytes of its file."""
    if name == "versions.json":
        return _json(versions())
    if name == "config.json":
        return _json(config_without_secrets(source.config))
    if name == "devices.json":
        return _json({"state": source.state,
                      "devices": {n: status_as_dict(s) for n, s in sorted(source.statuses.items())}})
    if name == "journal.jsonl":
        return journal_extract(source.journal)
    if name == "logs.txt":
        lines = RECENT_LOGS.lines if logs is None else logs
        return redact("\n".join(lines) + "\n").encode()
    if name == "views.json":
        return _json([view_as_dict(v) for v in source.recent_views(LAST_VIEWS)])
    if name == "workshop.json":
        answers: dict[str, Any] = {}
        for what in WORKSHOP_QUERIES:
            try:
                answers[what] = await source.workshop_query(what)
            except Exception as exc:  # a part that fails must not cost the rest of the bundle
                answers[what] = {"ok": False, "error": f"{type(exc).__name__}"}
        return _json(answers)
    raise KeyError(f"no bundle part {name!r} (parts: {', '.join(PART_NAMES)})")


def pack(parts: Mapping[str, bytes], *, prefix: str = "kiosk-bundle", mtime: float = 0.0) -> bytes:
    """The parts as one tar.gz, each under `prefix`/. A `.png` is taken as is; any other part is text and
    passes `redact` once more (a bundle leaves the booth: the last guard is here)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, raw in parts.items():
            if Path(name).suffix.lower() in KEY_FILE_SUFFIXES:
                continue
            data = raw if name.endswith(".png") else redact(raw.decode("utf-8", "replace")).encode()
            info = tarfile.TarInfo(f"{prefix}/{name}")
            info.size = len(data)
            info.mtime = int(mtime)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


async def make_bundle(source: BundleSource, *, mtime: float = 0.0,
                      screenshots: Callable[[], Mapping[str, bytes]] | None = None,
                      names: Sequence[str] = PART_NAMES) -> bytes:
    """The whole bundle in one call (the controller's `upload_bundle`)."""
    parts = {name: await make_part(source, name) for name in names}
    if screenshots is not None:
        with contextlib.suppress(Exception):
            parts.update({f"screens/{n}": png for n, png in screenshots().items()})
    return pack(parts, mtime=mtime)


# What one upload may carry: the server takes JSON bodies of up to 64 KiB, and the bundle travels in base64.
MAX_UPLOAD_BYTES = 45_000


async def make_upload_bundle(source: BundleSource, *, mtime: float = 0.0) -> bytes:
    """The bundle for the server: whole when it fits one upload, else without the log lines, then with a
    shorter journal extract (the server's operators can still ask a technician for the whole one)."""
    bundle = await make_bundle(source, mtime=mtime)
    if len(bundle) <= MAX_UPLOAD_BYTES:
        return bundle
    parts = {name: await make_part(source, name, logs=list(RECENT_LOGS.lines)[-200:]) for name in PART_NAMES}
    for rows in (100, 20, 0):
        parts["journal.jsonl"] = journal_extract(source.journal, rows) if rows else b""
        bundle = pack(parts, mtime=mtime)
        if len(bundle) <= MAX_UPLOAD_BYTES:
            return bundle
    raise ValueError(f"the support bundle is {len(bundle)} bytes even cut down; one upload takes {MAX_UPLOAD_BYTES}")
