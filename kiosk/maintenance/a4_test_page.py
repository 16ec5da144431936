"""The A4 self-test's page: a one-page PDF written here, byte by byte (no PDF library in the core).

PDF 1.4 (ISO 32000-1 §7.5): a catalog, one A4 page (595 x 842 pt), one content stream drawing a frame
and a line of Helvetica, a cross-reference table with the exact byte offset of each object. A printer
that prints this prints documents: the same IPP job, the same media.
"""

from __future__ import annotations


def one_page_pdf(title: str) -> bytes:
    """A one-page A4 PDF saying `title` (ASCII; parentheses and backslashes escaped)."""
    text = title.encode("ascii", errors="replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = (b"2 w 36 36 523 770 re S\nBT /F1 24 Tf 72 760 Td (" + text + b") Tj ET\n"
               b"BT /F1 12 Tf 72 730 Td (If this page is sharp and straight, the A4 printer works.) Tj ET\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
