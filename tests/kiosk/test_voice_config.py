"""The [voice] section: the shipped defaults load, and a volume or rate off the keys' steps is refused by name."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.voice_guide import VoiceGuide


def test_the_shipped_voice_settings_are_steps_the_keys_reach() -> None:
    voice = load_config(CONFIG_DIR / "kiosk.toml").voice
    assert voice.enabled and voice.engine == "espeak-ng"
    assert voice.volume_db in VoiceGuide.VOLUME_STEPS_DB and voice.rate_wpm in VoiceGuide.RATE_STEPS_WPM
    assert VoiceGuide.VOLUME_STEPS_DB[-1] - VoiceGuide.VOLUME_STEPS_DB[0] >= 50


@pytest.mark.parametrize(("table", "key"), [
    ({"volume_db": -17}, "voice.volume_db"),
    ({"volume_db": 5}, "voice.volume_db"),
    ({"rate_wpm": 70}, "voice.rate_wpm"),
    ({"earphone_device": " "}, "voice.earphone_device"),
    ({"engine": "say"}, "voice.engine"),
])
def test_a_wrong_voice_value_is_refused_naming_its_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(CONFIG_DIR / "kiosk.toml", layers=[("site.toml", {"voice": table})])
