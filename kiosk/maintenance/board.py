"""The device board and the booth's history, for a technician: what each device is doing in plain
words, its supplies with units, its last error and when, who it says it is (serial numbers and
firmware), the counters; and the logs page: the journal's tail, the last sessions (no personal data:
kiosk.session_history) and the out-of-service spells (the controller journals
`out_of_service_entered` / `out_of_service_left`).

The wording is kiosk.maintenance.device_words' (codes the screens put in four languages); the
counters are the journal's, so `kiosk diag` from another process reads the same numbers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from common.status import DeviceStatus, SupplyLevel
from kiosk.journal import Entry, Journal
from kiosk.maintenance.device_words import condition
from kiosk.maintenance.paper import sheets_since_refill
from kiosk.session_history import recent_sessions
from kiosk.views import BoardDevice, LogsView, MaintenanceView, OutageLine, ScreenData, SessionLine, SupplyLine, Tally

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Answer, Handler, TechnicianLog

log = logging.getLogger(__name__)

# The board's order: what stops the booth first.
ORDER = ("a4_printer", "cash", "receipt_printer", "fingerprint", "server", "card_reader", "keypad", "voice")
# The journal's totals on the board, with their units (board.count.<name>).
TALLIES = (
    ("print_done", "documents"), ("pages_printed", "sheets"), ("receipt_printed", "receipts"),
    ("money_in", "won"), ("fees_kept", "won"), ("change", "won"), ("refunds", "won"), ("vouchers", "won"),
    ("voided", "count"), ("open_sessions", "count"),
)
IDENTIFY_SECONDS = 3.0  # a device that does not say who it is within this long is shown without it


def _short(at: str) -> str:
    """ISO time -> "MM-DD HH:MM" for the screens."""
    return at[5:16].replace("T", " ") if len(at) >= 16 else at


def out_of_service_spells(journal: Journal, count: int) -> list[OutageLine]:
    """The last `count` out-of-service spells, newest first, from `out_of_service_entered` / `_left` rows:
    when it began, why, and how long (None while it lasts). A new reason while out of service ends the
    spell of the old one and begins another."""
    rows = journal.entries_since(0, ("out_of_service_entered", "out_of_service_left"))
    spells: list[OutageLine] = []
    open_at: str = ""
    open_reason = ""

    def close(at: str) -> None:
        began, ended = dt.datetime.fromisoformat(open_at), dt.datetime.fromisoformat(at)
        minutes = max(0, round((ended - began).total_seconds() / 60))
        spells.append(OutageLine(began=_short(open_at), reason=open_reason, minutes=minutes))

    for row in rows:
        if row.kind == "out_of_service_entered":
            if open_at:
                close(row.at)
            open_at, open_reason = row.at, row.ref
        elif open_at:
            close(row.at)
            open_at = ""
    if open_at:
        spells.append(OutageLine(began=_short(open_at), reason=open_reason, minutes=None))
    return list(reversed(spells))[:count]


class DeviceBoard:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop
        self.last_errors: dict[str, tuple[str, str]] = {}  # device -> (condition code, ISO time)
        self.identities: dict[str, dict[str, str]] = {}  # device -> what it said it is
        self._identifying: asyncio.Task[None] | None = None
        self._visit = -1  # the journal seq of the maintenance visit the devices were last asked in

    def actions(self) -> Mapping[str, Handler]:
        return {}

    def queries(self) -> Mapping[str, Handler]:
        return {"status": self.status, "counters": self.counters, "logs": self.logs, "sessions": self.sessions,
                "out_of_service_history": self.out_of_service_history}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {"board": self.board_view, "logs": self.logs_view}

    # ------------------------------------------------------------------ what devices said

    def seen(self, status: DeviceStatus) -> None:
        """A device's new status (the controller hands each one): keep its last fault and when."""
        said = condition(status)
        if said.severity != "ok" and said.code != "starting":
            self.last_errors[status.device] = (said.code, self.kiosk.clock.now().isoformat(timespec="seconds"))

    async def identify(self) -> None:
        """Ask every device that can say who it is (serial numbers, firmware); each within a bound."""
        devices: dict[str, Any] = {"cash": self.kiosk.devices.cash, "a4_printer": self.kiosk.devices.a4,
                                   "receipt_printer": self.kiosk.devices.receipt,
                                   "fingerprint": self.kiosk.devices.fingerprint}
        for name, device in devices.items():
            ask = getattr(device, "identify", None)
            if ask is None:
                continue
            try:
                found = await self.kiosk.clock.wait_for(ask(), IDENTIFY_SECONDS)
            except Exception as exc:  # a device that cannot say keeps what it said before
                log.info("board: %s did not say who it is: %s", name, exc)
                continue
            if found:
                self.identities[name] = {str(k): str(v) for k, v in found.items()}

    def _identify_soon(self) -> None:
        """Once per technician's visit (a part swapped since the last one has a new serial number)."""
        entered = self.kiosk.journal.tail_of_kind("maintenance_entered", 1)
        visit = entered[0].seq if entered else 0
        if visit != self._visit and (self._identifying is None or self._identifying.done()):
            self._visit = visit
            self._identifying = self.kiosk.spawn(self._identify_and_show(), "board-identify")

    async def _identify_and_show(self) -> None:
        await self.ask_printers()
        await self.identify()
        self.kiosk.publish()

    async def ask_printers(self) -> None:
        """The printers are asked only around a job: a technician looking at the board wants now's
        answer (a receipt roll that ran out since the last receipt). Each driver publishes it."""
        devices = self.kiosk.devices
        asks = [devices.a4.refresh_status()] + ([devices.receipt.query_status()] if devices.receipt else [])
        for ask in asks:
            try:
                await self.kiosk.clock.wait_for(ask, IDENTIFY_SECONDS)
            except Exception as exc:  # a printer that does not answer says so in its own status
                log.info("board: a printer did not answer: %s", exc)

    # ------------------------------------------------------------------ the board

    def devices(self) -> list[BoardDevice]:
        statuses = self.kiosk.statuses
        names = [n for n in ORDER if n in statuses] + sorted(n for n in statuses if n not in ORDER)
        if "server" not in statuses:
            names.append("server")
        return [self._line(self._status_of(name)) for name in names]

    def _status_of(self, name: str) -> DeviceStatus:
        if name == "server" and name not in self.kiosk.statuses:
            return self.kiosk.server.status
        return self.kiosk.statuses[name]

    def _line(self, status: DeviceStatus) -> BoardDevice:
        said = condition(status)
        error, at = self.last_errors.get(status.device, ("", ""))
        return BoardDevice(device=status.device, condition=said.code, todo=said.todo, severity=said.severity,
                           state=status.state.value, reason=status.reason, supplies=self._supplies(status),
                           last_error=error, last_error_at=_short(at),
                           identity=dict(self.identities.get(status.device, {})))

    def _supplies(self, status: DeviceStatus) -> list[SupplyLine]:
        journal = self.kiosk.journal
        if status.device in ("a4_printer", "receipt_printer"):
            which = "a4" if status.device == "a4_printer" else "receipt"
            out = [SupplyLine("paper", status.supplies.get("paper", SupplyLevel.UNKNOWN).value,
                              sheets_since_refill(journal, which), "sheets-used")]
            if "toner" in status.supplies:
                out.append(SupplyLine("toner", status.supplies["toner"].value))
            return out
        if status.device == "cash":
            out = []
            coins = journal.totals().get("hopper_coins")
            for name, level in sorted(status.supplies.items()):
                if name.startswith("hopper:"):
                    out.append(SupplyLine(name, level.value, coins, "coins"))
            box = journal.cash_box()
            bills = sum(n for k, n in box.items() if k.startswith("bill:"))
            bills_won = sum(int(k.split(":")[1]) * n for k, n in box.items() if k.startswith("bill:"))
            stacker = status.supplies.get("bill-stacker", SupplyLevel.UNKNOWN).value
            out.append(SupplyLine("bill-stacker", stacker, bills, "bills"))
            out.append(SupplyLine("bill-stacker-won", "", bills_won, "won"))
            coins_in = sum(n for k, n in box.items() if k.startswith("coin:"))
            coins_won = sum(int(k.split(":")[1]) * n for k, n in box.items() if k.startswith("coin:"))
            out.append(SupplyLine("cash-box", "", coins_in, "coins"))
            out.append(SupplyLine("cash-box-won", "", coins_won, "won"))
            return out
        return [SupplyLine(name, level.value) for name, level in sorted(status.supplies.items())]

    def tallies(self) -> list[Tally]:
        totals = self.kiosk.journal.totals()
        return [Tally(name, int(totals.get(name, 0)), unit) for name, unit in TALLIES]

    def board_view(self) -> MaintenanceView:
        self._identify_soon()
        return MaintenanceView(board=self.devices(), tallies=self.tallies(),
                               out_of_service=self.kiosk.out_of_service_reason,
                               journal_tail=[e.line() for e in self.kiosk.journal.tail(8)])

    def logs_view(self) -> LogsView:
        journal = self.kiosk.journal
        return LogsView(lines=[e.line() for e in journal.tail(12)],
                        sessions=[SessionLine(_short(s.opened_at), s.document, s.copies_printed, s.money_in,
                                              s.fee_kept, s.change, s.refunds, s.vouchers, s.outcome, s.reason)
                                  for s in reversed(recent_sessions(journal, 5))],
                        outages=out_of_service_spells(journal, 6))

    # ------------------------------------------------------------------ queries (kiosk diag)

    async def status(self) -> Answer:
        await self.ask_printers()
        await self.identify()
        return {"ok": True, "state": self.kiosk.state, "out_of_service": self.kiosk.out_of_service_reason,
                "devices": [asdict(line) for line in self.devices()]}

    async def counters(self) -> Answer:
        journal = self.kiosk.journal
        return {"ok": True, "counters": journal.totals(), "cash_box": journal.cash_box(),
                "paper": {which: sheets_since_refill(journal, which) for which in ("a4", "receipt")}}

    async def logs(self, since: str = "", limit: int = 200) -> Answer:
        """Journal rows at or after `since` (an ISO time or its prefix, "" for all), the last `limit`."""
        journal, limit = self.kiosk.journal, max(1, int(limit))
        rows = [e for e in journal.entries() if e.at >= since][-limit:] if since else journal.tail(limit)
        return {"ok": True, "entries": [_row(e) for e in rows], "lines": [e.line() for e in rows]}

    async def sessions(self, count: int = 20) -> Answer:
        found = recent_sessions(self.kiosk.journal, int(count))
        return {"ok": True, "sessions": [asdict(s) for s in found], "lines": [s.line() for s in found]}

    async def out_of_service_history(self, count: int = 50) -> Answer:
        return {"ok": True, "spells": [asdict(s) for s in out_of_service_spells(self.kiosk.journal, int(count))]}


def _row(entry: Entry) -> dict[str, Any]:
    """A journal row as JSON (the journal holds no personal data: kiosk/privacy.py keeps it out)."""
    return {"seq": entry.seq, "at": entry.at, "session": entry.session, "kind": entry.kind,
            "amount": entry.amount, "ref": entry.ref, "detail": entry.detail}
