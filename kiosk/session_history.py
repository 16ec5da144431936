"""What a technician asks of the journal about residents' visits: the last sessions, one line each,
and the documents issued per type. Derived from the rows alone, like every other counter."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.journal import Journal


@dataclass(frozen=True)
class SessionSummary:
    session: str
    opened_at: str
    document: str
    copies_printed: int
    money_in: int
    fee_kept: int
    change: int
    refunds: int
    vouchers: int
    outcome: str
    reason: str

    def line(self) -> str:
        """One line for `kiosk journal --sessions N` (no personal data: there is none in the journal)."""
        money = (f"in {self.money_in:>6,} kept {self.fee_kept:>6,} change {self.change:>5,} "
                 f"refund {self.refunds:>6,} voucher {self.vouchers:>5,}")
        why = f" ({self.reason})" if self.reason else ""
        return (f"{self.opened_at[:19]}  {self.session[:12]}  {self.document or '-':<18} "
                f"x{self.copies_printed}  {money}  {self.outcome or 'OPEN'}{why}")


def recent_sessions(journal: Journal, count: int) -> list[SessionSummary]:
    """The last `count` sessions, oldest first; one still open says OPEN."""
    opened = journal.tail_of_kind("session_opened", count)
    summaries = []
    for first in opened:
        rows = journal.entries(first.session)
        money = journal.session_money(first.session)
        chosen = [e.ref for e in rows if e.kind == "document_chosen"]
        closed = [e for e in rows if e.kind == "session_closed"]
        summaries.append(SessionSummary(
            session=first.session, opened_at=first.at, document=chosen[-1] if chosen else "",
            copies_printed=sum(1 for e in rows if e.kind == "print_done"), money_in=money.money_in,
            fee_kept=money.fee_kept, change=money.change, refunds=money.refunds, vouchers=money.vouchers,
            outcome=str(closed[-1].detail.get("outcome", "")) if closed else "",
            reason=str(closed[-1].detail.get("reason", "")) if closed else ""))
    return summaries


def documents_by_type(journal: Journal) -> dict[str, int]:
    """Copies printed per document code, from `print_done` rows and the session's chosen document."""
    out: dict[str, int] = {}
    chosen: dict[str, str] = {}
    for entry in journal.entries():
        if entry.kind == "document_chosen":
            chosen[entry.session] = entry.ref
        elif entry.kind == "print_done":
            code = chosen.get(entry.session, "?")
            out[code] = out.get(code, 0) + 1
    return out
