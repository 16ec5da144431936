"""The public live feed: every booth's heartbeat, reduced to what a resident may read.

Each heartbeat's `public` object (kiosk/public_status.py) is taken field by field from a fixed list,
each checked for its type and bounds, and everything else is dropped: whatever a booth sends (a bug,
a compromised booth), the feed never carries an address of a machine, a serial number, a cash amount
or a fault's internals, only the words in PUBLIC_STATUSES. `last_seen` is the server's clock, and a
booth not heard from for STALE_AFTER_S is shown as not open ("offline") whatever it said last.

Served without a client certificate on the simulator's public listener (app.py), beside the status
page (simulators/server/public_site/).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What a booth's `status` may be in the feed; anything else is "out-of-order".
PUBLIC_STATUSES = ("open", "closed", "starting", "maintenance", "offline", "paper-out", "paper-jam",
                   "toner-out", "no-payment", "out-of-order")
# Three missed heartbeats (30 s each) and a little: the booth is not answering, whatever it said last.
STALE_AFTER_S = 100.0
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_HOURS_RE = re.compile(r"^(24h|[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9])$")
_LANGUAGES = ("ko", "en", "zh", "vi")
MAX_TEXT = 120
MAX_DOCUMENTS = 40


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable())[:MAX_TEXT]


def _flag(value: Any) -> bool:
    return value is True


def _degrees(value: Any, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if -bound <= value <= bound else None


def _codes(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and _CODE_RE.match(v)][:MAX_DOCUMENTS]


def _flags(value: Any, names: tuple[str, ...]) -> dict[str, bool]:
    table = value if isinstance(value, Mapping) else {}
    return {name: _flag(table.get(name)) for name in names}


@dataclass
class _Booth:
    kiosk_id: str
    public: dict[str, Any]
    seen_at: dt.datetime


def sanitize(public: Mapping[str, Any]) -> dict[str, Any]:
    """The feed's fields of one booth, from a heartbeat's `public` object (never trusted)."""
    latitude, longitude = _degrees(public.get("latitude"), 90.0), _degrees(public.get("longitude"), 180.0)
    located = latitude is not None and longitude is not None and (latitude, longitude) != (0.0, 0.0)
    status = public.get("status")
    closed_status = status if status in PUBLIC_STATUSES and status != "open" else "out-of-order"
    hours = public.get("hours")
    open_now = _flag(public.get("open_now"))
    documents = _codes(public.get("documents"))
    return {
        "name": _text(public.get("name")),
        "location": _text(public.get("location")),
        "location_en": _text(public.get("location_en")),
        "latitude": latitude if located else None,
        "longitude": longitude if located else None,
        "hours": hours if isinstance(hours, str) and _HOURS_RE.match(hours) else "",
        "open_now": open_now,
        "status": "open" if open_now else closed_status,
        "documents": documents,
        "documents_available": [c for c in _codes(public.get("documents_available")) if c in documents]
        if open_now else [],
        "payment": _flags(public.get("payment"), ("cash", "card", "change")),
        "accessibility": _flags(public.get("accessibility"), ("keypad", "voice", "low_position")),
        "languages": [v for v in (public.get("languages") or []) if v in _LANGUAGES]
        if isinstance(public.get("languages"), list) else [],
    }


class PublicFeed:
    """The booths' last public words, and the feed built from them."""

    def __init__(self) -> None:
        self._booths: dict[str, _Booth] = {}

    def update(self, kiosk_id: str, public: Mapping[str, Any] | None, at: dt.datetime) -> None:
        """A heartbeat arrived: its `public` object replaces the booth's; `None` withdraws the booth."""
        if public is None:
            self._booths.pop(kiosk_id, None)
        else:
            self._booths[kiosk_id] = _Booth(kiosk_id, sanitize(public), at)

    def feed(self, now: dt.datetime) -> dict[str, Any]:
        booths = []
        for booth in sorted(self._booths.values(), key=lambda b: b.kiosk_id):
            entry = {"booth": booth.kiosk_id, **booth.public,
                     "last_seen": booth.seen_at.isoformat(timespec="seconds")}
            if (now - booth.seen_at).total_seconds() > STALE_AFTER_S:
                entry.update(open_now=False, status="offline", documents_available=[])
            booths.append(entry)
        return {"generated_at": now.isoformat(timespec="seconds"), "stale_after_seconds": STALE_AFTER_S,
                "booths": booths}
