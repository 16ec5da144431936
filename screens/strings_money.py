"""Sentences of the delivery whose confirmation went unanswered (kiosk/delivery.py, issue 18), not yet in
the gettext catalogs: the printing screen while the booth asks the server again, and the result when it
never answered (the money refunded, the order cancelled, or sent free of charge if it already went).
Folded into common/messages.py and the .po catalogs at merge (scripts/import_strings.py)."""

from __future__ import annotations

STRINGS_MONEY: dict[str, dict[str, str]] = {
    "status.confirming-delivery": {
        "ko": "배송 주문을 확인하고 있습니다. 잠시만 기다려 주세요.",
        "en": "Confirming your delivery order. Please wait.",
        "zh": "正在确认您的配送订单，请稍候。",
        "vi": "Đang xác nhận đơn giao hàng của bạn. Vui lòng chờ.",
    },
    "reason.delivery-unconfirmed": {
        "ko": "배송 주문을 확인하지 못해 돈을 돌려드렸습니다. 주문은 취소되며, 이미 발송되었다면 요금 없이 받으십니다.",
        "en": "The delivery order could not be confirmed, so your money was returned. The order is cancelled; "
              "if it was already sent, you receive it free of charge.",
        "zh": "无法确认配送订单，已退还您的钱款。订单将被取消；如已寄出，您将免费收到。",
        "vi": "Không xác nhận được đơn giao hàng nên đã hoàn lại tiền cho bạn. Đơn sẽ bị hủy; nếu đã được "
              "gửi đi, bạn sẽ nhận miễn phí.",
    },
}
