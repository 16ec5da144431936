"""What the keypad driver tells the booth: a key pressed, the earphone plugged or pulled."""

from __future__ import annotations

from dataclasses import dataclass

from common.keypad_keys import Key


@dataclass(frozen=True)
class KeyPressed:
    """A key went down (`repeat`: the kernel's autorepeat of a held arrow, volume or rate key)."""

    key: Key
    repeat: bool = False


@dataclass(frozen=True)
class EarphoneJack:
    """An earphone went into the jack (`plugged`) or came out; also False when the jack's device is lost."""

    plugged: bool


KeypadEvent = KeyPressed | EarphoneJack
