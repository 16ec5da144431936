"""Words the keypad work adds, in the four languages (merged into screens.strings.STRINGS).

The lead folds these into the gettext catalogs at merge time.
"""

from __future__ import annotations

import unicodedata

STRINGS: dict[str, dict[str, str]] = {
    # Shown while the booth's accessibility keypad is unplugged or broken: the touch screen still works.
    "notice.keypad-unavailable": {
        "ko": "접근성 키패드가 고장 나 있습니다. 화면을 눌러 이용해 주세요",
        "en": "The accessibility keypad is out of order: please use the touch screen",
        "zh": "无障碍键盘暂时无法使用，请触摸屏幕操作",
        "vi": unicodedata.normalize("NFC", "Bàn phím hỗ trợ tiếp cận đang bị hỏng. Vui lòng dùng màn hình cảm ứng"),
    },
}
