"""What the controller publishes for the screens, and what the screens send back.

This module is the whole wall between the controller and pygame: the controller builds one `View`
per change, the screen layer draws it, and a touch comes back as an `Intent`. Screens translate the
codes here (guidance, reasons, hints) into Korean or English text; the controller never holds
display text, so voice guidance and other languages hang off the same codes.

Values are plain data (no secrets): a resident number reaches a view only masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
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


# --- one view per screen ------------------------------------------------------------------------
# Each class holds exactly the fields the presenter sends for its screen, so a screen that reads a
# field nobody sends fails mypy instead of showing a resident a blank (the prompt once read `seconds`
# while the kiosk sent `seconds_left`). Defaults are what a screen shows when a field is not known
# yet: the gallery's samples leave some out, and a session screen drawn before its session exists
# gets its class's defaults. Field names are the ones scenario files check (docs/scenarios.md).


@dataclass(frozen=True)
class BootView:
    step: str = "starting"  # starting | recovering | selftest
    devices: list[DeviceLine] = field(default_factory=list)


@dataclass(frozen=True)
class IdleView:
    kiosk_name: str = ""
    location: str = ""
    clock: str = ""  # "HH:MM", shown in the header
    issuance_open: bool = True
    closed_reason: str = ""  # why documents cannot be issued now, e.g. "outside-hours"


@dataclass(frozen=True)
class OutOfServiceView:
    reason: str = ""  # e.g. "server-unavailable", "journal-corrupt"
    since: str = ""  # "HH:MM"
    devices: list[DeviceLine] = field(default_factory=list)
    journal: str = ""  # the journal's path, for a journal fault only (the technician's instruction names it)


@dataclass(frozen=True)
class MaintenanceView:
    devices: list[DeviceLine] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    cash_box: dict[str, int] = field(default_factory=dict)
    journal_tail: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChooseDocumentView:
    documents: list[DocumentChoice] = field(default_factory=list)


@dataclass(frozen=True)
class ParcelView:
    document: str = ""
    district: str = ""
    lot: str = ""  # as typed, e.g. "123-4"
    error: str = ""  # "not-found", "incomplete", ...


@dataclass(frozen=True)
class ResidentNumberView:
    document: str = ""
    masked: str = ""  # e.g. "900101-1******": never the whole number
    digits: int = 0
    error: str = ""
    mobile_id_offered: bool = False  # issue 17: "use my mobile ID instead" is offered


@dataclass(frozen=True)
class FingerprintView:
    document: str = ""
    masked: str = ""
    guidance: str = "place"  # place | reading | verifying | too_dry | no_match | lift | ...
    attempt: int = 0
    max_attempts: int = 0
    can_retype_number: bool = False
    # This booth's sensor (config [fingerprint] finger / sensor_position): which finger to place and
    # where the sensor is, so the screen can say it and draw it.
    finger: str = "right_index"  # right_index | left_index | right_thumb | left_thumb | any
    sensor_position: str = "below-screen-right"  # below-screen-right|-left|-center | right-of-screen


@dataclass(frozen=True)
class OptionsView:
    document: str = ""
    copies: int = 1
    max_copies: int = 0  # 0: no limit shown, and no more copies offered
    options: list[OptionChoice] = field(default_factory=list)
    fee_per_copy: int = 0
    total: int = 0


@dataclass(frozen=True)
class PaymentView:
    document: str = ""
    copies: int = 1
    total: int = 0
    paid: int = 0
    remaining: int = 0
    accepts: list[str] = field(default_factory=list)  # "coins", "bills:1000", ..., "card"
    hint: str = ""  # which bills are taken, e.g. "exact-or-1000-only"
    message: str = ""  # the last thing that happened, e.g. "foreign-coin"
    accepting: bool = False  # acceptors enabled: money put in now is counted
    card_state: str = ""  # "" | insert | reading | authorising
    masked_pan: str = ""
    receipt_available: bool = True
    seconds_left: int = 0  # before the payment times out; shown in the header


@dataclass(frozen=True)
class IssuingView:
    document: str = ""
    step: str = "reserving"


@dataclass(frozen=True)
class PrintingView:
    document: str = ""
    copies: int = 1
    pages_done: int = 0
    pages_total: int = 0
    status: str = ""  # "" or what the printer waits for, e.g. "waiting-for-paper"


@dataclass(frozen=True)
class SettlingView:
    """The result screen while refund, change, voids and receipt are still under way: no amount is
    final yet, so none is sent; `ok_pressed` says an OK was heard and will be honoured."""

    document: str = ""
    settling: bool = field(default=True, init=False)  # the class says it; the field is for scenarios
    settled: bool = field(default=False, init=False)
    ok_pressed: bool = False


@dataclass(frozen=True)
class DoneView:
    """The result screen once the session is settled (the amounts are final)."""

    document: str = ""
    settling: bool = field(default=False, init=False)
    outcome: str = "issued"  # issued | partial | cancelled | refunded | failed | timed_out
    reason: str = ""
    change: int = 0
    refund: int = 0
    voucher: str = ""
    receipt_printed: bool = True
    settled: bool = False
    copies: int = 0
    copies_printed: int = 0
    fee_kept: int = 0
    masked_pan: str = ""
    card_voided: int = 0
    notice_offered: bool = False  # issue 17: "send this by text message" is offered
    notice_sent: bool = False  # issue 17: a text message with this result was sent
    tracking_code: str = ""  # issue 17: outcome "ordered": the delivery's tracking code


# --- the technician's screens (kiosk.maintenance builds them) ----------------------------------------


@dataclass(frozen=True)
class TechLoginView:
    """The technician card's PIN screen (kiosk.maintenance.access)."""

    digits: int = 0  # how many PIN digits are typed (never which)
    attempts_left: int = 3
    error: str = ""  # e.g. "wrong-pin", "card-locked", "not-a-technician-card"


@dataclass(frozen=True)
class SelfTestView:
    """The self-tests page (kiosk.maintenance.self_tests)."""

    devices: list[DeviceLine] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)  # the last action's answer


@dataclass(frozen=True)
class PaperView:
    """The paper page (kiosk.maintenance.paper)."""

    devices: list[DeviceLine] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CashView:
    """The cash page: hoppers, stacker and cash box, collection and settlement (kiosk.maintenance.cash_desk)."""

    last: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VoucherView:
    """The vouchers page (kiosk.maintenance.cash_desk)."""

    last: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LogsView:
    """The logs page: the last sessions (no personal data) and out-of-service history (kiosk.maintenance.board)."""

    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PickupView:
    """Issue 17: the code of a document reserved online (민원예약), typed or scanned (kiosk/pickup.py).

    `code` is what was typed so far (8 digits make a code); `error` says why the last code was not
    accepted: "incomplete", "not-found", "used", "expired", "other-booth", "not-here" (this booth
    cannot issue that document now). `looking_up` is true while the server is asked."""

    code: str = ""
    digits: int = 8
    error: str = ""
    looking_up: bool = False
    scanner: bool = False  # a barcode scanner is ready: the screen says the QR can be shown to it


@dataclass(frozen=True)
class NoticeView:
    """Issue 17: the mobile number a result is sent to by text message (kiosk/notices.py). The number
    is the resident's own, shown as typed so it can be checked; it lives only until it is sent."""

    channel: str = "sms"
    number: str = ""  # as typed, grouped: "010-1234-5678"
    digits: int = 0
    error: str = ""  # "incomplete" | "unavailable"
    sending: bool = False


@dataclass(frozen=True)
class MobileIdView:
    """Issue 17: the one-time QR of a mobile ID (모바일 신분증) verification (kiosk/mobile_id.py). `qr` is
    the text the QR carries (a request message, nothing personal); `state` where the wallet is:
    requested, profile, verifying, verified; `error` "expired" when this is a fresh QR."""

    document: str = ""
    qr: str = ""
    state: str = ""
    error: str = ""


@dataclass(frozen=True)
class NoData:
    """The failsafe screen's view, and a session screen's while no session exists."""


ScreenData = (
    BootView | IdleView | OutOfServiceView | MaintenanceView | ChooseDocumentView | ParcelView
    | ResidentNumberView | FingerprintView | OptionsView | PaymentView | IssuingView | PrintingView
    | SettlingView | DoneView | NoData
    | TechLoginView | SelfTestView | PaperView | CashView | VoucherView | LogsView
    | PickupView | NoticeView | MobileIdView
)


@dataclass(frozen=True)
class MoreTimePrompt:
    """The "need more time?" overlay's data."""

    seconds_left: int = 0  # before an unanswered prompt ends the session


@dataclass(frozen=True)
class HelpPrompt:
    """The help overlay's data: the booth's help line (config `[help] phone`) and whether the help
    request reached the server (False while it is on its way or when the server is down: the screen
    then says to call the number)."""

    phone: str = ""
    sent: bool = False


PromptData = MoreTimePrompt | HelpPrompt


@dataclass(frozen=True)
class AccessMode:
    """How this resident asked to be served. The controller holds it for one session and drops it at
    idle (the next resident is a stranger), like the language. Zoom, contrast and position change only
    how screens are drawn; voice and keypad also lengthen the time limits."""

    zoom: float = 1.0  # 1.0 or 2.0 (the guideline's 200 %)
    high_contrast: bool = False  # white on black, >= 7:1
    low_position: bool = False  # every control and needed information low enough from a wheelchair
    voice: bool = False  # voice guidance on: an earphone was plugged in or the voice key pressed
    keypad: bool = False  # the resident has used the physical keypad in this session


@dataclass(frozen=True)
class View:
    """One frame's worth of controller state.

    `screen` names a module in `screens/`; `data` is that screen's view (one class above each);
    `prompt` is an overlay such as ``"more_time"`` with its data in `prompt_data`; `notices` are
    codes shown on every resident screen (``"receipt-paper-out"``).
    """

    screen: str
    data: ScreenData = field(default_factory=NoData)
    prompt: str | None = None  # "more_time" | "help"
    prompt_data: PromptData | None = None
    notices: tuple[str, ...] = ()
    language: str = "ko"  # "ko" | "en" | "zh" | "vi" (common.languages)
    serial: int = 0
    access: AccessMode = field(default_factory=AccessMode)

    def data_fields(self) -> dict[str, Any]:
        """The screen's fields by name (values as sent, not copied): for the scenario rig and the
        tests, which look fields up by the names a scenario file uses."""
        return {f.name: getattr(self.data, f.name) for f in fields(self.data)}


@dataclass(frozen=True)
class Intent:
    """A resident's or technician's wish, as a screen understood a touch or a key.

    Names: start, choose_document(code), digit(value), backspace, clear, confirm, cancel,
    more_time, retype_number, toggle_option(option_id), copies(delta), pay_card, language(code),
    back (one step back, on the steps before payment), help (call for help: the help prompt and a
    help request to the server), help_close, access(setting, value) (setting: "zoom" with value
    1.0/2.0, "high_contrast" / "low_position" / "voice" with a bool), keypad_used (the first key of
    the physical keypad in a session), maintenance_enter / maintenance_exit / maintenance_selftest
    (technician), maint(do, ...) (a technician's action: kiosk.maintenance.workshop), pickup (the
    pickup of a document reserved online: its code screen; there digit, backspace, clear, confirm and
    back act on the code). `page` and the
    screens' own menus (the language and accessibility choosers) never leave the screens (the runner
    handles them itself).
    """

    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Utterance:
    """Something voice guidance should say, as the screens composed it from what they drew.

    `kind`: "screen" (a new screen or prompt: everything on it, in reading order), "change" (what
    changed on the same screen: money credited, a printer waiting), "focus" (the item the keypad's
    focus moved to). A "screen" utterance interrupts whatever is being said. Never holds a resident
    or card number: the screens speak how many digits were typed, not which.
    """

    text: str
    language: str
    kind: str = "screen"

