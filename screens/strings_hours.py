"""Words of the booth's hours and sensors (helper "hours", issue 16): when a closed booth opens, what
it will offer then, and why issuing stopped (a holiday, the last start before closing, a power cut,
an overheated cabinet, a document's own hours). Folded into the gettext catalogs at merge."""

from __future__ import annotations

STRINGS_HOURS: dict[str, dict[str, str]] = {
    "idle.opens-today": {
        "ko": "오늘 {time}에 엽니다",
        "en": "Opens today at {time}",
        "zh": "今天 {time} 开放",
        "vi": "Mở cửa hôm nay lúc {time}",
    },
    "idle.opens-tomorrow": {
        "ko": "내일 {time}에 엽니다",
        "en": "Opens tomorrow at {time}",
        "zh": "明天 {time} 开放",
        "vi": "Mở cửa ngày mai lúc {time}",
    },
    "idle.opens-on": {
        "ko": "{date} {time}에 엽니다",
        "en": "Opens {date} at {time}",
        "zh": "{date} {time} 开放",
        "vi": "Mở cửa {date} lúc {time}",
    },
    "idle.date": {
        "ko": "{month_name} {day}일({weekday})",
        "en": "{weekday} {day} {month_name}",
        "zh": "{month_name}{day}日（{weekday}）",
        "vi": "{weekday}, ngày {day} {month_name}",
    },
    "idle.offered-then": {
        "ko": "그때 발급할 수 있는 서류: {documents}",
        "en": "Documents you can get then: {documents}",
        "zh": "届时可办理的证明：{documents}",
        "vi": "Giấy tờ có thể cấp khi đó: {documents}",
    },
    "reason.holiday": {
        "ko": "공휴일에는 발급하지 않습니다",
        "en": "Closed on public holidays",
        "zh": "公共假日不办理",
        "vi": "Không cấp giấy tờ vào ngày lễ",
    },
    "reason.last-start-passed": {
        "ko": "발급 시간이 곧 끝나 새로 시작할 수 없습니다",
        "en": "Issuing hours end soon: a new session cannot start",
        "zh": "办理时间即将结束，无法开始新的办理",
        "vi": "Sắp hết giờ cấp, không thể bắt đầu lượt mới",
    },
    "reason.on-battery": {
        "ko": "정전으로 예비 전원으로 작동 중이라 새로 시작할 수 없습니다",
        "en": "Power cut: running on battery, a new session cannot start",
        "zh": "停电，设备正在使用备用电源，无法开始新的办理",
        "vi": "Mất điện: máy đang chạy bằng pin, không thể bắt đầu lượt mới",
    },
    "reason.overheat": {
        "ko": "기기 내부 온도가 높아 식을 때까지 발급을 멈춥니다",
        "en": "The booth is too hot: issuing stops until it cools down",
        "zh": "设备内部温度过高，降温前暂停办理",
        "vi": "Máy quá nóng: tạm ngừng cấp cho đến khi nguội",
    },
    "reason.document-hours": {
        "ko": "지금은 이 서류의 발급 시간이 아닙니다",
        "en": "This document is not issued at this hour",
        "zh": "此时段不办理该证明",
        "vi": "Giấy tờ này không được cấp vào giờ này",
    },
    "reason.server-maintenance": {
        "ko": "중앙 발급 시스템 점검 시간입니다",
        "en": "The central issuing system is under maintenance",
        "zh": "中央办理系统正在维护",
        "vi": "Hệ thống cấp giấy tờ trung tâm đang bảo trì",
    },
    "tech.overheat": {
        "ko": "기기 내부 환풍기와 공기 필터를 점검하세요. 온도가 내려가면 자동으로 다시 발급합니다.",
        "en": "Check the cabinet's fan and air filter. Issuing resumes by itself once the cabinet cools down.",
        "zh": "请检查机柜风扇和空气过滤网。温度下降后自动恢复办理。",
        "vi": "Kiểm tra quạt và lưới lọc khí trong tủ máy. Máy tự cấp lại khi đã nguội.",
    },
    **{f"weekday.{i}": names for i, names in enumerate((
        {"ko": "월", "en": "Mon", "zh": "周一", "vi": "Thứ Hai"},
        {"ko": "화", "en": "Tue", "zh": "周二", "vi": "Thứ Ba"},
        {"ko": "수", "en": "Wed", "zh": "周三", "vi": "Thứ Tư"},
        {"ko": "목", "en": "Thu", "zh": "周四", "vi": "Thứ Năm"},
        {"ko": "금", "en": "Fri", "zh": "周五", "vi": "Thứ Sáu"},
        {"ko": "토", "en": "Sat", "zh": "周六", "vi": "Thứ Bảy"},
        {"ko": "일", "en": "Sun", "zh": "周日", "vi": "Chủ Nhật"},
    ))},
    **{f"month.{i}": {"ko": f"{i}월", "en": name, "zh": f"{i}月", "vi": f"tháng {i}"}
       for i, name in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"), start=1)},
}
