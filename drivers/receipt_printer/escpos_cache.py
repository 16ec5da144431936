"""Where python-escpos keeps its parsed printer-capabilities file.

Left alone, python-escpos parses a large YAML file on every import (a third of a second of the kiosk's
start-up) and makes a new temporary directory each time to cache it in, which a kiosk restarted by its
watchdog for months would fill /tmp with. Pointing it at one cache directory before the first import
fixes both; $ESCPOS_CAPABILITIES_PICKLE_DIR, when set, still wins.
"""

from __future__ import annotations

import os
from pathlib import Path


def use_persistent_capabilities_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = base / "civil-kiosk" / "escpos"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only home: fall back to python-escpos's own behaviour
        return cache
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    return cache


CACHE_DIR = use_persistent_capabilities_cache()
