"""The words of the screen runner's own overlays (language chooser, accessibility menu, help prompt)
and of what voice guidance says around the screens' texts (roles, states, positions, hidden numbers).

Shaped like `screens.strings.STRINGS`, merged into it at the end of that module; every entry has
all four languages. Keys start with "runner." so they never collide with another helper's.
"""

from __future__ import annotations

# Each language's name in that language: the chooser labels each button so that a resident who
# cannot read the current language still finds their own.
LANGUAGE_NAMES: dict[str, str] = {"ko": "한국어", "en": "English", "zh": "中文", "vi": "Tiếng Việt"}

STRINGS: dict[str, dict[str, str]] = {
    # --- the language chooser and the accessibility menu ---------------------------------
    "runner.menu.language": {
        "ko": "언어를 고르세요",
        "en": "Choose a language",
        "zh": "请选择语言",
        "vi": "Chọn ngôn ngữ",
    },
    "runner.menu.access": {
        "ko": "편의 기능",
        "en": "Accessibility",
        "zh": "无障碍功能",
        "vi": "Tiện ích hỗ trợ",
    },
    "runner.menu.close": {"ko": "닫기", "en": "Close", "zh": "关闭", "vi": "Đóng"},
    "runner.menu.prev": {"ko": "이전", "en": "Previous", "zh": "上一页", "vi": "Trang trước"},
    "runner.menu.next": {"ko": "다음", "en": "Next", "zh": "下一页", "vi": "Trang sau"},
    "runner.access.zoom": {"ko": "글자 크게", "en": "Large text", "zh": "大字体", "vi": "Chữ lớn"},
    "runner.access.high_contrast": {
        "ko": "고대비 화면",
        "en": "High contrast",
        "zh": "高对比度",
        "vi": "Tương phản cao",
    },
    "runner.access.low_position": {
        "ko": "낮은 화면",
        "en": "Low screen",
        "zh": "低位显示",
        "vi": "Hiển thị thấp",
    },
    "runner.access.voice": {
        "ko": "음성 안내",
        "en": "Voice guidance",
        "zh": "语音导览",
        "vi": "Hướng dẫn bằng giọng nói",
    },
    "runner.state.on": {"ko": "켜짐", "en": "On", "zh": "开", "vi": "Bật"},
    "runner.state.off": {"ko": "꺼짐", "en": "Off", "zh": "关", "vi": "Tắt"},
    # --- the help prompt ----------------------------------------------------------------------
    "runner.help.title": {"ko": "도움 요청", "en": "Help", "zh": "求助", "vi": "Trợ giúp"},
    "runner.help.phone": {
        "ko": "도움이 필요하시면 {phone} 번으로 전화해 주세요",
        "en": "For help, call {phone}",
        "zh": "如需帮助，请拨打 {phone}",
        "vi": "Cần trợ giúp, xin gọi {phone}",
    },
    "runner.help.sent": {
        "ko": "직원에게 도움 요청을 보냈습니다. 잠시 기다려 주세요",
        "en": "Your request has reached the staff. Please wait",
        "zh": "已通知工作人员，请稍候",
        "vi": "Yêu cầu đã được gửi tới nhân viên. Xin vui lòng chờ",
    },
    "runner.help.not_sent": {
        "ko": "요청이 아직 직원에게 닿지 않았습니다. 위 번호로 전화해 주세요",
        "en": "Your request has not reached the staff yet. Please call the number above",
        "zh": "请求尚未送达工作人员，请拨打上面的电话",
        "vi": "Yêu cầu chưa đến được nhân viên. Xin gọi số điện thoại ở trên",
    },
    "runner.help.not_sent_no_phone": {
        "ko": "요청이 아직 직원에게 닿지 않았습니다. 가까운 주민센터에 문의해 주세요",
        "en": "Your request has not reached the staff yet. Please ask a community centre nearby",
        "zh": "请求尚未送达工作人员，请咨询附近的居民中心",
        "vi": "Yêu cầu chưa đến được nhân viên. Xin hỏi trung tâm dân cư gần nhất",
    },
    # --- what voice says around the texts --------------------------------------------------
    "runner.say.button": {"ko": "{label}, 버튼", "en": "{label}, button", "zh": "{label}，按钮", "vi": "{label}, nút"},
    "runner.say.selected": {"ko": "선택됨", "en": "selected", "zh": "已选择", "vi": "đã chọn"},
    "runner.say.not_selected": {"ko": "선택 안 됨", "en": "not selected", "zh": "未选择", "vi": "chưa chọn"},
    "runner.say.disabled": {"ko": "사용할 수 없음", "en": "unavailable", "zh": "不可用", "vi": "không dùng được"},
    "runner.say.position": {
        "ko": "{total}개 중 {index}번째",
        "en": "{index} of {total}",
        "zh": "第{index}项，共{total}项",
        "vi": "mục {index} trên {total}",
    },
    "runner.say.focus": {
        "ko": "현재 위치: {item}",
        "en": "Now on: {item}",
        "zh": "当前：{item}",
        "vi": "Đang ở: {item}",
    },
    "runner.say.digits_typed": {
        "ko": "숫자 {count}자리를 입력했습니다",
        "en": "{count} digits typed",
        "zh": "已输入{count}位数字",
        "vi": "Đã nhập {count} chữ số",
    },
    "runner.say.typed": {
        "ko": "입력한 번호 {text}",
        "en": "Typed: {text}",
        "zh": "已输入：{text}",
        "vi": "Đã nhập: {text}",
    },
    "runner.say.hidden_number": {
        "ko": "가려진 번호 {count}자리",
        "en": "hidden number, {count} digits",
        "zh": "隐藏的号码，{count}位",
        "vi": "số đã ẩn, {count} chữ số",
    },
    "runner.say.copies_more": {"ko": "한 부 더", "en": "One more copy", "zh": "多一份", "vi": "Thêm một bản"},
    "runner.say.copies_fewer": {"ko": "한 부 덜", "en": "One copy fewer", "zh": "少一份", "vi": "Bớt một bản"},
    "runner.say.key_dash": {"ko": "붙임표", "en": "dash", "zh": "连字符", "vi": "gạch nối"},
}
