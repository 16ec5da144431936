"""Issue 13: a signed document is opened before the printer sees it. A real rendered document of its
claimed pages passes; `%PDF-` plus anything else, a wrong page count, a page with nothing on it, or a
real document cut or bent anywhere is refused with a reason, and the parser never raises."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from drivers.issuance_server import document_problem
from simulators.residents import resident
from simulators.server.catalog import CATALOG
from simulators.server.render import RenderRequest, render


@cache
def _rendered(code: str) -> tuple[bytes, int]:
    return render(RenderRequest(
        document=CATALOG[code], options=(), verification_number="1234-5678-9012-3456",
        verify_url="https://127.0.0.1/v1/documents/verify/1234-5678-9012-3456",
        issued_at=dt.datetime(2026, 12, 6, 9, 0), office="세종특별자치시장", kiosk_id="KIOSK-0001",
        resident=resident(0), parcel="세종 1-1"))


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_rendered_document_passes_with_its_own_page_count(code: str) -> None:
    pdf, pages = _rendered(code)
    assert document_problem(pdf, pages) == ""
    assert "pages" in document_problem(pdf, pages + 1)


def test_a_blank_page_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert document_problem(out.getvalue(), 1) == "page 1 is empty"


def test_garbage_that_claims_a_thousand_pages_is_refused() -> None:
    garbage = b"%PDF-1.7\n1 0 obj << /Type /Pages /Count 1000 >>\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    assert document_problem(garbage, 1000).startswith("does not open as a PDF")
    assert document_problem(b"<html>", 1) == "not a PDF"


@given(st.binary(max_size=2000), st.integers(1, 1000))
def test_any_bytes_after_the_magic_get_a_verdict_never_an_exception(tail: bytes, pages: int) -> None:
    assert document_problem(b"%PDF-1.7\n" + tail, pages) != ""


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_real_document_cut_or_bent_anywhere_gets_a_verdict(data: st.DataObject) -> None:
    pdf, pages = _rendered("land_register")
    cut = data.draw(st.integers(0, len(pdf) - 1))
    bent = bytearray(pdf)
    bent[cut] ^= data.draw(st.integers(1, 255))
    for damaged in (pdf[:cut], bytes(bent)):
        assert isinstance(document_problem(damaged, pages), str)
