"""Is an issued PDF really the document the server says it is? Checked before the printer sees it.

A valid signature proves who sent the bytes, not that they print: a signing bug or a compromised
renderer could sign `%PDF-` followed by garbage that claims 1,000 pages, and the printer would spend
paper (or jam) on it while the resident pays. So the kiosk opens the document itself (pypdf, strict),
and requires the page count the reservation claims and, on every page, something to print: a
content stream that is not empty and a font to draw its text with (every civil document is text).
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader

# Parsing is bounded by the body size the client accepts; a page count above this is a lie anyway.
MAX_PAGES_CHECKED = 100

# pypdf reports what it repairs on its own logger; for a hostile document that is noise, not news.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def document_problem(pdf: bytes, pages: int) -> str:
    """Why `pdf` is not a printable document of `pages` pages ("" when it is)."""
    if not pdf.startswith(b"%PDF-"):
        return "not a PDF"
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        count = len(reader.pages)
        if count != pages:
            return f"has {count} pages, the reservation says {pages}"
        if count > MAX_PAGES_CHECKED:
            return f"has {count} pages, more than any civil document"
        for number, page in enumerate(reader.pages, start=1):
            contents = page.get_contents()
            if contents is None or not contents.get_data().strip():
                return f"page {number} is empty"
            resources = page.get("/Resources")
            fonts = resources.get_object().get("/Font") if resources is not None else None
            if not fonts:
                return f"page {number} has no fonts"
    except Exception as exc:  # a hostile file may break the parser in any way it likes
        return f"does not open as a PDF ({type(exc).__name__})"
    return ""
