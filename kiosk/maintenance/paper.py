"""Paper refills of the A4 and receipt printers, with their counters.

The counters are the journal's: sheets (A4 pages, receipts) printed since the last `paper_refilled`
row for that printer, so `kiosk diag counters` from another process and the technician's board agree,
and a restart loses nothing. A self-test's page counts too (a `selftest_printed` row): it took paper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from common.status import SupplyLevel
from kiosk.journal import Journal
from kiosk.views import PaperLine, PaperView, ScreenData

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Answer, Handler, TechnicianLog

REFILLED = "paper_refilled"
SELFTEST_PRINTED = "selftest_printed"  # ref "a4" | "receipt", amount = sheets
PRINTERS = {"a4": "a4_printer", "receipt": "receipt_printer"}  # which -> the device's status name


def sheets_since_refill(journal: Journal, which: str) -> int:
    """Sheets the printer used since its last refill (since the journal began if never refilled)."""
    refill = [e for e in journal.tail_of_kind(REFILLED, 50) if e.ref == which]
    since = refill[-1].seq if refill else 0
    kinds = ("pages_printed", SELFTEST_PRINTED) if which == "a4" else ("receipt_printed", SELFTEST_PRINTED)
    total = 0
    for entry in journal.entries_since(since, kinds):
        if entry.kind == SELFTEST_PRINTED:
            total += entry.amount if entry.ref == which else 0
        else:
            total += entry.amount if entry.kind == "pages_printed" else 1
    return total


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
