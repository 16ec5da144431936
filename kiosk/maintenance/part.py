"""What a maintenance part (cash desk, self-tests, paper, device board) offers the workshop, and what it
is handed back: kept apart from kiosk.maintenance.workshop, which builds the parts, so the imports run
one way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from kiosk.views import ScreenData

Answer = dict[str, Any]  # JSON-able; "ok" (bool) always, "error" (a short code) when not ok
Handler = Callable[..., Awaitable[Answer]]

# The journal's session column for a technician's rows (money and paper moved outside any session).
MAINTENANCE_SESSION = "maintenance"


class Part(Protocol):
    def actions(self) -> Mapping[str, Handler]:
        """Steps that change the booth: only in maintenance, with a technician in; each journals what it moves."""
        ...

    def queries(self) -> Mapping[str, Handler]:
        """Read-only answers: allowed at any time (a technician looks before opening the door)."""
        ...

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        """The maintenance pages this part draws: page name -> the view of it now."""
        ...


class TechnicianLog(Protocol):
    """The workshop as its parts see it: a journal writer that names the technician, and the last answer."""

    @property
    def last_answer(self) -> Answer: ...

    def record(self, kind: str, amount: int = 0, ref: str = "", **detail: Any) -> int: ...
