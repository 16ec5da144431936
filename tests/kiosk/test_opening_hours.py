"""Opening hours as a resident meets them: open or closed now, why, when it opens next, the last start
before closing, Korean public holidays (lunar ones too), weekday exceptions, and a document's own hours."""

from __future__ import annotations

import datetime as dt

import pytest

from common.clock import KST
from common.status import DeviceState, DeviceStatus
from kiosk.availability import assess
from kiosk.config import HoursSection, KioskConfig
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.opening_hours import OpeningHours, ServiceHours, document_reason, korean_holiday, offered_at

CONFIG = load_config(CONFIG_DIR / "kiosk.toml")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=KST)


BANK = OpeningHours(HoursSection(open="07:00", close="23:00", last_start_minutes=10))


def test_a_bank_corner_opens_at_seven_takes_its_last_resident_at_ten_to_eleven_and_closes_at_eleven() -> None:
    tuesday = "2026-12-08"
    assert BANK.at(at(f"{tuesday}T06:59")).reason == "outside-hours"
    assert BANK.at(at(f"{tuesday}T06:59")).opens_at == at(f"{tuesday}T07:00")
    assert BANK.at(at(f"{tuesday}T07:00")).open_now and BANK.at(at(f"{tuesday}T07:00")).reason == ""
    assert BANK.at(at(f"{tuesday}T22:49:59")).reason == ""
    assert BANK.at(at(f"{tuesday}T22:50:01")).reason == "last-start-passed"
    closed = BANK.at(at(f"{tuesday}T23:00"))
    assert (closed.open_now, closed.reason, closed.opens_at) == (False, "outside-hours", at("2026-12-09T07:00"))


def test_a_24_hour_booth_never_closes_and_never_stops_starting_sessions() -> None:
    always = OpeningHours(HoursSection())
    for hour in range(24):
        opening = always.at(at(f"2026-12-31T{hour:02d}:59"))
        assert opening.open_now and opening.reason == "" and opening.closes_at is None


def test_a_night_booth_runs_past_midnight_and_sunday_is_closed() -> None:
    night = OpeningHours(HoursSection(open="18:00", close="02:00", weekdays={"sun": "closed"}, last_start_minutes=0))
    assert night.at(at("2026-12-08T01:30")).open_now  # Monday's span, past midnight into Tuesday
    assert not night.at(at("2026-12-08T02:00")).open_now
    saturday_night = night.at(at("2026-12-13T01:00"))  # Sunday 01:00: Saturday's span still runs
    assert saturday_night.open_now
    sunday = night.at(at("2026-12-13T19:00"))
    assert not sunday.open_now and sunday.opens_at == at("2026-12-14T18:00")


@pytest.mark.parametrize(("day", "name"), [
    ("2026-02-17", "설날"), ("2026-09-25", "추석"), ("2026-05-24", "부처님오신날"),
    ("2026-03-02", "삼일절 대체 휴일"), ("2027-02-07", "설날"),
])
def test_korean_public_holidays_include_the_lunar_ones_and_substitute_days(day: str, name: str) -> None:
    assert korean_holiday(dt.date.fromisoformat(day)) == name


def test_a_booth_that_closes_on_holidays_sleeps_through_chuseok_and_says_when_it_opens() -> None:
    hall = OpeningHours(HoursSection(open="09:00", close="18:00", close_on_holidays=True, weekdays={"sun": "closed"}))
    opening = hall.at(at("2026-09-24T10:00"))  # 추석 전날 (Thursday); Friday and Saturday are holidays too
    assert (opening.open_now, opening.reason) == (False, "holiday")
    assert opening.opens_at == at("2026-09-28T09:00")  # Monday: Sunday is closed by the weekday rule
    assert OpeningHours(HoursSection(open="09:00", close="18:00")).at(at("2026-09-24T10:00")).open_now


def test_a_24_hour_booth_closed_on_holidays_stops_starting_before_the_holiday_begins() -> None:
    booth = OpeningHours(HoursSection(close_on_holidays=True, last_start_minutes=10))
    assert booth.at(at("2026-12-24T23:49")).reason == ""
    assert booth.at(at("2026-12-24T23:51")).reason == "last-start-passed"
    assert booth.at(at("2026-12-25T12:00")).opens_at == at("2026-12-26T00:00")


def test_a_document_out_of_its_service_hours_or_in_maintenance_is_not_offered_with_its_reason() -> None:
    land = ServiceHours(hours=("06:00", "23:00"))
    family = ServiceHours(maintenance=(("23:50", "00:30"),))
    assert document_reason(land, at("2026-12-08T05:59")) == "document-hours"
    assert document_reason(land, at("2026-12-08T06:00")) == ""
    assert document_reason(family, at("2026-12-08T00:10")) == "server-maintenance"
    assert document_reason(family, at("2026-12-08T00:30")) == ""
    assert offered_at(["land", "family", "copy"], {"land": land, "family": family}, at("2026-12-09T00:00")) == ["copy"]
    open_now = assess(CONFIG, _fit(), server_ok=True, now=at("2026-12-08T05:00"), fees={}, change_available=20_000,
                      service_hours={"land_register": land})
    reasons = {d.code: d.unavailable_reason for d in open_now.documents}
    assert reasons["land_register"] == "document-hours" and reasons["resident_copy"] == ""
    closed = assess(_with_hours(CONFIG, HoursSection(open="07:00", close="23:00")), _fit(), server_ok=True,
                    now=at("2026-12-08T05:00"), fees={}, change_available=20_000,
                    service_hours={"land_register": ServiceHours(hours=("08:00", "18:00"))})
    assert closed.open_reason == "outside-hours" and closed.opens_at == at("2026-12-08T07:00")
    assert "land_register" not in closed.offered_then and "resident_copy" in closed.offered_then


def test_a_session_in_progress_finishes_whatever_the_hours_or_the_mains_say() -> None:
    config = _with_hours(CONFIG, HoursSection(open="07:00", close="23:00"))
    late = at("2026-12-08T23:05")
    assert assess(config, _fit(), server_ok=True, now=late, fees={}, change_available=20_000).open_reason
    assert assess(config, _fit(), server_ok=True, now=late, fees={}, change_available=20_000,
                  in_session=True).open_reason == ""
    noon = at("2026-12-08T12:00")
    assert assess(config, _fit(), server_ok=True, now=noon, fees={}, change_available=20_000,
                  start_gate="on-battery").open_reason == "on-battery"
    hot = assess(config, _fit(), server_ok=True, now=noon, fees={}, change_available=20_000, in_session=True,
                 sensor_fault="overheat")
    assert hot.out_of_service_reason == "overheat" and hot.open_reason == "overheat"


def _with_hours(config: KioskConfig, hours: HoursSection) -> KioskConfig:
    import dataclasses

    return dataclasses.replace(config, hours=hours)


def _fit() -> dict[str, DeviceStatus]:
    return {name: DeviceStatus(name, DeviceState.ONLINE) for name in ("a4_printer", "cash", "fingerprint",
                                                                      "receipt_printer", "keypad")}
