"""What a technician can do in maintenance, as named actions: one table for the screens and `kiosk diag`.

A maintenance screen sends ``Intent("maint", {"do": NAME, **args})``; `kiosk diag` sends the same
name over the booth's diag socket. Both end in `Workshop.act`, so a refill typed on the touchscreen
and one typed over SSH are the same journaled step. Read-only `queries` (the device board, counters,
logs) need no technician: a technician looks before opening the door.

Each part (cash desk, self-tests, paper, device board) lives in its own module and offers
`actions()` (need a technician in maintenance; each journals what it moves), `queries()`, and the
views of its pages. Action and query names (the contract the screens and `kiosk diag` rely on):

- workshop: page(page)                      # which maintenance page the screen shows
- board (kiosk.maintenance.board):  queries status(), counters(), logs(since="", limit=200),
  sessions(count=20), out_of_service_history(count=50)
- self-tests (kiosk.maintenance.self_tests): action selftest(device) for device in "a4", "receipt",
  "fingerprint", "server" (and "all"); answers {"ok": bool, "device": ..., "detail": {...}}
- paper (kiosk.maintenance.paper): action refill_paper(which="a4"|"receipt")
- cash desk (kiosk.maintenance.cash_desk): actions refill_hopper(coins), collect_cash(counted=None),
  settle() (the last collection's settlement again: printed and sent), count_only(on: bool, keep=True),
  hopper_test(coins), voucher_lookup(code), voucher_pay(code, by="hopper"|"hand", amount=None), voucher_reprint(code),
  keypad(field="coins"|"code", key) (the pages' on-screen keypad: not journaled, the answer kept);
  queries cash(), vouchers(open_only=True), voucher(code)

Every answer is a JSON-able dict with "ok" (bool) and, when not ok, "error" (a short code).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kiosk.maintenance.board import DeviceBoard
from kiosk.maintenance.cash_desk import CashDesk
from kiosk.maintenance.paper import PaperStock
from kiosk.maintenance.part import MAINTENANCE_SESSION, Answer, Handler, Part
from kiosk.maintenance.self_tests import SelfTests
from kiosk.views import MaintenanceView, ScreenData

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext

log = logging.getLogger(__name__)

# Who asked for the action running in this task, when not the technician logged in (Workshop.act's `by`).
_ACTING_AS: contextvars.ContextVar[str] = contextvars.ContextVar("acting_as", default="")

# The maintenance pages and the screen (a module in screens/) that draws each.
SCREEN_OF_PAGE: dict[str, str] = {
    "board": "maintenance",
    "selftest": "maint_selftest",
    "paper": "maint_paper",
    "cash": "maint_cash",
    "vouchers": "maint_vouchers",
    "logs": "maint_logs",
}
# Actions that move nothing: no `tech_action` row, and the page keeps showing the last answer.
UNJOURNALED = frozenset({"page", "keypad"})


class Workshop:
    def __init__(self, kiosk: MaintenanceContext) -> None:
        self.kiosk = kiosk
        self.page = "board"
        self.last_answer: Answer = {}  # the last action's answer: the page shows it until the next one
        self.board = DeviceBoard(kiosk, self)
        self.self_tests = SelfTests(kiosk, self)
        self.paper = PaperStock(kiosk, self)
        self.cash = CashDesk(kiosk, self)
        self.parts: list[Part] = [self.board, self.self_tests, self.paper, self.cash]

    # ------------------------------------------------------------------ journal

    def record(self, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> int:
        """A technician's step in the journal, with who did it: the console user for an action asked over
        `kiosk diag` (even while a card technician is logged in at the screen), else who is logged in."""
        technician = self.kiosk.technician
        who = _ACTING_AS.get() or (technician.id if technician else "")
        return self.kiosk.record(MAINTENANCE_SESSION, kind, amount, ref, technician=who, **detail)

    # ------------------------------------------------------------------ the tables

    def actions(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {"page": self._page}
        for part in self.parts:
            table.update(part.actions())
        return table

    def queries(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {}
        for part in self.parts:
            table.update(part.queries())
        return table

    async def act(self, do: str, args: Mapping[str, Any], *, by: str = "") -> Answer:
        """Run one technician action; only in maintenance, with a technician in. `by`: who asked, when not
        the technician logged in (`console:<user>` over `kiosk diag`), for the journal."""
        handler = self.actions().get(do)
        if handler is None or self.kiosk.technician is None or not self.kiosk.in_maintenance:
            refused = {"ok": False, "error": "unknown-action" if handler is None else "not-in-maintenance"}
            log.warning("maintenance action %s refused: %s", do, refused["error"])
            self.last_answer = {"do": do, **refused}
            return refused
        self.kiosk.tech_access.touched()  # the technician is at work: the visit's idle countdown starts again
        acting = _ACTING_AS.set(by)  # this task's records only: a touch on the screen meanwhile is its own
        try:
            try:
                answer = await handler(**args)
            except TypeError as exc:  # wrong arguments from a screen or the diag tool
                log.warning("maintenance action %s: bad arguments: %s", do, exc)
                answer = {"ok": False, "error": "bad-arguments"}
            if do not in UNJOURNALED:
                self.record("tech_action", ref=do, ok=bool(answer.get("ok")), error=str(answer.get("error", "")))
                self.last_answer = {"do": do, **answer}
        finally:
            _ACTING_AS.reset(acting)
        self.kiosk.publish()
        return answer

    async def query(self, what: str, args: Mapping[str, Any]) -> Answer:
        handler = self.queries().get(what)
        if handler is None:
            return {"ok": False, "error": "unknown-query", "what": what}
        try:
            return await handler(**args)
        except TypeError as exc:
            log.warning("maintenance query %s: bad arguments: %s", what, exc)
            return {"ok": False, "error": "bad-arguments"}

    async def _page(self, page: str = "board") -> Answer:
        if page not in SCREEN_OF_PAGE:
            return {"ok": False, "error": "unknown-page"}
        self.page = page
        self.last_answer = {}
        return {"ok": True, "page": page}

    def reset(self) -> None:
        """A new visit starts on the device board."""
        self.page = "board"
        self.last_answer = {}
        self.cash.reset()  # nothing typed; a count-only test the last visit left running ends

    # ------------------------------------------------------------------ what the screens get

    def screen(self) -> str:
        return SCREEN_OF_PAGE.get(self.page, "maintenance")

    def view(self) -> ScreenData:
        for part in self.parts:
            build = part.page_views().get(self.page)
            if build is not None:
                return build()
        return MaintenanceView()
