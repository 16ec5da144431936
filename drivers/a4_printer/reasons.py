"""IPP printer-state and printer-state-reasons in XFS4IoT words (pure).

RFC 8011 §5.4.11-12: printer-state is idle (3), processing (4) or stopped (5); each reason keyword
may carry a severity suffix, ``-report`` (information), ``-warning`` (still printing) or ``-error``
(stopped). What the kiosk must know is whether a resident can get a document now and what a
technician should bring, so the keywords map to paper and toner levels and one device state.
"""

from __future__ import annotations

from collections.abc import Iterable

from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.a4_printer.ipp_codec import PrinterState

DEVICE = "a4_printer"
SEVERITIES = ("-report", "-warning", "-error")

# A person fixes these at the printer (close the door, load paper): XFS4IoT userError.
_USER_FIXES = (
    "door-open", "cover-open", "interlock-open", "media-empty", "media-needed", "input-tray-missing",
)
# Order in which a reason becomes the status's one-word `reason`.
_PRIORITY = (
    "media-jam", "door-open", "cover-open", "interlock-open", "media-empty", "media-needed",
    "input-tray-missing", "toner-empty", "marker-supply-empty", "media-low", "toner-low", "marker-supply-low",
)


def base_reason(keyword: str) -> str:
    """``media-empty-warning`` -> ``media-empty``."""
    for suffix in SEVERITIES:
        if keyword.endswith(suffix):
            return keyword[: -len(suffix)]
    return keyword


def base_reasons(keywords: Iterable[str]) -> tuple[str, ...]:
    """The reasons without suffixes and without the placeholder ``none``, in order, once each."""
    out: list[str] = []
    for keyword in keywords:
        base = base_reason(keyword)
        if base and base != "none" and base not in out:
            out.append(base)
    return tuple(out)


def _has(bases: Iterable[str], *prefixes: str) -> bool:
    return any(base.startswith(prefix) for base in bases for prefix in prefixes)


def paper_level(bases: Iterable[str]) -> SupplyLevel:
    bases = tuple(bases)
    if _has(bases, "media-jam"):
        return SupplyLevel.JAMMED
    if _has(bases, "media-empty", "media-needed", "input-tray-missing"):
        return SupplyLevel.OUT
    if _has(bases, "media-low"):
        return SupplyLevel.LOW
    return SupplyLevel.FULL


def toner_level(bases: Iterable[str]) -> SupplyLevel:
    bases = tuple(bases)
    if _has(bases, "toner-empty", "marker-supply-empty"):
        return SupplyLevel.OUT
    if _has(bases, "toner-low", "marker-supply-low"):
        return SupplyLevel.LOW
    return SupplyLevel.FULL


def waiting_for_paper(keywords: Iterable[str]) -> bool:
    """The printer cannot go on until someone loads paper."""
    return _has(base_reasons(keywords), "media-empty", "media-needed")


def jammed(keywords: Iterable[str]) -> bool:
    return _has(base_reasons(keywords), "media-jam")


def main_reason(bases: tuple[str, ...]) -> str:
    for wanted in _PRIORITY:
        for base in bases:
            if base.startswith(wanted):
                return wanted
    return bases[0] if bases else ""


def printer_status(state: int | None, keywords: Iterable[str], *, message: str = "",
                   accepting: bool | None = True) -> DeviceStatus:
    """The DeviceStatus an answered Get-Printer-Attributes describes."""
    bases = base_reasons(keywords)
    supplies = {"paper": paper_level(bases), "toner": toner_level(bases)}
    reason = main_reason(bases)
    if state is None:
        return DeviceStatus(DEVICE, DeviceState.OFFLINE, "no-printer-state", message)
    if _has(bases, "media-jam"):
        device_state = DeviceState.HARDWARE_ERROR
    elif _has(bases, "door-open", "cover-open", "interlock-open"):
        device_state = DeviceState.USER_ERROR
    elif state == PrinterState.STOPPED:
        device_state = DeviceState.USER_ERROR if _has(bases, *_USER_FIXES) else DeviceState.HARDWARE_ERROR
        reason = reason or "stopped"
    elif state == PrinterState.PROCESSING:
        device_state = DeviceState.DEVICE_BUSY
    elif state == PrinterState.IDLE:
        device_state = DeviceState.ONLINE
    else:
        device_state, reason = DeviceState.HARDWARE_ERROR, f"printer-state-{state}"
    if accepting is False and device_state in (DeviceState.ONLINE, DeviceState.DEVICE_BUSY):
        device_state, reason = DeviceState.HARDWARE_ERROR, "not-accepting-jobs"
    return DeviceStatus(DEVICE, device_state, reason, message, supplies)
