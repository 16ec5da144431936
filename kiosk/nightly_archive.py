"""Once a night, while the booth is idle, settled sessions older than `[journal] keep_days` move to the
monthly archive files (kiosk.journal_archive): a journal a booth writes for years stays the size of a
month, and its counters keep their totals through the `archived` row.

It runs from the heartbeat (no timer of its own), after 02:00 local time, at most once a local day;
a failure is logged and tried again the next night: archival is housekeeping, never a reason to stop
serving residents.
"""

from __future__ import annotations

import datetime as dt
import logging

from common.clock import Clock
from kiosk.journal import Journal, stamp
from kiosk.journal_archive import archive_settled

log = logging.getLogger(__name__)

# Local hour from which the night's archival may run (the quietest hours of a 24-hour booth).
ARCHIVE_FROM_HOUR = 2


class NightlyArchive:
    def __init__(self, journal: Journal, clock: Clock, keep_days: int) -> None:
        self.journal = journal
        self.clock = clock
        self.keep_days = keep_days
        self.last_day: dt.date | None = None  # the local day archival last ran

    def due(self) -> bool:
        now = self.clock.now()
        return self.keep_days > 0 and now.hour >= ARCHIVE_FROM_HOUR and now.date() != self.last_day

    def run(self) -> int:
        """Archive what is due; returns the sessions moved."""
        now = self.clock.now()
        self.last_day = now.date()
        before = (now - dt.timedelta(days=self.keep_days)).replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            moved = archive_settled(self.journal, before.isoformat(timespec="milliseconds"), at=stamp(self.clock))
        except Exception as exc:
            log.error("nightly journal archival failed (tried again tomorrow): %r", exc)
            return 0
        if moved.sessions:
            log.info("journal archival: %d sessions (%d rows) older than %s moved to %s", moved.sessions,
                     moved.rows, before.date(), ", ".join(p.name for p in moved.files))
        return moved.sessions
