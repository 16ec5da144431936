"""BER-TLV vectors from ISO/IEC 8825-1 (X.690) and EMV 4.3 Book 3 Annex B, plus property tests."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.card import tlv
from drivers.card.errors import CardError, TlvError
from drivers.card.tlv import Tlv


def test_short_form_length_from_x690_example() -> None:
    # X.690 (08/2015) §8.1.3.4 example: L = 38 is encoded as 00100110.
    assert tlv.encode_length(38) == bytes([0b00100110])


def test_long_form_length_from_x690_example() -> None:
    # X.690 §8.1.3.5 NOTE 2 example: L = 201 is encoded as 10000001 11001001.
    assert tlv.encode_length(201) == bytes([0b10000001, 0b11001001])
    assert tlv.read_length(bytes([0x81, 0xC9]), 0) == (201, 2)


@pytest.mark.parametrize(("length", "encoded"), [
    (127, "7F"), (128, "8180"), (255, "81FF"), (256, "820100"), (65535, "82FFFF"), (65536, "83010000"),
])
def test_length_boundaries_of_emv_annex_b2(length: int, encoded: str) -> None:
    # EMV 4.3 Book 3 Annex B2: 1 byte up to 127, then '81' + 1 byte, '82' + 2 bytes (we also take '83').
    assert tlv.encode_length(length).hex().upper() == encoded


def test_two_byte_tags_of_emv_annex_b1() -> None:
    # EMV 4.3 Book 3 Annex B1: first byte b5–b1 = 11111 means a subsequent byte; '9F02' Amount, Authorised.
    obj = tlv.parse(bytes.fromhex("9F0206000000000200"))[0]
    assert obj == Tlv(0x9F02, bytes.fromhex("000000000200"))
    assert not obj.constructed
    assert tlv.encode_tag(0x5F2A) == bytes.fromhex("5F2A")
    assert tlv.encode_tag(0xBF0C) == bytes.fromhex("BF0C")


def test_ppse_fci_parses_as_nested_templates() -> None:
    # PPSE FCI structure of EMV Contactless Book B v2.6 Table 3-3: 6F > 84, A5 > BF0C > 61 > 4F, 87.
    data = bytes.fromhex("6F23840E325041592E5359532E4444463031A511BF0C0E610C4F07A0000000031010870101")
    fci = tlv.parse(data)
    assert [obj.tag for obj in fci] == [0x6F]
    assert fci[0].constructed
    assert tlv.find(fci, 0x84) == Tlv(0x84, b"2PAY.SYS.DDF01")
    assert tlv.find(fci, 0x4F) == Tlv(0x4F, bytes.fromhex("A0000000031010"))
    assert tlv.primitives(fci)[0x87] == b"\x01"
    assert tlv.encode(fci) == data


def test_zero_padding_between_objects_is_skipped() -> None:
    # EMV 4.3 Book 3 Annex B: '00' bytes may occur before, between or after TLV objects.
    assert tlv.parse(bytes.fromhex("00005A01420000950100")) == [Tlv(0x5A, b"\x42"), Tlv(0x95, b"\x00")]


@pytest.mark.parametrize("data", [
    "5A05420000",  # value shorter than its length
    "9F",  # tag announces a second byte that never comes
    "5A80",  # indefinite length, not allowed in EMV
    "5A84FFFFFFFF",  # four length bytes
    "5A81",  # length byte missing
    "70035A0542",  # constructed value holds a broken object
    "9FFFFFFF0100",  # four-byte tag
])
def test_malformed_tlv_is_a_tlv_error(data: str) -> None:
    with pytest.raises(TlvError):
        tlv.parse(bytes.fromhex(data))


def test_cdol1_is_a_data_object_list() -> None:
    # EMV 4.3 Book 3 §5.4: a DOL is tags and lengths only.
    cdol = bytes.fromhex("9F02069F03069F1A0295055F2A029A039C019F3704")
    assert tlv.parse_dol(cdol) == [(0x9F02, 6), (0x9F03, 6), (0x9F1A, 2), (0x95, 5), (0x5F2A, 2),
                                   (0x9A, 3), (0x9C, 1), (0x9F37, 4)]
    assert tlv.build_dol(tlv.parse_dol(cdol)) == cdol


def test_nesting_is_bounded() -> None:
    deep = b""
    for _ in range(tlv.MAX_DEPTH + 2):
        deep = Tlv(0x70, deep).to_bytes() if deep else Tlv(0x5A, b"\x01").to_bytes()
    with pytest.raises(TlvError):
        tlv.parse(deep)


@given(st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_tlv_error(data: bytes) -> None:
    try:
        objects = tlv.parse(data)
    except TlvError:
        return
    assert tlv.parse(tlv.encode(objects)) == objects  # whatever parses re-encodes to the same objects
    list(tlv.walk(objects))


@given(st.binary(max_size=200))
def test_arbitrary_dol_bytes_raise_only_tlv_error(data: bytes) -> None:
    with contextlib.suppress(TlvError):
        assert tlv.build_dol(tlv.parse_dol(data)) is not None
    assert issubclass(TlvError, CardError)  # the controller's `except CardError` covers it


primitive_tags = st.one_of(
    st.integers(0x01, 0x1E).map(lambda n: 0x80 | n),  # one-byte context-specific primitive
    st.sampled_from([0x57, 0x5A, 0x82, 0x94, 0x9F02, 0x9F26, 0x9F27, 0x9F36, 0x5F24, 0x5F2A]),
    st.integers(0x1F, 0x7F).map(lambda n: 0x9F00 | n),
)
constructed_tags = st.sampled_from([0x6F, 0x70, 0x77, 0x61, 0xA5, 0xBF0C])


def _tree(depth: int) -> st.SearchStrategy[Tlv]:
    leaf = st.builds(Tlv, primitive_tags, st.binary(max_size=300))
    if depth == 0:
        return leaf
    node = st.builds(lambda tag, kids: Tlv.build(tag, *kids), constructed_tags,
                     st.lists(_tree(depth - 1), max_size=4))
    return st.one_of(leaf, node)


@given(st.lists(_tree(3), max_size=5))
def test_build_parse_round_trip(objects: list[Tlv]) -> None:
    data = tlv.encode(objects)
    assert tlv.parse(data) == objects
    assert tlv.encode(tlv.parse(data)) == data
