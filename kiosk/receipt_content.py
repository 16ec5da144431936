"""What a receipt says: who issued what, for how much, paid how, and any voucher owed.

Kiosk id and location, date and time, document and copies, fee, payment, change, verification
numbers, voucher codes with their amounts. The money lines come from the journal, so the paper says
exactly what the journal will say at the end of the day. Never a resident number or a card number.
"""

from __future__ import annotations

import datetime as dt

from drivers.receipt_printer import Receipt, ReceiptLine
from kiosk.config import KioskConfig
from kiosk.journal import Journal
from kiosk.session import Session
from kiosk.till import card_receipt_line

RULE = "-" * 32  # the separator these receipts have always printed


def won(amount: int) -> str:
    return f"{amount:,}원"


def _paid_by(kinds: set[str]) -> str:
    if "card_authorised" in kinds:
        return "카드" if not kinds & {"coin_credited", "bill_stacked"} else "현금·카드"
    return "현금"


def build_receipt(session: Session, *, config: KioskConfig, journal: Journal, printed_at: dt.datetime) -> Receipt:
    doc = config.documents.get(session.document)
    title = doc.title_ko if doc else session.document
    entries = journal.entries(session.id)
    kinds = {e.kind for e in entries}
    money = journal.session_money(session.id)
    paid_by = _paid_by(kinds)
    lines = [
        ReceiptLine("무인민원발급 영수증", align="center", bold=True, large=True),
        ReceiptLine(f"{config.kiosk.name} ({config.kiosk.id})", align="center"),
        ReceiptLine(config.kiosk.location, align="center"),
        ReceiptLine(printed_at.strftime("%Y-%m-%d %H:%M:%S"), align="center"),
        ReceiptLine(RULE),
    ]
    printed = [e.ref for e in entries if e.kind == "print_done"]
    if printed:
        copies = len(printed)
        per_copy = session.total // max(1, session.copies)
        lines.append(ReceiptLine(f"{title} {copies}부", bold=True))
        if copies < session.copies:
            lines.append(ReceiptLine(f"(신청 {session.copies}부 중 {copies}부 발급)"))
        lines.append(ReceiptLine(f"수수료 {won(per_copy)} × {copies}부 = {won(money.fee_kept)}", align="right"))
    else:
        lines.append(ReceiptLine(f"{title} {session.copies}부: 발급되지 않았습니다", bold=True))
    lines.append(ReceiptLine(f"받은 금액 {won(money.money_in)} ({paid_by})", align="right"))
    card = card_receipt_line(entries)
    if card:
        lines.append(ReceiptLine(card, align="right"))  # masked: first 6 and last 4 digits only
    if money.change:
        lines.append(ReceiptLine(f"거스름돈 {won(money.change)}", align="right"))
    if money.refunds:
        lines.append(ReceiptLine(f"돌려드린 금액 {won(money.refunds)}", align="right"))
    if printed:
        lines.append(ReceiptLine("문서확인번호"))
        for number in printed:
            lines.append(ReceiptLine(number, align="center", bold=True))
    vouchers = [(e.ref, e.amount) for e in entries if e.kind == "voucher_issued"]
    if session.voucher and session.voucher not in {code for code, _ in vouchers}:
        vouchers.append((session.voucher, 0))  # journaled under another id: still give the code
    for code, amount in vouchers:
        lines.append(ReceiptLine(RULE))
        lines.append(ReceiptLine("미지급 금액 교환권 (Voucher)", bold=True))
        if amount:
            lines.append(ReceiptLine(f"현금으로 돌려드리지 못한 금액 {won(amount)}", align="right"))
        lines.append(ReceiptLine(code, align="center", bold=True, large=True))
        lines.append(ReceiptLine("다음 이용 시 또는 민원실에서 돌려받으세요"))
    lines.append(ReceiptLine(RULE))
    lines.append(ReceiptLine(f"거래번호 {session.id[:12]}", align="center"))
    return Receipt(lines=lines)
