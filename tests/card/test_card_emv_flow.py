"""The EMV flow's pure steps, run against the simulator's card object through a transmit function."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card import apdu, emv, tlv
from drivers.card.errors import CardDeclinedOffline, CardError, CardProtocolError, CardStatusError
from simulators.smartcard.card import TEST_AID, TEST_PAN, EmvTestCard, issuer_verify

TODAY = dt.date(2026, 11, 23)


def _txn(amount: int = 200) -> emv.TransactionData:
    return emv.TransactionData(amount=amount, date=TODAY, unpredictable_number=bytes.fromhex("0BADCAFE"))


def _powered_card() -> EmvTestCard:
    card = EmvTestCard()
    card.power_on()
    return card


def _transmit(card: EmvTestCard, log: list[bytes] | None = None) -> emv.Transmit:
    async def transmit(command: bytes) -> bytes:
        if log is not None:
            log.append(command)
        return card.process(command)
    return transmit


async def test_full_flow_produces_an_arqc_the_issuer_accepts() -> None:
    card = _powered_card()
    sent: list[bytes] = []
    result = await emv.run_payment(_transmit(card, sent), emv.TerminalConfig(), _txn(500))
    assert [c[1] for c in sent] == [0xA4, 0xA4, 0xA8, 0xB2, 0xB2, 0xAE]  # PPSE, AID, GPO, 2 records, GAC
    assert result.application.aid == TEST_AID
    assert result.cryptogram.kind is apdu.CryptogramType.ARQC
    online = result.online_data()
    assert issuer_verify(online)
    values = tlv.primitives(tlv.parse(online))
    assert values[emv.TAG_AMOUNT] == bytes.fromhex("000000000500")  # n12, KRW has no minor unit
    assert values[emv.TAG_CURRENCY] == bytes.fromhex("0410")
    assert values[emv.TAG_DATE] == bytes.fromhex("261123")
    assert emv.TAG_PAN not in values
    assert emv.TAG_TRACK2 not in values
    assert TEST_PAN not in online.hex()


async def test_declining_card_raises_declined_offline() -> None:
    card = _powered_card()
    card.declines = True
    with pytest.raises(CardDeclinedOffline):
        await emv.run_payment(_transmit(card), emv.TerminalConfig(), _txn())


async def test_t0_procedure_61xx_and_6cxx_are_followed() -> None:
    """A T=0 card answers case-4 commands with '61xx' (then GET RESPONSE) or '6Cxx' (EMV Book 1 §9.3.1)."""
    card = _powered_card()
    pending = b""
    wrong_le_once = True

    async def t0_card(command: bytes) -> bytes:
        nonlocal pending, wrong_le_once
        if command[1] == apdu.INS_GET_RESPONSE:
            out, pending = pending[:command[4] or 256], pending[command[4] or 256:]
            return out + (bytes([0x61, min(len(pending), 255)]) if pending else b"\x90\x00")
        if command[1] == apdu.INS_READ_RECORD and wrong_le_once:
            wrong_le_once = False
            length = len(card.process(command)) - 2
            return bytes([0x6C, length])
        response = card.process(command)
        if len(response) == 2:
            return response
        pending = response[:-2]
        return bytes([0x61, min(len(pending), 255)])

    result = await emv.run_payment(t0_card, emv.TerminalConfig(), _txn())
    assert issuer_verify(result.online_data())


async def test_card_without_ppse_is_found_through_the_terminal_aid_list() -> None:
    card = _powered_card()

    async def no_ppse(command: bytes) -> bytes:
        if command[1] == apdu.INS_SELECT and b"2PAY.SYS.DDF01" in command:
            return bytes.fromhex("6A82")
        return card.process(command)

    result = await emv.run_payment(no_ppse, emv.TerminalConfig(), _txn())
    assert result.application.aid == TEST_AID


async def test_unsupported_application_is_refused() -> None:
    terminal = emv.TerminalConfig(supported_aids=(bytes.fromhex("A0000000999999"),))
    with pytest.raises(CardProtocolError):
        await emv.run_payment(_transmit(_powered_card()), terminal, _txn())


async def test_status_word_errors_are_typed() -> None:
    card = _powered_card()  # GPO before SELECT: conditions of use not satisfied
    with pytest.raises(CardStatusError) as caught:
        await emv.get_processing_options(_transmit(card), b"", {})
    assert caught.value.sw == apdu.SW_CONDITIONS_NOT_SATISFIED


def test_dol_data_follows_book3_section_5_4() -> None:
    dol = bytes.fromhex("9F0204" "9F0208" "5003" "5001" "DF0102")
    values = {0x9F02: bytes.fromhex("000000000200"), 0x50: b"AB"}
    # numeric: leftmost bytes truncated / leading zeros; other: rightmost truncated / trailing zeros;
    # a tag the terminal does not know: zeros.
    assert emv.build_dol_data(dol, values).hex().upper() == (
        "00000200" "0000000000000200" "414200" "41" "0000")


@pytest.mark.parametrize("afl", ["", "080102", "00010100", "08000100", "08020100", "08010103", "F8010100",
                                 "09010100"])
def test_invalid_afl_terminates(afl: str) -> None:
    # EMV 4.3 Book 3 §10.2: SFI 1..30 with b3–b1 zero, first record ≥ 1, last ≥ first, ODA count ≤ span.
    with pytest.raises(CardProtocolError):
        emv.parse_afl(bytes.fromhex(afl))


def test_valid_afl() -> None:
    assert emv.parse_afl(bytes.fromhex("0801020010010301")) == (
        emv.AflEntry(1, 1, 2, 0), emv.AflEntry(2, 1, 3, 1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=64), min_size=1, max_size=8))
def test_arbitrary_card_answers_raise_only_card_errors(answers: list[bytes]) -> None:
    async def hostile(command: bytes) -> bytes:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    async def run() -> None:
        with contextlib.suppress(CardError):
            await emv.run_payment(hostile, emv.TerminalConfig(), _txn())

    asyncio.run(run())
