"""What the booth tells the public feed of itself (kiosk/public_status.py) agrees with what a resident
arriving at the booth would meet: its hours as configured, "closed" (not "out of order") when it is
only shut by its hours, no "open" while a late session finishes, and no voice guidance that cannot speak."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from common.clock import KST
from common.status import DeviceState, DeviceStatus
from kiosk.availability import Availability, assess
from kiosk.config import KioskConfig
from kiosk.config_loader import load_config
from kiosk.public_status import public_status

ROOT = Path(__file__).resolve().parents[2]
BANK_CORNER = {"open": "07:00", "close": "23:00"}
TUESDAY_10H = dt.datetime(2026, 12, 8, 10, 0, tzinfo=KST)


def _config(**overrides: Any) -> KioskConfig:
    return load_config(ROOT / "config" / "kiosk.toml", overrides=overrides)


def _statuses(*broken: DeviceStatus) -> dict[str, DeviceStatus]:
    working = {name: DeviceStatus(name, DeviceState.ONLINE)
               for name in ("a4_printer", "receipt_printer", "cash", "fingerprint", "keypad", "voice")}
    return working | {status.device: status for status in broken}


def _feed(config: KioskConfig, statuses: dict[str, DeviceStatus], now: dt.datetime, *, state: str = "idle",
          **assessed: Any) -> tuple[Availability, dict[str, Any]]:
    availability = assess(config, statuses, server_ok=True, now=now, fees={}, change_available=5000, **assessed)
    return availability, public_status(config, availability, statuses, state=state, change_available=5000)


def test_a_booth_with_hours_publishes_them_not_24h() -> None:
    _, public = _feed(_config(hours=BANK_CORNER), _statuses(), TUESDAY_10H)
    assert public["hours"] == "07:00-23:00"
    _, round_the_clock = _feed(_config(), _statuses(), TUESDAY_10H)
    assert round_the_clock["hours"] == "24h"


def test_a_booth_shut_for_a_holiday_is_closed_not_out_of_order() -> None:
    config = _config(hours=BANK_CORNER | {"close_on_holidays": True})
    availability, public = _feed(config, _statuses(), dt.datetime(2026, 12, 25, 10, 0, tzinfo=KST))
    assert availability.open_reason == "holiday"
    assert (public["open_now"], public["status"]) == (False, "closed")


def test_the_last_minutes_before_closing_read_closed_and_say_when_it_opens() -> None:
    config = _config(hours=BANK_CORNER | {"last_start_minutes": 10})
    availability, public = _feed(config, _statuses(), dt.datetime(2026, 12, 8, 22, 52, tzinfo=KST))
    assert availability.open_reason == "last-start-passed"
    assert (public["open_now"], public["status"]) == (False, "closed")
    assert availability.opens_at == dt.datetime(2026, 12, 9, 7, 0, tzinfo=KST)  # the idle screen says it


def test_a_session_finishing_after_closing_does_not_show_the_booth_open() -> None:
    """23:05: the resident who started in time is paying; nobody else can start until 07:00."""
    config = _config(hours=BANK_CORNER)
    statuses = _statuses()
    now = dt.datetime(2026, 12, 8, 23, 5, tzinfo=KST)
    in_session = assess(config, statuses, server_ok=True, now=now, fees={}, change_available=5000, in_session=True)
    assert in_session.open_reason == ""  # the session under way finishes...
    _, public = _feed(config, statuses, now, state="session/pay")
    assert (public["open_now"], public["status"], public["documents_available"]) == (False, "closed", [])


def test_a_session_on_battery_does_not_show_the_booth_open() -> None:
    _, public = _feed(_config(), _statuses(), TUESDAY_10H, state="session/pay", start_gate="on-battery")
    assert public["open_now"] is False and public["documents_available"] == []


def test_voice_guidance_that_cannot_speak_is_not_advertised() -> None:
    config = _config(voice={"enabled": True})
    mute = DeviceStatus("voice", DeviceState.HARDWARE_ERROR, "voice-missing:ko")
    availability, public = _feed(config, _statuses(mute), TUESDAY_10H)
    assert "voice-unavailable" in availability.notices  # the booth says so to the resident in front of it
    assert public["accessibility"]["voice"] is False  # and the phone does not send a blind resident there
    _, speaking = _feed(config, _statuses(), TUESDAY_10H)
    assert speaking["accessibility"]["voice"] is True
