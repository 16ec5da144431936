"""What a receipt says: who issued what, for how much, paid how, and any voucher owed.

Kiosk id and location, date and time, document and copies, fee, payment, change, verification
numbers, voucher codes with their amounts. The money lines come from the journal, so the paper says
exactly what the journal will say at the end of the day. Never a resident number or a card number.
Printed in the resident's language, from the same catalogs as the screens (common/messages.py, `receipt.*`).
"""

from __future__ import annotations

import datetime as dt

from common.languages import LANGUAGES, lookup
from common.messages import MESSAGES
from drivers.receipt_printer import Receipt, ReceiptLine
from kiosk.config import KioskConfig
from kiosk.journal import Journal
from kiosk.session import Session
from kiosk.till import card_receipt_line

RULE = "-" * 32  # the separator these receipts have always printed


def _say(lang: str, key: str, **values: object) -> str:
    text = lookup(lang, key, MESSAGES[key])
    return text.format(**values) if values else text


def delivery_lines(lang: str, *, doc: str, n: int, total: str, code: str) -> list[ReceiptLine]:
    return [ReceiptLine(_say(lang, "receipt.delivery.ordered", doc=doc, n=n), bold=True),
            ReceiptLine(_say(lang, "receipt.delivery.fee", total=total), align="right"),
            ReceiptLine(_say(lang, "receipt.delivery.where")), ReceiptLine(_say(lang, "receipt.delivery.tracking")),
            ReceiptLine(code, align="center", bold=True)]


def won(amount: int, lang: str = "ko") -> str:
    return _say(lang, "won", amount=f"{amount:,}")


def _paid_by(kinds: set[str]) -> str:
    if "card_authorised" in kinds:
        return "receipt.paid.card" if not kinds & {"coin_credited", "bill_stacked"} else "receipt.paid.mixed"
    return "receipt.paid.cash"


def _title(session: Session, config: KioskConfig, lang: str) -> str:
    """The booth's own title in Korean and English (config); the catalogs' in other languages."""
    doc = config.documents.get(session.document)
    if doc and lang in ("ko", "en"):
        return doc.title_ko if lang == "ko" else doc.title_en
    if f"doc.{session.document}" in MESSAGES:
        return _say(lang, f"doc.{session.document}")
    return doc.title_en if doc else session.document


def build_receipt(session: Session, *, config: KioskConfig, journal: Journal, printed_at: dt.datetime,
                  language: str = "ko") -> Receipt:
    lang = language if language in LANGUAGES else "ko"
    title = _title(session, config, lang)
    entries = journal.entries(session.id)
    kinds = {e.kind for e in entries}
    money = journal.session_money(session.id)
    paid_by = _say(lang, _paid_by(kinds))
    lines = [
        ReceiptLine(_say(lang, "receipt.title"), align="center", bold=True, large=True),
        ReceiptLine(f"{config.kiosk.name} ({config.kiosk.id})", align="center"),
        ReceiptLine(config.kiosk.location, align="center"),
        ReceiptLine(printed_at.strftime("%Y-%m-%d %H:%M:%S"), align="center"),
        ReceiptLine(RULE),
    ]
    printed = [e.ref for e in entries if e.kind == "print_done"]
    if printed:
        copies = len(printed)
        per_copy = session.total // max(1, session.copies)
        lines.append(ReceiptLine(_say(lang, "receipt.document", doc=title, n=copies), bold=True))
        if copies < session.copies:
            lines.append(ReceiptLine(_say(lang, "receipt.ordered", copies=session.copies, printed=copies)))
        lines.append(ReceiptLine(_say(lang, "receipt.fee", fee=won(per_copy, lang), n=copies,
                                      total=won(money.fee_kept, lang)), align="right"))
    elif session.delivery and session.tracking_code:  # issue 17: ordered for delivery, nothing printed
        lines += delivery_lines(lang, doc=title, n=session.copies, total=won(money.fee_kept, lang),
                                code=session.tracking_code)
    elif session.document:  # money that came outside any session (a late coin) names no document
        lines.append(ReceiptLine(_say(lang, "receipt.not_issued", doc=title, n=session.copies), bold=True))
    lines.append(ReceiptLine(_say(lang, "receipt.received", amount=won(money.money_in, lang), paid_by=paid_by),
                             align="right"))
    card = card_receipt_line(entries)
    if card:
        lines.append(ReceiptLine(card, align="right"))  # masked: first 6 and last 4 digits only
    if money.change:
        lines.append(ReceiptLine(_say(lang, "receipt.change", amount=won(money.change, lang)), align="right"))
    if money.refunds:
        lines.append(ReceiptLine(_say(lang, "receipt.refunded", amount=won(money.refunds, lang)), align="right"))
    if printed:
        lines.append(ReceiptLine(_say(lang, "receipt.verification")))
        for number in printed:
            lines.append(ReceiptLine(number, align="center", bold=True))
    vouchers = [(e.ref, e.amount) for e in entries if e.kind == "voucher_issued"]
    if session.voucher and session.voucher not in {code for code, _ in vouchers}:
        vouchers.append((session.voucher, 0))  # journaled under another id: still give the code
    for code, amount in vouchers:
        lines.append(ReceiptLine(RULE))
        lines.append(ReceiptLine(_say(lang, "receipt.voucher"), bold=True))
        if amount:
            lines.append(ReceiptLine(_say(lang, "receipt.voucher_amount", amount=won(amount, lang)), align="right"))
        lines.append(ReceiptLine(code, align="center", bold=True, large=True))
        lines.append(ReceiptLine(_say(lang, "receipt.voucher_help")))
    lines.append(ReceiptLine(RULE))
    lines.append(ReceiptLine(_say(lang, "receipt.transaction", id=session.id[:12]), align="center"))
    return Receipt(lines=lines)
