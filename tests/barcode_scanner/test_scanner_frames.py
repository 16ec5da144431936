"""The barcode scanner's bytes (drivers/barcode_scanner/frames.py): the Honeywell family's published
command bytes as vectors, and the framing of what comes back as properties: however the serial line
splits the stream, the kiosk gets every read and reply whole, and garbage never eats a good read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.barcode_scanner.frames import (
    MAX_READ,
    TRIGGER_OFF,
    TRIGGER_ON,
    Garbage,
    HostMenu,
    HostTrigger,
    MenuReply,
    Read,
    ScannerFramer,
    echo,
    menu_command,
    parse_host,
)


def test_the_published_command_bytes() -> None:
    # "Activate: SYN T CR (ASCII 22,84,13) / Deactivate: SYN U CR (ASCII 22,85,13)"; menu prefix SYN M CR.
    assert bytes([22, 84, 13]) == TRIGGER_ON
    assert bytes([22, 85, 13]) == TRIGGER_OFF
    assert menu_command("TRGMOD0") == b"\x16M\rTRGMOD0!"
    assert menu_command("SUFBK2990D", ".") == b"\x16M\rSUFBK2990D."


def test_replies_carry_a_status_before_each_punctuation_mark() -> None:
    framer = ScannerFramer()
    assert framer.feed(b"TRGMOD0\x06!") == [MenuReply("TRGMOD0", ("ack",))]
    assert framer.feed(b"XYZABC1\x05!") == [MenuReply("XYZABC1", ("enq",))]
    reply = framer.feed(b"TRGMOD9\x15.")[0]
    assert isinstance(reply, MenuReply) and not reply.ok and reply.statuses == ("nak",)
    assert framer.feed(b"TRGMOD0\x06,STO0\x06;SUFBK2990D\x06!") == [
        MenuReply("TRGMOD0,STO0;SUFBK2990D", ("ack", "ack", "ack"))]
    # The scanner's echo is what the framer reads back.
    assert echo("TRGMOD0,STO0", [6, 21], "!") == b"TRGMOD0\x06,STO0\x15!"


def test_the_host_side_parses_what_the_driver_sends() -> None:
    buf = bytearray(b"noise" + menu_command("TRGMOD0") + TRIGGER_ON + b"\x16M\rTRGMOD0,STO0;SUFBK2990D." + TRIGGER_OFF)
    assert parse_host(buf) == [
        HostMenu(("TRGMOD0",), "!", "TRGMOD0"), HostTrigger(True),
        HostMenu(("TRGMOD0", "TRGSTO0", "SUFBK2990D"), ".", "TRGMOD0,STO0;SUFBK2990D"), HostTrigger(False)]
    assert not buf


_read_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, exclude_characters="\x7f"),
                     min_size=1, max_size=60).filter(lambda s: "\x06" not in s)
_reply = st.sampled_from([b"TRGMOD0\x06!", b"TRGSTO0\x06!", b"SUFBK2990D\x06.", b"ABCDEF1\x05!"])
_item = st.one_of(_read_text.map(lambda s: ("read", s)), _reply.map(lambda b: ("reply", b)))


def _wire(item: tuple[str, str | bytes]) -> bytes:
    _kind, value = item
    if isinstance(value, bytes):
        return value
    return value.encode() + b"\r"


@settings(max_examples=150, deadline=None)
@given(items=st.lists(_item, max_size=8), cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=10))
def test_any_split_of_the_stream_gives_the_same_frames(items: list[tuple[str, str | bytes]], cuts: list[int]) -> None:
    stream = b"".join(_wire(i) for i in items)
    framer = ScannerFramer()
    frames = []
    last = 0
    for cut in sorted(c % (len(stream) + 1) for c in cuts):
        frames += framer.feed(stream[last:cut])
        last = cut
    frames += framer.feed(stream[last:])
    expected = [ScannerFramer().feed(v)[0] if isinstance(v, bytes) else Read(v) for _, v in items]
    assert frames == expected


@settings(max_examples=150, deadline=None)
@given(noise=st.binary(max_size=300), code=st.text("0123456789", min_size=8, max_size=8))
def test_garbage_never_eats_the_next_good_read(noise: bytes, code: str) -> None:
    framer = ScannerFramer()
    frames = framer.feed(noise + b"\r" + code.encode() + b"\r")
    assert frames[-1] == Read(code)


def test_an_over_long_read_is_garbage_and_skipped_to_its_end() -> None:
    framer = ScannerFramer()
    frames = framer.feed(b"9" * (MAX_READ + 10))
    frames += framer.feed(b"99999\r20261123\r")
    assert isinstance(frames[0], Garbage) and frames[0].reason == "too-long"
    assert frames[1:] == [Read("20261123")]


@settings(max_examples=150, deadline=None)
@given(code=_read_text, keep=st.integers(min_value=0, max_value=400), cuts=st.lists(st.integers(0, 400), max_size=4),
       items=st.lists(_item, max_size=5))
def test_a_torn_read_is_never_a_code_and_never_spoils_the_next(code: str, keep: int, cuts: list[int],
                                                               items: list[tuple[str, str | bytes]]) -> None:
    # Half a read (no CR), however the line split it, then silence: the framer hands out nothing and
    # only holds it; the driver drops it after the silence, and what comes next frames exactly as alone.
    torn = code.encode()[: keep % (len(code.encode()) or 1)] or code.encode()[:1]
    framer = ScannerFramer()
    frames = []
    last = 0
    for cut in sorted(c % (len(torn) + 1) for c in cuts):
        frames += framer.feed(torn[last:cut])
        last = cut
    frames += framer.feed(torn[last:])
    assert not any(isinstance(f, Read) for f in frames)
    assert framer.pending
    assert framer.drop_partial() == Garbage("torn", len(torn))
    assert framer.drop_partial() is None and not framer.pending
    stream = b"".join(_wire(i) for i in items)
    assert framer.feed(stream) == ScannerFramer().feed(stream)


def test_a_torn_read_glued_to_a_good_one_is_not_an_eight_digit_code() -> None:
    # Without the driver's silence rule the halves would glue: what the framer gives is then longer
    # than any pickup code, which the pickup desk refuses as unreadable (kiosk/pickup.py), never a code.
    framer = ScannerFramer()
    assert framer.feed(b"2026") == []
    assert framer.feed(b"20261123\r") == [Read("202620261123")]
