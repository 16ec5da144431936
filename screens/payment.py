"""Payment: how much is still to pay in huge figures, which money works, and what just went wrong.

A rejected coin or a returned bill is said in words on the spot (the most common reason residents
give up), and the change hint says which money to use before they try the wrong one.
"""

from __future__ import annotations

import pygame

from kiosk.views import Intent, PaymentView, View
from screens.blocks import Block, paged, stack, text_block
from screens.frame import Frame, build_frame, button_height, cancel_spec, footer_buttons, paint_frame
from screens.icons import draw_alert_icon
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t, won
from screens.text import draw_text, text_height
from screens.theme import RGB, Theme
from screens.widgets import Widget, draw_widgets, radius


class PaymentScreen(Screen):
    name = "payment"

    def _accepts(self, view: View) -> list[str]:
        return view_data(view, PaymentView).accepts

    def _geometry(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect | None]:
        frame = build_frame(view, theme)
        if "card" not in self._accepts(view):
            return frame, None
        bh = max(button_height(theme), theme.px(150))
        body = frame.body
        return frame, pygame.Rect(body.left, body.bottom - bh, body.width, bh)

    def _info(self, view: View, theme: Theme, page: int) -> tuple[pygame.Rect, list[Block], list[Widget]]:
        """The information above the card button, paged at 200 % when it does not fit."""
        frame, card = self._geometry(view, theme)
        body = frame.body
        bottom = (card.top if card is not None else body.bottom) - theme.sp(24)
        info = pygame.Rect(body.left, body.top, body.width, max(0, bottom - body.top))
        return paged(view, theme, info, self._blocks(view, theme, body.width), page)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, card = self._geometry(view, theme)
        lang = lang_of(view)
        widgets = list(self._info(view, theme, page)[2])
        if card is not None:
            widgets.append(Widget("pay:card", card, Intent("pay_card"), t("pay.card", lang), "primary"))
        return widgets + footer_buttons(frame, theme, [cancel_spec(view)])

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, _ = self._geometry(view, theme)
        paint_frame(surface, view, theme, frame)
        area, blocks, _ = self._info(view, theme, page)
        stack(surface, area, blocks)
        draw_widgets(surface, theme, self.layout(view, theme, page=page))

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        """Top to bottom; priority says what gives way at 200 % zoom (the amount and errors never do)."""
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, PaymentView)
        gap = theme.sp(24)
        blocks: list[Block] = []
        doc = data.document
        if doc:
            copies = max(1, data.copies)
            blocks.append(
                text_block(
                    theme,
                    t("payment.summary", lang, doc=document(doc, lang), n=copies),
                    "body_bold",
                    c.primary,
                    width,
                    priority=4,
                )
            )
        blocks.append(
            text_block(theme, t("payment.title", lang), "title", c.text, width, priority=2, gap=gap)
        )
        total = data.total
        paid = data.paid
        remaining = data.remaining
        lh = theme.line_height("body_bold")
        # Zoomed, the amount is "big" (36 mm at 200 %, 1.5 times the floor) and the card's padding
        # small, so the card fits a page of the band below 1,220 mm under an English footer.
        amount_style = "huge" if theme.scale <= 1.0 else "big"
        big_h = theme.line_height(amount_style)
        pad_x, pad_y = theme.sp(36), theme.sp(28) if theme.scale <= 1.0 else theme.sp(6)
        summary = (
            f"{t('payment.total', lang)} {won(total, lang)}   {t('payment.paid', lang)} {won(paid, lang)}"
        )
        # Zoomed, the total and what was paid stand under the card, not in it: the card with them
        # would be taller than a page of the band below 1,220 mm.
        inside = theme.scale <= 1.0
        summary_h = text_height(theme, summary, "body_bold", width - 2 * pad_x) if inside else 0

        def paint_amount(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.primary_soft, rect, border_radius=radius(theme) * 2)
            inner = rect.inflate(-2 * pad_x, -2 * pad_y)
            y = inner.top
            draw_text(
                surface,
                theme,
                t("payment.due", lang),
                "body_bold",
                c.text,
                pygame.Rect(inner.left, y, inner.width, lh),
                align="left",
            )
            y += lh
            draw_text(
                surface,
                theme,
                won(remaining, lang),
                amount_style,
                c.primary,
                pygame.Rect(inner.left, y, inner.width, big_h),
                align="left",
                min_style="title",
            )
            y += big_h + theme.sp(12)
            if not inside:
                return y
            return draw_text(
                surface,
                theme,
                summary,
                "body_bold",
                c.text,
                pygame.Rect(inner.left, y, inner.width, summary_h),
                align="left",
            )

        if inside:
            blocks.append(Block(2 * pad_y + lh + big_h + theme.sp(12) + summary_h, paint_amount, 0, gap))
        else:
            blocks.append(Block(2 * pad_y + lh + big_h, paint_amount, 0, theme.sp(12)))
            blocks.append(text_block(theme, summary, "body_bold", c.text, width, gap=gap))
        message = data.message
        if message:
            blocks.append(
                self._banner(
                    theme, t(f"msg.{message}", lang), (c.danger, c.danger_soft), width, priority=0, gap=gap
                )
            )
        hint = data.hint
        if hint:
            blocks.append(
                self._banner(theme, t(f"hint.{hint}", lang), (c.text, c.notice), width, priority=1, gap=gap)
            )
        if not data.receipt_available:
            blocks.append(
                text_block(theme, t("payment.no_receipt", lang), "body", c.muted, width, priority=3, gap=gap)
            )
        accepts = self._accepts(view)
        if accepts:
            blocks.append(
                text_block(
                    theme,
                    t("payment.accepts", lang),
                    "body_bold",
                    c.text,
                    width,
                    priority=2,
                    gap=theme.sp(12),
                )
            )
            labels = [t(f"accept.{a}", lang) for a in accepts]

            def paint_pills(surface: pygame.Surface, rect: pygame.Rect) -> object:
                return self._pills(surface, theme, labels, rect)

            blocks.append(Block(self._pills_height(theme, labels, width), paint_pills, 2))
        return blocks

    def _banner(
        self, theme: Theme, text: str, colours: tuple[RGB, RGB], width: int, *, priority: int, gap: int
    ) -> Block:
        fg, bg = colours
        icon = theme.px(52)
        pad = theme.sp(24)
        text_w = width - 3 * pad - icon
        h = text_height(theme, text, "body_bold", text_w) + 2 * pad

        def paint(surface: pygame.Surface, rect: pygame.Rect) -> object:
            pygame.draw.rect(surface, bg, rect, border_radius=radius(theme))
            draw_alert_icon(surface, theme, (rect.left + pad + icon // 2, rect.centery), icon, fg, bg)
            return draw_text(
                surface,
                theme,
                text,
                "body_bold",
                fg,
                pygame.Rect(rect.left + 2 * pad + icon, rect.top, text_w, rect.height),
                align="left",
            )

        return Block(h, paint, priority, gap)

    def _pill_rows(self, theme: Theme, labels: list[str], width: int) -> list[list[tuple[str, int]]]:
        pad_x, gap = theme.sp(28), theme.sp(16)
        rows: list[list[tuple[str, int]]] = [[]]
        x = 0
        for label in labels:
            w = min(width, theme.measure(label, "body_bold")[0] + 2 * pad_x)
            if x + w > width and rows[-1]:
                rows.append([])
                x = 0
            rows[-1].append((label, w))
            x += w + gap
        return rows

    def _pills_height(self, theme: Theme, labels: list[str], width: int) -> int:
        h = theme.line_height("body_bold") + theme.sp(16)
        n = len(self._pill_rows(theme, labels, width))
        return n * h + (n - 1) * theme.sp(16)

    def _pills(self, surface: pygame.Surface, theme: Theme, labels: list[str], rect: pygame.Rect) -> int:
        c = theme.colors
        gap = theme.sp(16)
        h = theme.line_height("body_bold") + theme.sp(16)
        y = rect.top
        for row in self._pill_rows(theme, labels, rect.width):
            x = rect.left
            for label, w in row:
                pill = pygame.Rect(x, y, w, h)
                pygame.draw.rect(surface, c.surface, pill, border_radius=h // 2)
                pygame.draw.rect(surface, c.border, pill, width=theme.sp(3), border_radius=h // 2)
                draw_text(surface, theme, label, "body_bold", c.text, pill.inflate(-theme.sp(28), 0))
                x += w + gap
            y += h + gap
        return y - rect.top


SCREEN = PaymentScreen()

SAMPLES: dict[str, PaymentView] = {
    "waiting": PaymentView(
        document="resident_copy",
        copies=2,
        total=400,
        paid=100,
        remaining=300,
        accepts=["coins", "bills:1000", "bills:5000", "bills:10000", "card"],
        hint="",
        message="",
        receipt_available=True,
    ),
    "foreign_coin": PaymentView(
        document="family_relations",
        copies=1,
        total=500,
        paid=0,
        remaining=500,
        accepts=["coins", "bills:1000"],
        hint="exact-or-1000-only",
        message="foreign-coin",
        receipt_available=False,
    ),
}
