"""The simulator's ESC/POS parser and print head: vectors, the driver's own jobs, arbitrary bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from common.fonts import BOLD, REGULAR
from drivers.receipt_printer.receipt import Receipt
from drivers.receipt_printer.render import render_receipt
from simulators.receipt_printer.escpos import (
    CharSize,
    Command,
    Cut,
    EscPosParser,
    Initialize,
    Justify,
    KanjiMode,
    RasterImage,
    RealTimeStatus,
    Text,
    Unknown,
)
from simulators.receipt_printer.paper import PAPER_DOTS, Paper


def parse(data: bytes) -> list[Command]:
    return EscPosParser().feed(data)


def merged(commands: list[Command]) -> list[Command]:
    """Adjacent Text runs joined: how text is split across reads does not matter."""
    out: list[Command] = []
    for cmd in commands:
        if isinstance(cmd, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].raw + cmd.raw)
        else:
            out.append(cmd)
    return out


def test_command_vectors() -> None:
    # Byte sequences from Epson's ESC/POS reference: ESC @, ESC a 1, GS ! 0x11, DLE EOT 4,
    # GS v 0 m=0 x=1 y=2, GS V 1 (partial cut), GS V 66 3 (feed 3 and partial cut).
    commands = parse(b"\x1b@\x1ba\x01\x1d!\x11AB\x10\x04\x04"
                     b"\x1dv0\x00\x01\x00\x02\x00\xff\x81\x1dV\x01\x1dVB\x03")
    assert commands == [
        Initialize(b"\x1b@"),
        Justify(b"\x1ba\x01", 1),
        CharSize(b"\x1d!\x11", 0x11),
        Text(b"AB"),
        RealTimeStatus(b"\x10\x04\x04", 4),
        RasterImage(b"\x1dv0\x00\x01\x00\x02\x00\xff\x81", mode=0, width_bytes=1, height=2, data=b"\xff\x81"),
        Cut(b"\x1dV\x01", partial=True, feed=0),
        Cut(b"\x1dVB\x03", partial=True, feed=3),
    ]


def test_incomplete_command_waits_for_more_bytes() -> None:
    parser = EscPosParser()
    assert parser.feed(b"\x1dv0\x00\x01\x00\x02\x00\xff") == []
    assert parser.pending == b"\x1dv0\x00\x01\x00\x02\x00\xff"
    [image] = parser.feed(b"\x81")
    assert isinstance(image, RasterImage)
    assert parser.pending == b""


def test_status_request_in_the_middle_of_a_job_is_seen_at_once() -> None:
    parser = EscPosParser()
    parser.feed(b"\x1b@Hello")
    assert parser.feed(b"\x10\x04\x02") == [RealTimeStatus(b"\x10\x04\x02", 2)]


def test_unknown_bytes_are_skipped_and_parsing_resumes() -> None:
    assert parse(b"\x01\x1b\xffOK") == [Unknown(b"\x01"), Unknown(b"\x1b\xff"), Text(b"OK")]


def test_the_drivers_raster_job_parses_into_images_and_a_partial_cut(korean_receipt: Receipt) -> None:
    commands = parse(render_receipt(korean_receipt, font_regular=REGULAR, font_bold=BOLD))
    assert isinstance(commands[0], Initialize)
    assert commands[-1] == Cut(b"\x1dV\x01", partial=True, feed=0)
    images = [c for c in commands if isinstance(c, RasterImage)]
    assert len(images) >= 6  # six Korean lines and the QR code
    assert all(img.width_bytes * 8 == PAPER_DOTS for img in images)
    assert not any(isinstance(c, Unknown) for c in commands)


def test_the_drivers_double_byte_job_parses_into_kanji_mode_text(korean_receipt: Receipt) -> None:
    commands = parse(render_receipt(korean_receipt, font_regular=REGULAR, font_bold=BOLD,
                                    korean_mode="double_byte"))
    assert KanjiMode(b"\x1c&", True) in commands
    assert Text("주민등록표 등본 1통".encode("cp949")) in commands
    assert not any(isinstance(c, Unknown) for c in commands)


@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    commands = parse(data)
    consumed = b"".join(c.raw for c in commands)
    assert data.startswith(consumed)


@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=6))
def test_how_bytes_are_split_into_reads_does_not_matter(data: bytes, cuts: list[int]) -> None:
    whole = EscPosParser()
    expected = merged(whole.feed(data))
    parser = EscPosParser()
    got: list[Command] = []
    last = 0
    for cut in sorted(c for c in cuts if c <= len(data)):
        got += parser.feed(data[last:cut])
        last = cut
    got += parser.feed(data[last:])
    assert merged(got) == expected
    assert parser.pending == whole.pending


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_the_print_head_draws_arbitrary_streams_without_raising(data: bytes) -> None:
    paper = Paper(REGULAR, BOLD)
    for cmd in parse(data + b"\x1dV\x00"):
        page = paper.apply(cmd)
        if page is not None:
            assert page.width == PAPER_DOTS


def test_text_round_trips_through_the_parser() -> None:
    assert parse(b"Receipt No. 000123\n")[0] == Text(b"Receipt No. 000123")
