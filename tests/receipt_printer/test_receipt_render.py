"""Receipt → ESC/POS bytes: what the driver sends for Korean and ASCII lines, in both Korean modes."""

from __future__ import annotations

import pytest

from common.fonts import BOLD, REGULAR
from drivers.receipt_printer.receipt import Receipt, ReceiptLine
from drivers.receipt_printer.render import COLUMNS, PAPER_DOTS, rasterize_line, render_receipt, wrap

RASTER = b"\x1dv0"  # GS v 0


def render(receipt: Receipt, mode: str = "raster") -> bytes:
    return render_receipt(receipt, font_regular=REGULAR, font_bold=BOLD, korean_mode=mode)  # type: ignore[arg-type]


def test_job_starts_with_init_and_ends_with_feed_and_partial_cut(capsys: pytest.CaptureFixture[str]) -> None:
    job = render(Receipt([ReceiptLine("수수료 200원")], qr="https://gov.example.kr/v/1"))
    assert job.startswith(b"\x1b@")  # ESC @
    assert job.endswith(b"\x1bd\x06\x1dV\x01")  # ESC d 6, GS V 1
    assert capsys.readouterr().out == ""  # python-escpos printed no width warning


def test_korean_is_rasterized_not_sent_as_text() -> None:
    job = render(Receipt([ReceiptLine("주민등록표 등본")]))
    assert RASTER in job
    assert "주민".encode("cp949") not in job
    assert b"?" not in job.split(RASTER)[0]  # nothing came out as python-escpos' '?'


def test_ascii_lines_are_sent_as_printer_text() -> None:
    job = render(Receipt([ReceiptLine("TOTAL 200 KRW", bold=True, large=True, align="right")]))
    assert b"TOTAL 200 KRW\n" in job
    assert b"\x1bE\x01" in job  # ESC E 1: bold
    assert b"\x1d!\x11" in job  # GS ! 0x11: double width and height
    assert b"\x1ba\x02" in job  # ESC a 2: right
    assert RASTER not in job


def test_double_byte_mode_sends_cp949_between_fs_and_fs_dot() -> None:
    job = render(Receipt([ReceiptLine("수수료 200원")]), mode="double_byte")
    assert b"\x1c&" + "수수료 200원".encode("cp949") + b"\x1c." in job
    assert RASTER not in job


def test_long_lines_wrap_to_the_paper() -> None:
    job = render(Receipt([ReceiptLine("word " * 30)]))
    lines = [line[line.index(b"word"):] for line in job.split(b"\n") if b"word" in line]
    assert len(lines) == 4  # 9 + 9 + 9 + 3 words: a tenth "word" would pass column 48
    assert all(len(line) <= COLUMNS for line in lines)


def test_raster_lines_are_full_paper_width_and_wrap() -> None:
    images = rasterize_line(ReceiptLine("가나다라마바사아자차카타파하 " * 4), REGULAR)
    assert len(images) >= 2
    assert {img.width for img in images} == {PAPER_DOTS}


def test_wrap_prefers_spaces() -> None:
    assert wrap("aaa bbb ccc", lambda s: len(s) <= 7) == ["aaa bbb", "ccc"]
    assert wrap("abcdefgh", lambda s: len(s) <= 3) == ["abc", "def", "gh"]


def test_line_rejects_bad_alignment_and_newlines() -> None:
    with pytest.raises(ValueError, match="align"):
        ReceiptLine("x", align="middle")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one line"):
        ReceiptLine("a\nb")
