"""The keypad in the booth: its keys reach the right sink, its absence is a notice and never an
out-of-service, its config is checked, and a scenario drives it through the FIFO."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from common.keypad_keys import VOICE_KEYS, Key
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.keypad import EarphoneJack, KeyPressed
from kiosk.availability import assess
from kiosk.booth.keypad_dispatch import KeypadDispatcher
from kiosk.config import ConfigError
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.rig.scenario import ScenarioFailed, run_scenario


class RecordingScreens:
    def __init__(self) -> None:
        self.got: list[object] = []

    def keypad(self, key: Key) -> None:
        self.got.append(key)

    def earphone(self, plugged: bool) -> None:
        self.got.append(("earphone", plugged))


class RecordingVoice:
    """A voice guide whose methods are coroutines, as a TTS-backed one's may be."""

    def __init__(self) -> None:
        self.got: list[object] = []

    async def keypad(self, key: Key) -> None:
        await asyncio.sleep(0)
        self.got.append(key)

    async def earphone(self, plugged: bool) -> None:
        self.got.append(("earphone", plugged))


class BrokenScreens(RecordingScreens):
    def keypad(self, key: Key) -> None:
        raise RuntimeError("a screen bug")


async def test_voice_keys_and_the_jack_go_to_voice_every_other_key_to_the_screens() -> None:
    screens, voice = RecordingScreens(), RecordingVoice()
    dispatcher = KeypadDispatcher(screens=screens)
    dispatcher.connect(voice=voice)
    for key in Key:
        dispatcher.dispatch(KeyPressed(key))
    dispatcher.dispatch(EarphoneJack(True))
    await asyncio.sleep(0.01)
    assert not dispatcher.busy
    assert screens.got == [k for k in Key if k not in VOICE_KEYS]
    assert voice.got == [k for k in Key if k in VOICE_KEYS] + [("earphone", True)]
    assert Key.VOICE in screens.got  # voice on/off is an accessibility setting the screens change
    assert dispatcher.handled == len(Key) + 1
    await dispatcher.close()


async def test_a_sink_that_fails_does_not_stop_the_next_key_or_the_other_sink() -> None:
    screens, voice = BrokenScreens(), RecordingVoice()
    dispatcher = KeypadDispatcher(screens=screens, voice=voice)
    dispatcher.dispatch(KeyPressed(Key.OK))
    dispatcher.dispatch(KeyPressed(Key.REPLAY))
    dispatcher.dispatch(EarphoneJack(False))
    await asyncio.sleep(0.01)
    assert voice.got == [Key.REPLAY, ("earphone", False)]
    assert screens.got == []
    # Nobody connected yet (the window is not up): keys are counted and dropped, nothing raises.
    lonely = KeypadDispatcher()
    lonely.dispatch(KeyPressed(Key.DOWN))
    assert lonely.handled == 1
    await dispatcher.close()


def _statuses(keypad: DeviceStatus | None) -> dict[str, DeviceStatus]:
    online = {name: DeviceStatus(name, DeviceState.ONLINE, supplies={"paper": SupplyLevel.FULL})
              for name in ("a4_printer", "receipt_printer", "fingerprint", "cash")}
    return online | ({"keypad": keypad} if keypad is not None else {})


def test_a_missing_keypad_is_a_notice_and_the_kiosk_stays_in_service() -> None:
    config = load_config(CONFIG_DIR / "kiosk.toml")
    assert config.keypad.enabled
    now = dt.datetime(2026, 12, 6, 10, 0)
    for status in (DeviceStatus("keypad", DeviceState.OFFLINE, "unplugged"), None):
        availability = assess(config, _statuses(status), server_ok=True, now=now, fees={}, change_available=20_000)
        assert availability.out_of_service_reason == "" and availability.open_reason == ""
        assert "keypad-unavailable" in availability.notices
        assert all(d.available for d in availability.documents)
    fine = assess(config, _statuses(DeviceStatus("keypad", DeviceState.ONLINE, "jack-device-missing")),
                  server_ok=True, now=now, fees={}, change_available=20_000)
    assert "keypad-unavailable" not in fine.notices


@pytest.mark.parametrize(("text", "message"), [
    ('[keypad]\ndevice = "event3"\n', "keypad.device: 'event3': name the event node by its absolute path"),
    ('[keypad]\njack_device = "/dev/input/by-id/usb-keypad-event-kbd"\n', "keypad.jack_device: the keypad's own"),
    ('[keypad.keys]\nKEY_NOPE = "ok"\n', "keypad.keys.KEY_NOPE: 'KEY_NOPE' is not a Linux key code"),
    ('[keypad.keys]\nKEY_F1 = "shout"\n', "keypad.keys.KEY_F1: 'shout' is not a keypad key"),
])
def test_a_wrong_keypad_setting_names_its_key(tmp_path: Path, text: str, message: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(CONFIG_DIR / "kiosk.toml", site)
    assert str(err.value).startswith(f"{site}: ") and message in str(err.value)


def test_a_booth_remaps_its_keypads_keys_in_config(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[keypad.keys]\nKEY_F5 = "voice"\n"183" = "help"\n', encoding="utf-8")
    assert load_config(CONFIG_DIR / "kiosk.toml", site).keypad.keys == {"KEY_F5": "voice", "183": "help"}


SCENARIO = '''name = "the keypad's wire in a booth"

[[step]]
expect_screen = "idle"
[[step]]
expect_device = { device = "keypad", state = "online", reason = "" }
[[step]]
press = ["down", "down", "down"]  # start, pickup, then the language button
[[step]]
expect_focus = "lang"
[[step]]
type_keys = "0123"
[[step]]
plug_earphone = true
[[step]]
expect_sim = { simulator = "keypad", path = "earphone", value = true }
[[step]]
plug_earphone = false
[[step]]
unplug_keypad = true
[[step]]
expect_device = { device = "keypad", state = "offline", reason = "unplugged" }
[[step]]
expect_notice = "keypad-unavailable"
[[step]]
expect_screen = "idle"
[[step]]
plug_keypad = true
[[step]]
expect_device = { device = "keypad", state = "online" }
[[step]]
press = "help"
'''


@pytest.mark.timeout(60)
async def test_a_scenario_presses_keys_through_the_fifo_and_pulls_the_cable(tmp_path: Path) -> None:
    path = tmp_path / "keypad.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = await run_scenario(path)
    assert result.screens[0] in ("boot", "idle")


@pytest.mark.timeout(60)
async def test_a_key_while_the_keypad_is_unplugged_is_a_fail_line(tmp_path: Path) -> None:
    path = tmp_path / "keypad.toml"
    path.write_text('name = "x"\n[[step]]\nexpect_screen = "idle"\n[[step]]\nunplug_keypad = true\n'
                    '[[step]]\npress = "ok"\n', encoding="utf-8")
    with pytest.raises(ScenarioFailed) as failed:
        await run_scenario(path)
    assert failed.value.index == 3 and "unplugged" in failed.value.why
