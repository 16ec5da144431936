"""The technician card's APDUs and status words (drivers/card/technician.py), pinned with the vectors of
ISO 9564-1 (format-2 PIN block), ISO/IEC 7816-4 (VERIFY, GET DATA, '63Cx') and EMV 4.3 Book 3 §6.5.12
(plaintext offline PIN: P2 '80', '6983' blocked), played against the simulated card, and the response
parsers fuzzed: a card's bytes are outside input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.card.errors import CardProtocolError, CardStatusError
from drivers.card.technician import (
    PinStatus,
    TechnicianCardInfo,
    check_pin,
    get_technician_id,
    parse_technician_id,
    parse_verify_response,
    pin_block,
    pin_from_block,
    pin_status,
    read_technician,
    select_technician,
    verify_pin,
)
from simulators.smartcard.card import EmvTestCard
from simulators.smartcard.technician import TechnicianTestCard


def test_the_pin_block_is_iso_9564_format_2() -> None:
    # C=2, N=4, P=1 2 3 4, F filler (ISO 9564-1 §9.3.5; EMV 4.3 Book 3 §6.5.12 "Plaintext PIN block").
    assert bytes(pin_block(b"1234")) == bytes.fromhex("241234FFFFFFFFFF")
    assert bytes(pin_block(b"123456789012")) == bytes.fromhex("2C123456789012FF")  # N = C = 12
    assert bytes(pin_block(b"0000")) == bytes.fromhex("240000FFFFFFFFFF")
    for bad in (b"123", b"1234567890123", b"12a4", b""):
        with pytest.raises(ValueError, match="4 to 12 digits"):
            pin_block(bad)


def test_the_commands_are_the_bytes_the_standards_give() -> None:
    # SELECT by DF name, the proprietary AID 'F0' "KIOSK" 01 (ISO/IEC 7816-5 category F), Le 256.
    assert select_technician().to_bytes() == bytes.fromhex("00A4040007F04B494F534B0100")
    # GET DATA, P1-P2 the tag 'DF01'.
    assert get_technician_id().to_bytes() == bytes.fromhex("00CADF0100")
    # VERIFY, P2 '80' plaintext PIN, Lc 8, the format-2 block (EMV 4.3 Book 3 §6.5.12.2).
    assert verify_pin(b"1234").to_bytes() == bytes.fromhex("002000800824" "1234FFFFFFFFFF")
    # VERIFY with no data: the tries left (ISO/IEC 7816-4 §11.5.6, case 1).
    assert pin_status().to_bytes() == bytes.fromhex("00200080")


@pytest.mark.parametrize(("sw", "status"), [
    ("9000", PinStatus(verified=True)),
    ("63C2", PinStatus(verified=False, tries_left=2)),
    ("63C1", PinStatus(verified=False, tries_left=1)),
    ("63C0", PinStatus(verified=False, tries_left=0, blocked=True)),
    ("6983", PinStatus(verified=False, tries_left=0, blocked=True)),  # authentication method blocked
    ("6984", PinStatus(verified=False, tries_left=0, blocked=True)),  # reference data invalidated
])
def test_verify_answers_mean_what_iso_7816_4_says(sw: str, status: PinStatus) -> None:
    assert parse_verify_response(bytes.fromhex(sw)) == status


@pytest.mark.parametrize("raw", ["6A80", "6300", "6700", "6D00", "AA9000", ""])
def test_other_verify_answers_are_errors_not_guesses(raw: str) -> None:
    with pytest.raises(CardProtocolError):
        parse_verify_response(bytes.fromhex(raw))


@given(st.binary(max_size=40))
def test_any_bytes_from_a_card_parse_to_an_answer_or_a_card_error(raw: bytes) -> None:
    try:
        status = parse_verify_response(raw)
    except CardProtocolError:
        return
    assert len(raw) == 2
    sw = int.from_bytes(raw, "big")
    assert status.verified == (sw == 0x9000)
    assert status.blocked == (sw in (0x6983, 0x6984, 0x63C0))
    if sw >> 4 == 0x63C:
        assert status.tries_left == sw & 0x0F


@given(st.integers(0, 15))
def test_every_counter_status_word_gives_its_tries(tries: int) -> None:
    status = parse_verify_response(bytes([0x63, 0xC0 | tries]))
    assert status == PinStatus(verified=False, tries_left=tries, blocked=tries == 0)


@given(st.binary(max_size=40))
def test_any_get_data_answer_is_an_id_or_a_card_error(raw: bytes) -> None:
    try:
        text = parse_technician_id(raw)
    except CardProtocolError:
        return
    assert 1 <= len(text) <= 16 and text.isascii() and text.isprintable() and " " not in text


@given(st.from_regex(r"[0-9]{4,12}", fullmatch=True))
def test_a_pin_block_gives_back_its_pin(pin: str) -> None:
    assert bytes(pin_from_block(pin_block(pin.encode()))) == pin.encode()


def transmit_to(card: TechnicianTestCard | EmvTestCard):  # type: ignore[no-untyped-def]
    card.power_on()

    async def transmit(command: bytes) -> bytes:
        return card.process(command)

    return transmit


async def test_the_card_checks_the_pin_and_blocks_after_three_wrong() -> None:
    card = TechnicianTestCard("T0042", "1234")
    transmit = transmit_to(card)
    assert await read_technician(transmit) == TechnicianCardInfo("T0042", tries_left=3, blocked=False)
    assert await check_pin(transmit, b"1234") == PinStatus(verified=True)
    assert await check_pin(transmit, b"0000") == PinStatus(verified=False, tries_left=2)
    assert await check_pin(transmit, b"1234") == PinStatus(verified=True)  # a right PIN resets the counter
    answers = [card.process(verify_pin(b"9999").to_bytes()).hex().upper() for _ in range(4)]
    assert answers == ["63C2", "63C1", "63C0", "6983"]
    assert card.process(verify_pin(b"1234").to_bytes()).hex().upper() == "6983"  # blocked for good
    assert await read_technician(transmit) == TechnicianCardInfo("T0042", tries_left=0, blocked=True)
    assert card.process(bytes.fromhex("0020008008" "3412FFFFFFFFFFFF")).hex().upper() == "6983"


async def test_a_malformed_pin_block_costs_no_try() -> None:
    card = TechnicianTestCard("T0042", "1234")
    transmit_to(card)
    card.process(select_technician().to_bytes())
    assert card.process(bytes.fromhex("0020008008" "3412FFFFFFFFFFFF")).hex().upper() == "6A80"
    assert card.tries_left == 3


async def test_a_payment_card_is_no_technician_card() -> None:
    assert await read_technician(transmit_to(EmvTestCard())) is None
    with pytest.raises(CardProtocolError):
        await check_pin(transmit_to(EmvTestCard()), b"1234")


async def test_a_card_that_answers_select_with_an_error_is_named() -> None:
    async def transmit(command: bytes) -> bytes:
        return bytes.fromhex("6F00")

    with pytest.raises(CardStatusError):
        await read_technician(transmit)
