"""Accessibility keypad simulator: evdev `input_event` records into a FIFO standing for the event node."""

from __future__ import annotations

from simulators.keypad.simulator import KeypadSimulator, default_path

__all__ = ["KeypadSimulator", "default_path"]
