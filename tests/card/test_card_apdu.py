"""APDU encoding vectors from ISO/IEC 7816-4 and EMV 4.3 Books 1 and 3, plus property tests."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.card import apdu
from drivers.card.apdu import CommandApdu, CryptogramType, ResponseApdu
from drivers.card.errors import ApduError


def test_select_ppse() -> None:
    # EMV 4.3 Book 1 §11.3.2 (SELECT: CLA '00', INS 'A4', P1 '04' by name, P2 '00' first occurrence, Le '00')
    # with the PPSE name of EMV Contactless Book B §3.3.
    command = apdu.select(b"2PAY.SYS.DDF01")
    assert command.to_bytes().hex().upper() == "00A404000E325041592E5359532E444446303100"


def test_select_next_occurrence() -> None:
    # EMV 4.3 Book 1 §11.3.2 Table 43: P2 '02' = next occurrence.
    assert apdu.select(bytes.fromhex("A000000003"), next_occurrence=True).p2 == 0x02


def test_gpo_without_pdol_sends_8300() -> None:
    # EMV 4.3 Book 3 §6.5.8.3: with no PDOL the command data field is '8300'.
    assert apdu.get_processing_options(b"").to_bytes().hex().upper() == "80A8000002830000"


def test_read_record_p2_carries_sfi() -> None:
    # EMV 4.3 Book 3 §6.5.11.2 Table 20: P2 = SFI in b8–b4, '100' in b3–b1 (P1 is a record number).
    assert apdu.read_record(1, 1).to_bytes().hex().upper() == "00B2010C00"
    assert apdu.read_record(2, 3).to_bytes().hex().upper() == "00B2031400"


def test_generate_ac_reference_control() -> None:
    # EMV 4.3 Book 3 §6.5.5.2 Table 12: P1 b8–b7 '10' ARQC, '01' TC, '00' AAC; b5 CDA requested.
    arqc = apdu.generate_ac(CryptogramType.ARQC, b"\x01\x02")
    assert arqc.to_bytes().hex().upper() == "80AE800002010200"
    assert apdu.generate_ac(CryptogramType.TC, b"\x01").p1 == 0x40
    assert apdu.generate_ac(CryptogramType.AAC, b"\x01", cda=True).p1 == 0x10


def test_get_response() -> None:
    # ISO/IEC 7816-4:2013 §11.4.1 / EMV 4.3 Book 1 §9.3.1.3: '00 C0 00 00 Le', Le from SW2 of '61xx'.
    assert apdu.get_response(0x1C).to_bytes().hex().upper() == "00C000001C"
    assert apdu.get_response(0).le == 256


@pytest.mark.parametrize(("raw", "expected"), [
    ("00A40400", CommandApdu(0x00, 0xA4, 0x04, 0x00)),  # case 1
    ("00B2010C00", CommandApdu(0x00, 0xB2, 0x01, 0x0C, le=256)),  # case 2S, Le '00' = 256
    ("80AE800002AABB", CommandApdu(0x80, 0xAE, 0x80, 0x00, b"\xaa\xbb")),  # case 3S
    ("00A4040005A00000000300", CommandApdu(0x00, 0xA4, 0x04, 0x00, bytes.fromhex("A000000003"), 256)),  # 4S
])
def test_command_cases_of_iso7816_4(raw: str, expected: CommandApdu) -> None:
    # ISO/IEC 7816-4:2013 §5.1: cases 1, 2S, 3S, 4S of the command-response pair.
    assert CommandApdu.from_bytes(bytes.fromhex(raw)) == expected
    assert expected.to_bytes().hex().upper() == raw


def test_response_apdu_splits_status_word() -> None:
    response = ResponseApdu.from_bytes(bytes.fromhex("6F009000"))
    assert (response.data, response.sw, response.ok) == (b"\x6f\x00", 0x9000, True)
    assert ResponseApdu.from_bytes(bytes.fromhex("6A82")).sw == apdu.SW_FILE_NOT_FOUND


def test_cryptogram_information_data_bits() -> None:
    # EMV 4.3 Book 3 §6.5.5.4 Table 14: CID b8–b7 '00' AAC, '01' TC, '10' ARQC, '11' RFU.
    assert CryptogramType.from_cid(0x80) is CryptogramType.ARQC
    assert CryptogramType.from_cid(0x41) is CryptogramType.TC
    assert CryptogramType.from_cid(0x00) is CryptogramType.AAC
    with pytest.raises(ApduError):
        CryptogramType.from_cid(0xC0)


@pytest.mark.parametrize("raw", ["", "00", "00A404", "00A4040005A0", "00A404000000", "00A40400020102030405"])
def test_malformed_commands_are_apdu_errors(raw: str) -> None:
    with pytest.raises(ApduError):
        CommandApdu.from_bytes(bytes.fromhex(raw))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_apdu_error(raw: bytes) -> None:
    for parse in (CommandApdu.from_bytes, ResponseApdu.from_bytes):
        with contextlib.suppress(ApduError):
            parse(raw)


@given(st.builds(CommandApdu, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255),
                 st.integers(0, 255), st.binary(max_size=255), st.none() | st.integers(1, 256)))
def test_command_round_trip(command: CommandApdu) -> None:
    assert CommandApdu.from_bytes(command.to_bytes()) == command


@given(st.binary(max_size=256), st.integers(0, 255), st.integers(0, 255))
def test_response_round_trip(data: bytes, sw1: int, sw2: int) -> None:
    response = ResponseApdu(data, sw1, sw2)
    assert ResponseApdu.from_bytes(response.to_bytes()) == response
