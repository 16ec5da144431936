"""The IPP codec against RFC 8010's own examples, and against arbitrary bytes."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.a4_printer.errors import IppDecodeError, IppEncodeError
from drivers.a4_printer.ipp_codec import (
    Attribute,
    AttributeGroup,
    Collection,
    GroupTag,
    IntRange,
    IppMessage,
    Operation,
    Resolution,
    StringWithLanguage,
    Value,
    ValueTag,
    decode,
    encode,
)


def _attr(tag: int, name: str, value: bytes) -> bytes:
    """tag, name-length, name, value-length, value (RFC 8010 §3.1.4)."""
    return bytes([tag]) + len(name).to_bytes(2, "big") + name.encode() + len(value).to_bytes(2, "big") + value


# RFC 8010 Appendix A.2 "Print-Job Request", octet by octet as the table lists them.
RFC8010_A2_PRINT_JOB = (
    bytes.fromhex("0200" "0002" "00000001")
    + b"\x01"
    + bytes.fromhex("47" "0012") + b"attributes-charset" + bytes.fromhex("0005") + b"utf-8"
    + bytes.fromhex("48" "001b") + b"attributes-natural-language" + bytes.fromhex("0005") + b"en-us"
    + bytes.fromhex("45" "000b") + b"printer-uri" + bytes.fromhex("002c")
    + b"ipp://printer.example.com/ipp/print/pinetree"
    + bytes.fromhex("42" "0008") + b"job-name" + bytes.fromhex("0006") + b"foobar"
    + bytes.fromhex("22" "0016") + b"ipp-attribute-fidelity" + bytes.fromhex("0001" "01")
    + b"\x02"
    + bytes.fromhex("21" "0006") + b"copies" + bytes.fromhex("0004" "00000014")
    + bytes.fromhex("44" "0005") + b"sides" + bytes.fromhex("0013") + b"two-sided-long-edge"
    + b"\x03"
    + b"%!PS..."
)

# RFC 8010 Appendix A.3 "Print-Job Response (Successful)".
RFC8010_A3_PRINT_JOB_OK = (
    bytes.fromhex("0200" "0000" "00000001")
    + b"\x01"
    + bytes.fromhex("47" "0012") + b"attributes-charset" + bytes.fromhex("0005") + b"utf-8"
    + bytes.fromhex("48" "001b") + b"attributes-natural-language" + bytes.fromhex("0005") + b"en-us"
    + bytes.fromhex("41" "000e") + b"status-message" + bytes.fromhex("000d") + b"successful-ok"
    + b"\x02"
    + bytes.fromhex("21" "0006") + b"job-id" + bytes.fromhex("0004" "00000093")
    + bytes.fromhex("45" "0007") + b"job-uri" + bytes.fromhex("0030")
    + b"ipp://printer.example.com/ipp/print/pinetree/147"
    + bytes.fromhex("23" "0009") + b"job-state" + bytes.fromhex("0004" "00000003")
    + bytes.fromhex("44" "0011") + b"job-state-reasons" + bytes.fromhex("0004") + b"none"
    + b"\x03"
)

# RFC 8010 Appendix A.4 "Print-Job Response (Failure)": an unsupported-attributes group with an
# out-of-band 'unsupported' value.
RFC8010_A4_PRINT_JOB_FAILED = (
    bytes.fromhex("0200" "040b" "00000001")
    + b"\x01"
    + bytes.fromhex("47" "0012") + b"attributes-charset" + bytes.fromhex("0005") + b"utf-8"
    + bytes.fromhex("48" "001b") + b"attributes-natural-language" + bytes.fromhex("0005") + b"en-us"
    + bytes.fromhex("41" "000e") + b"status-message" + bytes.fromhex("002f")
    + b"client-error-attributes-or-values-not-supported"
    + b"\x05"
    + bytes.fromhex("21" "0006") + b"copies" + bytes.fromhex("0004" "00000014")
    + bytes.fromhex("10" "0005") + b"sides" + bytes.fromhex("0000")
    + b"\x03"
)


def test_rfc8010_a2_print_job_request_encodes_byte_for_byte() -> None:
    message = IppMessage(
        code=Operation.PRINT_JOB,
        request_id=1,
        groups=(
            AttributeGroup(GroupTag.OPERATION, (
                Attribute.of("attributes-charset", ValueTag.CHARSET, "utf-8"),
                Attribute.of("attributes-natural-language", ValueTag.NATURAL_LANGUAGE, "en-us"),
                Attribute.of("printer-uri", ValueTag.URI, "ipp://printer.example.com/ipp/print/pinetree"),
                Attribute.of("job-name", ValueTag.NAME, "foobar"),
                Attribute.of("ipp-attribute-fidelity", ValueTag.BOOLEAN, True),
            )),
            AttributeGroup(GroupTag.JOB, (
                Attribute.of("copies", ValueTag.INTEGER, 20),
                Attribute.of("sides", ValueTag.KEYWORD, "two-sided-long-edge"),
            )),
        ),
        data=b"%!PS...",
    )
    assert encode(message) == RFC8010_A2_PRINT_JOB
    assert decode(RFC8010_A2_PRINT_JOB) == message


def test_rfc8010_a3_print_job_response_decodes() -> None:
    message = decode(RFC8010_A3_PRINT_JOB_OK)
    assert message.version == (2, 0)
    assert message.status_ok
    assert message.request_id == 1
    assert message.find("status-message") == Attribute.of("status-message", ValueTag.TEXT, "successful-ok")
    assert message.find("job-id", GroupTag.JOB) == Attribute.of("job-id", ValueTag.INTEGER, 147)
    job_uri = message.find("job-uri")
    assert job_uri is not None
    assert job_uri.value == "ipp://printer.example.com/ipp/print/pinetree/147"
    job_state = message.find("job-state")
    assert job_state is not None
    assert (job_state.tag, job_state.value) == (ValueTag.ENUM, 3)
    assert message.data == b""
    assert encode(message) == RFC8010_A3_PRINT_JOB_OK


def test_rfc8010_a4_failure_with_unsupported_group_and_out_of_band() -> None:
    message = decode(RFC8010_A4_PRINT_JOB_FAILED)
    assert message.code == 0x040B
    assert not message.status_ok
    sides = message.find("sides", GroupTag.UNSUPPORTED)
    assert sides is not None
    assert sides.tag == ValueTag.UNSUPPORTED
    assert sides.value is None
    assert encode(message) == RFC8010_A4_PRINT_JOB_FAILED


def test_additional_values_and_collections_follow_rfc8010_3_1_5_and_3_1_6() -> None:
    # media-col = {media-size = {x-dimension = 21000, y-dimension = 29700}, media-source = "main"}
    # and requested-attributes with an additional value (name-length 0), written by hand.
    raw = (
        bytes.fromhex("0200" "000b" "0000002a") + b"\x01"
        + _attr(0x44, "requested-attributes", b"printer-state")
        + _attr(0x44, "", b"printer-state-reasons")
        + b"\x02"
        + _attr(0x34, "media-col", b"")
        + _attr(0x4A, "", b"media-size")
        + _attr(0x34, "", b"")
        + _attr(0x4A, "", b"x-dimension") + _attr(0x21, "", (21000).to_bytes(4, "big"))
        + _attr(0x4A, "", b"y-dimension") + _attr(0x21, "", (29700).to_bytes(4, "big"))
        + _attr(0x37, "", b"")
        + _attr(0x4A, "", b"media-source") + _attr(0x44, "", b"main")
        + _attr(0x37, "", b"")
        + b"\x03"
    )
    message = decode(raw)
    requested = message.find("requested-attributes")
    assert requested is not None
    assert requested.all == ["printer-state", "printer-state-reasons"]
    media_col = message.find("media-col")
    assert media_col is not None
    assert isinstance(media_col.value, Collection)
    size = media_col.value.get("media-size")
    assert size is not None
    assert isinstance(size.value, Collection)
    assert size.value.get("x-dimension") == Attribute.of("x-dimension", ValueTag.INTEGER, 21000)
    assert encode(message) == raw


def test_fixed_size_values_rfc8010_3_9() -> None:
    stamp = dt.datetime(2026, 11, 23, 14, 5, 9, 300_000, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    message = IppMessage(code=0, request_id=7, groups=(AttributeGroup(GroupTag.PRINTER, (
        Attribute.of("printer-current-time", ValueTag.DATE_TIME, stamp),
        Attribute.of("printer-resolution-default", ValueTag.RESOLUTION, Resolution(600, 600, 3)),
        Attribute.of("copies-supported", ValueTag.RANGE_OF_INTEGER, IntRange(1, 999)),
        Attribute.of("printer-info", ValueTag.TEXT_WITH_LANGUAGE, StringWithLanguage("민원 A4", "ko")),
    )),))
    raw = encode(message)
    # DateAndTime (RFC 2579): 2026-11-23 14:05:09.3 +09:00
    assert bytes.fromhex("07ea0b170e050903" "2b" "0900") in raw
    assert bytes.fromhex("0000025800000258" "03") in raw
    assert bytes.fromhex("00000001000003e7") in raw
    assert decode(raw) == message


@pytest.mark.parametrize("raw", [
    b"",
    b"\x02\x00\x00\x0b\x00\x00\x00\x01",  # no end-of-attributes
    b"\x02\x00\x00\x0b\x00\x00\x00\x01\x01\x21\x00\x01a\x00\x02\x00\x01\x03",  # 2-byte integer
    b"\x02\x00\x00\x0b\x00\x00\x00\x01\x21\x00\x01a\x00\x04\x00\x00\x00\x01\x03",  # value before group
    b"\x02\x00\x00\x0b\x00\x00\x00\x01\x01\x21\x00\x00\x00\x04\x00\x00\x00\x01\x03",  # orphan extra value
    b"\x02\x00\x00\x0b\x00\x00\x00\x01\x01\x34\x00\x01c\x00\x00\x03",  # unterminated collection
    b"\x02\x00\x00\x0b\x00\x00\x00\x01\x01\x22\x00\x01b\x00\x01\x07\x03",  # boolean 7
])
def test_malformed_messages_raise_only_ipp_decode_error(raw: bytes) -> None:
    with pytest.raises(IppDecodeError):
        decode(raw)


def test_encoding_refuses_what_the_wire_cannot_carry() -> None:
    with pytest.raises(IppEncodeError):
        encode(IppMessage(0, 1, (AttributeGroup(1, (Attribute.of("n", ValueTag.INTEGER, 2**31),)),)))
    with pytest.raises(IppEncodeError):
        encode(IppMessage(0, 1, (AttributeGroup(1, (Attribute.of("n", ValueTag.KEYWORD, "x" * 40000),)),)))
    with pytest.raises(IppEncodeError):
        encode(IppMessage(0, 1, (AttributeGroup(1, (Attribute.of("", ValueTag.KEYWORD, "x"),)),)))
    with pytest.raises(IppEncodeError):
        Attribute("empty", ())


# -- properties ------------------------------------------------------------------------------------

_names = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
_int32 = st.integers(-(2**31), 2**31 - 1)
_datetimes = st.builds(
    lambda d, tenth, minutes: d.replace(microsecond=tenth * 100_000,
                                        tzinfo=dt.timezone(dt.timedelta(minutes=minutes))),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.integers(0, 9),
    st.integers(-13 * 60, 13 * 60),
)
_scalar_values = st.one_of(
    st.builds(Value, st.sampled_from([ValueTag.INTEGER, ValueTag.ENUM]), _int32),
    st.builds(Value, st.just(ValueTag.BOOLEAN), st.booleans()),
    st.builds(Value, st.sampled_from([ValueTag.KEYWORD, ValueTag.URI, ValueTag.CHARSET, ValueTag.TEXT,
                                      ValueTag.NAME, ValueTag.MIME_MEDIA_TYPE, ValueTag.NATURAL_LANGUAGE,
                                      ValueTag.URI_SCHEME]), st.text(max_size=20)),
    st.builds(Value, st.sampled_from([ValueTag.OCTET_STRING, 0x7F, 0x38]), st.binary(max_size=20)),
    st.builds(Value, st.sampled_from([ValueTag.NO_VALUE, ValueTag.UNKNOWN, ValueTag.UNSUPPORTED]), st.none()),
    st.builds(Value, st.just(ValueTag.DATE_TIME), _datetimes),
    st.builds(Value, st.just(ValueTag.RESOLUTION),
              st.builds(Resolution, _int32, _int32, st.integers(-128, 127))),
    st.builds(Value, st.just(ValueTag.RANGE_OF_INTEGER), st.builds(IntRange, _int32, _int32)),
    st.builds(Value, st.sampled_from([ValueTag.TEXT_WITH_LANGUAGE, ValueTag.NAME_WITH_LANGUAGE]),
              st.builds(StringWithLanguage, st.text(max_size=10), st.text(max_size=5))),
)


def _extend(children: st.SearchStrategy[Value]) -> st.SearchStrategy[Value]:
    member = st.builds(lambda name, values: Attribute(name, tuple(values)), _names,
                       st.lists(children, min_size=1, max_size=3))
    return st.builds(Value, st.just(ValueTag.BEG_COLLECTION),
                     st.builds(lambda ms: Collection(tuple(ms)), st.lists(member, max_size=3)))


_values = st.recursive(_scalar_values, _extend, max_leaves=4)
_attributes = st.builds(lambda name, values: Attribute(name, tuple(values)), _names,
                        st.lists(_values, min_size=1, max_size=3))
_groups = st.builds(lambda tag, attrs: AttributeGroup(tag, tuple(attrs)),
                    st.sampled_from([1, 2, 4, 5, 6, 9, 0x0F]), st.lists(_attributes, max_size=3))
_messages = st.builds(
    IppMessage,
    code=st.integers(0, 0xFFFF),
    request_id=_int32,
    groups=st.lists(_groups, max_size=2).map(tuple),
    data=st.binary(max_size=16),
    version=st.tuples(st.integers(0, 255), st.integers(0, 255)),
)


@settings(max_examples=100, deadline=None)
@given(_messages)
def test_decode_inverts_encode(message: IppMessage) -> None:
    assert decode(encode(message)) == message


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_ipp_decode_error(raw: bytes) -> None:
    try:
        message = decode(raw)
    except IppDecodeError:
        return
    # What decodes re-encodes to something that decodes to the same message.
    assert decode(encode(message)) == message


@settings(max_examples=100, deadline=None)
@given(_messages, st.data())
def test_corrupted_messages_raise_only_ipp_decode_error(message: IppMessage, data: st.DataObject) -> None:
    raw = bytearray(encode(message))
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    with contextlib.suppress(IppDecodeError):
        decode(bytes(raw[:cut]))
