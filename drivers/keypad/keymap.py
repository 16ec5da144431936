"""Which Linux key code means which keypad key: the default table, and a booth's own overrides.

The kiosk's audio keypads (Storm AudioNav, EZ-Access style) enumerate as USB HID keyboards, so each
key arrives as a key code of <linux/input-event-codes.h>. Keypad makers differ in what their
function keys send, so the table is a default that a booth's config can change key by key
(``[keypad.keys] KEY_F1 = "voice"``). The default, by key:

| keypad key | Linux key codes (decimal) |
| --- | --- |
| 0-9 (5: the tactile dot) | KEY_KP0..KEY_KP9 (82, 79, 80, 81, 75, 76, 77, 71, 72, 73); KEY_0..KEY_9 (11, 2..10) |
| up / down / left / right | KEY_UP 103, KEY_DOWN 108, KEY_LEFT 105, KEY_RIGHT 106 (KEY_KP8/2/4/6 stay digits) |
| ok | KEY_ENTER 28, KEY_KPENTER 96, KEY_OK 352, KEY_SELECT 353 |
| back / cancel | KEY_BACKSPACE 14, KEY_ESC 1, KEY_BACK 158, KEY_CANCEL 223 |
| help | KEY_HELP 138, KEY_F2 60 |
| volume + / - | KEY_VOLUMEUP 115, KEY_VOLUMEDOWN 114 |
| speech rate + / - | KEY_FASTFORWARD 208, KEY_REWIND 168; KEY_KPPLUS 78, KEY_KPMINUS 74 |
| replay | KEY_AGAIN 129, KEY_F3 61 |
| pause | KEY_PLAYPAUSE 164, KEY_PAUSE 119 |
| voice on/off | KEY_SOUND 213, KEY_F1 59 |

The earphone jack is not a key: it is the switch SW_HEADPHONE_INSERT (2) of type EV_SW, 1 when an
earphone is in. Any other code is logged once, by name, and otherwise ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

from common.keypad_keys import Key

# The names of <linux/input-event-codes.h> this driver knows, for the log and for config overrides.
KEY_CODES: dict[str, int] = {
    "KEY_ESC": 1, "KEY_1": 2, "KEY_2": 3, "KEY_3": 4, "KEY_4": 5, "KEY_5": 6, "KEY_6": 7, "KEY_7": 8,
    "KEY_8": 9, "KEY_9": 10, "KEY_0": 11, "KEY_MINUS": 12, "KEY_EQUAL": 13, "KEY_BACKSPACE": 14,
    "KEY_TAB": 15, "KEY_ENTER": 28, "KEY_SPACE": 57, "KEY_F1": 59, "KEY_F2": 60, "KEY_F3": 61,
    "KEY_F4": 62, "KEY_F5": 63, "KEY_F6": 64, "KEY_F7": 65, "KEY_F8": 66, "KEY_F9": 67, "KEY_F10": 68,
    "KEY_NUMLOCK": 69, "KEY_KP7": 71, "KEY_KP8": 72, "KEY_KP9": 73, "KEY_KPMINUS": 74, "KEY_KP4": 75,
    "KEY_KP5": 76, "KEY_KP6": 77, "KEY_KPPLUS": 78, "KEY_KP1": 79, "KEY_KP2": 80, "KEY_KP3": 81,
    "KEY_KP0": 82, "KEY_KPDOT": 83, "KEY_F11": 87, "KEY_F12": 88, "KEY_KPENTER": 96, "KEY_KPSLASH": 98,
    "KEY_HOME": 102, "KEY_UP": 103, "KEY_PAGEUP": 104, "KEY_LEFT": 105, "KEY_RIGHT": 106, "KEY_END": 107,
    "KEY_DOWN": 108, "KEY_PAGEDOWN": 109, "KEY_MUTE": 113, "KEY_VOLUMEDOWN": 114, "KEY_VOLUMEUP": 115,
    "KEY_KPASTERISK": 55, "KEY_PAUSE": 119, "KEY_AGAIN": 129, "KEY_HELP": 138, "KEY_MENU": 139,
    "KEY_BACK": 158, "KEY_NEXTSONG": 163, "KEY_PLAYPAUSE": 164, "KEY_PREVIOUSSONG": 165,
    "KEY_STOPCD": 166, "KEY_REWIND": 168, "KEY_FASTFORWARD": 208, "KEY_SOUND": 213, "KEY_CANCEL": 223,
    "KEY_OK": 352, "KEY_SELECT": 353,
}
CODE_NAMES: dict[int, str] = {code: name for name, code in KEY_CODES.items()}

DEFAULT_KEYMAP: dict[int, Key] = {
    **{KEY_CODES[f"KEY_KP{d}"]: Key(str(d)) for d in range(10)},
    **{KEY_CODES[f"KEY_{d}"]: Key(str(d)) for d in range(10)},
    KEY_CODES["KEY_UP"]: Key.UP, KEY_CODES["KEY_DOWN"]: Key.DOWN,
    KEY_CODES["KEY_LEFT"]: Key.LEFT, KEY_CODES["KEY_RIGHT"]: Key.RIGHT,
    KEY_CODES["KEY_ENTER"]: Key.OK, KEY_CODES["KEY_KPENTER"]: Key.OK,
    KEY_CODES["KEY_OK"]: Key.OK, KEY_CODES["KEY_SELECT"]: Key.OK,
    KEY_CODES["KEY_BACKSPACE"]: Key.BACK, KEY_CODES["KEY_ESC"]: Key.BACK,
    KEY_CODES["KEY_BACK"]: Key.BACK, KEY_CODES["KEY_CANCEL"]: Key.BACK,
    KEY_CODES["KEY_HELP"]: Key.HELP, KEY_CODES["KEY_F2"]: Key.HELP,
    KEY_CODES["KEY_VOLUMEUP"]: Key.VOLUME_UP, KEY_CODES["KEY_VOLUMEDOWN"]: Key.VOLUME_DOWN,
    KEY_CODES["KEY_FASTFORWARD"]: Key.RATE_UP, KEY_CODES["KEY_REWIND"]: Key.RATE_DOWN,
    KEY_CODES["KEY_KPPLUS"]: Key.RATE_UP, KEY_CODES["KEY_KPMINUS"]: Key.RATE_DOWN,
    KEY_CODES["KEY_AGAIN"]: Key.REPLAY, KEY_CODES["KEY_F3"]: Key.REPLAY,
    KEY_CODES["KEY_PLAYPAUSE"]: Key.PAUSE, KEY_CODES["KEY_PAUSE"]: Key.PAUSE,
    KEY_CODES["KEY_SOUND"]: Key.VOICE, KEY_CODES["KEY_F1"]: Key.VOICE,
}

# The code the simulator sends for each key (the first of its row above): a keypad's own keys.
PRIMARY_CODE: dict[Key, int] = {
    **{Key(str(d)): KEY_CODES[f"KEY_KP{d}"] for d in range(10)},
    Key.UP: 103, Key.DOWN: 108, Key.LEFT: 105, Key.RIGHT: 106, Key.OK: 96, Key.BACK: 14,
    Key.HELP: 138, Key.VOLUME_UP: 115, Key.VOLUME_DOWN: 114, Key.RATE_UP: 208, Key.RATE_DOWN: 168,
    Key.REPLAY: 129, Key.PAUSE: 164, Key.VOICE: 213,
}

# Keys whose autorepeat (EV_KEY value 2, a key held down) means "more of the same": a held arrow
# moves on, a held volume key keeps turning. A held OK or digit must not act twice.
REPEATING_KEYS = frozenset({Key.UP, Key.DOWN, Key.LEFT, Key.RIGHT, Key.VOLUME_UP, Key.VOLUME_DOWN,
                            Key.RATE_UP, Key.RATE_DOWN})

# evdev key codes run 0..KEY_MAX (0x2ff).
KEY_MAX = 0x2FF


def code_name(code: int) -> str:
    return CODE_NAMES.get(code, f"code {code}")


def parse_code(text: str) -> int:
    """A key code as a booth's config names it: ``"KEY_F1"`` or a decimal number; ValueError if neither."""
    name = text.strip().upper()
    if name in KEY_CODES:
        return KEY_CODES[name]
    if text.strip().isdigit() and 0 < int(text) <= KEY_MAX:
        return int(text)
    raise ValueError(f"{text!r} is not a Linux key code (a KEY_... name this driver knows, or 1..{KEY_MAX})")


def parse_key(text: str) -> Key | None:
    """A keypad key by its name (``"voice"``, ``"5"``); ``"none"`` or ``""`` unmaps a code."""
    if text.strip().lower() in ("", "none"):
        return None
    try:
        return Key(text.strip().lower())
    except ValueError:
        raise ValueError(f"{text!r} is not a keypad key ({', '.join(k.value for k in Key)}, or none)") from None


def build_keymap(overrides: Mapping[str, str] | None = None) -> dict[int, Key]:
    """The default table with a booth's overrides applied (code name or number -> key name or none)."""
    keymap = dict(DEFAULT_KEYMAP)
    for code_text, key_text in (overrides or {}).items():
        code = parse_code(code_text)
        key = parse_key(key_text)
        if key is None:
            keymap.pop(code, None)
        else:
            keymap[code] = key
    return keymap
