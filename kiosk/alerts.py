"""Alerts a city wants of a booth left alone for weeks: paper low, change low, out of service too
long, a door alarm, voice guidance that cannot speak (the booth stays open, but a blind resident
hears nothing: kiosk/voice_guide.py).

Each alert is a condition, evaluated at every heartbeat from what the controller already holds (device
statuses, the change the hopper can promise, how long the booth has been out of service, the
journal's door records). An alert is *raised* once when its condition starts and *cleared* once when
it ends: listeners (the webhook) hear each edge exactly once, and the heartbeat carries the alerts
that are up, so the server sees them as long as they last without anyone flooding anyone. The
thresholds are the booth's `[alerts]` config.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from common.clock import Clock
from common.status import DeviceStatus, SupplyLevel
from kiosk.config import AlertsSection

log = logging.getLogger(__name__)

PAPER_LOW = "paper-low"
CHANGE_LOW = "change-low"
OUT_OF_SERVICE = "out-of-service"
DOOR = "door"
VOICE = "voice-guidance"
ALERT_NAMES = (PAPER_LOW, CHANGE_LOW, OUT_OF_SERVICE, DOOR, VOICE)

# The printers whose paper a technician refills (their DeviceStatus supply "paper").
PAPER_DEVICES = ("a4_printer", "receipt_printer")
# The journal kinds the door alert follows: an alarm (another part journals it when a door opens with
# no technician in), and a close.
DOOR_ALARM = "door_alarm"
DOOR_CLOSED = "door_closed"


@dataclass(frozen=True)
class Alert:
    """One raised alert: `name` (ALERT_NAMES), `subject` (the device it concerns, "" for the booth),
    `detail` (a word or a number for the operator: a supply level, a reason, won of change)."""

    name: str
    subject: str
    detail: str
    since: str  # ISO time it was raised, on the kiosk's clock

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.subject

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "subject": self.subject, "detail": self.detail, "since": self.since}


@dataclass(frozen=True)
class AlertEvent:
    """An edge: the alert went up ("raised") or came down ("cleared") at `at`."""

    event: Literal["raised", "cleared"]
    alert: Alert
    at: str

    def as_json(self) -> dict[str, object]:
        return {"event": self.event, "at": self.at, **self.alert.as_json()}


class DoorRows(Protocol):
    """What the door watch reads of the journal (kiosk.journal.Journal has it)."""

    def entries_since(self, seq: int, kinds: tuple[str, ...]) -> Iterable[DoorRow]: ...


class DoorRow(Protocol):
    @property
    def seq(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def detail(self) -> Mapping[str, object]: ...


@dataclass(frozen=True)
class Inputs:
    """What the conditions are judged on: all of it already held by the controller."""

    statuses: Mapping[str, DeviceStatus]
    change_available: int  # won the hopper can promise
    takes_cash: bool  # change matters only while the booth takes cash
    out_of_service_reason: str  # "" while not out of service
    out_of_service_seconds: float  # how long, by the kiosk's clock


class DoorWatch:
    """The doors' alarm states from the journal, read incrementally (only rows newer than the last seen).

    Each door's alarm is its own: the service door closing does not clear the cash box's. An alarm is
    said at least once before a closing clears it, so an alarm and a closing between two heartbeats do
    not cancel out (someone opened the cash box and shut the service door within 30 s). The cash box's
    door has no closing record: its alarm clears after `clear_after_s`, as any alarm no record closes."""

    def __init__(self, journal: DoorRows, clock: Clock, clear_after_s: float) -> None:
        self._journal = journal
        self._clock = clock
        self._clear_after_s = clear_after_s
        self._seq = 0
        self._raised_at: dict[str, float] = {}  # door -> when its alarm came (the kiosk's monotonic clock)
        self._said: set[str] = set()  # doors whose alarm an evaluation has seen
        self._closing: set[str] = set()  # closed before their alarm was said: cleared once said
        self.alarm_doors: tuple[str, ...] = ()  # the doors alarmed at the last reading

    def alarmed(self) -> tuple[str, ...]:
        """The doors whose alarm is up ("service", "cashbox", or "door" for a record naming none)."""
        now = self._clock.monotonic()
        for row in self._journal.entries_since(self._seq, (DOOR_ALARM, DOOR_CLOSED)):
            self._seq = row.seq
            if row.kind == DOOR_ALARM:
                door = str(row.detail.get("door") or "door")
                self._raised_at[door] = now
                self._said.discard(door)
                self._closing.discard(door)
                continue
            door = str(row.detail.get("door") or "service")  # only the service door's switch records closing
            if door not in self._raised_at:
                continue
            if door in self._said:
                del self._raised_at[door]
            else:
                self._closing.add(door)
        for door, at in list(self._raised_at.items()):
            if now - at >= self._clear_after_s:
                del self._raised_at[door]
                self._closing.discard(door)
        self.alarm_doors = tuple(sorted(self._raised_at))
        self._said.update(self.alarm_doors)
        for door in self._closing:
            del self._raised_at[door]
        self._closing.clear()
        return self.alarm_doors


def conditions(config: AlertsSection, inputs: Inputs, doors: Iterable[str]) -> dict[tuple[str, str], str]:
    """The alerts whose condition holds now, as (name, subject) → detail."""
    worst = (SupplyLevel.OUT,) if config.paper_low_level == "out" else (SupplyLevel.LOW, SupplyLevel.OUT)
    found: dict[tuple[str, str], str] = {}
    for device in PAPER_DEVICES:
        status = inputs.statuses.get(device)
        level = status.supplies.get("paper") if status is not None else None
        if level in worst:
            assert level is not None
            found[(PAPER_LOW, device)] = level.value
    if inputs.takes_cash and config.change_low_won > 0 and inputs.change_available < config.change_low_won:
        found[(CHANGE_LOW, "hopper")] = str(inputs.change_available)
    if inputs.out_of_service_reason and inputs.out_of_service_seconds >= config.out_of_service_minutes * 60:
        found[(OUT_OF_SERVICE, "")] = inputs.out_of_service_reason
    for door in doors:
        found[(DOOR, door)] = "alarm"
    voice = inputs.statuses.get("voice")
    if voice is not None and not voice.usable:
        found[(VOICE, "voice")] = voice.reason  # "voice-missing:vi", "audio-failed:earphone", ...
    return found


class AlertWatch:
    """The booth's raised alerts, and the edges each evaluation finds (raised once, cleared once)."""

    def __init__(self, config: AlertsSection, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self.active: dict[tuple[str, str], Alert] = {}
        self.listeners: list[Callable[[AlertEvent], None]] = []

    def evaluate(self, inputs: Inputs, doors: Iterable[str] = ()) -> list[AlertEvent]:
        """Compare the conditions that hold now with the alerts up; tell the listeners of each edge."""
        now = self._clock.now().isoformat(timespec="seconds")
        holding = conditions(self.config, inputs, doors)
        events: list[AlertEvent] = []
        for key in [k for k in self.active if k not in holding]:
            events.append(AlertEvent("cleared", self.active.pop(key), now))
        for key, detail in holding.items():
            current = self.active.get(key)
            if current is None:
                self.active[key] = Alert(key[0], key[1], detail, now)
                events.append(AlertEvent("raised", self.active[key], now))
            elif current.detail != detail:  # still up: the heartbeat says the newer detail, nobody is paged again
                self.active[key] = Alert(key[0], key[1], detail, current.since)
        for event in events:
            log.warning("alert %s: %s %s (%s)", event.event, event.alert.name, event.alert.subject, event.alert.detail)
            for listener in self.listeners:
                try:
                    listener(event)
                except Exception:  # a listener's bug must not stop the heartbeat
                    log.exception("alert listener failed")
        return events

    def heartbeat_alerts(self) -> list[dict[str, str]]:
        """The alerts up now, as the heartbeat carries them."""
        return [alert.as_json() for alert in self.active.values()]
