"""RFC 8010 ``application/ipp`` messages as frozen dataclasses, byte for byte.

Pure: no I/O. `IppMessage.from_bytes` turns any byte string into a message or raises `IppDecodeError`
(never anything else); `IppMessage.to_bytes` is its inverse. Section numbers below are RFC 8010's
unless another RFC is named.

On the wire (§3.1.1)::

    version-number(2) operation-id|status-code(2) request-id(4)
    { begin-attribute-group-tag(1) { value-tag(1) name-length(2) name value-length(2) value }* }*
    end-of-attributes-tag(1) data

A value with name-length 0 is one more value of the attribute before it (§3.1.5); a collection is
``begCollection`` then ``memberAttrName`` / member-value pairs then ``endCollection`` (§3.1.6).
"""

from __future__ import annotations

import datetime as dt
import enum
import struct
from dataclasses import dataclass
from typing import TypeAlias

from drivers.a4_printer.errors import IppDecodeError, IppEncodeError


class GroupTag(enum.IntEnum):
    """Delimiter tags (§3.5.1, IANA IPP registry)."""

    OPERATION = 0x01
    JOB = 0x02
    END = 0x03
    PRINTER = 0x04
    UNSUPPORTED = 0x05
    SUBSCRIPTION = 0x06
    EVENT_NOTIFICATION = 0x07
    RESOURCE = 0x08
    DOCUMENT = 0x09
    SYSTEM = 0x0A


class ValueTag(enum.IntEnum):
    """Value tags (§3.5.2); other tag numbers decode to raw bytes."""

    UNSUPPORTED = 0x10
    UNKNOWN = 0x12
    NO_VALUE = 0x13
    NOT_SETTABLE = 0x15
    DELETE_ATTRIBUTE = 0x16
    ADMIN_DEFINE = 0x17
    INTEGER = 0x21
    BOOLEAN = 0x22
    ENUM = 0x23
    OCTET_STRING = 0x30
    DATE_TIME = 0x31
    RESOLUTION = 0x32
    RANGE_OF_INTEGER = 0x33
    BEG_COLLECTION = 0x34
    TEXT_WITH_LANGUAGE = 0x35
    NAME_WITH_LANGUAGE = 0x36
    END_COLLECTION = 0x37
    TEXT = 0x41  # textWithoutLanguage
    NAME = 0x42  # nameWithoutLanguage
    KEYWORD = 0x44
    URI = 0x45
    URI_SCHEME = 0x46
    CHARSET = 0x47
    NATURAL_LANGUAGE = 0x48
    MIME_MEDIA_TYPE = 0x49
    MEMBER_ATTR_NAME = 0x4A
    EXTENSION = 0x7F


class Operation(enum.IntEnum):
    """The operation ids this driver sends (RFC 8011 §5.4.15)."""

    PRINT_JOB = 0x0002
    VALIDATE_JOB = 0x0004
    CANCEL_JOB = 0x0008
    GET_JOB_ATTRIBUTES = 0x0009
    GET_JOBS = 0x000A
    GET_PRINTER_ATTRIBUTES = 0x000B


class JobState(enum.IntEnum):
    """job-state (RFC 8011 §5.3.7)."""

    PENDING = 3
    PENDING_HELD = 4
    PROCESSING = 5
    PROCESSING_STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9

    @property
    def terminal(self) -> bool:
        return self >= JobState.CANCELED


class PrinterState(enum.IntEnum):
    """printer-state (RFC 8011 §5.4.11)."""

    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


# Status codes (RFC 8011 §B), by name for messages and errors.
STATUS_NAMES: dict[int, str] = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0405: "client-error-timeout",
    0x0406: "client-error-not-found",
    0x0407: "client-error-gone",
    0x0408: "client-error-request-entity-too-large",
    0x0409: "client-error-request-value-too-long",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x040C: "client-error-uri-scheme-not-supported",
    0x040D: "client-error-charset-not-supported",
    0x040E: "client-error-conflicting-attributes",
    0x040F: "client-error-compression-not-supported",
    0x0410: "client-error-compression-error",
    0x0411: "client-error-document-format-error",
    0x0412: "client-error-document-access-error",
    0x0500: "server-error-internal-error",
    0x0501: "server-error-operation-not-supported",
    0x0502: "server-error-service-unavailable",
    0x0503: "server-error-version-not-supported",
    0x0504: "server-error-device-error",
    0x0505: "server-error-temporary-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
    0x0508: "server-error-job-canceled",
    0x0509: "server-error-multiple-document-jobs-not-supported",
}


def status_name(code: int) -> str:
    return STATUS_NAMES.get(code, f"status-0x{code:04x}")


@dataclass(frozen=True)
class Resolution:
    """resolution (§3.9): cross-feed and feed direction, units 3 = dots per inch, 4 = per cm."""

    cross_feed: int
    feed: int
    units: int = 3


@dataclass(frozen=True)
class IntRange:
    """rangeOfInteger (§3.9), inclusive."""

    lower: int
    upper: int


@dataclass(frozen=True)
class StringWithLanguage:
    """textWithLanguage / nameWithLanguage (§3.9)."""

    text: str
    language: str


@dataclass(frozen=True)
class Collection:
    """collection (§3.1.6): named members, each an attribute with one or more values."""

    members: tuple[Attribute, ...] = ()

    def get(self, name: str) -> Attribute | None:
        return next((m for m in self.members if m.name == name), None)


ValueData: TypeAlias = (
    int | bool | str | bytes | dt.datetime | Resolution | IntRange | StringWithLanguage | Collection | None
)


@dataclass(frozen=True)
class Value:
    """One value with its own tag: additional values may carry a different tag than the first (§3.1.5)."""

    tag: int
    data: ValueData


@dataclass(frozen=True)
class Attribute:
    name: str
    values: tuple[Value, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise IppEncodeError(f"attribute {self.name!r} has no value")

    @classmethod
    def of(cls, name: str, tag: int, *data: ValueData) -> Attribute:
        """An attribute whose values all share `tag` (out-of-band tags take no data)."""
        if not data and _is_out_of_band(tag):
            data = (None,)
        return cls(name, tuple(Value(tag, d) for d in data))

    @property
    def tag(self) -> int:
        return self.values[0].tag

    @property
    def value(self) -> ValueData:
        """The first value's data."""
        return self.values[0].data

    @property
    def all(self) -> list[ValueData]:
        return [v.data for v in self.values]

    def strings(self) -> list[str]:
        """The values that are strings (keywords, names, text), others skipped."""
        return [d for d in self.all if isinstance(d, str)]

    def ints(self) -> list[int]:
        return [d for d in self.all if isinstance(d, int) and not isinstance(d, bool)]


@dataclass(frozen=True)
class AttributeGroup:
    tag: int
    attributes: tuple[Attribute, ...] = ()

    def get(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class IppMessage:
    """A request (`code` = operation-id) or a response (`code` = status-code)."""

    code: int
    request_id: int
    groups: tuple[AttributeGroup, ...] = ()
    data: bytes = b""
    version: tuple[int, int] = (2, 0)

    def group(self, tag: int) -> AttributeGroup | None:
        return next((g for g in self.groups if g.tag == tag), None)

    def find(self, name: str, group: int | None = None) -> Attribute | None:
        """The first attribute called `name` (in the first group tagged `group`, if given)."""
        for g in self.groups:
            if group is not None and g.tag != group:
                continue
            found = g.get(name)
            if found is not None:
                return found
        return None

    @property
    def status_ok(self) -> bool:
        """For a response: a successful-* status code (0x0000-0x00FF, RFC 8011 §B.1.2)."""
        return 0 <= self.code <= 0x00FF

    def to_bytes(self) -> bytes:
        return encode(self)

    @classmethod
    def from_bytes(cls, raw: bytes) -> IppMessage:
        return decode(raw)


# -- encoding ---------------------------------------------------------------------------------------

_SHORT_MAX = 0x7FFF  # name-length and value-length are SIGNED-SHORT (§3.1.4, §3.1.5)
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_STRING_TAGS = frozenset(range(0x41, 0x4B))  # character-string tags defined by §3.5.2
_MAX_DEPTH = 32  # nested collections deeper than this are garbage, not a printer


def _is_out_of_band(tag: int) -> bool:
    return 0x10 <= tag <= 0x1F


def encode(message: IppMessage) -> bytes:
    """The RFC 8010 bytes of `message`, or IppEncodeError."""
    major, minor = message.version
    if not (0 <= major <= 255 and 0 <= minor <= 255):
        raise IppEncodeError(f"bad version {message.version}")
    if not 0 <= message.code <= 0xFFFF:
        raise IppEncodeError(f"bad operation/status code {message.code}")
    if not _INT_MIN <= message.request_id <= _INT_MAX:
        raise IppEncodeError(f"request-id {message.request_id} does not fit 32 bits")
    out = bytearray(struct.pack(">BBHi", major, minor, message.code, message.request_id))
    for group in message.groups:
        if not (0x00 < group.tag <= 0x0F) or group.tag == GroupTag.END:
            raise IppEncodeError(f"bad group tag 0x{group.tag:02x}")
        out.append(group.tag)
        for attribute in group.attributes:
            if not attribute.name:
                raise IppEncodeError("an attribute needs a name (an empty one means 'additional value')")
            _encode_attribute(out, attribute, top_level=True)
    out.append(GroupTag.END)
    out += message.data
    return bytes(out)


def _encode_attribute(out: bytearray, attribute: Attribute, *, top_level: bool) -> None:
    for i, value in enumerate(attribute.values):
        name = attribute.name if (i == 0 and top_level) else ""
        _encode_value(out, value, name, depth=0)


def _put_short_bytes(out: bytearray, raw: bytes, what: str) -> None:
    if len(raw) > _SHORT_MAX:
        raise IppEncodeError(f"{what} is {len(raw)} bytes; at most {_SHORT_MAX} fit")
    out += struct.pack(">H", len(raw))
    out += raw


def _encode_value(out: bytearray, value: Value, name: str, *, depth: int) -> None:
    tag = value.tag
    if not 0x10 <= tag <= 0xFF or tag in (ValueTag.END_COLLECTION, ValueTag.MEMBER_ATTR_NAME):
        raise IppEncodeError(f"value tag 0x{tag:02x} cannot be written as a value")
    if depth > _MAX_DEPTH:
        raise IppEncodeError("collections nested too deep")
    out.append(tag)
    _put_short_bytes(out, name.encode(), "attribute name")
    if tag == ValueTag.BEG_COLLECTION:
        if not isinstance(value.data, Collection):
            raise IppEncodeError(f"{name or 'value'}: begCollection needs a Collection")
        out += b"\x00\x00"
        for member in value.data.members:
            if not member.name:
                raise IppEncodeError("a collection member needs a name")
            out.append(ValueTag.MEMBER_ATTR_NAME)
            out += b"\x00\x00"
            _put_short_bytes(out, member.name.encode(), "member name")
            for member_value in member.values:
                _encode_value(out, member_value, "", depth=depth + 1)
        out += bytes([ValueTag.END_COLLECTION, 0, 0, 0, 0])
        return
    _put_short_bytes(out, _value_bytes(tag, value.data), f"value of {name or 'attribute'}")


def _value_bytes(tag: int, data: ValueData) -> bytes:
    """The value field for a non-collection value (§3.9)."""
    if _is_out_of_band(tag):
        return b""
    if tag in (ValueTag.INTEGER, ValueTag.ENUM):
        if not isinstance(data, int) or isinstance(data, bool) or not _INT_MIN <= data <= _INT_MAX:
            raise IppEncodeError(f"integer/enum value {data!r} is not a 32-bit integer")
        return struct.pack(">i", data)
    if tag == ValueTag.BOOLEAN:
        if not isinstance(data, bool):
            raise IppEncodeError(f"boolean value {data!r} is not a bool")
        return b"\x01" if data else b"\x00"
    if tag == ValueTag.DATE_TIME:
        if not isinstance(data, dt.datetime):
            raise IppEncodeError(f"dateTime value {data!r} is not a datetime")
        return _datetime_bytes(data)
    if tag == ValueTag.RESOLUTION:
        if not isinstance(data, Resolution):
            raise IppEncodeError(f"resolution value {data!r} is not a Resolution")
        try:
            return struct.pack(">iib", data.cross_feed, data.feed, data.units)
        except struct.error as exc:
            raise IppEncodeError(f"resolution {data!r} out of range") from exc
    if tag == ValueTag.RANGE_OF_INTEGER:
        if not isinstance(data, IntRange):
            raise IppEncodeError(f"rangeOfInteger value {data!r} is not an IntRange")
        try:
            return struct.pack(">ii", data.lower, data.upper)
        except struct.error as exc:
            raise IppEncodeError(f"range {data!r} out of range") from exc
    if tag in (ValueTag.TEXT_WITH_LANGUAGE, ValueTag.NAME_WITH_LANGUAGE):
        if not isinstance(data, StringWithLanguage):
            raise IppEncodeError(f"value {data!r} is not a StringWithLanguage")
        out = bytearray()
        _put_short_bytes(out, data.language.encode(), "language")
        _put_short_bytes(out, data.text.encode(), "text")
        return bytes(out)
    if tag in _STRING_TAGS:
        if not isinstance(data, str):
            raise IppEncodeError(f"value {data!r} for tag 0x{tag:02x} is not a str")
        return data.encode()
    if not isinstance(data, bytes):
        raise IppEncodeError(f"value {data!r} for tag 0x{tag:02x} is not bytes")
    return data


def _datetime_bytes(value: dt.datetime) -> bytes:
    """RFC 2579 DateAndTime, the 11-octet form (§3.9)."""
    offset = value.utcoffset()
    if offset is None:
        raise IppEncodeError("a dateTime needs a timezone")
    minutes_total = int(offset.total_seconds()) // 60
    if offset.total_seconds() % 60:
        raise IppEncodeError("a dateTime offset must be whole minutes")
    direction = b"+" if minutes_total >= 0 else b"-"
    hours, minutes = divmod(abs(minutes_total), 60)
    return struct.pack(
        ">HBBBBBB", value.year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond // 100_000,
    ) + direction + bytes([hours, minutes])


# -- decoding ---------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.raw):
            raise IppDecodeError(f"truncated {what} at byte {self.pos}")
        chunk = self.raw[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self, what: str) -> int:
        return self.take(1, what)[0]

    def short(self, what: str) -> int:
        return int.from_bytes(self.take(2, what), "big")

    def peek(self) -> int | None:
        return self.raw[self.pos] if self.pos < len(self.raw) else None

    def field(self) -> tuple[int, str, bytes]:
        """One tag, name, value triple (§3.1.4)."""
        start = self.pos
        tag = self.byte("value-tag")
        name_raw = self.take(self.short("name-length"), "name")
        value = self.take(self.short("value-length"), "value")
        try:
            name = name_raw.decode()
        except UnicodeDecodeError as exc:
            raise IppDecodeError(f"attribute name at byte {start} is not UTF-8") from exc
        return tag, name, value


def decode(raw: bytes) -> IppMessage:
    """The message in `raw`, or IppDecodeError if `raw` is not one."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise IppDecodeError(f"expected bytes, got {type(raw).__name__}")
    reader = _Reader(bytes(raw))
    major, minor = reader.byte("version"), reader.byte("version")
    code = reader.short("status-code")
    request_id = int.from_bytes(reader.take(4, "request-id"), "big", signed=True)
    groups: list[AttributeGroup] = []
    current: list[Attribute] | None = None
    current_tag = 0
    while True:
        tag = reader.peek()
        if tag is None:
            raise IppDecodeError("no end-of-attributes tag")
        if tag <= 0x0F:
            reader.pos += 1
            if current is not None:
                groups.append(AttributeGroup(current_tag, tuple(current)))
            if tag == GroupTag.END:
                break
            if tag == 0x00:
                raise IppDecodeError(f"reserved delimiter tag 0x00 at byte {reader.pos - 1}")
            current, current_tag = [], tag
            continue
        if current is None:
            raise IppDecodeError(f"attribute before any group tag at byte {reader.pos}")
        at = reader.pos
        value_tag, name, value_raw = reader.field()
        value = _decode_value(reader, value_tag, value_raw, depth=0)
        if name:
            current.append(Attribute(name, (value,)))
        elif current:
            last = current[-1]
            current[-1] = Attribute(last.name, (*last.values, value))
        else:
            raise IppDecodeError(f"additional value with no attribute before it at byte {at}")
    return IppMessage(code=code, request_id=request_id, groups=tuple(groups),
                      data=reader.raw[reader.pos:], version=(major, minor))


def _decode_value(reader: _Reader, tag: int, raw: bytes, *, depth: int) -> Value:
    if tag == ValueTag.BEG_COLLECTION:
        return Value(tag, _decode_collection(reader, depth + 1))
    if tag in (ValueTag.END_COLLECTION, ValueTag.MEMBER_ATTR_NAME):
        raise IppDecodeError(f"tag 0x{tag:02x} outside a collection at byte {reader.pos}")
    return Value(tag, _value_data(tag, raw))


def _decode_collection(reader: _Reader, depth: int) -> Collection:
    if depth > _MAX_DEPTH:
        raise IppDecodeError("collections nested too deep")
    members: list[Attribute] = []
    name: str | None = None
    values: list[Value] = []
    while True:
        at = reader.pos
        tag = reader.peek()
        if tag is None:
            raise IppDecodeError("collection without endCollection")
        if tag <= 0x0F:
            raise IppDecodeError(f"delimiter tag inside a collection at byte {at}")
        tag, field_name, raw = reader.field()
        if field_name:
            raise IppDecodeError(f"named attribute inside a collection at byte {at}")
        if tag in (ValueTag.MEMBER_ATTR_NAME, ValueTag.END_COLLECTION):
            if name is not None:
                if not values:
                    raise IppDecodeError(f"collection member {name!r} has no value (byte {at})")
                members.append(Attribute(name, tuple(values)))
            if tag == ValueTag.END_COLLECTION:
                return Collection(tuple(members))
            try:
                name = raw.decode()
            except UnicodeDecodeError as exc:
                raise IppDecodeError(f"member name at byte {at} is not UTF-8") from exc
            if not name:
                raise IppDecodeError(f"empty member name at byte {at}")
            values = []
            continue
        if name is None:
            raise IppDecodeError(f"collection value without memberAttrName at byte {at}")
        values.append(_decode_value(reader, tag, raw, depth=depth))


def _value_data(tag: int, raw: bytes) -> ValueData:
    if _is_out_of_band(tag):
        return None
    if tag in (ValueTag.INTEGER, ValueTag.ENUM):
        _need(raw, 4, tag)
        return int.from_bytes(raw, "big", signed=True)
    if tag == ValueTag.BOOLEAN:
        _need(raw, 1, tag)
        if raw[0] > 1:
            raise IppDecodeError(f"boolean value 0x{raw[0]:02x} is neither 0 nor 1")
        return raw[0] == 1
    if tag == ValueTag.DATE_TIME:
        _need(raw, 11, tag)
        return _datetime_from(raw)
    if tag == ValueTag.RESOLUTION:
        _need(raw, 9, tag)
        x, y, units = struct.unpack(">iib", raw)
        return Resolution(x, y, units)
    if tag == ValueTag.RANGE_OF_INTEGER:
        _need(raw, 8, tag)
        lower, upper = struct.unpack(">ii", raw)
        return IntRange(lower, upper)
    if tag in (ValueTag.TEXT_WITH_LANGUAGE, ValueTag.NAME_WITH_LANGUAGE):
        inner = _Reader(raw)
        language = _utf8(inner.take(inner.short("language length"), "language"), tag)
        text = _utf8(inner.take(inner.short("text length"), "text"), tag)
        if inner.pos != len(raw):
            raise IppDecodeError("trailing bytes in a string-with-language value")
        return StringWithLanguage(text, language)
    if tag in _STRING_TAGS:
        return _utf8(raw, tag)
    return raw


def _need(raw: bytes, length: int, tag: int) -> None:
    if len(raw) != length:
        raise IppDecodeError(f"tag 0x{tag:02x} needs {length} value bytes, got {len(raw)}")


def _utf8(raw: bytes, tag: int) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError as exc:
        raise IppDecodeError(f"value of tag 0x{tag:02x} is not UTF-8") from exc


def _datetime_from(raw: bytes) -> dt.datetime:
    year, month, day, hour, minute, second, deci = struct.unpack(">HBBBBBB", raw[:8])
    direction, tz_hours, tz_minutes = raw[8:9], raw[9], raw[10]
    if direction not in (b"+", b"-") or deci > 9 or tz_minutes > 59:
        raise IppDecodeError(f"bad dateTime {raw.hex()}")
    offset = dt.timedelta(hours=tz_hours, minutes=tz_minutes)
    # RFC 2579 allows second 60 (a leap second); Python's datetime does not.
    second = min(second, 59)
    try:
        tz = dt.timezone(-offset if direction == b"-" else offset)
        return dt.datetime(year, month, day, hour, minute, second, deci * 100_000, tzinfo=tz)
    except ValueError as exc:
        raise IppDecodeError(f"bad dateTime {raw.hex()}: {exc}") from exc

