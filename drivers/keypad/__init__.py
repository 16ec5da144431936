"""The accessibility keypad: a USB HID keypad (and the earphone jack) read from Linux evdev.

Use `Keypad(device, clock=..., on_event=...)`; see `client.py` for the contract, `keymap.py` for
the key table, `codec.py` for the wire format (which the simulator imports too).
"""

from __future__ import annotations

from drivers.keypad.client import DEVICE, Keypad
from drivers.keypad.events import EarphoneJack, KeypadEvent, KeyPressed
from drivers.keypad.keymap import DEFAULT_KEYMAP, REPEATING_KEYS, build_keymap

__all__ = ["DEFAULT_KEYMAP", "DEVICE", "REPEATING_KEYS", "EarphoneJack", "KeyPressed", "Keypad", "KeypadEvent",
           "build_keymap"]
