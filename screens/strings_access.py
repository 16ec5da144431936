"""Words of the technician's PIN screen and of the service door (kiosk.maintenance.access), in the four
languages, until the lead folds them into the gettext catalogs."""

from __future__ import annotations

STRINGS_ACCESS: dict[str, dict[str, str]] = {
    "tech.login.title": {
        "ko": "기술자 로그인",
        "en": "Technician login",
        "zh": "技术人员登录",
        "vi": "Đăng nhập kỹ thuật viên",
    },
    "tech.login.card": {
        "ko": "서비스 문이 열려 있습니다. 기술자 카드를 카드 투입구에 넣어 주세요.",
        "en": "The service door is open. Insert your technician card in the card slot.",
        "zh": "维修门已打开。请将技术人员卡插入读卡口。",
        "vi": "Cửa bảo trì đang mở. Hãy đưa thẻ kỹ thuật viên vào khe đọc thẻ.",
    },
    "tech.login.card_alarm": {
        "ko": "{seconds}초 안에 로그인하지 않으면 경보가 울리고 기기가 운영 중지됩니다.",
        "en": "Log in within {seconds} seconds, or an alarm is sent and the booth stops serving.",
        "zh": "如未在 {seconds} 秒内登录，将发出警报并停止服务。",
        "vi": "Hãy đăng nhập trong {seconds} giây, nếu không hệ thống sẽ báo động và ngừng phục vụ.",
    },
    "tech.login.reading": {
        "ko": "카드를 읽고 있습니다. 카드를 빼지 마세요.",
        "en": "Reading the card. Do not take it out.",
        "zh": "正在读卡，请勿取出卡片。",
        "vi": "Đang đọc thẻ. Đừng rút thẻ ra.",
    },
    "tech.login.who": {
        "ko": "기술자 {technician}",
        "en": "Technician {technician}",
        "zh": "技术人员 {technician}",
        "vi": "Kỹ thuật viên {technician}",
    },
    "tech.login.pin": {
        "ko": "비밀번호(4~12자리)를 누르고 확인을 누르세요.",
        "en": "Type your PIN (4 to 12 digits), then press OK.",
        "zh": "请输入密码（4至12位），然后按确认。",
        "vi": "Nhập mã PIN (4 đến 12 chữ số), rồi bấm OK.",
    },
    "tech.login.tries": {
        "ko": "남은 시도: {count}회",
        "en": "Tries left: {count}",
        "zh": "剩余尝试次数：{count} 次",
        "vi": "Số lần thử còn lại: {count}",
    },
    "tech.login.checking": {
        "ko": "카드가 비밀번호를 확인하고 있습니다.",
        "en": "The card is checking the PIN.",
        "zh": "卡片正在验证密码。",
        "vi": "Thẻ đang kiểm tra mã PIN.",
    },
    "tech.login.take_out": {
        "ko": "카드를 빼 주세요. 기기는 곧 서비스로 돌아갑니다.",
        "en": "Take the card out. The booth then returns to service.",
        "zh": "请取出卡片。设备随后将恢复服务。",
        "vi": "Hãy rút thẻ ra. Máy sẽ trở lại phục vụ.",
    },
    "tech.error.wrong-pin": {
        "ko": "비밀번호가 틀렸습니다. 다시 입력하세요.",
        "en": "Wrong PIN. Type it again.",
        "zh": "密码错误，请重新输入。",
        "vi": "Sai mã PIN. Hãy nhập lại.",
    },
    "tech.error.pin-too-short": {
        "ko": "비밀번호는 4자리 이상입니다.",
        "en": "A PIN has at least 4 digits.",
        "zh": "密码至少为 4 位。",
        "vi": "Mã PIN có ít nhất 4 chữ số.",
    },
    "tech.error.card-locked": {
        "ko": "비밀번호를 3회 틀려 카드가 잠겼습니다. 관리자에게 카드를 다시 발급받으세요.",
        "en": "Three wrong PINs: the card is locked. Ask your supervisor for a new card.",
        "zh": "密码错误 3 次，卡片已锁定。请向主管申请新卡。",
        "vi": "Sai mã PIN 3 lần: thẻ đã bị khóa. Hãy xin người quản lý cấp thẻ mới.",
    },
    "tech.error.card-refused": {
        "ko": "이 기기에서 잠긴 카드입니다. 관리자에게 문의하세요.",
        "en": "This card is locked out of this booth. Call your supervisor.",
        "zh": "此卡已被本设备锁定。请联系主管。",
        "vi": "Thẻ này đã bị khóa trên máy này. Hãy gọi người quản lý.",
    },
    "tech.error.not-a-technician-card": {
        "ko": "기술자 카드가 아닙니다. 카드를 빼고 기술자 카드를 넣으세요.",
        "en": "This is not a technician card. Take it out and insert your technician card.",
        "zh": "这不是技术人员卡。请取出并插入技术人员卡。",
        "vi": "Đây không phải thẻ kỹ thuật viên. Hãy rút ra và đưa thẻ kỹ thuật viên vào.",
    },
    "tech.error.card-unreadable": {
        "ko": "카드를 읽을 수 없습니다. 카드를 빼고 다시 넣으세요.",
        "en": "The card cannot be read. Take it out and insert it again.",
        "zh": "无法读取卡片。请取出后重新插入。",
        "vi": "Không đọc được thẻ. Hãy rút ra và đưa vào lại.",
    },
    "tech.door-open": {
        "ko": "서비스 문을 닫거나, 기술자 카드와 비밀번호로 로그인하세요.",
        "en": "Close the service door, or log in with a technician card and its PIN.",
        "zh": "请关闭维修门，或使用技术人员卡和密码登录。",
        "vi": "Hãy đóng cửa bảo trì, hoặc đăng nhập bằng thẻ kỹ thuật viên và mã PIN.",
    },
}
