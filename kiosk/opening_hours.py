"""When the booth is open, when it opens next, and when a document can be issued.

A booth's day is one span (`[hours] open`/`close`, local time in Asia/Seoul) unless its weekday says
otherwise (`[hours.weekdays] sun = "closed"`) or the day is a Korean public holiday and the booth closes
on them (`close_on_holidays`; the `holidays` library's KR calendar, which knows the lunar holidays and
the substitute days). Each day's span is an interval on the time line; spans that touch (a 24-hour
booth's days) join, so "closing" is the end of the joined interval and a 24-hour booth never closes.

Documents have their own service hours from the server's catalog (vehicle registers, 제적 등·초본 are
issued only by day) and the central system's maintenance windows, when it issues nothing of them.

Everything takes `now` from the injected clock (common/clock.py: aware, in KST), never the system's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from common.clock import KST
from kiosk.config import HoursSection, KioskConfig

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = ("00:00", "24:00")
# How far ahead the next opening is looked for: a booth closed for longer says only "closed".
LOOKAHEAD_DAYS = 14


def minutes_of(text: str) -> int:
    """'07:30' -> 450; '24:00' -> 1440. The caller has checked the form (config_rules, validators)."""
    hh, mm = text.split(":")
    return int(hh) * 60 + int(mm)


def valid_time(text: str) -> bool:
    parts = text.split(":")
    if len(parts) != 2 or len(parts[0]) != 2 or len(parts[1]) != 2 or not (parts[0] + parts[1]).isdigit():
        return False
    hh, mm = int(parts[0]), int(parts[1])
    return 0 <= hh <= 24 and 0 <= mm < 60 and not (hh == 24 and mm)


def parse_span(text: str) -> tuple[str, str] | None:
    """'24h' -> all day; 'HH:MM-HH:MM' -> (open, close); 'closed' -> None. ValueError otherwise."""
    if text == "closed":
        return None
    if text == "24h":
        return ALL_DAY
    start, sep, end = text.partition("-")
    if not sep or not valid_time(start) or not valid_time(end) or minutes_of(start) == minutes_of(end):
        raise ValueError(f"{text!r} is not 'closed', '24h' or 'HH:MM-HH:MM' with two different times")
    return start, end


@functools.lru_cache(maxsize=8)
def _korean_holidays(year: int) -> dict[dt.date, str]:
    import holidays  # a kept library (pyproject): KR with the lunar calendar and substitute days

    calendar: dict[dt.date, str] = dict(holidays.country_holidays("KR", years=year, language="ko"))
    return calendar


def korean_holiday(day: dt.date) -> str:
    """The public holiday's Korean name on `day`, or ""."""
    return _korean_holidays(day.year).get(day, "")


@dataclass(frozen=True)
class Opening:
    """What the hours say at one instant."""

    open_now: bool
    reason: str  # "" when open; "outside-hours" or "holiday" when closed; "last-start-passed" near closing
    closes_at: dt.datetime | None  # end of the open interval now (None: open round the clock, or closed)
    opens_at: dt.datetime | None  # the next opening when closed (None: open now, or none within two weeks)


class OpeningHours:
    def __init__(self, hours: HoursSection, legacy: str = "24h") -> None:
        base = (hours.open, hours.close)
        if base == ALL_DAY and legacy != "24h":
            base = parse_span(legacy) or ALL_DAY
        self.base = base
        self.weekdays = {day: parse_span(text) for day, text in hours.weekdays.items()}
        self.close_on_holidays = hours.close_on_holidays
        self.last_start = dt.timedelta(minutes=hours.last_start_minutes)

    @classmethod
    def of(cls, config: KioskConfig) -> OpeningHours:
        return cls(config.hours, config.kiosk.hours)

    def span_of(self, day: dt.date) -> tuple[str, str] | None:
        """The day's opening span, or None when the booth does not open that day."""
        if self.close_on_holidays and korean_holiday(day):
            return None
        return self.weekdays.get(WEEKDAYS[day.weekday()], self.base)

    def closed_because(self, day: dt.date) -> str:
        if self.close_on_holidays and korean_holiday(day):
            return "holiday"
        return "outside-hours"

    def _intervals(self, first: dt.date, days: int) -> list[tuple[dt.datetime, dt.datetime]]:
        out: list[tuple[dt.datetime, dt.datetime]] = []
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            span = self.span_of(day)
            if span is None:
                continue
            midnight = dt.datetime.combine(day, dt.time(), KST)
            start, end = minutes_of(span[0]), minutes_of(span[1])
            if end <= start:
                end += 24 * 60  # past midnight
            begin, finish = midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=end)
            if out and out[-1][1] >= begin:  # touching spans join (a 24-hour booth's days)
                out[-1] = (out[-1][0], max(out[-1][1], finish))
            else:
                out.append((begin, finish))
        return out

    def at(self, now: dt.datetime) -> Opening:
        local = now.astimezone(KST)
        intervals = self._intervals(local.date() - dt.timedelta(days=1), LOOKAHEAD_DAYS + 2)
        for begin, finish in intervals:
            if begin <= local < finish:
                # A joined interval reaching the end of the look-ahead is open round the clock.
                closes = None if finish >= intervals[-1][1] and finish - local > dt.timedelta(days=7) else finish
                if closes is not None and closes - local < self.last_start:
                    return Opening(True, "last-start-passed", closes, None)
                return Opening(True, "", closes, None)
        upcoming = [begin for begin, _ in intervals if begin > local]
        return Opening(False, self.closed_because(local.date()), None, upcoming[0] if upcoming else None)


@dataclass(frozen=True)
class ServiceHours:
    """A document's own hours and the central system's maintenance windows for it (the catalog's)."""

    hours: tuple[str, str] = ALL_DAY
    maintenance: tuple[tuple[str, str], ...] = ()


def _in_span(span: tuple[str, str], minute: int) -> bool:
    begin, finish = minutes_of(span[0]), minutes_of(span[1])
    return begin <= minute < finish if begin <= finish else minute >= begin or minute < finish


def document_reason(service: ServiceHours | None, now: dt.datetime) -> str:
    """Why the document cannot be issued at `now` by its own hours: "" (it can), "document-hours"
    (outside its service hours) or "server-maintenance" (the central system's window)."""
    if service is None:
        return ""
    local = now.astimezone(KST)
    minute = local.hour * 60 + local.minute
    if any(_in_span(window, minute) for window in service.maintenance):
        return "server-maintenance"
    if service.hours != ALL_DAY and not _in_span(service.hours, minute):
        return "document-hours"
    return ""


def offered_at(codes: Iterable[str], services: dict[str, ServiceHours], when: dt.datetime) -> list[str]:
    """The documents (of `codes`) whose own hours allow issuing at `when`: what a closed booth says
    it will offer when it opens."""
    return [code for code in codes if not document_reason(services.get(code), when)]


def check_weekdays(days: Sequence[str]) -> str:
    """The first key that is not a weekday name, or ""."""
    return next((d for d in days if d not in WEEKDAYS), "")
