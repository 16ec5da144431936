"""Once a night, while the booth is idle, settled sessions older than `[journal] keep_days` move to the
monthly archive files (kiosk.journal_archive): a journal a booth writes for years stays the size of a
month, and its counters keep their totals through the `archived` row.

It runs from the heartbeat (no timer of its own), after 02:00 local time, at most once a local day;
a failure is logged and tried again the next night: archival is housekeeping, never a reason to stop
serving residents. It runs on the booth's only loop, so a backlog (the first night after `keep_days`
is set on a booth with a year of rows) moves a pass at a time, one pass a heartbeat, until the night's
work is done.
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
# Sessions moved in one pass: about 15,000 rows, a few tenths of a second of the loop on a booth's PC.
# Moving 14,000 sessions at once held the loop for 6 s and took 200 MB on the way.
SESSIONS_PER_PASS = 500


class NightlyArchive:
    def __init__(self, journal: Journal, clock: Clock, keep_days: int, *,
                 sessions_per_pass: int = SESSIONS_PER_PASS) -> None:
        self.journal = journal
        self.clock = clock
        self.keep_days = keep_days
        self.sessions_per_pass = sessions_per_pass
        self.last_day: dt.date | None = None  # the local day archival last finished (or failed)

    def due(self) -> bool:
        now = self.clock.now()
        return self.keep_days > 0 and now.hour >= ARCHIVE_FROM_HOUR and now.date() != self.last_day

    def run(self) -> int:
        """One pass of the night's archival; returns the sessions moved. A full pass leaves it due, so the
        next heartbeat moves the next pass."""
        now = self.clock.now()
        before = (now - dt.timedelta(days=self.keep_days)).replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            moved = archive_settled(self.journal, before.isoformat(timespec="milliseconds"), at=stamp(self.clock),
                                    most=self.sessions_per_pass)
        except Exception as exc:
            self.last_day = now.date()
            log.error("nightly journal archival failed (tried again tomorrow): %r", exc)
            return 0
        if moved.sessions < self.sessions_per_pass:
            self.last_day = now.date()
        if moved.sessions:
            log.info("journal archival: %d sessions (%d rows) older than %s moved to %s", moved.sessions,
                     moved.rows, before.date(), ", ".join(p.name for p in moved.files))
        return moved.sessions
