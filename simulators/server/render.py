"""Issued documents as A4 PDFs: an official-looking form around a synthetic resident's data.

Each copy carries its own 문서확인번호 and a QR code pointing at the verification endpoint, on a
light guilloche-like background (a stand-in for copy-evident paper, domain.md "Anti-forgery").
Every page says it is a simulator sample so nobody mistakes it for a real certificate.
Synchronous and CPU-bound (~0.1 s: half parsing the font, half subsetting it): call it through asyncio.to_thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import TextMode

from common.fonts import REGULAR
from simulators.residents import Resident, household_of
from simulators.server.catalog import Document

_FONT = "nanum"
_INK = (20, 20, 20)
_PATTERN = (225, 232, 240)  # light enough that the form stays readable and prints on any laser
_SEAL_RED = (200, 30, 30)


@dataclass(frozen=True)
class RenderRequest:
    document: Document
    options: tuple[str, ...]
    verification_number: str
    verify_url: str
    issued_at: dt.datetime
    office: str
    kiosk_id: str
    resident: Resident | None = None
    parcel: str | None = None


class _Form(FPDF):
    def __init__(self, request: RenderRequest) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.request = request
        self.set_auto_page_break(auto=True, margin=48)
        self.set_margins(20, 20, 20)
        # One face only: parsing a second 2 MB TTF doubles render time; bold is fill+stroke.
        self.add_font(_FONT, "", str(REGULAR))
        self.set_creation_date(request.issued_at)
        self.set_title(f"{request.document.title_ko} {request.verification_number}")
        self.set_author(request.office)

    def header(self) -> None:
        self._background()
        self.set_text_color(*_INK)
        self.set_font(_FONT, "", 8)
        self.set_xy(20, 10)
        self.cell(0, 4, "전자문서 · 시뮬레이터 견본 (SIMULATOR SAMPLE, NOT A REAL CERTIFICATE)", align="L")
        self.set_xy(20, 10)
        self.cell(0, 4, f"문서확인번호 {self.request.verification_number}", align="R")
        self.set_y(22)

    def footer(self) -> None:
        req = self.request
        top = self.h - 44
        self.set_draw_color(*_INK)
        self.set_line_width(0.3)
        self.line(20, top, self.w - 20, top)
        _draw_qr(self, req.verify_url, x=20, y=top + 3, size=28)
        self.set_font(_FONT, "", 9)
        self.set_xy(52, top + 3)
        self.cell(0, 5, f"문서확인번호: {req.verification_number}", new_x="LMARGIN", new_y="NEXT")
        self.set_x(52)
        self.cell(
            0,
            5,
            "발급일부터 90일 동안 아래 주소 또는 QR 코드로 위·변조 여부를 확인할 수 있습니다.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_x(52)
        self.set_font(_FONT, "", 7)
        self.cell(0, 4, req.verify_url, new_x="LMARGIN", new_y="NEXT")
        self.set_x(52)
        self.set_font(_FONT, "", 9)
        self.cell(
            0,
            5,
            f"발급일시: {req.issued_at:%Y년 %m월 %d일 %H:%M}   발급기관: {req.office}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_x(52)
        self.cell(0, 5, f"발급기: {req.kiosk_id}   쪽: {self.page_no()}/{{nb}}")
        _draw_seal(self, x=self.w - 42, y=top + 6)

    def _background(self) -> None:
        """Interleaved sine waves: cheap to draw, visibly disturbed by a photocopier's resampling."""
        self.set_draw_color(*_PATTERN)
        self.set_line_width(0.15)
        seed = int(hashlib.sha256(self.request.verification_number.encode()).hexdigest()[:8], 16)
        phase = (seed % 628) / 100
        for row in range(0, 300, 9):
            points = [(x, row + 3 * math.sin(x / 7 + phase + row / 11)) for x in range(0, 211, 3)]
            self.polyline(points)
        self.set_text_color(*_PATTERN)
        self.set_font(_FONT, "", 16)
        for y in range(40, 260, 55):
            for x in range(15, 190, 60):
                self.text(x, y, "사  본")
        self.set_text_color(*_INK)


def render(request: RenderRequest) -> tuple[bytes, int]:
    """The PDF bytes of one copy and its page count."""
    pdf = _Form(request)
    pdf.alias_nb_pages()
    pdf.add_page()
    _title(pdf, request.document.title_ko, request.document.title_en)
    body = _BODIES.get(request.document.code, _generic)
    body(pdf, request)
    _closing(pdf, request)
    pages = pdf.pages_count
    return bytes(pdf.output()), pages


def _bold(pdf: FPDF, on: bool) -> None:
    pdf.text_mode = TextMode.FILL_STROKE if on else TextMode.FILL
    pdf.set_line_width(0.25 if on else 0.2)
    pdf.set_draw_color(*_INK)


def _title(pdf: FPDF, title_ko: str, title_en: str) -> None:
    pdf.set_font(_FONT, "", 22)
    _bold(pdf, True)
    pdf.cell(0, 14, "  ".join(title_ko), align="C", new_x="LMARGIN", new_y="NEXT")
    _bold(pdf, False)
    pdf.set_font(_FONT, "", 10)
    pdf.cell(0, 6, title_en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _section(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(_FONT, "", 11)
    _bold(pdf, True)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    _bold(pdf, False)


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    pdf.set_font(_FONT, "", 9)
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(238, 238, 238)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 7, text, border=1, align="C", fill=True)
    pdf.ln(7)
    for row in rows:
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 7, text, border=1, align="C")
        pdf.ln(7)


def _pairs(pdf: FPDF, pairs: list[tuple[str, str]]) -> None:
    pdf.set_font(_FONT, "", 10)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(238, 238, 238)
    for label, value in pairs:
        pdf.cell(40, 8, label, border=1, align="C", fill=True)
        pdf.cell(0, 8, value, border=1, new_x="LMARGIN", new_y="NEXT")


def _rng(request: RenderRequest) -> random.Random:
    """Deterministic synthetic detail per subject, so two copies of one record agree."""
    subject = str(request.resident.index) if request.resident else (request.parcel or "")
    return random.Random(f"{request.document.code}:{subject}")


def _past_addresses(request: RenderRequest, count: int) -> list[list[str]]:
    rng = _rng(request)
    assert request.resident is not None
    rows = []
    year = request.resident.birth.year
    for i in range(count):
        year = min(year + rng.randrange(2, 9), 2025)
        rows.append(
            [
                str(i + 1),
                f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                f"{rng.choice(['서울특별시', '경기도', '충청남도', '전라북도'])} "
                f"{rng.choice(['중앙로', '시청로', '역전길', '문화로'])} {rng.randrange(1, 200)}",
                "전입",
            ]
        )
    return rows


def _resident_copy(pdf: FPDF, request: RenderRequest) -> None:
    resident = request.resident
    assert resident is not None
    members = household_of(resident)
    head = members[0]
    _pairs(
        pdf, [("세대주 성명", head.name), ("세대구성 사유", "전입세대구성"), ("현 주소", resident.address)]
    )
    _section(pdf, "세대 구성원")
    rows = []
    for i, m in enumerate(members, 1):
        relation = "본인" if m.index == head.index else ("배우자" if i == 2 else "자녀")
        rows.append([str(i), relation, m.name, m.masked_number, f"{m.birth:%Y-%m-%d}"])
    _table(pdf, ["번호", "세대주 관계", "성명", "주민등록번호", "생년월일"], rows, [14, 30, 36, 46, 44])
    if "show_member_numbers" in request.options:
        pdf.set_font(_FONT, "", 8)
        pdf.cell(
            0,
            6,
            "※ 세대원 주민등록번호 뒷자리 표시를 신청함 (견본에서는 가림 처리)",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if "include_past_addresses" in request.options:
        _section(pdf, "과거 주소 변동 사항")
        _table(pdf, ["번호", "신고일", "주소", "변동사유"], _past_addresses(request, 6), [14, 30, 96, 30])


def _resident_abstract(pdf: FPDF, request: RenderRequest) -> None:
    resident = request.resident
    assert resident is not None
    _pairs(
        pdf,
        [
            ("성명", resident.name),
            ("주민등록번호", resident.masked_number),
            ("생년월일", f"{resident.birth:%Y년 %m월 %d일}"),
            ("현 주소", resident.address),
        ],
    )
    if "address_history" in request.options:
        _section(pdf, "주소 변동 사항")
        # A long history is why an abstract can run to two pages.
        _table(pdf, ["번호", "신고일", "주소", "변동사유"], _past_addresses(request, 24), [14, 30, 96, 30])
    if "military_service" in request.options:
        _section(pdf, "병역사항")
        served = resident.sex == "M" and resident.birth.year < 2004
        _pairs(pdf, [("병역", "만기전역" if served else "해당 없음")])


def _family_relations(pdf: FPDF, request: RenderRequest) -> None:
    resident = request.resident
    assert resident is not None
    _pairs(
        pdf,
        [
            ("본인", resident.name),
            ("주민등록번호", resident.masked_number),
            ("구분", "상세" if "detailed" in request.options else "일반"),
        ],
    )
    _section(pdf, "가족사항")
    rows = [["본인", resident.name, f"{resident.birth:%Y-%m-%d}", resident.masked_number]]
    for m in household_of(resident):
        if m.index != resident.index:
            relation = "자녀" if m.birth > resident.birth else "부모/배우자"
            rows.append([relation, m.name, f"{m.birth:%Y-%m-%d}", m.masked_number])
    _table(pdf, ["구분", "성명", "출생연월일", "주민등록번호"], rows, [30, 40, 44, 56])


def _local_tax(pdf: FPDF, request: RenderRequest) -> None:
    resident = request.resident
    assert resident is not None
    rng = _rng(request)
    year = request.issued_at.year - 1
    _pairs(
        pdf,
        [
            ("납세자", resident.name),
            ("주민등록번호", resident.masked_number),
            ("주소", resident.address),
            ("과세연도", f"{year}년"),
        ],
    )
    _section(pdf, "세목별 과세 내역")
    rows = [
        [item, f"{year}", f"{rng.randrange(1, 900) * 1000:,}원", "완납"]
        for item in ("재산세", "자동차세", "주민세(개인분)")
    ]
    _table(pdf, ["세목", "과세연도", "과세액", "납부상태"], rows, [50, 30, 50, 40])


def _land_register(pdf: FPDF, request: RenderRequest) -> None:
    rng = _rng(request)
    _pairs(
        pdf,
        [
            ("토지 소재/지번", request.parcel or ""),
            ("지목", rng.choice(["대", "전", "답", "임야"])),
            ("면적", f"{rng.randrange(80, 2000):,} m²"),
            ("개별공시지가", f"{rng.randrange(50, 900) * 10_000:,}원/m²"),
            ("소유자", rng.choice(["김○○", "이○○", "박○○", "○○시"])),
        ],
    )
    _section(pdf, "토지 이동 연혁")
    _table(
        pdf,
        ["번호", "일자", "사유"],
        [
            [str(i), f"{rng.randrange(1975, 2024)}-{rng.randrange(1, 13):02d}-01", r]
            for i, r in enumerate(["신규등록", "분할", "지목변경"], 1)
        ],
        [20, 50, 100],
    )


def _building_register(pdf: FPDF, request: RenderRequest) -> None:
    rng = _rng(request)
    part = "표제부" if "title_section" in request.options else "총괄표제부"
    _pairs(
        pdf,
        [
            ("대지위치", request.parcel or ""),
            ("구분", part),
            ("주용도", rng.choice(["공동주택", "단독주택", "근린생활시설", "업무시설"])),
            ("연면적", f"{rng.randrange(100, 30000):,} m²"),
            ("구조", "철근콘크리트구조"),
            ("사용승인일", f"{rng.randrange(1980, 2024)}-{rng.randrange(1, 13):02d}-15"),
        ],
    )


def _generic(pdf: FPDF, request: RenderRequest) -> None:
    _pairs(pdf, [("문서", request.document.title_ko)])


_BODIES = {
    "resident_copy": _resident_copy,
    "resident_abstract": _resident_abstract,
    "family_relations": _family_relations,
    "local_tax": _local_tax,
    "land_register": _land_register,
    "building_register": _building_register,
}


def _closing(pdf: FPDF, request: RenderRequest) -> None:
    pdf.ln(8)
    pdf.set_font(_FONT, "", 11)
    pdf.multi_cell(
        0,
        7,
        f"위 {request.document.title_ko}의 내용이 전산자료와 틀림없음을 증명합니다.",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.cell(0, 7, f"{request.issued_at:%Y년 %m월 %d일}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 14)
    _bold(pdf, True)
    pdf.cell(0, 10, request.office, align="C", new_x="LMARGIN", new_y="NEXT")
    _bold(pdf, False)


def _draw_qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    module = size / len(rows)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x - module, y - module, size + 2 * module, size + 2 * module, style="F")
    pdf.set_fill_color(*_INK)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
            else:
                c += 1


def _draw_seal(pdf: FPDF, *, x: float, y: float) -> None:
    pdf.set_draw_color(*_SEAL_RED)
    pdf.set_text_color(*_SEAL_RED)
    pdf.set_line_width(0.8)
    pdf.rect(x, y, 22, 22)
    pdf.set_font(_FONT, "", 8)
    for i, line in enumerate(("발급기관", "직인", "(견본)")):
        pdf.set_xy(x, y + 3 + i * 6)
        pdf.cell(22, 5, line, align="C")
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_INK)
