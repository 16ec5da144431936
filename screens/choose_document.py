"""Which document: one large card per document with its fee and whether a fingerprint is needed.

A document the kiosk cannot issue now stays on the list, greyed, with the reason in words, so the
resident learns why instead of wondering where it went. At 200 % zoom the list pages.
"""

from __future__ import annotations

import pygame

from kiosk.views import ChooseDocumentView, DocumentChoice, Intent, View
from screens.frame import (
    Frame,
    back_spec,
    build_frame,
    cancel_spec,
    footer_buttons,
    paint_frame,
    place_below,
)
from screens.icons import draw_alert_icon, draw_fingerprint
from screens.paging import page_widgets, pager_height, paginate
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, fee, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius


def _documents(view: View) -> list[DocumentChoice]:
    return [d for d in view_data(view, ChooseDocumentView).documents if d.code]


class ChooseDocumentScreen(Screen):
    name = "choose_document"

    def _card_height(self, view: View, theme: Theme, doc: DocumentChoice, width: int) -> int:
        inner = width - 2 * _card_pad_x(theme)
        lang = lang_of(view)
        name_h = text_height(theme, document(doc.code, lang), "subtitle", inner)
        lines = self._detail_lines(theme, lang, doc, inner)
        return max(theme.min_target, name_h + lines * theme.line_height("body_bold") + 2 * _card_pad_y(theme))

    def _detail(self, lang: str, doc: DocumentChoice) -> str:
        if not doc.available:
            return t(f"reason.{doc.unavailable_reason or 'unknown'}", lang)
        detail = fee(doc.fee, lang) if doc.fee == 0 else t("choose.fee", lang, fee=fee(doc.fee, lang))
        return detail if doc.needs_identity else f"{detail} · {t('choose.no_identity', lang)}"

    def _detail_lines(self, theme: Theme, lang: str, doc: DocumentChoice, inner: int) -> int:
        """Lines the fee (and fingerprint mark) or the reason it cannot be issued takes."""
        if not doc.available:
            room = inner - theme.px(40) - theme.sp(16)
            return max(1, len(theme.wrap(self._detail(lang, doc), "body_bold", room)))
        return 1 if self._detail_fits(theme, lang, doc, inner) else 2

    def _identity_label(self, theme: Theme, lang: str) -> str:
        """The fingerprint mark's word; zoomed, the mark alone (the word would take a line of its own)."""
        return "" if theme.scale > 1.0 else t("choose.identity", lang)

    def _identity_width(self, theme: Theme, lang: str) -> int:
        label = self._identity_label(theme, lang)
        return (theme.measure(label, "body_bold")[0] + theme.sp(16) if label else 0) + theme.px(50)

    def _detail_fits(self, theme: Theme, lang: str, doc: DocumentChoice, inner: int) -> bool:
        need = theme.measure(self._detail(lang, doc), "body_bold")[0] + (0 if doc.available else theme.px(56))
        if doc.needs_identity and doc.available:
            need += self._identity_width(theme, lang) + theme.sp(40)
        return need <= inner

    def _geometry(
        self, view: View, theme: Theme, page: int
    ) -> tuple[Frame, pygame.Rect, list[tuple[DocumentChoice, pygame.Rect]], list[Widget]]:
        frame = build_frame(view, theme)
        body = frame.body
        lang = lang_of(view)
        title_h = text_height(theme, t("choose.title", lang), "title", body.width)
        docs = _documents(view)
        gap = theme.sp(22) if theme.scale <= 1.0 else theme.mm(4.0)  # zoomed: 4 mm (the rule: 2.5)
        heights = [self._card_height(view, theme, d, body.width) for d in docs]
        top = place_below(frame, body.top + title_h, theme.sp(32))
        if heights and max(heights) > body.bottom - top - pager_height(theme) - gap:
            # 200 %: a card would not fit a page under the title; the progress bar above already
            # names the step ("1/4 서류 선택"), so the title gives way.
            title_h = 0
            top = place_below(frame, body.top, 0)
        # In the low-position mode the title sits just above the list, where the resident is looking.
        title = pygame.Rect(body.left, max(body.top, top - theme.sp(32) - title_h), body.width, title_h)
        avail = body.bottom - top
        pages = paginate(heights, avail, gap)
        pager: list[Widget] = []
        if len(pages) > 1:
            pager_h = pager_height(theme)
            pages = paginate(heights, avail - pager_h - gap, gap)
            page = min(max(0, page), len(pages) - 1)
            pager = page_widgets(
                view,
                theme,
                pygame.Rect(body.left, body.bottom - pager_h, body.width, pager_h),
                page,
                len(pages),
            )
        else:
            page = 0
        first, last = pages[page]
        cards = []
        y = top
        for doc, h in zip(docs[first:last], heights[first:last], strict=True):
            cards.append((doc, pygame.Rect(body.left, y, body.width, h)))
            y += h + gap
        return frame, title, cards, pager

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, cards, pager = self._geometry(view, theme, page)
        lang = lang_of(view)
        widgets = [
            Widget(
                f"doc:{doc.code}",
                rect,
                Intent("choose_document", {"code": doc.code}) if doc.available else None,
                document(doc.code, lang),
                "custom",
            )
            for doc, rect in cards
        ]
        widgets += pager
        return widgets + footer_buttons(frame, theme, [back_spec(view), cancel_spec(view)])

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, title, cards, _ = self._geometry(view, theme, page)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        if title.height:
            draw_text(surface, theme, t("choose.title", lang), "title", c.text, title, align="left", valign="top")
        for doc, rect in cards:
            self._draw_card(surface, theme, lang, doc, rect)
        widgets = self.layout(view, theme, page=page)
        draw_widgets(surface, theme, [w for w in widgets if w.style != "custom"])

    def _draw_card(
        self, surface: pygame.Surface, theme: Theme, lang: str, doc: DocumentChoice, rect: pygame.Rect
    ) -> None:
        c = theme.colors
        r = radius(theme)
        pad = _card_pad_x(theme)
        if doc.available:
            pygame.draw.rect(surface, c.surface, rect, border_radius=r)
            pygame.draw.rect(surface, c.border, rect, width=theme.sp(4), border_radius=r)
            name_c, detail_c = c.text, c.primary
        else:
            pygame.draw.rect(surface, c.disabled, rect, border_radius=r)
            name_c = detail_c = c.on_disabled
        inner = rect.inflate(-2 * pad, -2 * _card_pad_y(theme))
        lh = theme.line_height("body_bold")
        two_lines = not self._detail_fits(theme, lang, doc, inner.width)
        detail_h = lh * self._detail_lines(theme, lang, doc, inner.width)
        name_rect = pygame.Rect(inner.left, inner.top, inner.width, inner.height - detail_h)
        draw_text(surface, theme, document(doc.code, lang), "subtitle", name_c, name_rect, align="left")
        # The fee takes its lines (two when it does not fit one, e.g. with "no identity check" at
        # 200 %); a fingerprint mark that does not fit beside the fee takes the second line.
        fee_h = lh if doc.needs_identity or not doc.available else detail_h
        detail_rect = pygame.Rect(inner.left, name_rect.bottom, inner.width, fee_h)
        if doc.needs_identity and doc.available:
            # A fingerprint mark and its word: at the right end of the fee line, or on a line of its own.
            label = self._identity_label(theme, lang)
            icon = theme.px(50)
            label_w = theme.measure(label, "body_bold")[0] if label else -theme.sp(16)
            row = detail_rect.move(0, lh) if two_lines else detail_rect
            right = row.left + self._identity_width(theme, lang) if two_lines else row.right
            if label:
                draw_text(
                    surface,
                    theme,
                    label,
                    "body_bold",
                    name_c,
                    pygame.Rect(right - label_w, row.top, label_w, lh),
                    align="right",
                )
            draw_fingerprint(
                surface,
                (right - label_w - theme.sp(16) - icon // 2, row.centery),
                icon,
                c.primary if doc.available else name_c,
            )
            if not two_lines:
                detail_rect.width -= self._identity_width(theme, lang) + theme.sp(40)
        if doc.available:
            draw_text(
                surface, theme, self._detail(lang, doc), "body_bold", detail_c, detail_rect, align="left"
            )
        else:
            a = theme.px(40)
            draw_alert_icon(
                surface, theme, (detail_rect.left + a // 2, detail_rect.centery), a, c.on_disabled, c.disabled
            )
            text_rect = pygame.Rect(
                detail_rect.left + a + theme.sp(16), detail_rect.top, detail_rect.width - a - theme.sp(16), detail_h
            )
            draw_text(surface, theme, self._detail(lang, doc), "body_bold", detail_c, text_rect, align="left")


def _card_pad_x(theme: Theme) -> int:
    """Room left and right of a card's words: zoomed, 2 mm (as an option's), so a long English
    name breaks onto two lines, not three, and a card with its reason fits a page."""
    return theme.sp(32) if theme.scale <= 1.0 else theme.mm(2.0)


def _card_pad_y(theme: Theme) -> int:
    """Room above and below a card's words: zoomed, little (an English name and a reason for a
    document that cannot be issued fill a page at 200 %)."""
    return theme.sp(22) if theme.scale <= 1.0 else theme.sp(6)


SCREEN = ChooseDocumentScreen()

_ALL = [
    DocumentChoice("resident_copy", 200, True),
    DocumentChoice("resident_abstract", 200, True),
    DocumentChoice("family_relations", 500, True),
    DocumentChoice("local_tax", 0, True),
    DocumentChoice("land_register", 500, False),
    DocumentChoice("building_register", 500, False),
]
SAMPLES: dict[str, ChooseDocumentView] = {
    "all": ChooseDocumentView(documents=_ALL),
    "fingerprint_down": ChooseDocumentView(
        documents=[
            DocumentChoice(
                d.code,
                d.fee,
                d.needs_identity,
                not d.needs_identity,
                "fingerprint-unavailable" if d.needs_identity else "",
            )
            for d in _ALL
        ]
    ),
}
