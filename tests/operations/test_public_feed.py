"""The public live feed (simulators/server/public_feed.py) says only what a resident may read: whatever
a booth's heartbeat carries, no machine address, serial, cash amount or fault internals get through,
and a booth that stopped sending is shown as not open."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.server.public_feed import PUBLIC_STATUSES, STALE_AFTER_S, PublicFeed, sanitize

FIELDS = {"name", "location", "location_en", "latitude", "longitude", "hours", "open_now", "status", "documents",
          "documents_available", "payment", "accessibility", "languages"}
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
GOOD = {"name": "무인민원발급기", "location": "세종특별자치시청 1층", "location_en": "Sejong City Hall 1F",
        "latitude": 36.48, "longitude": 127.289, "hours": "07:00-23:00", "open_now": True, "status": "open",
        "documents": ["resident_copy", "land_register"], "documents_available": ["resident_copy"],
        "payment": {"cash": True, "card": False, "change": True},
        "accessibility": {"keypad": True, "voice": True, "low_position": True}, "languages": ["ko", "en"]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=5),
    max_leaves=20)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FIELDS | {"ip", "serial", "cash_won", "fault"})), json_values))
def test_any_heartbeat_gives_only_the_feeds_fields_in_their_types(public: dict[str, Any]) -> None:
    out = sanitize(public)
    assert set(out) == FIELDS
    assert out["status"] in PUBLIC_STATUSES
    assert isinstance(out["open_now"], bool)
    assert all(isinstance(v, bool) for v in (*out["payment"].values(), *out["accessibility"].values()))
    assert set(out["documents_available"]) <= set(out["documents"])
    assert out["open_now"] or out["documents_available"] == []
    assert all(len(out[k]) <= 120 for k in ("name", "location", "location_en"))
    json.dumps(out)  # servable as is


def test_what_a_booth_must_not_publish_is_dropped() -> None:
    leaky = {**GOOD, "ip": "10.1.2.3", "serial": "SN-0042", "cash_won": 48200, "fault": "ippeveprinter jam",
             "status": "hardwareError: tray 2 sensor", "open_now": False,
             "payment": {"cash": True, "card": True, "change": True, "float_won": 20000}}
    published = json.dumps(sanitize(leaky), ensure_ascii=False)
    for secret in ("10.1.2.3", "SN-0042", "48200", "20000", "ippeveprinter", "tray 2"):
        assert secret not in published
    assert sanitize(leaky)["status"] == "out-of-order"
    assert sanitize(leaky)["documents_available"] == []  # not open: nothing to issue


def test_a_booth_that_stopped_sending_is_not_shown_open() -> None:
    feed = PublicFeed()
    feed.update("KIOSK-0001", GOOD, NOW)
    fresh = feed.feed(NOW + dt.timedelta(seconds=60))["booths"][0]
    assert (fresh["booth"], fresh["open_now"], fresh["documents_available"]) == ("KIOSK-0001", True, ["resident_copy"])
    stale = feed.feed(NOW + dt.timedelta(seconds=STALE_AFTER_S + 1))["booths"][0]
    assert (stale["open_now"], stale["status"], stale["documents_available"]) == (False, "offline", [])
    feed.update("KIOSK-0001", None, NOW)  # a booth whose config says `[public] listed = false`
    assert feed.feed(NOW)["booths"] == []
