"""Running counts derived from the journal: sessions by document and outcome, money by flow.

The metrics endpoint reads them on every scrape. They are folded from the journal's rows, never
incremented beside them, so they cannot drift from the books; and only rows newer than the last
fold are read (the journal's primary key), so a scrape of a booth with a year of records costs what
the last fifteen seconds wrote, not the year.
"""

from __future__ import annotations

from kiosk.journal import FEES_KEPT, MONEY_IN, VOUCHERS
from kiosk.journal_rows import RowsSince

# Money flows as a city's dashboard names them, and the journal kinds each sums.
MONEY_FLOWS: dict[str, tuple[str, ...]] = {
    "in": MONEY_IN,
    "fees": FEES_KEPT,
    "change": ("change_paid",),
    "refunds": ("refund_paid", "card_voided"),
    "vouchers": VOUCHERS,
}
SESSION_KINDS = ("document_chosen", "session_closed")
PAGE_KINDS = ("pages_printed",)
TALLIED_KINDS = tuple(sorted({*SESSION_KINDS, *PAGE_KINDS, *(k for kinds in MONEY_FLOWS.values() for k in kinds)}))
_FLOW_OF_KIND = {kind: flow for flow, kinds in MONEY_FLOWS.items() for kind in kinds}
NO_DOCUMENT = "none"  # a session that closed before a document was chosen (a walk-away at the list)


class JournalTally:
    def __init__(self, journal: RowsSince) -> None:
        self._journal = journal
        self._seq = 0
        self._document: dict[str, str] = {}  # open sessions' last chosen document
        self.sessions: dict[tuple[str, str], int] = {}  # (document, outcome) -> sessions closed
        self.money: dict[str, int] = dict.fromkeys(MONEY_FLOWS, 0)  # flow -> won
        self.pages = 0

    def update(self) -> None:
        """Fold the rows written since the last update."""
        for row in self._journal.entries_since(self._seq, TALLIED_KINDS):
            self._seq = row.seq
            if row.kind == "document_chosen":
                self._document[row.session] = row.ref or NO_DOCUMENT
            elif row.kind == "session_closed":
                key = (self._document.pop(row.session, NO_DOCUMENT), str(row.detail.get("outcome") or "unknown"))
                self.sessions[key] = self.sessions.get(key, 0) + 1
            elif row.kind == "pages_printed":
                self.pages += row.amount
            else:
                flow = _FLOW_OF_KIND[row.kind]
                self.money[flow] += row.amount
