"""The keys of the booth's accessibility keypad, by what they mean to a resident.

The keypad driver turns the device's key codes into these names, the screens move focus and type
digits with them, and voice guidance takes its own (volume, rate, replay, pause). One vocabulary,
here, so none of the three depends on another.
"""

from __future__ import annotations

from enum import StrEnum


class Key(StrEnum):
    DIGIT_0 = "0"
    DIGIT_1 = "1"
    DIGIT_2 = "2"
    DIGIT_3 = "3"
    DIGIT_4 = "4"
    DIGIT_5 = "5"  # the tactile home dot
    DIGIT_6 = "6"
    DIGIT_7 = "7"
    DIGIT_8 = "8"
    DIGIT_9 = "9"
    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    OK = "ok"
    BACK = "back"  # back / cancel: one step back, or cancel where there is no step back
    HELP = "help"
    VOLUME_UP = "volume_up"
    VOLUME_DOWN = "volume_down"
    RATE_UP = "rate_up"
    RATE_DOWN = "rate_down"
    REPLAY = "replay"
    PAUSE = "pause"
    VOICE = "voice"  # voice guidance on or off without an earphone

    @property
    def digit(self) -> str | None:
        return self.value if self.value.isdigit() else None


# What voice guidance handles itself; the screens never see these.
VOICE_KEYS = frozenset({Key.VOLUME_UP, Key.VOLUME_DOWN, Key.RATE_UP, Key.RATE_DOWN, Key.REPLAY, Key.PAUSE})
