"""Words of issue 17's e-mail notice (screens/notice_email.py, the result screen's e-mail button, and
what voice says for the keyboard's signs), in the four languages, until they are folded into the
gettext catalogs (see screens/strings.py).

Chinese says "Email" in Latin letters (as mainland forms often do): the Hanzi word's second character is
not in the booth's font subset (common/fonts, `make fonts`), which this branch leaves as it is."""

from __future__ import annotations

STRINGS_EMAIL: dict[str, dict[str, str]] = {
    "button.notice_any": {
        "ko": "문자·이메일로 받기",
        "en": "Text or e-mail",
        "zh": "短信或 Email",
        "vi": "Gửi SMS/email",
    },
    "notice_channel.title": {
        "ko": "결과를 어떻게 받으시겠어요?",
        "en": "How should we send the result?",
        "zh": "请选择结果的发送方式",
        "vi": "Bạn muốn nhận kết quả bằng cách nào?",
    },
    "notice_channel.sub": {
        "ko": "한 번만 보내고, 번호나 주소는 저장하지 않습니다",
        "en": "It is sent once; the number or address is not kept",
        "zh": "只发送一次，号码或地址不会被保存",
        "vi": "Chỉ gửi một lần; số hoặc địa chỉ không được lưu lại",
    },
    "notice_channel.sms": {"ko": "문자로 받기", "en": "By text message", "zh": "短信", "vi": "Tin nhắn"},
    "notice_channel.sms.detail": {
        "ko": "휴대전화 번호 입력",
        "en": "Type your mobile number",
        "zh": "输入手机号码",
        "vi": "Nhập số điện thoại",
    },
    "notice_channel.email": {"ko": "이메일로 받기", "en": "By e-mail", "zh": "Email", "vi": "Email"},
    "notice_channel.email.detail": {
        "ko": "이메일 주소 입력",
        "en": "Type your e-mail address",
        "zh": "输入 Email 地址",
        "vi": "Nhập địa chỉ email",
    },
    "notice_email.title": {
        "ko": "이메일 주소를 입력하세요",
        "en": "Enter your e-mail address",
        "zh": "请输入 Email 地址",
        "vi": "Nhập địa chỉ email",
    },
    "notice_email.sub": {
        "ko": "결과를 이메일로 한 번 보내고, 주소는 저장하지 않습니다",
        "en": "The result is sent once by e-mail; the address is not kept",
        "zh": "结果将以 Email 发送一次，地址不会被保存",
        "vi": "Kết quả được gửi một lần qua email; địa chỉ không được lưu lại",
    },
    "notice_email.hint": {
        "ko": "예: hong@naver.com",
        "en": "e.g. hong@naver.com",
        "zh": "例如 hong@naver.com",
        "vi": "Ví dụ: hong@naver.com",
    },
    "notice_email.sending": {
        "ko": "이메일을 보내는 중입니다",
        "en": "Sending the e-mail",
        "zh": "正在发送 Email",
        "vi": "Đang gửi email",
    },
    "notice_email.resume": {  # after an error at 200 %: the keyboard again
        "ko": "계속 입력",
        "en": "Keep typing",
        "zh": "继续输入",
        "vi": "Nhập tiếp",
    },
    "notice_email_error.incomplete": {
        "ko": "이메일 주소를 끝까지 입력하세요. 예: hong@naver.com",
        "en": "Please enter the whole e-mail address, e.g. hong@naver.com.",
        "zh": "请输入完整的 Email 地址，例如 hong@naver.com。",
        "vi": "Vui lòng nhập đủ địa chỉ email, ví dụ hong@naver.com.",
    },
    "notice_email_error.invalid": {
        "ko": "이메일 주소의 형식이 맞지 않습니다. 다시 확인하세요.",
        "en": "This e-mail address is not valid. Please check it.",
        "zh": "Email 地址不正确，请检查。",
        "vi": "Địa chỉ email không hợp lệ. Vui lòng kiểm tra lại.",
    },
    "notice_email_error.unavailable": {
        "ko": "지금은 이메일을 보낼 수 없습니다. 영수증을 보관하세요.",
        "en": "The e-mail cannot be sent now. Please keep your receipt.",
        "zh": "现在无法发送 Email，请保留收据。",
        "vi": "Hiện không thể gửi email. Vui lòng giữ lại biên lai.",
    },
    "notice_email_error._unknown": {
        "ko": "이메일 주소를 확인하세요.",
        "en": "Please check the e-mail address.",
        "zh": "请检查 Email 地址。",
        "vi": "Vui lòng kiểm tra địa chỉ email.",
    },
    "done.notice_email_sent": {
        "ko": "결과를 이메일로 보냈습니다.",
        "en": "The result was sent by e-mail.",
        "zh": "结果已通过 Email 发送。",
        "vi": "Kết quả đã được gửi qua email.",
    },
    # The keyboard's page keys at 200 % zoom, each named by what its page holds.
    "notice_email.page.letters_a": {"ko": "a–m", "en": "a–m", "zh": "a–m", "vi": "a–m"},
    "notice_email.page.letters_n": {"ko": "n–z", "en": "n–z", "zh": "n–z", "vi": "n–z"},
    "notice_email.page.signs": {"ko": "0–9 @ .", "en": "0–9 @ .", "zh": "0–9 @ .", "vi": "0–9 @ ."},
    "notice_email.page.domains": {  # {first}: the page's first domain without its ".com"
        "ko": "{first} 등",
        "en": "{first}…",
        "zh": "{first} 等",
        "vi": "{first}…",
    },
    # What voice says for a key whose label is a sign.
    "email.say.at": {"ko": "골뱅이, 앳 기호", "en": "at sign", "zh": "at 符号", "vi": "a còng"},
    "email.say.dot": {"ko": "점", "en": "dot", "zh": "点", "vi": "dấu chấm"},
    "email.say.underscore": {"ko": "밑줄", "en": "underscore", "zh": "底线", "vi": "gạch dưới"},
    "email.say.hyphen": {"ko": "하이픈", "en": "hyphen", "zh": "连字符", "vi": "gạch ngang"},
    "email.say.plus": {"ko": "더하기 기호", "en": "plus sign", "zh": "加号", "vi": "dấu cộng"},
    # The address is never read aloud: voice says how long it is.
    "email.say.typed": {
        "ko": "{count}자를 입력했습니다",
        "en": "{count} characters typed",
        "zh": "已输入{count}个字符",
        "vi": "Đã nhập {count} ký tự",
    },
}
