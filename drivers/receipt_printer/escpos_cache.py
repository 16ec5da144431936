"""Where python-escpos keeps its parsed printer-capabilities file, and who writes it.

Left alone, python-escpos parses a large YAML file on every import (a third of a second of the kiosk's
start-up) and makes a new temporary directory each time to cache it in, which a kiosk restarted by its
watchdog for months would fill /tmp with. Pointing it at one cache directory before the first import
fixes both; $ESCPOS_CAPABILITIES_PICKLE_DIR, when set, still wins.

python-escpos writes that cache in place (truncate, parse, write), so a second process importing it at
the same moment reads an empty file and fails with EOFError: two test runs on one machine did. So the
cache directory belongs to one installed capabilities file (two checkouts' venvs never share it), and we
write the pickle ourselves, whole, with an atomic rename, before python-escpos looks: it then only reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import platform
import tempfile
from pathlib import Path


def _capabilities_file() -> Path | None:
    """The capabilities file python-escpos will read, found without importing it."""
    explicit = os.environ.get("ESCPOS_CAPABILITIES_FILE")
    if explicit:
        return Path(explicit)
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"
    return found if found.is_file() else None


def _write_pickle_atomically(source: Path, target: Path) -> None:
    """What python-escpos would write (the parsed YAML, pickle protocol 2), but never half-written."""
    import yaml  # python-escpos's own dependency

    with source.open(encoding="utf-8") as text:
        capabilities = yaml.safe_load(text)
    if not capabilities:
        return  # a broken file: let python-escpos report it its own way
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".capabilities-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(capabilities, out, protocol=2)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def use_persistent_capabilities_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    source = _capabilities_file()
    cache = base / "civil-kiosk" / "escpos"
    if source is not None:
        mark = source.stat()
        identity = f"{source.resolve()}:{mark.st_size}:{mark.st_mtime_ns}".encode()
        cache = cache / hashlib.sha256(identity).hexdigest()[:16]
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only home: fall back to python-escpos's own behaviour
        return cache
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return cache
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
    if source is not None:
        target = cache / f"{platform.python_version()}.capabilities.pickle"
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            # Whatever goes wrong here, python-escpos parses and caches the file itself, as before.
            with contextlib.suppress(Exception):
                _write_pickle_atomically(source, target)
    return cache


CACHE_DIR = use_persistent_capabilities_cache()
