"""What the kiosk can offer right now, decided from device statuses (and the journal's health).

One function, so the idle screen, the document list, the out-of-service decision and the technician's
view can never disagree. Hardware that stops every issuance (the A4 printer, all means of payment)
and a journal that can no longer be written take the kiosk out of service; a missing server only
pauses issuance and the kiosk resumes by itself; a broken fingerprint sensor only withdraws the
documents that need identity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.status import DeviceStatus, SupplyLevel
from kiosk.config import KioskConfig
from kiosk.opening_hours import OpeningHours, ServiceHours, document_reason, offered_at
from kiosk.views import DocumentChoice


@dataclass(frozen=True)
class Availability:
    documents: list[DocumentChoice]
    open_reason: str  # "" while documents can be issued
    out_of_service_reason: str  # "" unless hardware stops every issuance
    notices: tuple[str, ...]
    # When closed by its hours: the next opening ("" unknown) and the documents it will offer then.
    opens_at: dt.datetime | None = None
    offered_then: tuple[str, ...] = ()


def _printer_reason(status: DeviceStatus | None) -> str:
    if status is None:
        return "a4-printer-unavailable"
    paper = status.supplies.get("paper")
    if paper is SupplyLevel.OUT:
        return "a4-paper-out"
    if paper is SupplyLevel.JAMMED:
        return "a4-paper-jam"
    if status.supplies.get("toner") is SupplyLevel.OUT:
        return "a4-toner-out"
    return "" if status.usable else "a4-printer-unavailable"


# Notices that mean "no receipt will come out" (the payment screen says so before anyone pays).
NO_RECEIPT_NOTICES = ("receipt-paper-out", "receipt-unavailable")


def receipt_notices(status: DeviceStatus | None) -> list[str]:
    """An empty roll is said as such (a printer with no paper also reports itself offline)."""
    if status is not None and status.supplies.get("paper") is SupplyLevel.OUT:
        return ["receipt-paper-out"]
    if status is None or not status.state.usable:
        return ["receipt-unavailable"]
    return []


def takes_coins(status: DeviceStatus | None) -> bool:
    """The coin acceptor can take a fee (a coin or validator fault makes the whole cash device unusable)."""
    return status is not None and status.state.usable


def takes_bills(status: DeviceStatus | None) -> bool:
    """The bill validator can take a bill: the cash device works and its stacker has room (a stacker
    that is full or pulled out would make the validator refuse every bill)."""
    if not takes_coins(status):
        return False
    assert status is not None
    return status.supplies.get("bill-stacker", SupplyLevel.OK) is SupplyLevel.OK


def _keypad_ok(status: DeviceStatus | None) -> bool:
    return status is not None and status.usable


def assess(config: KioskConfig, statuses: dict[str, DeviceStatus], *, server_ok: bool, now: dt.datetime,
           fees: dict[str, int], change_available: int, operator_hold: bool = False,
           controller_fault: str = "", in_session: bool = False, start_gate: str = "",
           sensor_fault: str = "", service_hours: dict[str, ServiceHours] | None = None,
           deliverable: frozenset[str] = frozenset(), mobile_id: bool = False) -> Availability:
    """`in_session`: a resident's session is under way, which finishes whatever the hours or the mains
    say (they only stop a new one from starting: `start_gate`, e.g. "on-battery"). `sensor_fault`: the
    I/O module's reason to stop every issuance (e.g. "overheat"). `service_hours`: each document's own
    hours from the server's catalog. `deliverable`: documents that may be delivered instead of printed
    (issue 17), still offered while the booth cannot print. `mobile_id`: identity by mobile ID can be
    offered (issue 17), so documents that need identity stay open while the fingerprint sensor is down."""
    # The controller's own faults come first (a journal that refused a write, a recovery that could
    # not finish): no money may move that the books cannot show.
    # The city's operators can close a booth remotely (a heartbeat command), e.g. before a site visit.
    if controller_fault:
        oos = controller_fault
    elif sensor_fault:
        oos = sensor_fault
    else:
        oos = "closed-by-operator" if operator_hold else _printer_reason(statuses.get("a4_printer"))
    # Issue 17: a booth that cannot print still takes delivery orders for the documents the catalog
    # delivers, while the server is up: open, with those documents only (kiosk/delivery.py).
    print_reason = ""
    if oos and not controller_fault and not operator_hold and server_ok and set(deliverable) & set(config.documents):
        print_reason, oos = oos, ""
    cash = statuses.get("cash")
    cash_ok = takes_coins(cash)
    card = statuses.get("card_reader")
    card_ok = config.card.enabled and card is not None and card.usable
    money_ok = cash_ok or card_ok
    # No money can be taken: documents with a fee are not offered; a free one still is, and only a
    # booth with nothing free to offer goes out of service.
    if not oos and not money_ok and all(fees.get(c, d.fee) > 0 for c, d in config.documents.items()):
        oos = "cash-unavailable"
    if oos:
        open_reason = oos
    elif not server_ok:
        open_reason = "server-unavailable"
    elif in_session:
        open_reason = ""
    elif start_gate:
        open_reason = start_gate
    else:
        opening = OpeningHours.of(config).at(now)
        open_reason = opening.reason
    services = service_hours or {}

    fingerprint = statuses.get("fingerprint")
    fingerprint_ok = fingerprint is not None and fingerprint.usable
    documents = []
    for code, doc in config.documents.items():
        reason = open_reason
        if not reason:
            reason = document_reason(services.get(code), now)
        if not reason and print_reason and code not in deliverable:
            reason = print_reason  # issue 17: delivered only, and this one is not
        if not reason and fees and code not in fees:
            # The server's catalog (read: `fees` is not empty) does not list it: a reservation would be
            # refused after the resident had typed and identified, so it is shown unavailable instead.
            reason = "not-in-catalog"
        if not reason and doc.needs_identity and not fingerprint_ok and not mobile_id:
            reason = "fingerprint-unavailable"
        if not reason and not money_ok and fees.get(code, doc.fee) > 0:
            reason = "cash-unavailable"
        documents.append(DocumentChoice(code=code, fee=fees.get(code, doc.fee), needs_identity=doc.needs_identity,
                                        available=not reason, unavailable_reason=reason))

    notices: list[str] = []
    if print_reason and not open_reason:
        notices.append("delivery-only")  # issue 17: kiosk/delivery.py
    notices.extend(receipt_notices(statuses.get("receipt_printer")))
    if not money_ok and not open_reason:
        notices.append("cash-unavailable")
    elif cash_ok and not takes_bills(cash):
        notices.append("bills-unavailable")
    elif cash_ok and change_available <= 0:
        notices.append("low-change")
    if not open_reason and not fingerprint_ok:
        notices.append("fingerprint-mobile-id" if mobile_id else "fingerprint-unavailable")
    # A booth without its keypad still serves touch users: a notice (for the resident who came for
    # the keypad, and in the heartbeat for the technician), never out of service.
    if not open_reason and config.keypad.enabled and not _keypad_ok(statuses.get("keypad")):
        notices.append("keypad-unavailable")
    # Voice guidance that cannot speak (no engine, a language's voice, the sound output: the device "voice",
    # kiosk/voice_guide.py) is the same: a notice for the resident, the device board for the technician.
    voice = statuses.get("voice")
    if not open_reason and config.voice.enabled and voice is not None and not voice.usable:
        notices.append("voice-unavailable")
    opens_at: dt.datetime | None = None
    offered_then: tuple[str, ...] = ()
    if open_reason in ("outside-hours", "holiday", "last-start-passed"):
        hours = OpeningHours.of(config)
        opening = hours.at(now)
        opens_at = opening.opens_at
        if opens_at is None and opening.closes_at is not None:
            # The last minutes before closing: too late to start, so the resident hears when it opens next.
            opens_at = hours.at(opening.closes_at).opens_at
        if opens_at is not None:
            offered_then = tuple(offered_at([c for c in config.documents if not fees or c in fees], services, opens_at))
    return Availability(documents=documents, open_reason=open_reason, out_of_service_reason=oos,
                        notices=tuple(notices), opens_at=opens_at, offered_then=offered_then)
