"""Pickup of a document reserved online (민원예약, issue 17): the code, its answers, and the way on.

A resident who reserved a document on the city's site (or 정부24) collects it at a booth with an
8-digit code, typed on the pickup screen or scanned from the phone. The server says what the code is
for (docs/protocol.md "Pickups"); the kiosk then follows its ordinary path with that document:
identity as the document needs it (the number and finger screens), the reservation (by the code,
under the session's idempotency key), the fee if it was not paid online, print, commit.

A code is used once, even across a crash, because the server keeps the code's use by the
reservation's key and the journal keeps the same key: recovery at boot (kiosk.issuing) commits a
document that came out and voids one that did not, exactly as for any issuance, so the server's
"used" and the journal's "committed" agree; a void gives the code back, since nothing was handed out.

The code is a bearer secret (it prints someone's document): the journal keeps only its first half,
as the client's logs do, and the session wipes it when it closes.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

from drivers.issuance_server import ServerRejected
from kiosk.availability import Availability
from kiosk.context import Context
from kiosk.machine import S
from kiosk.session import Session
from kiosk.views import PickupView

log = logging.getLogger(__name__)

CODE_DIGITS = 8
# The server's refusals (docs/protocol.md) and what the pickup screen says of each.
ANSWERS = {
    "pickup-not-found": "not-found",
    "pickup-used": "used",
    "pickup-expired": "expired",
    "pickup-other-booth": "other-booth",
}
# The intents the pickup screen sends (everything else is the controller's as on any screen).
_SCREEN_INTENTS = ("digit", "backspace", "clear", "confirm", "back", "scan")
# A scanned code: 8 ASCII digits, or 4 + 4 with a space or a hyphen as the reservation's message prints it.
_SCANNED_CODE = re.compile(r"([0-9]{4})[ -]?([0-9]{4})")


def code_in(text: str) -> str | None:
    """The pickup code a scanned QR holds, as 8 ASCII digits; None when it holds anything else (a URL,
    a ticket, other digits: full-width or Arabic-Indic digits are not a code the server issues)."""
    found = _SCANNED_CODE.fullmatch(text)
    return found.group(1) + found.group(2) if found else None


def masked_code(code: str) -> str:
    """What the journal keeps of a pickup code: its first half (the client logs the same)."""
    half = CODE_DIGITS // 2
    return code[:half] + "*" * max(0, len(code) - half)


class PickupContext(Context, Protocol):
    """What the pickup desk uses of the controller: its context and what the booth can issue now."""

    @property
    def availability(self) -> Availability: ...


class PickupDesk:
    """The pickup screen's logic; the controller hands it the screen's intents."""

    def __init__(self, ctx: PickupContext) -> None:
        self._ctx = ctx
        self.looking_up = False
        self.scanner_ready = False  # set by the booth when a barcode scanner is online
        self.scanner_offline = False  # set by the booth when its barcode scanner went away (unplugged, silent)

    # ------------------------------------------------------------------ the way in

    async def start(self) -> None:
        """Intent `pickup`: from idle or the choice of document, while the booth issues documents."""
        ctx = self._ctx
        if ctx.state not in (S.IDLE, S.CHOOSE) or ctx.availability.open_reason:
            return
        await ctx.fire("pickup")

    # ------------------------------------------------------------------ intents

    async def handle(self, name: str, args: dict[str, Any]) -> bool:
        """Act on an intent of the pickup screen (and back from a pickup's number screen); False
        when it is not the pickup's to handle."""
        ctx = self._ctx
        session = ctx.session
        if session is None:
            return False
        if ctx.state == S.NUMBER and name == "back" and session.pickup_fee is not None:
            session.number.clear()  # wiped, not just emptied (kiosk.privacy)
            session.number_error = ""
            self._forget_document(session)
            ctx.record(session.id, "back", ref="resident_number")
            await ctx.fire("back_to_pickup")
            return True
        if ctx.state != S.PICKUP or name not in _SCREEN_INTENTS:
            return False
        if self.looking_up and name != "back":
            return True  # the server is being asked about the code on screen: it stays as it is
        if name == "digit":
            value = str(args.get("value", ""))
            if len(value) == 1 and value.isdigit() and len(session.pickup_code) < CODE_DIGITS:
                session.pickup_code += value
            session.pickup_error = ""
        elif name == "backspace":
            session.pickup_code, session.pickup_error = session.pickup_code[:-1], ""
        elif name == "clear":
            session.pickup_code, session.pickup_error = "", ""
        elif name == "scan":
            await self.scanned(str(args.get("code", "")))
            return True
        elif name == "back":
            if self.looking_up:
                return True  # the server's answer comes first (it may hold the code)
            session.pickup_code, session.pickup_error = "", ""
            ctx.record(session.id, "back", ref="pickup")
            await ctx.fire("back")
            return True
        else:
            self.confirm(session)
            return True
        ctx.publish()
        return True

    async def scanned(self, code: str) -> None:
        """A code read by the barcode scanner: as if typed whole and confirmed. "" is a read the scanner
        could not hand over whole (binary, torn on the wire): "show it again". A QR that is read but holds
        no pickup code (a URL, another ticket) is said so; neither is journaled, as nothing was asked."""
        ctx = self._ctx
        session = ctx.session
        if ctx.state != S.PICKUP or session is None or self.looking_up:
            return
        ctx.note_activity()
        session.pickup_code = code_in(code) or ""
        session.pickup_error = "" if session.pickup_code else "not-pickup" if code else "unreadable"
        if session.pickup_error:
            ctx.publish()
            return
        self.confirm(session)

    def confirm(self, session: Session) -> None:
        if len(session.pickup_code) != CODE_DIGITS:
            session.pickup_error = "incomplete"
            self._ctx.publish()
            return
        self.looking_up = True
        self._ctx.publish()
        self._ctx.spawn_for_state(self._look_up(session), "pickup")

    # ------------------------------------------------------------------ the server's answer

    async def _look_up(self, session: Session) -> None:
        ctx = self._ctx
        code = session.pickup_code
        try:
            pickup = await ctx.server.lookup_pickup(code)
        except ServerRejected as exc:
            answer = ANSWERS.get(exc.reason)
            if answer is None:
                log.warning("pickup lookup refused: %s", exc.reason)
                answer = "not-found"
            ctx.record(session.id, "pickup_refused", ref=masked_code(code), reason=exc.reason)
            session.pickup_error = answer
            return
        except Exception as exc:
            log.warning("pickup lookup unavailable: %s", type(exc).__name__)
            session.outcome, session.reason = "failed", "server-unavailable"
            await ctx.fire("failed_before_payment")
            return
        finally:
            self.looking_up = False
            ctx.publish()
        offer = {d.code: d for d in ctx.availability.documents}.get(pickup.document)
        if offer is None or not offer.available:
            # The code is good, but this booth cannot issue that document now (not in its catalog,
            # no fingerprint sensor, ...): the resident keeps the code for another booth.
            ctx.record(session.id, "pickup_refused", ref=masked_code(code), reason="not-here",
                       document=pickup.document)
            session.pickup_error = "not-here"
            ctx.publish()
            return
        session.document = pickup.document
        session.copies = pickup.copies
        session.options = set()
        session.pickup_fee = pickup.fee_total
        ctx.record(session.id, "pickup_found", ref=masked_code(code), document=pickup.document,
                   copies=pickup.copies, fee_total=pickup.fee_total, needs_identity=pickup.needs_identity)
        ctx.record(session.id, "document_chosen", ref=pickup.document)
        await ctx.fire("pickup_needs_identity" if pickup.needs_identity else "pickup_found")

    @staticmethod
    def _forget_document(session: Session) -> None:
        session.document, session.copies, session.pickup_fee = "", 1, None
        session.pickup_code, session.pickup_error = "", ""

    # ------------------------------------------------------------------ the screen

    def view(self) -> PickupView:
        session = self._ctx.session
        if session is None:
            return PickupView(digits=CODE_DIGITS, scanner=self.scanner_ready, scanner_offline=self.scanner_offline)
        return PickupView(code=session.pickup_code, digits=CODE_DIGITS, error=session.pickup_error,
                          looking_up=self.looking_up, scanner=self.scanner_ready,
                          scanner_offline=self.scanner_offline)
