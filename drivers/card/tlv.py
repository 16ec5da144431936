"""BER-TLV as EMV uses it (EMV 4.3 Book 3 Annex B; ISO/IEC 8825-1 = ITU-T X.690 §8.1.2–8.1.3).

Pure functions over bytes. Everything a card sends is parsed here, so arbitrary bytes must never
raise anything but `TlvError`.

- Tag: 1–3 bytes. First byte b6 set = constructed; b5..b1 all set (``x1F``) = more tag bytes follow,
  each with b8 set while another follows (Annex B1). EMV tags are at most 2 bytes; we accept 3.
- Length: short form 0–127 in one byte; long form ``81``–``83`` followed by 1–3 length bytes (Annex B2).
  Indefinite length (``80``) is not allowed in EMV.
- ``00`` bytes before, between or after objects are padding and skipped (Annex B, first paragraph).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from drivers.card.errors import TlvError

# X.690 §8.1.2.2: b6 of the first tag byte distinguishes constructed from primitive encodings.
_CONSTRUCTED = 0x20
# EMV Book 3 Annex B1: low five bits all set means "see subsequent bytes".
_MORE_TAG_BYTES = 0x1F
_MAX_TAG_BYTES = 3
_MAX_LENGTH_BYTES = 3
# Nesting deeper than this is no EMV template (they nest 3 deep: 6F > A5 > BF0C > 61) and would let
# hostile bytes exhaust the stack.
MAX_DEPTH = 16


@dataclass(frozen=True)
class Tlv:
    """One data object: `tag` as an int (``0x9F02``) and its raw value bytes."""

    tag: int
    value: bytes = b""

    def __post_init__(self) -> None:
        encode_tag(self.tag)  # validates

    @property
    def constructed(self) -> bool:
        return bool(_tag_bytes(self.tag)[0] & _CONSTRUCTED)

    @property
    def children(self) -> list[Tlv]:
        """The objects inside a constructed object (``[]`` for a primitive one)."""
        return parse(self.value) if self.constructed else []

    def to_bytes(self) -> bytes:
        return encode_tag(self.tag) + encode_length(len(self.value)) + self.value

    @classmethod
    def build(cls, tag: int, *children: Tlv) -> Tlv:
        """A constructed object holding `children` in order."""
        return cls(tag, b"".join(child.to_bytes() for child in children))


def _tag_bytes(tag: int) -> bytes:
    if tag <= 0:
        raise TlvError(f"tag {tag:#x} is not a tag")
    raw = tag.to_bytes((tag.bit_length() + 7) // 8, "big")
    if len(raw) > _MAX_TAG_BYTES:
        raise TlvError(f"tag {tag:#x} is longer than {_MAX_TAG_BYTES} bytes")
    return raw


def encode_tag(tag: int) -> bytes:
    """The tag's bytes, checked against the Annex B1 continuation rules."""
    raw = _tag_bytes(tag)
    more = (raw[0] & _MORE_TAG_BYTES) == _MORE_TAG_BYTES
    if not more and len(raw) > 1:
        raise TlvError(f"tag {tag:#x}: first byte does not announce more tag bytes")
    if more and len(raw) == 1:
        raise TlvError(f"tag {tag:#x}: first byte announces a second tag byte")
    for i, byte in enumerate(raw[1:], start=1):
        last = i == len(raw) - 1
        if bool(byte & 0x80) == last:
            raise TlvError(f"tag {tag:#x}: byte {i} has a wrong continuation bit")
    return raw


def encode_length(length: int) -> bytes:
    """Minimal definite-form length (X.690 §8.1.3.3–8.1.3.5)."""
    if length < 0:
        raise TlvError("negative length")
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(raw) > _MAX_LENGTH_BYTES:
        raise TlvError(f"length {length} needs more than {_MAX_LENGTH_BYTES} length bytes")
    return bytes([0x80 | len(raw)]) + raw


def read_tag(data: bytes, offset: int) -> tuple[int, int]:
    """(tag, offset after it) read from `data` at `offset`."""
    start = offset
    if offset >= len(data):
        raise TlvError("data ends before a tag")
    first = data[offset]
    offset += 1
    if (first & _MORE_TAG_BYTES) == _MORE_TAG_BYTES:
        while True:
            if offset >= len(data):
                raise TlvError("data ends inside a tag")
            byte = data[offset]
            offset += 1
            if offset - start > _MAX_TAG_BYTES:
                raise TlvError(f"tag longer than {_MAX_TAG_BYTES} bytes")
            if not byte & 0x80:
                break
    return int.from_bytes(data[start:offset], "big"), offset


def read_length(data: bytes, offset: int) -> tuple[int, int]:
    """(length, offset after it) read from `data` at `offset`; long forms need not be minimal."""
    if offset >= len(data):
        raise TlvError("data ends before a length")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise TlvError("indefinite length is not allowed in EMV")
    if count > _MAX_LENGTH_BYTES:
        raise TlvError(f"length field of {count} bytes")
    if offset + count > len(data):
        raise TlvError("data ends inside a length")
    return int.from_bytes(data[offset:offset + count], "big"), offset + count


def _parse(data: bytes, depth: int) -> list[Tlv]:
    if depth > MAX_DEPTH:
        raise TlvError(f"nested deeper than {MAX_DEPTH}")
    out: list[Tlv] = []
    offset = 0
    while offset < len(data):
        if data[offset] == 0x00:  # Annex B: padding between objects
            offset += 1
            continue
        tag, offset = read_tag(data, offset)
        length, offset = read_length(data, offset)
        end = offset + length
        if end > len(data):
            raise TlvError(f"tag {tag:X}: length {length} runs past the end of the data")
        obj = Tlv(tag, bytes(data[offset:end]))
        if obj.constructed:
            _parse(obj.value, depth + 1)  # validate the whole tree now, not when someone looks
        out.append(obj)
        offset = end
    return out


def parse(data: bytes) -> list[Tlv]:
    """The top-level objects in `data`; constructed objects are validated all the way down."""
    return _parse(bytes(data), 0)


def walk(objects: Iterable[Tlv]) -> Iterator[Tlv]:
    """Every object, depth first, constructed ones before their children."""
    for obj in objects:
        yield obj
        if obj.constructed:
            yield from walk(obj.children)


def find(objects: Iterable[Tlv], tag: int) -> Tlv | None:
    """The first object with `tag`, searching inside templates."""
    return next((obj for obj in walk(objects) if obj.tag == tag), None)


def primitives(objects: Iterable[Tlv]) -> dict[int, bytes]:
    """Every primitive object's value by tag (the first occurrence wins)."""
    out: dict[int, bytes] = {}
    for obj in walk(objects):
        if not obj.constructed:
            out.setdefault(obj.tag, obj.value)
    return out


def encode(objects: Iterable[Tlv]) -> bytes:
    return b"".join(obj.to_bytes() for obj in objects)


def parse_dol(data: bytes) -> list[tuple[int, int]]:
    """A Data Object List: (tag, length) pairs with no values (EMV 4.3 Book 3 §5.4)."""
    data = bytes(data)
    out: list[tuple[int, int]] = []
    offset = 0
    while offset < len(data):
        tag, offset = read_tag(data, offset)
        length, offset = read_length(data, offset)
        out.append((tag, length))
    return out


def build_dol(entries: Iterable[tuple[int, int]]) -> bytes:
    return b"".join(encode_tag(tag) + encode_length(length) for tag, length in entries)
