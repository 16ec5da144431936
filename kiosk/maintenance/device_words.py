"""A device's status in the technician's words: what is wrong and what to do, as codes.

The drivers speak XFS4IoT (``hardwareError``) and their own reasons (``media-empty``, ``stacker-full``);
a technician at the booth needs "A4 printer: out of paper - refill the A4 tray". This module turns a
`DeviceStatus` into a `Condition` (a condition code, a what-to-do code, a severity); the screens word
the codes in four languages (screens/strings_board.py: ``board.cond.<code>``, ``board.todo.<code>``)
and `kiosk diag` shows the same codes. Pure: no I/O, so every mapping has a unit test.

Supplies come first: a printer whose tray is empty often still answers "idle" or "online", and the
kiosk is out of service for the paper, not for the state word (the board once said "online" then).
"""

from __future__ import annotations

from dataclasses import dataclass

from common.languages import LANGUAGES
from common.status import DeviceState, DeviceStatus, SupplyLevel


@dataclass(frozen=True)
class Condition:
    code: str  # board.cond.<code>
    todo: str = ""  # board.todo.<code>; "" when nothing is to be done
    severity: str = "ok"  # ok | warn | fault


OK = Condition("ok")

# Per device: the driver's reason -> the condition. Reasons not listed fall back on the state word.
_REASONS: dict[str, dict[str, Condition]] = {
    "a4_printer": {
        "media-jam": Condition("paper-jam", "clear-a4-jam", "fault"),
        "door-open": Condition("cover-open", "close-a4-cover", "fault"),
        "cover-open": Condition("cover-open", "close-a4-cover", "fault"),
        "interlock-open": Condition("cover-open", "close-a4-cover", "fault"),
        "input-tray-missing": Condition("tray-missing", "insert-a4-tray", "fault"),
        "not-accepting-jobs": Condition("not-accepting", "restart-a4", "fault"),
        "stopped": Condition("stopped", "restart-a4", "fault"),
    },
    "receipt_printer": {
        "cover-open": Condition("cover-open", "close-receipt-cover", "fault"),
        "autocutter-error": Condition("cutter-error", "clear-receipt-cutter", "fault"),
        "unrecoverable-error": Condition("hardware-error", "power-cycle-receipt", "fault"),
        "auto-recoverable-error": Condition("overheated", "wait-cool-down", "warn"),
        "recoverable-error": Condition("hardware-error", "power-cycle-receipt", "fault"),
    },
    "cash": {
        "coin-jam": Condition("coin-jam", "clear-coin-path", "fault"),
        "bill-jam": Condition("bill-jam", "clear-bill-path", "fault"),
        "bill-stacker-faulty": Condition("stacker-faulty", "check-stacker", "fault"),
        "coin-offline": Condition("coin-not-answering", "check-cctalk-cable", "fault"),
        "bill-offline": Condition("bill-not-answering", "check-cctalk-cable", "fault"),
        "hopper-offline": Condition("hopper-not-answering", "check-cctalk-cable", "warn"),
        "hopper-jam": Condition("hopper-jam", "clear-hopper", "warn"),
        "stacker-full": Condition("stacker-full", "empty-stacker", "warn"),
        "stacker-removed": Condition("stacker-removed", "put-back-stacker", "warn"),
        "hopper-empty": Condition("hopper-empty", "refill-hopper", "warn"),
        "hopper-low": Condition("hopper-low", "refill-hopper", "warn"),
        "port-unavailable": Condition("port-missing", "check-usb-serial", "fault"),
        "serial-timeout": Condition("not-answering", "check-cctalk-cable", "fault"),
    },
    "keypad": {
        "jack-unplugged": OK,  # no earphone in the jack: the normal state between residents
    },
}

# A supply that is out or jammed: the condition whatever the state word says.
_PAPER_OUT = {
    "a4_printer": Condition("paper-out", "refill-a4-tray", "fault"),
    "receipt_printer": Condition("paper-out", "refill-receipt-roll", "warn"),
}
_PAPER_LOW = {
    "a4_printer": Condition("paper-low", "refill-a4-tray", "warn"),
    "receipt_printer": Condition("paper-low", "refill-receipt-roll", "warn"),
}

# What the state word alone says, for a reason no table names.
_STATES: dict[DeviceState, Condition] = {
    DeviceState.ONLINE: OK,
    DeviceState.DEVICE_BUSY: Condition("busy"),
    DeviceState.OFFLINE: Condition("not-answering", "check-power-and-cable", "fault"),
    DeviceState.POWER_OFF: Condition("power-off", "switch-on", "fault"),
    DeviceState.NO_DEVICE: Condition("not-found", "check-connection", "fault"),
    DeviceState.HARDWARE_ERROR: Condition("hardware-error", "power-cycle", "fault"),
    DeviceState.USER_ERROR: Condition("needs-attention", "look-at-device", "fault"),
    DeviceState.FRAUD_ATTEMPT: Condition("tampering", "inspect-device", "fault"),
}

# Devices whose "offline" has its own words (the server is reached over the network, not a cable).
_OFFLINE: dict[str, Condition] = {
    "server": Condition("unreachable", "check-network", "fault"),
    "keypad": Condition("unplugged", "plug-in-keypad", "warn"),
    "fingerprint": Condition("not-answering", "check-fingerprint-cable", "fault"),
    "card_reader": Condition("not-answering", "check-power-and-cable", "warn"),
    # The pickup QR scanner (issue 17): codes can still be typed, so the booth stays open: a warning.
    "barcode_scanner": Condition("not-answering", "check-scanner-cable", "warn"),
    # Voice guidance ("voice", kiosk/voice_guide.py); its own reasons are _VOICE's, below.
    "voice": Condition("voice-unavailable", "check-speech-and-sound", "warn"),
}


# Voice guidance (kiosk/voice_guide.py): its reasons carry what failed after a colon ("voice-missing:vi",
# "audio-failed:earphone"). A booth that cannot speak still serves: warnings, not faults.
_VOICE: dict[str, Condition] = {
    "engine-missing": Condition("speech-engine-missing", "install-espeak-ng", "warn"),
    "voice-missing": Condition("voice-missing", "reinstall-voices", "warn"),
    **{f"voice-missing:{lang}": Condition(f"voice-missing-{lang}", "reinstall-voices", "warn") for lang in LANGUAGES},
    "audio-failed": Condition("sound-failed", "check-speech-and-sound", "warn"),
    "audio-failed:speaker": Condition("speaker-failed", "check-speaker", "warn"),
    "audio-failed:earphone": Condition("earphone-failed", "check-earphone-jack", "warn"),
    "speech-failed": Condition("voice-unavailable", "check-speech-and-sound", "warn"),
}


def _voice(reason: str) -> Condition | None:
    """One language or one route has its own words; several share their kind's."""
    return _VOICE.get(reason) or _VOICE.get(reason.partition(":")[0])


def condition(status: DeviceStatus) -> Condition:
    """The technician's words for one device's status (codes; screens/strings_board.py words them)."""
    device = status.device
    if device == "voice" and status.reason and (said := _voice(status.reason)) is not None:
        return said
    paper = status.supplies.get("paper")
    if status.reason == "not-yet-contacted":
        return Condition("starting", "", "warn")
    if paper is SupplyLevel.JAMMED:
        return _REASONS["a4_printer"]["media-jam"] if device == "a4_printer" else Condition(
            "paper-jam", "clear-receipt-jam", "fault")
    by_reason = _REASONS.get(device, {}).get(status.reason)
    if by_reason is not None and by_reason.severity == "fault":
        return by_reason  # a cover open or a jam: the empty tray is the next thing to see
    if paper is SupplyLevel.OUT or status.reason in ("media-empty", "media-needed", "paper-end"):
        return _PAPER_OUT.get(device, Condition("paper-out", "refill-paper", "fault"))
    if device == "a4_printer" and status.supplies.get("toner") is SupplyLevel.OUT:
        return Condition("toner-out", "replace-toner", "fault")
    if by_reason is not None:
        return by_reason
    if status.state is DeviceState.OFFLINE and device in _OFFLINE:
        return _OFFLINE[device]
    if not status.state.usable or status.state is not DeviceState.ONLINE:
        return _STATES.get(status.state, Condition("hardware-error", "power-cycle", "fault"))
    if paper is SupplyLevel.LOW or status.reason in ("media-low", "paper-near-end"):
        return _PAPER_LOW.get(device, Condition("paper-low", "refill-paper", "warn"))
    if device == "a4_printer" and status.supplies.get("toner") is SupplyLevel.LOW:
        return Condition("toner-low", "order-toner", "warn")
    return OK


def every_code() -> tuple[set[str], set[str]]:
    """Every condition and what-to-do code this module can give (the strings test checks each has
    words in all four languages)."""
    conditions: list[Condition] = [OK, *_STATES.values(), *_OFFLINE.values(), *_PAPER_OUT.values(),
                                   *_PAPER_LOW.values(), Condition("starting"), Condition("toner-out", "replace-toner"),
                                   Condition("toner-low", "order-toner"), Condition("paper-jam", "clear-receipt-jam"),
                                   Condition("paper-out", "refill-paper"), Condition("paper-low", "refill-paper")]
    for table in (*_REASONS.values(), _VOICE):
        conditions.extend(table.values())
    return {c.code for c in conditions}, {c.todo for c in conditions if c.todo}
