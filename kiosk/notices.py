"""Notices by the resident's chosen channel (스마트 문자 통지, issue 17): the result sent by text message.

On the result screen, once the session is settled, a resident may ask for a text message with what the
receipt says (the document, copies, fee, verification numbers), the voucher code when money could not
be paid back, or (delivery) the tracking code. The mobile number is typed on the notice screen, sent
once to the server's notice gateway (POST /v1/notices), then wiped: it is never journaled, logged or
written anywhere (kiosk.privacy also masks anything shaped like one in the logs; the journal records
only that a notice of which kind went by which channel, and the gateway's notice id).

The API and the gateway take e-mail too; the booth offers text messages only, because typing an e-mail
address needs a full on-screen keyboard (left for later).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from kiosk.context import Context
from kiosk.machine import S
from kiosk.privacy import wipe_bytes
from kiosk.session import Session
from kiosk.views import NoticeView

log = logging.getLogger(__name__)

MOBILE_RE = re.compile(r"^01[016789][0-9]{7,8}$")  # 010-1234-5678, 011-123-4567: digits only on the wire
MAX_DIGITS = 11
_SCREEN_INTENTS = ("digit", "backspace", "clear", "confirm", "back")


def shown_number(digits: str) -> str:
    """`010-1234-5678` as it is typed (`010-123-4567` for a 10-digit number)."""
    if len(digits) <= 3:
        return digits
    middle = 3 if len(digits) == 10 else 4
    head, rest = digits[:3], digits[3:]
    return f"{head}-{rest}" if len(rest) <= middle else f"{head}-{rest[:middle]}-{rest[middle:]}"


class NoticeDesk:
    """The notice screen's logic; the controller hands it the screen's intents."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._digits = bytearray()  # the number typed: wiped when sent, left or timed out
        self.error = ""
        self.sending = False
        self._sent_for = ""  # the session whose notice went: offered once a session

    def offered(self) -> bool:
        """The result screen offers a text message: the session is settled, it has something to say,
        none was sent yet, and the server can be reached."""
        session = self._ctx.session
        if session is None or not session.closed or session.id == self._sent_for:
            return False
        if not self._ctx.server.status.usable:
            return False
        return session.outcome in ("issued", "partial", "ordered") or bool(session.voucher)

    def sent(self) -> bool:
        session = self._ctx.session
        return session is not None and session.id == self._sent_for

    async def start(self) -> None:
        """Intent `notice` on the result screen."""
        if self._ctx.state == S.DONE and self.offered():
            self._forget()
            await self._ctx.fire("notice")

    async def handle(self, name: str, args: dict[str, Any]) -> bool:
        ctx = self._ctx
        if ctx.state != S.NOTICE or name not in _SCREEN_INTENTS:
            return False
        if self.sending:
            return True
        if name == "digit":
            value = str(args.get("value", ""))
            if len(value) == 1 and value.isdigit() and len(self._digits) < MAX_DIGITS:
                self._digits += value.encode()
            self.error = ""
        elif name == "backspace":
            if self._digits:
                self._digits[-1] = 0
                del self._digits[-1]
            self.error = ""
        elif name == "clear":
            wipe_bytes(self._digits)
            self.error = ""
        elif name == "back":
            self._forget()
            await ctx.fire("notice_done")
            return True
        elif not MOBILE_RE.match(self._digits.decode()):
            self.error = "incomplete"
        else:
            self.sending = True
            ctx.spawn_for_state(self._send(), "notice")
        ctx.publish()
        return True

    async def timed_out(self) -> None:
        """Nobody finished typing: back to the result, the number forgotten."""
        if self._ctx.state == S.NOTICE and not self.sending:
            self._forget()
            await self._ctx.fire("notice_done")

    async def _send(self) -> None:
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        kind, facts = notice_facts(session, ctx)
        try:
            receipt = await ctx.server.send_notice(f"notice-{session.id}", channel="sms", to=self._digits.decode(),
                                                   kind=kind, language=_language(ctx), facts=facts)
        except Exception as exc:
            log.warning("notice not sent: %s", type(exc).__name__)  # the exception's text may quote the body
            self.error = "unavailable"
            self.sending = False
            ctx.publish()
            return
        ctx.record(session.id, "notice_sent", ref=receipt.notice_id, channel="sms", notice=kind)
        self._sent_for = session.id
        self._forget()
        await ctx.fire("notice_done")

    def _forget(self) -> None:
        wipe_bytes(self._digits)
        self.error, self.sending = "", False

    def view(self) -> NoticeView:
        return NoticeView(channel="sms", number=shown_number(self._digits.decode()), digits=len(self._digits),
                          error=self.error, sending=self.sending)


def notice_facts(session: Session, ctx: Context) -> tuple[str, dict[str, Any]]:
    """What the message says, as facts the gateway words: a voucher's code first (money is owed), else
    the receipt's content; a delivery's tracking code when there is one."""
    entries = ctx.journal.entries(session.id)
    numbers = [str(n) for e in entries if e.kind == "reserved" for n in e.detail.get("verification_numbers", [])]
    fee_kept = sum(e.amount for e in entries if e.kind == "fee_kept")
    tracking = next((str(e.ref) for e in entries if e.kind == "delivery_ordered"), "")
    kind = "voucher" if session.voucher else "tracking" if tracking else "receipt"
    return kind, {"document": session.document, "copies": session.copies, "fee_kept": fee_kept,
                  "refund": session.refund, "voucher": session.voucher, "verification_numbers": numbers,
                  "tracking_code": tracking}


def _language(ctx: Context) -> str:
    language = getattr(ctx, "language", "ko")
    return language if isinstance(language, str) and len(language) == 2 else "ko"
