"""What the public live feed may say of this booth, sent with each heartbeat (issue 16).

A resident on a phone wants to know: is it open, what can I get there now, can I pay cash or card and
get change, will the keypad and voice guidance help me. That, the booth's name, place and hours, and
nothing else: no addresses of machines, no serial numbers, no cash amounts, no fault internals beyond
a word a resident understands ("paper-out"). Built from `kiosk.availability` (the one place that
decides what the booth offers), so the feed and the idle screen never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from common.status import DeviceStatus
from kiosk.availability import Availability, takes_coins
from kiosk.config import KioskConfig
from kiosk.opening_hours import ALL_DAY, OpeningHours

# The words a resident may read for why a booth is not issuing; every other reason is "out-of-order".
PUBLIC_REASONS: dict[str, str] = {
    "a4-paper-out": "paper-out",
    "a4-paper-jam": "paper-jam",
    "a4-toner-out": "toner-out",
    "closed-by-operator": "closed",
    "outside-hours": "closed",
    "holiday": "closed",
    "last-start-passed": "closed",  # open for the session under way, too late for a new one
    "server-unavailable": "offline",
    "cash-unavailable": "no-payment",
    "maintenance": "maintenance",
}
# The controller's states in which the booth serves residents (idle, and a session's steps); the
# others are starting, out of service, or a technician at work.
SERVING_STATES = frozenset({"idle"})


def public_reason(reason: str) -> str:
    return PUBLIC_REASONS.get(reason, "out-of-order") if reason else ""


def public_hours(config: KioskConfig) -> str:
    """The booth's usual day, "24h" or "HH:MM-HH:MM", from `[hours]` (or the legacy `[kiosk] hours`), the
    one form the feed accepts. A weekday that differs or a holiday closure is not in it; `open_now` and
    `status` say what holds at the moment."""
    opening = OpeningHours.of(config)
    return "24h" if opening.base == ALL_DAY else "-".join(opening.base)


def public_status(config: KioskConfig, availability: Availability, statuses: Mapping[str, DeviceStatus], *,
                  state: str, change_available: int) -> dict[str, object]:
    """The heartbeat's `public` object (docs/openapi.yaml `PublicBoothStatus`). `availability` is what a
    resident arriving now would be offered (`KioskController.availability_for_arrival`), not what the
    session under way may still finish."""
    if state in ("maintenance", "tech_login"):  # a technician at the booth
        reason = "maintenance"
    elif state in ("boot", "selftest"):
        reason = "starting"
    else:
        reason = availability.out_of_service_reason or availability.open_reason
    serving = (state in SERVING_STATES or state.startswith("session/")) and not availability.open_reason
    cash = takes_coins(statuses.get("cash"))
    card_status = statuses.get("card_reader")
    keypad = statuses.get("keypad")
    voice = statuses.get("voice")
    return {
        "name": config.kiosk.name,
        "location": config.kiosk.location,
        "location_en": config.public.location_en,
        "latitude": config.public.latitude,
        "longitude": config.public.longitude,
        "hours": public_hours(config),
        "open_now": serving,
        "status": "open" if serving else public_reason(reason) or "closed",
        "documents": list(config.documents),
        "documents_available": [d.code for d in availability.documents if d.available] if serving else [],
        "payment": {
            "cash": cash,
            "card": config.card.enabled and card_status is not None and card_status.usable,
            "change": cash and change_available > 0,
        },
        "accessibility": {
            "keypad": config.keypad.enabled and keypad is not None and keypad.usable,
            # Only voice that can speak (an engine, the language's voice, a sound output: kiosk/voice_guide.py):
            # the booth shows "voice-unavailable" otherwise, and a blind resident must not be sent there.
            "voice": config.voice.enabled and voice is not None and voice.usable,
            # Every booth's access menu offers the lowered layout (kiosk.controller SWITCHES).
            "low_position": True,
        },
        "languages": list(config.kiosk.languages),
    }
