"""Words of issue 17's screens (pickup of a document reserved online), in the four languages, until
they are folded into the gettext catalogs (see screens/strings.py)."""

from __future__ import annotations

STRINGS_PICKUP: dict[str, dict[str, str]] = {
    "button.pickup": {
        "ko": "예약 서류 찾기",
        "en": "Reserved pickup",
        "zh": "领取预约文件",
        "vi": "Nhận hồ sơ đã hẹn",
    },
    "pickup.title": {
        "ko": "예약번호를 입력하세요",
        "en": "Enter your pickup code",
        "zh": "请输入预约号码",
        "vi": "Nhập mã nhận hồ sơ",
    },
    "pickup.sub": {
        "ko": "온라인으로 예약할 때 받은 8자리 숫자",
        "en": "The 8 digits you received when you reserved online",
        "zh": "网上预约时收到的8位数字",
        "vi": "8 chữ số bạn nhận được khi đặt trước trực tuyến",
    },
    "pickup.scan": {
        "ko": "휴대전화의 QR 코드를 아래 스캐너에 보여 주셔도 됩니다",
        "en": "Or hold the QR code on your phone to the scanner below",
        "zh": "也可以把手机上的二维码对准下方的扫描器",
        "vi": "Hoặc đưa mã QR trên điện thoại vào máy quét bên dưới",
    },
    "pickup.hint": {
        "ko": "8자리 숫자",
        "en": "8 digits",
        "zh": "8位数字",
        "vi": "8 chữ số",
    },
    "pickup.looking_up": {
        "ko": "예약을 확인하고 있습니다",
        "en": "Checking your reservation",
        "zh": "正在确认预约",
        "vi": "Đang kiểm tra lịch hẹn của bạn",
    },
    "pickup_error.incomplete": {
        "ko": "예약번호 8자리를 모두 입력하세요.",
        "en": "Please enter all 8 digits of the code.",
        "zh": "请输入完整的8位预约号码。",
        "vi": "Vui lòng nhập đủ 8 chữ số của mã.",
    },
    "pickup_error.not-found": {
        "ko": "이 번호의 예약이 없습니다. 번호를 확인하세요.",
        "en": "There is no reservation with this code. Please check it.",
        "zh": "没有此号码的预约。请核对号码。",
        "vi": "Không có lịch hẹn nào với mã này. Vui lòng kiểm tra lại.",
    },
    "pickup_error.used": {
        "ko": "이미 발급받은 예약번호입니다. 다시 쓸 수 없습니다.",
        "en": "This code has already been used. It cannot be used again.",
        "zh": "此预约号码已经使用过，不能再次使用。",
        "vi": "Mã này đã được sử dụng. Không thể dùng lại.",
    },
    "pickup_error.expired": {
        "ko": "예약 기간이 지났습니다. 온라인으로 다시 예약하세요.",
        "en": "This reservation has expired. Please reserve again online.",
        "zh": "此预约已过期。请重新在网上预约。",
        "vi": "Lịch hẹn này đã hết hạn. Vui lòng đặt lại trực tuyến.",
    },
    "pickup_error.other-booth": {
        "ko": "다른 발급기에서 찾도록 예약된 번호입니다. 예약한 곳에서 발급받으세요.",
        "en": "This code is for another kiosk. Please collect it where you chose to.",
        "zh": "此号码预约在另一台发证机领取。请到预约的地点领取。",
        "vi": "Mã này dành cho một máy khác. Vui lòng nhận tại nơi bạn đã chọn.",
    },
    "pickup_error.not-here": {
        "ko": "이 발급기에서는 지금 이 서류를 발급할 수 없습니다. 다른 발급기를 이용하세요.",
        "en": "This kiosk cannot issue that document now. Please use another kiosk.",
        "zh": "本机现在无法发放该文件。请使用其他发证机。",
        "vi": "Máy này hiện không cấp được giấy tờ đó. Vui lòng dùng máy khác.",
    },
    "pickup_error.unreadable": {
        "ko": "코드를 읽지 못했습니다. 다시 보여 주시거나 번호를 입력하세요.",
        "en": "The code could not be read. Show it again or type the number.",
        "zh": "无法读取该码。请重新出示或输入号码。",
        "vi": "Không đọc được mã. Hãy đưa lại hoặc nhập số.",
    },
    "pickup_error._unknown": {
        "ko": "예약번호를 확인하세요.",
        "en": "Please check the pickup code.",
        "zh": "请核对预约号码。",
        "vi": "Vui lòng kiểm tra mã nhận hồ sơ.",
    },
    "reason.pickup-used": {
        "ko": "이 예약번호는 방금 사용되었습니다. 요금은 받지 않았습니다.",
        "en": "This pickup code was just used. No fee was taken.",
        "zh": "此预约号码刚刚已被使用。未收取费用。",
        "vi": "Mã nhận này vừa được sử dụng. Chưa thu phí.",
    },
    "reason.pickup-other-resident": {
        "ko": "이 예약은 다른 분의 것입니다. 예약한 본인만 발급받을 수 있습니다.",
        "en": "This reservation belongs to someone else. Only the person who reserved it can collect it.",
        "zh": "此预约属于他人。只有预约本人才能领取。",
        "vi": "Lịch hẹn này là của người khác. Chỉ người đã đặt mới nhận được.",
    },
    "reason.pickup-expired": {
        "ko": "예약 기간이 지났습니다. 온라인으로 다시 예약하세요.",
        "en": "This reservation has expired. Please reserve again online.",
        "zh": "此预约已过期。请重新在网上预约。",
        "vi": "Lịch hẹn này đã hết hạn. Vui lòng đặt lại trực tuyến.",
    },
    "reason.pickup-other-booth": {
        "ko": "다른 발급기에서 찾도록 예약된 번호입니다.",
        "en": "This code is for another kiosk.",
        "zh": "此号码预约在另一台发证机领取。",
        "vi": "Mã này dành cho một máy khác.",
    },
    "button.notice": {
        "ko": "문자로 받기",
        "en": "Send by text",
        "zh": "短信发送",
        "vi": "Gửi tin nhắn",
    },
    "notice.title": {
        "ko": "휴대전화 번호를 입력하세요",
        "en": "Enter your mobile number",
        "zh": "请输入手机号码",
        "vi": "Nhập số điện thoại di động",
    },
    "notice.sub": {
        "ko": "결과를 문자로 한 번 보내고, 번호는 저장하지 않습니다",
        "en": "The result is sent once by text; the number is not kept",
        "zh": "结果将以短信发送一次，号码不会被保存",
        "vi": "Kết quả được gửi một lần qua tin nhắn; số không được lưu lại",
    },
    "notice.hint": {
        "ko": "010-0000-0000",
        "en": "010-0000-0000",
        "zh": "010-0000-0000",
        "vi": "010-0000-0000",
    },
    "notice.sending": {
        "ko": "문자를 보내고 있습니다",
        "en": "Sending the text message",
        "zh": "正在发送短信",
        "vi": "Đang gửi tin nhắn",
    },
    "notice_error.incomplete": {
        "ko": "휴대전화 번호를 끝까지 입력하세요.",
        "en": "Please enter the whole mobile number.",
        "zh": "请输入完整的手机号码。",
        "vi": "Vui lòng nhập đủ số điện thoại di động.",
    },
    "notice_error.unavailable": {
        "ko": "지금은 문자를 보낼 수 없습니다. 영수증을 챙겨 주세요.",
        "en": "The text message cannot be sent now. Please keep your receipt.",
        "zh": "现在无法发送短信。请保管好收据。",
        "vi": "Hiện không gửi được tin nhắn. Vui lòng giữ lại biên lai.",
    },
    "notice_error._unknown": {
        "ko": "휴대전화 번호를 확인하세요.",
        "en": "Please check the mobile number.",
        "zh": "请核对手机号码。",
        "vi": "Vui lòng kiểm tra số điện thoại.",
    },
    "done.notice_sent": {
        "ko": "결과를 문자로 보냈습니다.",
        "en": "The result was sent by text message.",
        "zh": "结果已通过短信发送。",
        "vi": "Kết quả đã được gửi qua tin nhắn.",
    },
}
