"""What the controller publishes for the screens, and what the screens send back.

This module is the whole wall between the controller and pygame: the controller builds one `View`
per change, the screen layer draws it, and a touch comes back as an `Intent`. Screens translate the
codes here (guidance, reasons, hints) into Korean or English text; the controller never holds
display text, so voice guidance and other languages hang off the same codes.

Values are plain data (no secrets): a resident number reaches a view only masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentChoice:
    code: str  # catalog code, e.g. "resident_copy"
    fee: int  # won per copy, after any city waiver
    needs_identity: bool
    available: bool = True
    # A code: "fingerprint-unavailable", "server-unavailable", "outside-hours", "a4-paper-out"
    unavailable_reason: str = ""


@dataclass(frozen=True)
class OptionChoice:
    option_id: str  # e.g. "include_past_addresses"
    selected: bool


@dataclass(frozen=True)
class DeviceLine:
    """One row of the technician's device table."""

    device: str
    state: str  # XFS4IoT word: online, offline, hardwareError, ...
    reason: str
    supplies: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class View:
    """One frame's worth of controller state.

    `screen` names a module in `screens/`; `data` holds that screen's fields (documented in
    docs/scenarios.md and in each screen module); `prompt` is an overlay such as ``"more_time"``;
    `notices` are codes shown on every resident screen (``"receipt-paper-out"``).
    """

    screen: str
    data: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None
    prompt_data: dict[str, Any] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    language: str = "ko"
    serial: int = 0


@dataclass(frozen=True)
class Intent:
    """A resident's or technician's wish, as a screen understood a touch or a key.

    Names: start, choose_document(code), digit(value), backspace, clear, confirm, cancel,
    more_time, retype_number, toggle_option(option_id), copies(delta), pay_card, language(code),
    maintenance_enter / maintenance_exit / maintenance_selftest (technician). `page` never leaves the
    screens (the runner pages long lists itself).
    """

    name: str
    args: dict[str, Any] = field(default_factory=dict)
