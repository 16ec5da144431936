"""Words the layout work (issue 14) added, in all four languages; merged into screens.strings.STRINGS.

The lead folds them into the gettext catalogs at merge time.
"""

from __future__ import annotations

STRINGS_LAYOUT: dict[str, dict[str, str]] = {
    # The clear key's word when "전체 지움" does not fit a key at 200 % (ATMs say 정정).
    "key.clear_short": {"ko": "정정", "en": "Clear", "zh": "清除", "vi": "Xóa"},
    # The buttons every resident screen has (short: at 200 % each word must fit on one line).
    "service.language": {"ko": "언어", "en": "Language", "zh": "语言", "vi": "Ngôn ngữ"},
    "service.access": {"ko": "접근성", "en": "Access", "zh": "无障碍", "vi": "Trợ năng"},
    "service.help": {"ko": "도움", "en": "Help", "zh": "帮助", "vi": "Trợ giúp"},
    "button.back": {"ko": "이전", "en": "Back", "zh": "返回", "vi": "Quay lại"},
    # The pager's "previous page" (button.page_prev says "Back" in English, which the back button is).
    "page.prev": {"ko": "이전 목록", "en": "Previous", "zh": "上一页", "vi": "Trang trước"},
    # Progress steps; the current one is written out as "2/4 본인 확인" beside the dots.
    "progress.document": {"ko": "서류 선택", "en": "Document", "zh": "选择证件", "vi": "Chọn giấy tờ"},
    "progress.identity": {"ko": "본인 확인", "en": "Identity", "zh": "身份确认", "vi": "Xác minh"},
    "progress.payment": {"ko": "결제", "en": "Payment", "zh": "付款", "vi": "Thanh toán"},
    "progress.issue": {"ko": "발급", "en": "Issue", "zh": "发放", "vi": "Cấp giấy"},
    # Which finger this booth asks for (config [fingerprint] finger): a whole sentence each, so
    # no language needs a particle chosen by the finger's name.
    "fingerprint.finger.right_index": {
        "ko": "오른손 검지를 올려 주세요",
        "en": "Place your right index finger",
        "zh": "请放上右手食指",
        "vi": "Đặt ngón trỏ tay phải lên",
    },
    "fingerprint.finger.left_index": {
        "ko": "왼손 검지를 올려 주세요",
        "en": "Place your left index finger",
        "zh": "请放上左手食指",
        "vi": "Đặt ngón trỏ tay trái lên",
    },
    "fingerprint.finger.right_thumb": {
        "ko": "오른손 엄지를 올려 주세요",
        "en": "Place your right thumb",
        "zh": "请放上右手拇指",
        "vi": "Đặt ngón cái tay phải lên",
    },
    "fingerprint.finger.left_thumb": {
        "ko": "왼손 엄지를 올려 주세요",
        "en": "Place your left thumb",
        "zh": "请放上左手拇指",
        "vi": "Đặt ngón cái tay trái lên",
    },
    "fingerprint.finger.any": {
        "ko": "등록한 손가락을 올려 주세요",
        "en": "Place a finger you registered",
        "zh": "请放上已登记的手指",
        "vi": "Đặt ngón tay đã đăng ký lên",
    },
    # Where this booth's sensor is (config [fingerprint] sensor_position), beside its picture.
    "sensor.below-screen-right": {
        "ko": "지문 인식기는 화면 아래 오른쪽에 있습니다",
        "en": "The sensor is below the screen, on the right",
        "zh": "指纹识别器在屏幕下方右侧",
        "vi": "Cảm biến ở dưới màn hình, bên phải",
    },
    "sensor.below-screen-left": {
        "ko": "지문 인식기는 화면 아래 왼쪽에 있습니다",
        "en": "The sensor is below the screen, on the left",
        "zh": "指纹识别器在屏幕下方左侧",
        "vi": "Cảm biến ở dưới màn hình, bên trái",
    },
    "sensor.below-screen-center": {
        "ko": "지문 인식기는 화면 바로 아래에 있습니다",
        "en": "The sensor is right below the screen",
        "zh": "指纹识别器在屏幕正下方",
        "vi": "Cảm biến ở ngay dưới màn hình",
    },
    "sensor.right-of-screen": {
        "ko": "지문 인식기는 화면 오른쪽에 있습니다",
        "en": "The sensor is to the right of the screen",
        "zh": "指纹识别器在屏幕右侧",
        "vi": "Cảm biến ở bên phải màn hình",
    },
}
