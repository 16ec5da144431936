"""Notices by the resident's chosen channel (스마트 문자 통지, issue 17): the result sent by text message
or by e-mail.

On the result screen, once the session is settled, a resident may ask for a text message with what the
receipt says (the document, copies, fee, verification numbers), the voucher code when money could not
be paid back, or (delivery) the tracking code. The mobile number is typed on the notice screen (the
12-key pad), or the e-mail address on the e-mail keyboard screen (screens/notice_email.py: letters,
digits, `@ . _ - +` and one-tap domain keys); either is sent once to the server's notice gateway
(POST /v1/notices, `channel` "sms" or "email"), then wiped: it is held in a bytearray, never
journaled, logged or written anywhere (kiosk.privacy also masks anything shaped like a mobile number
or an e-mail address in the logs; the journal records only that a notice of which kind went by which
channel, and the gateway's notice id). Voice guidance never reads the address aloud: it says how
many characters are typed (screens/speech.py).

The e-mail rule (`address_problem`) is deliberately plain, not RFC 5322: what a resident can type on
the keyboard (lower-case letters, digits, `@ . _ - +`), at most 254 characters, exactly one `@` with
1 to 64 characters before it, and a domain of dot-separated labels (letters, digits, hyphens; no
hyphen at a label's ends) with at least one dot and a last label of two or more letters. Something
still missing (no `@`, nothing before or after it, no dot in the domain, a trailing dot) is
"incomplete"; anything else wrong (two `@`, two dots in a row, a dot at the start, a label ending in a
hyphen, too long) is "invalid".
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
_SCREEN_INTENTS = ("digit", "char", "domain", "backspace", "clear", "confirm", "back", "channel", "resume")
CHANNELS = ("sms", "email")  # "" while the resident chooses (screens/notice_channel.py)

EMAIL_MAX = 254  # RFC 5321's limit on a path, the longest address any mail server takes
EMAIL_LOCAL_MAX = 64
EMAIL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@._-+")
# The quick keys after `@`: the common Korean mail domains, one tap each (screens/notice_email.py).
DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def address_problem(address: str) -> str:
    """"" when `address` is one the booth sends, else "incomplete" or "invalid" (the rule: see the
    module docstring)."""
    if not address:
        return "incomplete"
    if len(address) > EMAIL_MAX or any(ch not in EMAIL_CHARS for ch in address) or address.count("@") > 1:
        return "invalid"
    local, at, domain = address.partition("@")
    if not at or not local or not domain:
        return "incomplete"
    if len(local) > EMAIL_LOCAL_MAX or local.startswith(".") or local.endswith(".") or ".." in local:
        return "invalid"
    if "." not in domain or domain.endswith("."):
        return "incomplete"
    labels = domain.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return "invalid"
    tld = labels[-1]
    if len(tld) < 2 or not tld.isalpha():
        return "invalid"
    return ""


def with_domain(address: str, domain: str) -> str:
    """`address` after a domain key: `kim` -> `kim@naver.com`, `kim@` -> `kim@naver.com`, and a domain
    begun by hand (`kim@nav`) replaced by the one tapped."""
    local = address.partition("@")[0]
    return f"{local}@{domain}"[:EMAIL_MAX]


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
        self._address = bytearray()  # the e-mail address typed: wiped the same way
        self.channel = ""  # "sms" | "email" once chosen
        self.error = ""
        self.sending = False
        self._sent_for = ""  # the session whose notice went: offered once a session
        self._sent_by = ""  # and by which channel

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

    def sent_channel(self) -> str:
        """The channel this session's notice went by ("" before one was sent)."""
        return self._sent_by if self.sent() else ""

    async def start(self, channel: str = "") -> None:
        """Intent `notice` on the result screen: the choice of channel first (`channel` "sms" or
        "email" goes straight to that channel's screen)."""
        if self._ctx.state == S.DONE and self.offered() and channel in ("", *CHANNELS):
            self._forget()
            self.channel = channel
            await self._ctx.fire("notice")

    async def handle(self, name: str, args: dict[str, Any]) -> bool:
        ctx = self._ctx
        if ctx.state != S.NOTICE or name not in _SCREEN_INTENTS:
            return False
        if self.sending:
            return True
        if not self.channel or name == "channel":
            await self._choose(name, str(args.get("value", "")))
            return True
        if self.channel == "email" and name in ("char", "domain", "backspace", "clear"):
            self._edit_address(name, str(args.get("value", "")))
        elif name == "resume" and self.channel == "email":
            self.error = ""  # "keep typing": the keyboard back after an error read at 200 %
        elif name == "digit":
            if self.channel != "sms":
                return True
            value = str(args.get("value", ""))
            if len(value) == 1 and value.isdigit() and len(self._digits) < MAX_DIGITS:
                self._digits += value.encode()
            self.error = ""
        elif name in ("char", "domain", "resume"):
            return True  # the e-mail keyboard's keys: nothing to type them into on the number screen
        elif name == "backspace":
            if self._digits:
                self._digits[-1] = 0
                del self._digits[-1]
            self.error = ""
        elif name == "clear":
            wipe_bytes(self._digits)
            self.error = ""
        elif name == "back":  # to the choice of channel, what was typed forgotten
            self._forget()
            self.channel = ""
        elif self.channel == "email":
            self.error = address_problem(self._address.decode())
            if not self.error:
                self.sending = True
                ctx.spawn_for_state(self._send(), "notice")
        elif not MOBILE_RE.match(self._digits.decode()):
            self.error = "incomplete"
        else:
            self.sending = True
            ctx.spawn_for_state(self._send(), "notice")
        ctx.publish()
        return True

    async def _choose(self, name: str, value: str) -> None:
        """The choice of channel: `channel` picks one, back returns to the result."""
        if name == "back":
            self._forget()
            await self._ctx.fire("notice_done")
            return
        if name == "channel" and value in CHANNELS and not self.channel:
            self.channel = value
            self.error = ""
        self._ctx.publish()

    def _edit_address(self, name: str, value: str) -> None:
        """One key of the e-mail keyboard. The address is changed in place (no copy of it is left in
        another bytearray); any key clears the error."""
        address = self._address
        if name == "char":
            if len(value) == 1 and value in EMAIL_CHARS and len(address) < EMAIL_MAX:
                address += value.encode()
        elif name == "domain":
            if value in DOMAINS:
                new = with_domain(address.decode(), value).encode()
                wipe_bytes(address)
                address += new
        elif name == "backspace":
            if address:
                address[-1] = 0
                del address[-1]
        else:
            wipe_bytes(address)
        self.error = ""

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
        channel = self.channel
        try:
            to = self._address.decode() if channel == "email" else self._digits.decode()
            receipt = await ctx.server.send_notice(f"notice-{session.id}", channel=channel, to=to,
                                                   kind=kind, language=_language(ctx), facts=facts)
        except Exception as exc:
            log.warning("notice not sent: %s", type(exc).__name__)  # the exception's text may quote the body
            self.error = "unavailable"
            self.sending = False
            ctx.publish()
            return
        ctx.record(session.id, "notice_sent", ref=receipt.notice_id, channel=channel, notice=kind)
        self._sent_for, self._sent_by = session.id, channel
        self._forget()
        await ctx.fire("notice_done")

    def _forget(self) -> None:
        wipe_bytes(self._digits)
        wipe_bytes(self._address)
        self.error, self.sending, self.channel = "", False, ""

    def view(self) -> NoticeView:
        if not self.channel:
            return NoticeView(channel="")
        if self.channel == "email":
            address = self._address.decode()
            return NoticeView(channel="email", address=address, chars=len(address), error=self.error,
                              sending=self.sending)
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
