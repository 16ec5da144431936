"""What a receipt says: who issued what, for how much, paid how, and any voucher owed.

Kiosk id and location, date and time, document and copies, fee, payment, change, verification
numbers, voucher code. Never a resident number or a card number (a card shows only as masked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drivers.receipt_printer.receipt import Receipt, ReceiptLine

if TYPE_CHECKING:
    from kiosk.controller import Kiosk
    from kiosk.session import Session


def won(amount: int) -> str:
    return f"{amount:,}원"


def build_receipt(kiosk: Kiosk, session: Session) -> Receipt:
    config = kiosk.config
    doc = config.documents.get(session.document)
    title = doc.title_ko if doc else session.document
    lines = [
        ReceiptLine("무인민원발급 영수증", align="center", bold=True, large=True),
        ReceiptLine(f"{config.kiosk.name} ({config.kiosk.id})", align="center"),
        ReceiptLine(config.kiosk.location, align="center"),
        ReceiptLine(kiosk.clock.now().strftime("%Y-%m-%d %H:%M:%S"), align="center"),
        ReceiptLine("-" * 32),
    ]
    if session.outcome == "issued":
        lines.append(ReceiptLine(f"{title} × {session.copies}부", bold=True))
        lines.append(ReceiptLine(f"수수료 {won(session.total)}", align="right"))
        lines.append(ReceiptLine(f"받은 금액 {won(session.paid)} (현금)", align="right"))
        if session.change:
            lines.append(ReceiptLine(f"거스름돈 {won(session.change)}", align="right"))
        if session.reservation is not None:
            lines.append(ReceiptLine("문서확인번호"))
            for document in session.reservation.documents:
                lines.append(ReceiptLine(document.verification_number, align="center", bold=True))
    else:
        lines.append(ReceiptLine(f"{title}: 발급되지 않았습니다", bold=True))
        lines.append(ReceiptLine(f"받은 금액 {won(session.paid)}", align="right"))
        lines.append(ReceiptLine(f"돌려드린 금액 {won(session.refund)}", align="right"))
    if session.voucher:
        lines.append(ReceiptLine("-" * 32))
        lines.append(ReceiptLine("미지급 금액 교환권 (Voucher)", bold=True))
        lines.append(ReceiptLine(session.voucher, align="center", bold=True, large=True))
        lines.append(ReceiptLine("다음 이용 시 또는 민원실에서 돌려받으세요"))
    lines.append(ReceiptLine("-" * 32))
    lines.append(ReceiptLine(f"거래번호 {session.id[:12]}", align="center"))
    return Receipt(lines=lines)
