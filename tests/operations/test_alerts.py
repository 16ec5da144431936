"""Alerts a city wants (kiosk/alerts.py): each raised once when its condition starts and cleared once
when it ends, whatever the number of heartbeats in between; thresholds from `[alerts]`."""

from __future__ import annotations

from pathlib import Path

from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from kiosk.alerts import AlertEvent, AlertWatch, DoorWatch, Inputs
from kiosk.config import AlertsSection
from kiosk.journal import Journal


def _printer(paper: SupplyLevel) -> DeviceStatus:
    return DeviceStatus("a4_printer", DeviceState.ONLINE, supplies={"paper": paper})


def _inputs(paper: SupplyLevel = SupplyLevel.FULL, change: int = 20000, oos: str = "", oos_s: float = 0.0) -> Inputs:
    return Inputs(statuses={"a4_printer": _printer(paper)}, change_available=change, takes_cash=True,
                  out_of_service_reason=oos, out_of_service_seconds=oos_s)


def test_each_alert_is_raised_once_and_cleared_once(clock: VirtualClock) -> None:
    watch = AlertWatch(AlertsSection(change_low_won=5000, out_of_service_minutes=15), clock)
    heard: list[AlertEvent] = []
    watch.listeners.append(heard.append)
    for _ in range(5):  # five heartbeats with the tray low: one page
        watch.evaluate(_inputs(paper=SupplyLevel.LOW))
    watch.evaluate(_inputs(paper=SupplyLevel.OUT))  # worse, still the same alert: no second page
    assert [(e.event, e.alert.name, e.alert.subject) for e in heard] == [("raised", "paper-low", "a4_printer")]
    assert watch.heartbeat_alerts()[0]["detail"] == "out"  # the heartbeat says the newer level
    for _ in range(3):
        watch.evaluate(_inputs())
    assert [e.event for e in heard] == ["raised", "cleared"]
    assert watch.heartbeat_alerts() == []


def test_thresholds_come_from_the_config(clock: VirtualClock) -> None:
    watch = AlertWatch(AlertsSection(paper_low_level="out", change_low_won=3000, out_of_service_minutes=10), clock)
    assert watch.evaluate(_inputs(paper=SupplyLevel.LOW, change=3000, oos="a4-paper-jam", oos_s=599)) == []
    raised = watch.evaluate(_inputs(paper=SupplyLevel.OUT, change=2900, oos="a4-paper-jam", oos_s=600))
    assert {(e.alert.name, e.alert.detail) for e in raised} == {
        ("paper-low", "out"), ("change-low", "2900"), ("out-of-service", "a4-paper-jam")}


async def test_a_door_alarm_in_the_journal_is_raised_and_its_doors_closing_clears_it(tmp_path: Path,
                                                                                    clock: VirtualClock) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        doors = DoorWatch(journal, clock, clear_after_s=1800)
        watch = AlertWatch(AlertsSection(), clock)
        assert watch.evaluate(_inputs(), doors.alarmed()) == []
        journal.record("device", "door_alarm", at="2026-12-06T03:00:00", door="service")
        raised = watch.evaluate(_inputs(), doors.alarmed())
        assert [(e.event, e.alert.name, e.alert.subject) for e in raised] == [("raised", "door", "service")]
        assert watch.evaluate(_inputs(), doors.alarmed()) == []  # the same alarm, read again: nothing new
        journal.record("device", "door_closed", at="2026-12-06T03:05:00", door="service")
        assert [e.event for e in watch.evaluate(_inputs(), doors.alarmed())] == ["cleared"]
        # An alarm that no record closes (the cash box's door has no closing switch) clears itself after
        # door_clear_minutes.
        journal.record("device", "door_alarm", at="2026-12-06T04:00:00", door="cashbox")
        assert doors.alarmed() == ("cashbox",)
        await clock.advance(1800)
        assert doors.alarmed() == ()
    finally:
        journal.close()


async def test_the_service_door_closing_does_not_clear_the_cash_boxs_alarm(tmp_path: Path,
                                                                           clock: VirtualClock) -> None:
    """Someone without a card opens the service door, then the cash box, and shuts the service door,
    all between two heartbeats: the city still hears of the cash box, and which door it was."""
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        doors = DoorWatch(journal, clock, clear_after_s=1800)
        watch = AlertWatch(AlertsSection(), clock)
        journal.record("door", "door_opened", at="2026-12-06T03:00:00", door="service")
        journal.record("device", "door_alarm", at="2026-12-06T03:00:05", ref="cashbox_door", door="cashbox")
        journal.record("door", "door_closed", at="2026-12-06T03:00:09", door="service")
        raised = watch.evaluate(_inputs(), doors.alarmed())
        assert [(e.event, e.alert.name, e.alert.subject) for e in raised] == [("raised", "door", "cashbox")]
        assert watch.evaluate(_inputs(), doors.alarmed()) == []  # still up, nobody paged twice
    finally:
        journal.close()


async def test_a_door_alarm_and_its_closing_between_two_heartbeats_is_still_said(tmp_path: Path,
                                                                                 clock: VirtualClock) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        doors = DoorWatch(journal, clock, clear_after_s=1800)
        watch = AlertWatch(AlertsSection(), clock)
        journal.record("door", "door_alarm", at="2026-12-06T03:00:00", door="service")
        journal.record("door", "door_closed", at="2026-12-06T03:00:20", door="service")
        raised = watch.evaluate(_inputs(), doors.alarmed())
        assert [(e.event, e.alert.subject) for e in raised] == [("raised", "service")]
        assert [e.event for e in watch.evaluate(_inputs(), doors.alarmed())] == ["cleared"]
    finally:
        journal.close()
