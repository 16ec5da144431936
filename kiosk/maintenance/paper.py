"""Paper refills of the A4 and receipt printers, with their counters.

The counters are the journal's: sheets (A4 pages, receipts) printed since the last `paper_refilled`
row for that printer, so `kiosk diag counters` from another process and the technician's board agree,
and a restart loses nothing. A self-test's page counts too (a `selftest_printed` row): it took paper.

The nightly archive (kiosk.journal_archive) moves old sessions, and their printing rows, out of the
journal whether or not the paper was refilled since: the sheets they printed after their printer's
last refill ride in the `archived` row (`ARCHIVED_SHEETS`, keyed by the printer and that refill's
sequence number) and are added back here. The archive could instead have kept every session since each
printer's last refill, but a receipt roll that outlasts months of quiet use, or a technician who
tops the tray up without journaling it, would then keep months of sessions in the journal the booth
reads at every heartbeat; the carried count keeps it a month long whatever the paper does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from common.status import SupplyLevel
from kiosk.journal import Entry, Journal
from kiosk.views import PaperLine, PaperView, ScreenData

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Answer, Handler, TechnicianLog

REFILLED = "paper_refilled"
SELFTEST_PRINTED = "selftest_printed"  # ref "a4" | "receipt", amount = sheets
PRINTERS = {"a4": "a4_printer", "receipt": "receipt_printer"}  # which -> the device's status name


# The `archived` row's field: "printer@refill seq" -> sheets the moved rows printed after that refill.
ARCHIVED_SHEETS = "sheets_since_refill"


def refill_seq(journal: Journal, which: str) -> int:
    """The sequence number of the printer's last refill (0 when never refilled)."""
    refill = [e for e in journal.tail_of_kind(REFILLED, 50) if e.ref == which]
    return refill[-1].seq if refill else 0


def archived_key(which: str, since: int) -> str:
    """The key of the sheets printed after refill `since` in the `archived` row's `ARCHIVED_SHEETS`."""
    return f"{which}@{since}"


def sheet_kinds(which: str) -> tuple[str, ...]:
    return ("pages_printed", SELFTEST_PRINTED) if which == "a4" else ("receipt_printed", SELFTEST_PRINTED)


def sheets_in(rows: Iterable[Entry], which: str) -> int:
    """Sheets of this printer the rows say were printed (rows of other kinds count nothing)."""
    total = 0
    for entry in rows:
        if entry.kind == SELFTEST_PRINTED:
            total += entry.amount if entry.ref == which else 0
        elif entry.kind in sheet_kinds(which):
            total += entry.amount if entry.kind == "pages_printed" else 1
    return total


def sheets_moved(journal: Journal, rows: Iterable[Entry]) -> dict[str, int]:
    """What rows about to leave for the archive printed after each printer's last refill, keyed for
    `ARCHIVED_SHEETS` (kiosk.journal_archive carries it in the `archived` row)."""
    moved = list(rows)
    out: dict[str, int] = {}
    for which in PRINTERS:
        since = refill_seq(journal, which)
        sheets = sheets_in((e for e in moved if e.seq > since), which)
        if sheets:
            out[archived_key(which, since)] = sheets
    return out


def sheets_since_refill(journal: Journal, which: str) -> int:
    """Sheets the printer used since its last refill (since the journal began if never refilled), the
    archived sessions' included."""
    since = refill_seq(journal, which)
    live = sheets_in(journal.entries_since(since, sheet_kinds(which)), which)
    return live + journal.archived_total(ARCHIVED_SHEETS, archived_key(which, since))


def last_refill(journal: Journal, which: str) -> tuple[str, str]:
    """When and by whom the printer was last refilled ("", "" when never)."""
    refill = [e for e in journal.tail_of_kind(REFILLED, 50) if e.ref == which]
    if not refill:
        return "", ""
    return refill[-1].at, str(refill[-1].detail.get("technician", ""))


class PaperStock:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop

    def actions(self) -> Mapping[str, Handler]:
        return {"refill_paper": self.refill_paper}

    def queries(self) -> Mapping[str, Handler]:
        return {"paper": self.paper}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {"paper": self.paper_view}

    async def refill_paper(self, which: str = "a4") -> Answer:
        """The technician loaded paper: journal it (the counter restarts) and ask the printer again,
        so a tray that was empty lets the booth back into service without waiting for a poll."""
        if which not in PRINTERS:
            return {"ok": False, "error": "unknown-printer", "which": which}
        used = sheets_since_refill(self.kiosk.journal, which)
        self.workshop.record(REFILLED, used, which)
        await self._ask_printer(which)
        status = self.kiosk.statuses.get(PRINTERS[which])
        paper = status.supplies.get("paper") if status is not None else None
        still_out = paper in (SupplyLevel.OUT, SupplyLevel.JAMMED)
        answer: Answer = {"ok": not still_out, "which": which, "used_before": used, "sheets_since": 0,
                          "paper": paper.value if paper is not None else "unknown"}
        if still_out:
            answer["error"] = "paper-still-out"  # journaled as refilled; the printer does not see paper yet
        return answer

    async def _ask_printer(self, which: str) -> None:
        devices = self.kiosk.devices
        try:
            if which == "a4":
                await devices.a4.refresh_status()  # the driver publishes what it sees
            elif devices.receipt is not None:
                await devices.receipt.query_status()
        except Exception:  # a printer that does not answer keeps its last status; the board says so
            return

    async def paper(self) -> Answer:
        return {"ok": True, **{which: self._counter(which) for which in PRINTERS}}

    def _counter(self, which: str) -> dict[str, object]:
        journal = self.kiosk.journal
        at, technician = last_refill(journal, which)
        status = self.kiosk.statuses.get(PRINTERS[which])
        paper = status.supplies.get("paper") if status is not None else None
        return {"sheets_since": sheets_since_refill(journal, which), "refilled_at": at,
                "refilled_by": technician, "paper": paper.value if paper is not None else "unknown"}

    def paper_view(self) -> PaperView:
        journal = self.kiosk.journal
        rows = []
        for which, device in PRINTERS.items():
            status = self.kiosk.statuses.get(device)
            paper = status.supplies.get("paper") if status is not None else None
            at, _ = last_refill(journal, which)
            rows.append(PaperLine(which=which, sheets_since=sheets_since_refill(journal, which),
                                  paper=paper.value if paper is not None else "unknown",
                                  refilled_at=at[:16].replace("T", " ")))
        return PaperView(printers=rows, last=dict(self.workshop.last_answer))
