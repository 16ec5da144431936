"""From controller state to the `View` the screens draw.

Only codes and numbers leave here (the screens own the words), and a resident number only masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from kiosk.availability import NO_RECEIPT_NOTICES, Availability
from kiosk.machine import S
from kiosk.views import (
    BootView,
    ChooseDocumentView,
    DeviceLine,
    DoneView,
    FingerprintView,
    HelpPrompt,
    IdleView,
    IssuingView,
    MoreTimePrompt,
    NoData,
    OptionChoice,
    OptionsView,
    OutOfServiceView,
    ParcelView,
    PaymentView,
    PrintingView,
    PromptData,
    ResidentNumberView,
    ScreenData,
    SettlingView,
    View,
)

if TYPE_CHECKING:
    from kiosk.readout import Readout as Kiosk
    from kiosk.session import Session  # what the presenter reads of kiosk.controller.Kiosk

SCREEN_OF_STATE = {
    S.BOOT: "boot",
    S.SELFTEST: "boot",
    S.IDLE: "idle",
    S.OUT_OF_SERVICE: "out_of_service",
    S.MAINTENANCE: "maintenance",  # the device board; the workshop's page names the others
    S.TECH_LOGIN: "tech_login",
    S.CHOOSE: "choose_document",
    S.PARCEL: "parcel",
    S.NUMBER: "resident_number",
    S.FINGER: "fingerprint",
    S.OPTIONS: "options",
    S.PAY: "payment",
    S.ISSUE: "issuing",
    S.PRINT: "printing",
    S.DONE: "done",
    S.PICKUP: "pickup",  # issue 17
    S.NOTICE: "notice",  # issue 17
    S.MOBILE_ID: "mobile_id",  # issue 17
}


def device_lines(kiosk: Kiosk) -> list[DeviceLine]:
    return [DeviceLine(device=s.device, state=s.state.value, reason=s.reason,
                       supplies={k: v.value for k, v in s.supplies.items()})
            for s in sorted(kiosk.statuses.values(), key=lambda s: s.device)]


def opening_fields(kiosk: Kiosk, availability: Availability) -> dict[str, Any]:
    """The idle view's "opens ... at ..." and the documents it will offer then (a closed booth only)."""
    opens = availability.opens_at
    if opens is None:
        return {}
    today = kiosk.clock.now().astimezone(opens.tzinfo).date()
    days = (opens.date() - today).days
    day = {0: "today", 1: "tomorrow"}.get(days, opens.date().isoformat())
    return {"opens_at": opens.strftime("%H:%M"), "opens_day": day, "offered_then": list(availability.offered_then)}


def _data(kiosk: Kiosk, screen: str) -> ScreenData:
    session = kiosk.session
    config = kiosk.config
    availability = kiosk.availability
    if screen == "boot":
        return BootView(step=kiosk.boot_step, devices=device_lines(kiosk))
    if screen == "idle":
        return IdleView(kiosk_name=config.kiosk.name, location=config.kiosk.location,
                        clock=kiosk.clock.now().strftime("%H:%M"), issuance_open=availability.open_reason == "",
                        closed_reason=availability.open_reason, **opening_fields(kiosk, availability))
    if screen == "out_of_service":
        return out_of_service_data(kiosk.out_of_service_reason, since=kiosk.out_of_service_since,
                                   devices=device_lines(kiosk), journal=str(kiosk.journal.path))
    if screen == "tech_login":
        return kiosk.tech_access.view()
    if screen == "maintenance" or screen.startswith("maint_"):
        return kiosk.workshop.view()
    if screen == "choose_document":
        return ChooseDocumentView(documents=availability.documents)
    if screen == "pickup":  # issue 17
        return kiosk.pickup_desk.view()
    if screen in ("notice", "notice_email", "notice_channel"):  # issue 17
        return kiosk.notice_desk.view()
    if screen == "mobile_id":  # issue 17
        return kiosk.mobile_id_desk.view()
    if session is None:
        return NoData()
    document = session.document
    if screen == "parcel":
        return ParcelView(document=document, district=config.kiosk.district, lot=session.lot,
                          error=session.lot_error)
    if screen == "resident_number":
        return ResidentNumberView(document=document, masked=session.number.masked(),
                                  digits=session.number.count,
                                  error=session.number_error or kiosk.finger_route_closed(),
                                  mobile_id_offered=kiosk.mobile_id_desk.offered())
    if screen == "fingerprint":
        return FingerprintView(
            document=document, masked=session.number.masked(), guidance=session.guidance,
            attempt=session.attempts + 1,
            max_attempts=min(config.fingerprint.max_attempts,
                             session.attempts_cap or config.fingerprint.max_attempts),
            # Not while a finger is being read or checked: the server may be counting it.
            can_retype_number=session.no_match_seen and session.guidance not in ("reading", "verifying"),
            finger=config.fingerprint.finger, sensor_position=config.fingerprint.sensor_position)
    if screen == "options":
        doc = config.documents[document]
        fee = kiosk.fee_per_copy(document)
        return OptionsView(document=document, copies=session.copies, max_copies=doc.max_copies,
                           options=[OptionChoice(o, o in session.options) for o in kiosk.offered_options(document)]
                           + _delivery_choice(kiosk, session),
                           fee_per_copy=fee, total=kiosk.till.quote(session))
    if screen == "payment":
        accepts = ["coins"] + [f"bills:{b}" for b in _bills(kiosk, session.remaining)]
        if config.card.enabled and "card_reader" in kiosk.statuses and kiosk.statuses["card_reader"].usable:
            accepts.append("card")
        return PaymentView(document=document, copies=session.copies, total=session.total, paid=session.paid,
                           remaining=session.remaining, accepts=accepts, hint=session.payment_hint,
                           message=session.payment_message, accepting=session.accepting,
                           card_state=kiosk.card_payment.phase, masked_pan=kiosk.card_payment.masked_pan(session.id),
                           receipt_available=not any(n in NO_RECEIPT_NOTICES for n in availability.notices),
                           seconds_left=kiosk.pay_seconds_left())
    if screen == "issuing":
        return IssuingView(document=document, step="reserving")
    if screen == "printing":
        return PrintingView(document=document, copies=session.copies, pages_done=session.pages_done,
                            pages_total=session.pages_total, status=session.print_status)
    if screen == "done" and not kiosk.result_final:
        # Settling (refund, change, voids, receipt) is still under way: no amount is final yet, so none
        # is shown; `ok_pressed` says an OK was heard and will be honoured.
        return SettlingView(document=document, ok_pressed=session.finish_requested)
    if screen == "done":
        rows = kiosk.journal.entries(session.id)
        return DoneView(document=document, outcome=session.outcome or "cancelled",
                        reason=session.reason, change=session.change, refund=session.refund,
                        voucher=session.voucher, receipt_printed=session.receipt_printed, settled=session.closed,
                        copies=session.copies, copies_printed=sum(1 for e in rows if e.kind == "print_done"),
                        fee_kept=sum(e.amount for e in rows if e.kind == "fee_kept"),
                        masked_pan=kiosk.card_payment.masked_pan(session.id),
                        card_voided=sum(e.amount for e in rows if e.kind == "card_voided"),
                        card_void_pending=card_void_pending(rows),
                        notice_offered=kiosk.notice_desk.offered(), notice_sent=kiosk.notice_desk.sent(),
                        tracking_code=session.tracking_code, notice_channel=kiosk.notice_desk.sent_channel())
    return NoData()


def card_void_pending(rows: Sequence[Any]) -> int:
    """Won a failed void still owes the card (`card_void_failed`), less what was voided after it."""
    pending = 0
    for row in rows:
        if row.kind == "card_void_failed":
            pending += row.amount
        elif row.kind == "card_voided" and pending:
            pending -= min(pending, row.amount)
    return pending


def _delivery_choice(kiosk: Kiosk, session: Session) -> list[OptionChoice]:
    """Issue 17: "deliver" among the options when the catalog delivers the document."""
    chosen = kiosk.delivery_desk.option(session)
    return [] if chosen is None else [OptionChoice("deliver", chosen)]


def out_of_service_data(reason: str, *, since: str, devices: list[DeviceLine],
                        journal: str = "") -> OutOfServiceView:
    """The out-of-service screen's fields; a journal fault also names the file, for the technician."""
    return OutOfServiceView(reason=reason, since=since, devices=devices,
                            journal=journal if reason.startswith("journal-") else "")


def out_of_service_view(reason: str, *, since: str, journal: str, language: str = "ko") -> View:
    """The view of a kiosk that could not start its controller (a corrupt journal): no devices were opened."""
    return View(screen="out_of_service", data=out_of_service_data(reason, since=since, devices=[], journal=journal),
                language=language, serial=1)


def _bills(kiosk: Kiosk, remaining: int) -> list[int]:
    from kiosk.availability import takes_bills
    from kiosk.till import acceptable_bills

    return acceptable_bills(remaining, kiosk.config.cash.hopper_coin, kiosk.change_available(),
                            takes_bills=takes_bills(kiosk.statuses.get("cash")))


def present(kiosk: Kiosk, *, serial: int) -> View:
    state = getattr(kiosk, "state", S.BOOT)
    screen = kiosk.workshop.screen() if state == S.MAINTENANCE else SCREEN_OF_STATE.get(state, "failsafe")
    if screen == "notice":  # issue 17: the channel's choice, the number's keypad or the e-mail keyboard
        screen = {"": "notice_channel", "email": "notice_email"}.get(kiosk.notice_desk.channel, "notice")
    notices = kiosk.availability.notices if state.startswith(S.SESSION) or state == S.IDLE else ()
    resident: int = getattr(kiosk, "resident", 0)
    return View(screen=screen, data=_data(kiosk, screen), prompt=kiosk.prompt, prompt_data=_prompt_data(kiosk),
                notices=tuple(notices), language=kiosk.language, serial=serial, access=kiosk.access,
                resident=resident)


def _prompt_data(kiosk: Kiosk) -> PromptData | None:
    if kiosk.prompt == "more_time":
        return MoreTimePrompt(seconds_left=kiosk.prompt_seconds_left())
    if kiosk.prompt == "help":
        return HelpPrompt(phone=kiosk.config.help.phone, sent=kiosk.help_sent)
    return None


def view_as_dict(view: View) -> dict[str, Any]:
    """A JSON-able copy for logs of the scenario runner and the technician tool."""
    return asdict(view)
