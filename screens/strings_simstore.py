"""Words for voice guidance as a device (kiosk/voice_guide.py, kiosk/maintenance/device_words.py): the
technician's board lines for a speech engine, a language's voice or a sound output that fails, and the
resident's notice while it does. Waiting to be folded into the gettext catalogs (screens/strings.py).
"""

from __future__ import annotations

STRINGS_SIMSTORE: dict[str, dict[str, str]] = {
    # The resident's notice (kiosk/availability.py): the booth still serves, the voice may not.
    "notice.voice-unavailable": {
        "ko": "지금은 음성 안내가 나오지 않을 수 있습니다. 도움이 필요하면 호출 버튼을 눌러 주세요",
        "en": "Voice guidance may not work right now. Press the help button if you need assistance",
        "zh": "语音引导暂时可能无法使用。如需帮助，请按呼叫按钮",
        "vi": "Hướng dẫn bằng giọng nói hiện có thể không hoạt động. Nếu cần giúp đỡ, vui lòng nhấn nút trợ giúp",
    },
    # The technician's board: what is wrong ...
    "board.cond.speech-engine-missing": {
        "ko": "음성 엔진이 설치되어 있지 않음",
        "en": "Speech engine not installed",
        "zh": "未安装语音引擎",
        "vi": "Chưa cài bộ đọc giọng nói",
    },
    "board.cond.voice-missing": {
        "ko": "일부 언어의 음성이 없음",
        "en": "No voice for some languages",
        "zh": "部分语言没有语音",
        "vi": "Thiếu giọng đọc cho một số ngôn ngữ",
    },
    "board.cond.voice-missing-ko": {
        "ko": "한국어 음성이 없음",
        "en": "No Korean voice",
        "zh": "没有韩语语音",
        "vi": "Thiếu giọng đọc tiếng Hàn",
    },
    "board.cond.voice-missing-en": {
        "ko": "영어 음성이 없음",
        "en": "No English voice",
        "zh": "没有英语语音",
        "vi": "Thiếu giọng đọc tiếng Anh",
    },
    "board.cond.voice-missing-zh": {
        "ko": "중국어 음성이 없음",
        "en": "No Chinese voice",
        "zh": "没有中文语音",
        "vi": "Thiếu giọng đọc tiếng Trung",
    },
    "board.cond.voice-missing-vi": {
        "ko": "베트남어 음성이 없음",
        "en": "No Vietnamese voice",
        "zh": "没有越南语语音",
        "vi": "Thiếu giọng đọc tiếng Việt",
    },
    "board.cond.sound-failed": {
        "ko": "소리가 출력되지 않음",
        "en": "Sound output failed",
        "zh": "声音无法输出",
        "vi": "Không phát được âm thanh",
    },
    "board.cond.speaker-failed": {
        "ko": "스피커에서 소리가 나지 않음",
        "en": "Speaker output failed",
        "zh": "扬声器无法发声",
        "vi": "Loa không phát được âm thanh",
    },
    "board.cond.earphone-failed": {
        "ko": "이어폰 단자에서 소리가 나지 않음",
        "en": "Earphone output failed",
        "zh": "耳机插孔无法发声",
        "vi": "Cổng tai nghe không phát được âm thanh",
    },
    # ... and what to do next.
    "board.todo.install-espeak-ng": {
        "ko": "espeak-ng 패키지를 설치한 뒤 키오스크를 다시 시작하세요",
        "en": "install the espeak-ng package, then restart the kiosk",
        "zh": "请安装 espeak-ng 软件包，然后重新启动自助机",
        "vi": "hãy cài gói espeak-ng rồi khởi động lại máy",
    },
    "board.todo.reinstall-voices": {
        "ko": "espeak-ng-data 패키지를 다시 설치한 뒤 키오스크를 다시 시작하세요",
        "en": "reinstall the espeak-ng-data package, then restart the kiosk",
        "zh": "请重新安装 espeak-ng-data 软件包，然后重新启动自助机",
        "vi": "hãy cài lại gói espeak-ng-data rồi khởi động lại máy",
    },
    "board.todo.check-speaker": {
        "ko": "스피커 케이블과 앰프 전원을 확인하세요",
        "en": "check the speaker cable and the amplifier's power",
        "zh": "请检查扬声器线缆和功放电源",
        "vi": "hãy kiểm tra dây loa và nguồn của bộ khuếch đại",
    },
    "board.todo.check-earphone-jack": {
        "ko": "이어폰 단자의 USB 오디오 장치 연결을 확인하세요",
        "en": "check the earphone jack's USB audio adapter and its cable",
        "zh": "请检查耳机插孔的 USB 音频适配器及其连线",
        "vi": "hãy kiểm tra bộ chuyển âm thanh USB của cổng tai nghe và dây nối",
    },
}
