"""Words of the pickup helper (issue 17: mobile ID at pickup, the scanner unplugged), waiting to be
folded into the gettext catalogs (screens/strings.py explains the dict modules)."""

from __future__ import annotations

STRINGS_PICKUP: dict[str, dict[str, str]] = {
    # The pickup screen when the booth's barcode scanner is unplugged or silent: type the code instead.
    "pickup.scanner_offline": {
        "ko": "지금은 QR 스캐너를 쓸 수 없습니다. 예약번호 8자리를 입력해 주세요.",
        "en": "The QR scanner cannot be used now. Please type the 8-digit code.",
        "zh": "二维码扫描器暂时无法使用。请输入8位预约号码。",
        "vi": "Hiện không dùng được máy quét QR. Vui lòng nhập mã 8 chữ số.",
    },
    # A QR the scanner read whole that holds no pickup code (a URL, another ticket): showing it again won't help.
    "pickup_error.not-pickup": {
        "ko": "예약번호 QR 코드가 아닙니다. 예약 QR을 보여 주시거나 번호를 입력하세요.",
        "en": "Not a pickup QR code. Show your reservation's QR or type the number.",
        "zh": "这不是预约二维码。请出示预约二维码或输入号码。",
        "vi": "Đây không phải mã QR nhận hồ sơ. Hãy đưa mã QR đặt hẹn hoặc nhập số.",
    },
    # The result screen when a pickup's mobile ID fails: nothing was reserved, the code is still good.
    "reason.pickup-mobile-id-failed": {
        "ko": "모바일 신분증을 확인하지 못했습니다. 예약번호는 사용되지 않았으니 다시 발급받으실 수 있습니다. "
              "요금은 받지 않았습니다.",
        "en": "The mobile ID could not be verified. Your pickup code was not used: you can try again. "
              "No fee was taken.",
        "zh": "无法核验手机身份证。您的预约号码未被使用，可以再次领取。未收取费用。",
        "vi": "Không xác minh được căn cước di động. Mã nhận hồ sơ của bạn chưa được dùng, bạn có thể thử lại. "
              "Chưa thu phí.",
    },
    "reason.pickup-mobile-id-expired": {
        "ko": "모바일 신분증 확인 시간이 지났습니다. 예약번호는 사용되지 않았으니 다시 발급받으실 수 있습니다. "
              "요금은 받지 않았습니다.",
        "en": "The mobile ID was not presented in time. Your pickup code was not used: you can try again. "
              "No fee was taken.",
        "zh": "未在规定时间内出示手机身份证。您的预约号码未被使用，可以再次领取。未收取费用。",
        "vi": "Căn cước di động không được xuất trình kịp. Mã nhận hồ sơ của bạn chưa được dùng, bạn có thể "
              "thử lại. Chưa thu phí.",
    },
    # The technician's board: the pickup QR scanner is not answering.
    "board.todo.check-scanner-cable": {
        "ko": "QR 스캐너의 USB 케이블을 확인하세요",
        "en": "check the QR scanner's USB cable",
        "zh": "请检查二维码扫描器的USB线缆",
        "vi": "hãy kiểm tra cáp USB của máy quét QR",
    },
}
