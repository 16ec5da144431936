"""The technician's board says each device's state in plain words, never the drivers' codes: every
state and reason it maps, the wording in four languages, and the ccTalk identity bytes."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.languages import LANGUAGES
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.cash.frames import Frame, Header, serial_bytes
from drivers.cash.identity import software_revision
from kiosk.maintenance.a4_test_page import one_page_pdf
from kiosk.maintenance.device_words import Condition, condition, every_code
from screens.strings import t

S, L = DeviceState, SupplyLevel

CASES = [
    # The issue's own example: paper out holds the kiosk out of service; the board must not say "online".
    (
        DeviceStatus("a4_printer", S.USER_ERROR, "media-empty", supplies={"paper": L.OUT, "toner": L.FULL}),
        Condition("paper-out", "refill-a4-tray", "fault"),
    ),
    (
        DeviceStatus("a4_printer", S.ONLINE, "", supplies={"paper": L.OUT}),
        Condition("paper-out", "refill-a4-tray", "fault"),
    ),
    (
        DeviceStatus("a4_printer", S.HARDWARE_ERROR, "media-jam", supplies={"paper": L.JAMMED}),
        Condition("paper-jam", "clear-a4-jam", "fault"),
    ),
    (DeviceStatus("a4_printer", S.USER_ERROR, "door-open"), Condition("cover-open", "close-a4-cover", "fault")),
    (
        DeviceStatus("a4_printer", S.ONLINE, "media-low", supplies={"paper": L.LOW}),
        Condition("paper-low", "refill-a4-tray", "warn"),
    ),
    (
        DeviceStatus("a4_printer", S.USER_ERROR, "toner-empty", supplies={"toner": L.OUT}),
        Condition("toner-out", "replace-toner", "fault"),
    ),
    (
        DeviceStatus("a4_printer", S.ONLINE, "toner-low", supplies={"toner": L.LOW}),
        Condition("toner-low", "order-toner", "warn"),
    ),
    (
        DeviceStatus("a4_printer", S.HARDWARE_ERROR, "not-accepting-jobs"),
        Condition("not-accepting", "restart-a4", "fault"),
    ),
    (
        DeviceStatus("a4_printer", S.OFFLINE, "connection-refused"),
        Condition("not-answering", "check-power-and-cable", "fault"),
    ),
    (DeviceStatus("a4_printer", S.DEVICE_BUSY, ""), Condition("busy")),
    (
        DeviceStatus("receipt_printer", S.OFFLINE, "paper-end", supplies={"paper": L.OUT}),
        Condition("paper-out", "refill-receipt-roll", "warn"),
    ),
    (
        DeviceStatus("receipt_printer", S.ONLINE, "paper-near-end", supplies={"paper": L.LOW}),
        Condition("paper-low", "refill-receipt-roll", "warn"),
    ),
    (DeviceStatus("receipt_printer", S.OFFLINE, "cover-open"), Condition("cover-open", "close-receipt-cover", "fault")),
    (
        DeviceStatus("receipt_printer", S.HARDWARE_ERROR, "autocutter-error"),
        Condition("cutter-error", "clear-receipt-cutter", "fault"),
    ),
    (
        DeviceStatus("receipt_printer", S.OFFLINE, "no-answer"),
        Condition("not-answering", "check-power-and-cable", "fault"),
    ),
    (
        DeviceStatus("cash", S.ONLINE, "stacker-full", supplies={"bill-stacker": L.FULL}),
        Condition("stacker-full", "empty-stacker", "warn"),
    ),
    (DeviceStatus("cash", S.ONLINE, "stacker-removed"), Condition("stacker-removed", "put-back-stacker", "warn")),
    (DeviceStatus("cash", S.ONLINE, "hopper-empty"), Condition("hopper-empty", "refill-hopper", "warn")),
    (DeviceStatus("cash", S.ONLINE, "hopper-low"), Condition("hopper-low", "refill-hopper", "warn")),
    (DeviceStatus("cash", S.HARDWARE_ERROR, "coin-jam"), Condition("coin-jam", "clear-coin-path", "fault")),
    (DeviceStatus("cash", S.HARDWARE_ERROR, "bill-jam"), Condition("bill-jam", "clear-bill-path", "fault")),
    (DeviceStatus("cash", S.OFFLINE, "port-unavailable"), Condition("port-missing", "check-usb-serial", "fault")),
    (DeviceStatus("cash", S.OFFLINE, "serial-timeout"), Condition("not-answering", "check-cctalk-cable", "fault")),
    (DeviceStatus("server", S.OFFLINE, "timeout"), Condition("unreachable", "check-network", "fault")),
    (
        DeviceStatus("fingerprint", S.OFFLINE, "serial-timeout"),
        Condition("not-answering", "check-fingerprint-cable", "fault"),
    ),
    (DeviceStatus("keypad", S.OFFLINE, "unplugged"), Condition("unplugged", "plug-in-keypad", "warn")),
    # The pickup QR scanner unplugged: codes can still be typed, so a warning, not a fault (issue 17).
    (
        DeviceStatus("barcode_scanner", S.OFFLINE, "unplugged"),
        Condition("not-answering", "check-scanner-cable", "warn"),
    ),
    (DeviceStatus("keypad", S.ONLINE, "jack-unplugged"), Condition("ok")),
    (DeviceStatus("fingerprint", S.OFFLINE, "not-yet-contacted"), Condition("starting", "", "warn")),
    (DeviceStatus("card_reader", S.FRAUD_ATTEMPT, "x"), Condition("tampering", "inspect-device", "fault")),
    (DeviceStatus("fingerprint", S.ONLINE), Condition("ok")),
    (
        DeviceStatus("voice", S.OFFLINE, "espeak-ng-missing"),
        Condition("voice-unavailable", "check-speech-and-sound", "warn"),
    ),
]


@pytest.mark.parametrize(
    ("status", "expected"), CASES, ids=[f"{s.device}-{s.reason or s.state.value}" for s, _ in CASES]
)
def test_each_device_state_is_said_in_the_technicians_words(status: DeviceStatus, expected: Condition) -> None:
    assert condition(status) == expected


def test_every_code_the_board_can_give_has_words_in_four_languages() -> None:
    conditions, todos = every_code()
    keys = [f"board.cond.{c}" for c in conditions] + [f"board.todo.{t}" for t in todos]
    english = {key: t(key, "en") for key in keys}
    for key in keys:
        assert english[key] != key, f"{key} has no words"
        for lang in LANGUAGES:
            if lang != "en":  # the catalogs translate it: not the English sentence shown in another language
                assert t(key, lang) != english[key], (key, lang)


def test_cctalk_identity_requests_are_the_specs_bytes() -> None:
    # ccTalk Part 2: header 241 "Request software revision" and 242 "Request serial number", from
    # host (1) to the coin acceptor (2), no data: [dest][0][src][header][checksum], bytes summing to 0.
    assert Frame(dest=2, src=1, header=Header.REQUEST_SOFTWARE_REVISION).to_bytes() == bytes.fromhex("020001F10C")
    assert Frame(dest=2, src=1, header=Header.REQUEST_SERIAL_NUMBER).to_bytes() == bytes.fromhex("020001F20B")
    # 242's answer, least significant byte first: the Suzo-Happ manual's 4E 46 05 is serial 345678.
    assert serial_bytes(345678) == bytes.fromhex("4E4605")
    assert software_revision(b"CV2-1.07\x00 ") == "CV2-1.07"


def test_the_a4_test_page_is_one_well_formed_pdf_page() -> None:
    pdf = one_page_pdf("KIOSK-0001 (A4) test")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page ") == 1
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref : xref + 4] == b"xref"
    # Every object's offset in the table points at that object.
    table = pdf[xref:].split(b"\n")[3:8]
    for number, row in enumerate(table, start=1):
        offset = int(row[:10])
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())


def test_the_cctalk_simulator_answers_who_each_part_is() -> None:
    from simulators.cctalk.devices import BILL_SERIAL, COIN_SERIAL, BillValidatorSim, CoinAcceptorSim, HopperSim

    coin = CoinAcceptorSim(channels={1: 100})
    assert coin.handle(Header.REQUEST_SERIAL_NUMBER, b"") == serial_bytes(COIN_SERIAL)
    assert software_revision(bytes(coin.handle(Header.REQUEST_SOFTWARE_REVISION, b""))) == "CV2-1.07"
    bill = BillValidatorSim(channels={1: 1000})
    assert bill.handle(Header.REQUEST_SERIAL_NUMBER, b"", 0.0, 5.0) == serial_bytes(BILL_SERIAL)
    assert HopperSim(coin_value=100).handle(Header.REQUEST_SOFTWARE_REVISION, b"") == b"SCH2 2.04"


def test_out_of_service_spells_say_when_why_and_how_long(tmp_path: object) -> None:
    from pathlib import Path

    from kiosk.journal import Journal
    from kiosk.maintenance.board import out_of_service_spells
    from kiosk.views import OutageLine

    journal = Journal(Path(str(tmp_path)) / "j.db")
    journal.record("device", "out_of_service_entered", at="2026-12-06T09:00:00.000", ref="a4-paper-out")
    journal.record("device", "out_of_service_entered", at="2026-12-06T09:10:00.000", ref="journal-unwritable")
    journal.record("device", "out_of_service_left", at="2026-12-06T09:40:00.000", ref="journal-unwritable")
    journal.record("device", "out_of_service_entered", at="2026-12-06T11:00:00.000", ref="cash-unavailable")
    assert out_of_service_spells(journal, 10) == [
        OutageLine("12-06 11:00", "cash-unavailable", None),
        OutageLine("12-06 09:10", "journal-unwritable", 30),
        OutageLine("12-06 09:00", "a4-paper-out", 10),
    ]
    journal.close()


def test_escpos_printer_id_request_and_answer_are_the_specs_bytes() -> None:
    from drivers.receipt_printer.printer_id import INFO, encode_block, parse_block, request
    from simulators.receipt_printer.escpos import EscPosParser, TransmitPrinterId

    # Epson ESC/POS GS I n: 1D 49 n; n = 65 firmware, 66 maker, 67 model, 68 serial number.
    assert request(INFO["firmware"]) == bytes.fromhex("1D4941")
    assert request(INFO["serial"]) == bytes.fromhex("1D4944")
    # The answer block: header 5F, ASCII, NUL.
    assert parse_block(bytes.fromhex("5F") + b"EPSON" + b"\x00") == "EPSON"
    assert encode_block("TM-T20II") == b"_TM-T20II\x00"
    with pytest.raises(ValueError, match="GS I"):
        parse_block(b"EPSON\x00")
    # The simulator's parser sees the request whole, whatever the bytes around it.
    commands = EscPosParser().feed(b"AB" + request(67) + b"\x1d")
    assert TransmitPrinterId(bytes.fromhex("1D4943"), 67) in commands


@given(st.binary(max_size=64))
def test_identity_answers_never_take_the_board_down(data: bytes) -> None:
    from drivers.receipt_printer.printer_id import parse_block

    assert isinstance(software_revision(data), str)
    with contextlib.suppress(ValueError):
        assert isinstance(parse_block(data), str)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40))
def test_a_printer_id_block_says_back_what_it_holds(text: str) -> None:
    from drivers.receipt_printer.printer_id import encode_block, parse_block

    assert parse_block(encode_block(text)) == text
