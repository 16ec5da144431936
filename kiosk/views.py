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
    # A booth closed by its hours says when it opens: "HH:MM" on `opens_day` ("today", "tomorrow" or
    # "YYYY-MM-DD"); "" when not known (not closed by its hours, or not within two weeks).
    opens_at: str = ""
    opens_day: str = ""
    # The documents (codes) it will offer when it opens (their own hours allowing).
    offered_then: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutOfServiceView:
    reason: str = ""  # e.g. "server-unavailable", "journal-corrupt"
    since: str = ""  # "HH:MM"
    devices: list[DeviceLine] = field(default_factory=list)
    journal: str = ""  # the journal's path, for a journal fault only (the technician's instruction names it)


@dataclass(frozen=True)
class SupplyLine:
    """One supply on the technician's board, with its unit (kiosk.maintenance.board)."""

    name: str  # "paper", "toner", "hopper:100", "bill-stacker", "cash-box"
    level: str = ""  # a SupplyLevel value, "" when only counted
    amount: int | None = None  # how many, when the journal or the device knows
    unit: str = ""  # "sheets", "receipts", "coins", "bills", "won"


@dataclass(frozen=True)
class BoardDevice:
    """One device on the technician's board: its condition and what to do, in codes the screen words
    (screens/strings_board.py: board.dev.*, board.cond.*, board.todo.*)."""

    device: str  # "a4_printer", "receipt_printer", "cash", "fingerprint", "server", ...
    condition: str  # "ok", "paper-out", "not-answering", ...
    todo: str = ""  # "" when nothing is to be done, e.g. "refill-a4-tray"
    severity: str = "ok"  # ok | warn | fault
    state: str = ""  # the XFS4IoT word, for the log-minded
    reason: str = ""  # the driver's code
    supplies: list[SupplyLine] = field(default_factory=list)
    last_error: str = ""  # the condition code of the last fault seen since the booth started
    last_error_at: str = ""  # "MM-DD HH:MM"
    identity: dict[str, str] = field(default_factory=dict)  # serial numbers, firmware, as the device says


@dataclass(frozen=True)
class Tally:
    """A counter on the board: a name the screen words (board.count.*), a value and its unit."""

    name: str
    value: int
    unit: str = ""  # "won", "sheets", "coins", "count"


@dataclass(frozen=True)
class MaintenanceView:
    board: list[BoardDevice] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    out_of_service: str = ""  # the booth's out-of-service reason code, "" when in service
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
    card_voided: int = 0  # won given back to the card (whole voids and partial cancels)
    card_void_pending: int = 0  # won to give back to the card that the server has not taken yet (the outbox will)
    notice_offered: bool = False  # issue 17: "send this by text message" is offered
    notice_sent: bool = False  # issue 17: a text message with this result was sent
    notice_channel: str = ""  # issue 17: the channel it went by once sent: "sms" | "email"
    tracking_code: str = ""  # issue 17: outcome "ordered": the delivery's tracking code


# --- the technician's screens (kiosk.maintenance builds them) ----------------------------------------


@dataclass(frozen=True)
class TechLoginView:
    """The technician card's PIN screen (kiosk.maintenance.access). Never the PIN: only how many
    digits are typed."""

    step: str = "pin"  # "card" (present your card) | "reading" | "pin" | "checking" | "refused" (take it out)
    technician: str = ""  # the card's technician id, once read
    digits: int = 0  # how many PIN digits are typed (never which)
    attempts_left: int = 3
    # "wrong-pin", "pin-too-short", "card-locked" (blocked: three wrong), "card-refused" (refused by this
    # booth), "not-a-technician-card", "card-unreadable"
    error: str = ""
    door_open: bool = False  # the service door is open (the I/O module's switch)
    grace_seconds: int = 0  # while asking for a card with the door open: the alarm comes after this long


@dataclass(frozen=True)
class TestResult:
    """One self-test's last outcome (kiosk.maintenance.self_tests)."""

    __test__ = False  # not a pytest class

    device: str  # "a4", "receipt", "fingerprint", "server"
    ok: bool | None = None  # None: not run in this visit
    detail: str = ""  # a code the screen words (selftest.detail.*)
    value: str = ""  # the measured figure: "quality 82", "120 ms", "days 341"
    todo: str = ""  # what to do next when it failed (board.todo.*)
    at: str = ""  # "HH:MM"


@dataclass(frozen=True)
class PaperLine:
    """One printer on the paper page."""

    which: str  # "a4" | "receipt"
    sheets_since: int = 0  # sheets used since the last refill
    paper: str = "unknown"  # a SupplyLevel value
    refilled_at: str = ""  # "YYYY-MM-DD HH:MM", "" when never


@dataclass(frozen=True)
class SessionLine:
    """One resident's visit on the logs page: no personal data (there is none in the journal)."""

    opened: str  # "MM-DD HH:MM"
    document: str = ""  # a document code, "" when none was chosen
    copies: int = 0  # copies printed
    money_in: int = 0
    fee_kept: int = 0
    change: int = 0
    refunds: int = 0
    vouchers: int = 0
    outcome: str = ""  # issued, cancelled, failed, refunded, timed_out, recovered; "" while open
    reason: str = ""


@dataclass(frozen=True)
class OutageLine:
    """One out-of-service spell (kiosk.maintenance.board)."""

    began: str  # "MM-DD HH:MM"
    reason: str  # the out-of-service reason code
    minutes: int | None = None  # how long; None while it lasts


@dataclass(frozen=True)
class SelfTestView:
    """The self-tests page (kiosk.maintenance.self_tests): the last result of each test."""

    results: list[TestResult] = field(default_factory=list)
    running: str = ""  # the test under way ("" when none)
    last: dict[str, Any] = field(default_factory=dict)  # the last action's answer


@dataclass(frozen=True)
class PaperView:
    """The paper page (kiosk.maintenance.paper)."""

    printers: list[PaperLine] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CashView:
    """The cash page: hoppers, stacker and cash box, collection and settlement (kiosk.maintenance.cash_desk)."""

    hopper_coin: int = 100  # won of the coin the hopper pays
    hopper_coins: int | None = None  # coins the journal counts in the hopper (None: no refill on record)
    hopper_level: str = ""  # what the hopper's probes say: "", "low", "empty", ...
    box: dict[str, int] = field(default_factory=dict)  # "coin:100" / "bill:1000" -> pieces since the last collection
    box_won: int = 0
    last_collection: str = ""  # when the box was last emptied ("" never), "YYYY-MM-DD HH:MM"
    last_collection_won: int = 0
    typed: str = ""  # the coin count typed on the keypad (for a refill or a hopper test)
    count_only: bool = False  # a count-only acceptance test is running
    test_won: int = 0  # won counted by the running count-only test
    balanced: bool = True  # the books since the last collection balance (box = fees, payouts, vouchers)
    difference: int = 0  # won the box holds beyond what the books explain (negative: short)
    last: dict[str, Any] = field(default_factory=dict)  # the last action's answer


@dataclass(frozen=True)
class VoucherLine:
    """One voucher as the technician sees it (no personal data: a code, amounts, when)."""

    code: str
    amount: int  # won owed when issued
    remaining: int  # won still owed
    issued_at: str = ""  # "YYYY-MM-DD HH:MM"
    printed: bool = True  # the resident's receipt with the code came out


@dataclass(frozen=True)
class VoucherView:
    """The vouchers page (kiosk.maintenance.cash_desk)."""

    typed: str = ""  # the digits of a code typed on the keypad (12: V-1234-5678-9012)
    found: VoucherLine | None = None  # the voucher whose code is typed, once it is whole and known
    open_vouchers: list[VoucherLine] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LogsView:
    """The logs page: the last sessions (no personal data) and out-of-service history (kiosk.maintenance.board)."""

    lines: list[str] = field(default_factory=list)  # the journal's tail, one line each
    sessions: list[SessionLine] = field(default_factory=list)  # the last sessions, newest first
    outages: list[OutageLine] = field(default_factory=list)  # out-of-service history, newest first


@dataclass(frozen=True)
class PickupView:
    """Issue 17: the code of a document reserved online (민원예약), typed or scanned (kiosk/pickup.py).

    `code` is what was typed so far (8 digits make a code); `error` says why the last code was not
    accepted: "incomplete", "not-found", "used", "expired", "other-booth", "not-here" (this booth
    cannot issue that document now), "unreadable" (a scan that did not come whole), "not-pickup" (a QR
    read whole that holds no pickup code). `looking_up` is true while the server is asked."""

    code: str = ""
    digits: int = 8
    error: str = ""
    looking_up: bool = False
    scanner: bool = False  # a barcode scanner is ready: the screen says the QR can be shown to it
    scanner_offline: bool = False  # the booth's scanner is unplugged or silent: the screen says to type the code


@dataclass(frozen=True)
class NoticeView:
    """Issue 17: the mobile number a result is sent to by text message (kiosk/notices.py). The number
    is the resident's own, shown as typed so it can be checked; it lives only until it is sent."""

    channel: str = "sms"  # "" while the resident chooses (screens/notice_channel.py), or "email"
    number: str = ""  # as typed, grouped: "010-1234-5678"
    digits: int = 0
    error: str = ""  # "incomplete" | "unavailable"; e-mail also "invalid"
    sending: bool = False
    # The e-mail channel (screens/notice_email.py): the address as typed, shown whole so the resident
    # can check it (never said aloud: voice says `chars`, how many characters are typed).
    address: str = ""
    chars: int = 0


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
    # Which resident the booth serves: the controller counts one more each time it decides the next
    # resident is a stranger (choices reset). Voice guidance drops volume, rate and its last screen
    # when it changes, and only then (back to idle from the first step is the same resident).
    resident: int = 0

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
    the physical keypad in a session), maintenance_enter (only with a technician in: kiosk.maintenance.access)
    / maintenance_exit / maintenance_selftest (technician), maint(do, ...) (a technician's action:
    kiosk.maintenance.workshop), pickup (the pickup of a document reserved online: its code screen; there
    digit, backspace, clear, confirm and back act on the code), voice_key (a volume, rate or replay key
    of the voice guide: activity, as a touch is). `page` and the
    screens' own menus (the language and accessibility choosers) never leave the screens (the runner
    handles them itself, and sends still_here instead: the resident's countdown starts again).
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

