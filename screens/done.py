"""The end of a session: what happened, money to take, a refund voucher to keep, then "finish".

While the session is still settling (a refund being paid, a void, the receipt) no amount is final, so
none is shown: a calm "settling, please wait". OK answers then too: the press is acknowledged on
screen and honoured when the amounts are final.
"""

from __future__ import annotations

import pygame

from kiosk.views import DoneView, Intent, SettlingView, View
from screens.blocks import Block, paged, stack, text_block
from screens.frame import FooterSpec, build_frame, footer_buttons, paint_frame
from screens.icons import draw_alert_icon, draw_check_icon, draw_cross_icon
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, t, won
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius


class DoneScreen(Screen):
    name = "done"

    def _footer(self, view: View) -> list[FooterSpec]:
        """OK; with issue 17's "send by text or e-mail" before it while the result can be sent (one button:
        two more would push the result off the screen at 200 % zoom in the low position; the channel is
        chosen on the next screen, screens/notice_channel.py)."""
        lang = lang_of(view)
        ok: FooterSpec = ("ok", Intent("confirm"), t("button.done", lang), "primary", 1)
        if isinstance(view.data, DoneView) and view.data.notice_offered:
            return [("notice", Intent("notice"), t("button.notice_any", lang), "secondary", 1), ok]
        return [ok]

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame = build_frame(view, theme, nav=self._footer(view))
        _, _, pager = paged(view, theme, frame.body, self._blocks(view, theme, frame.body.width), page)
        return pager + footer_buttons(frame, theme, self._footer(view))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = build_frame(view, theme, nav=self._footer(view))
        paint_frame(surface, view, theme, frame)
        body = frame.body
        area, blocks, _ = paged(view, theme, body, self._blocks(view, theme, body.width), page)
        stack(surface, area, blocks, valign="middle")
        draw_widgets(surface, theme, self.layout(view, theme, page=page))

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        if isinstance(view.data, SettlingView):
            return self._settling_blocks(view, view.data, theme, width)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, DoneView)
        outcome = data.outcome
        reason = data.reason
        change = data.change
        refund = data.refund
        voucher = data.voucher
        gap = theme.sp(20)
        icon = theme.px(180)

        def paint_icon(surface: pygame.Surface, rect: pygame.Rect) -> object:
            centre = (rect.centerx, rect.top + icon // 2)
            if outcome == "issued":
                draw_check_icon(surface, centre, icon, c.success, c.surface)
            elif outcome == "partial":  # copies in hand: not a failure, but not all that was asked
                draw_alert_icon(surface, theme, centre, icon, c.primary, c.surface)
            elif outcome == "failed":
                draw_cross_icon(surface, centre, icon, c.danger, c.surface)
            else:
                draw_alert_icon(surface, theme, centre, icon, c.primary, c.surface)
            return None

        blocks = [Block(icon, paint_icon, 3, theme.sp(40))]
        doc = data.document
        if doc:
            blocks.append(
                text_block(
                    theme, document(doc, lang), "subtitle", c.primary, width, priority=4, align="center"
                )
            )
        if outcome == "partial":
            title = t("outcome.partial", lang, printed=data.copies_printed,
                      copies=data.copies)
        else:
            title = t(f"outcome.{outcome}", lang)
        blocks.append(text_block(theme, title, "big", c.text, width, align="center", gap=gap))
        if outcome == "partial":
            blocks.append(
                text_block(
                    theme,
                    t("done.partial_fee", lang, fee=won(data.fee_kept, lang),
                      printed=data.copies_printed),
                    "subtitle",
                    c.text,
                    width,
                    align="center",
                    gap=gap,
                )
            )
        if outcome in ("issued", "partial"):
            receipt = data.receipt_printed
            blocks.append(
                text_block(
                    theme,
                    t("done.take" if receipt else "done.take_document", lang),
                    "subtitle",
                    c.text,
                    width,
                    align="center",
                    gap=gap,
                )
            )
        elif reason and outcome != "cancelled":
            blocks.append(
                text_block(
                    theme,
                    t(f"reason.{reason}", lang),
                    "subtitle",
                    c.text,
                    width,
                    priority=2,
                    align="center",
                    gap=gap,
                )
            )
        if change > 0:
            blocks.append(
                text_block(
                    theme,
                    t("done.change", lang, amount=won(change, lang)),
                    "title",
                    c.primary,
                    width,
                    align="center",
                    gap=gap,
                )
            )
        if refund > 0:
            blocks.append(
                text_block(
                    theme,
                    t("done.refund", lang, amount=won(refund, lang)),
                    "title",
                    c.primary,
                    width,
                    align="center",
                    gap=gap,
                )
            )
        # A card payer hears what came back to the card, as a coin payer reads "returned to you".
        for key, amount in (("done.card_voided", data.card_voided), ("done.card_void_pending", data.card_void_pending)):
            if amount > 0:
                blocks.append(text_block(theme, t(key, lang, amount=won(amount, lang)), "title", c.primary, width,
                                         align="center", gap=gap))
        if outcome in ("issued", "partial") and not data.receipt_printed:
            blocks.append(
                text_block(
                    theme,
                    t("done.receipt_failed", lang),
                    "body",
                    c.muted,
                    width,
                    priority=1,
                    align="center",
                    gap=gap,
                )
            )
        if voucher:
            blocks += self._voucher(theme, lang, voucher, width)
        if data.tracking_code:  # issue 17: a delivery's tracking code, big enough to copy down
            blocks.append(text_block(theme, t("done.tracking", lang), "body_bold", c.text, width, align="center",
                                     gap=gap))
            blocks.append(text_block(theme, data.tracking_code, "title", c.primary, width, align="center", gap=gap))
        if data.notice_sent:  # issue 17
            sent = "done.notice_email_sent" if data.notice_channel == "email" else "done.notice_sent"
            blocks.append(text_block(theme, t(sent, lang), "body_bold", c.success, width,
                                     priority=1, align="center", gap=gap))
        return blocks

    def _settling_blocks(self, view: View, data: SettlingView, theme: Theme, width: int) -> list[Block]:
        """Amounts not final yet: say so, and acknowledge an OK already pressed."""
        c = theme.colors
        lang = lang_of(view)
        gap = theme.sp(20)
        blocks: list[Block] = []
        doc = data.document
        if doc:
            blocks.append(text_block(theme, document(doc, lang), "subtitle", c.primary, width, priority=4,
                                     align="center"))
        blocks.append(text_block(theme, t("done.settling", lang), "big", c.text, width, align="center", gap=gap))
        if data.ok_pressed:
            blocks.append(text_block(theme, t("done.ok_pressed", lang), "subtitle", c.text, width,
                                     align="center", gap=gap))
        return blocks

    def _voucher(self, theme: Theme, lang: str, voucher: str, width: int) -> list[Block]:
        """The voucher card: its name (on the lines it needs), the code, and how to use it; zoomed,
        the how-to stands under the card, so each piece fits a page of the band below 1,220 mm."""
        c = theme.colors
        pad = theme.sp(32)
        inside = theme.scale <= 1.0
        label = t("done.voucher", lang)
        help_text = t("done.voucher_help", lang)
        label_h = text_height(theme, label, "body_bold", width - 2 * pad)
        help_h = text_height(theme, help_text, "body", width - 2 * pad) if inside else 0
        big = theme.line_height("huge")

        def paint(surface: pygame.Surface, box: pygame.Rect) -> object:
            pygame.draw.rect(surface, c.surface, box, border_radius=radius(theme) * 2)
            pygame.draw.rect(surface, c.primary, box, width=theme.sp(6), border_radius=radius(theme) * 2)
            x, w = box.left + pad, box.width - 2 * pad
            y = box.top + pad
            draw_text(surface, theme, label, "body_bold", c.text, pygame.Rect(x, y, w, label_h), valign="top")
            y += label_h
            draw_text(
                surface, theme, voucher, "huge", c.primary, pygame.Rect(x, y, w, big), min_style="title"
            )
            y += big
            if not inside:
                return y
            return draw_text(
                surface, theme, help_text, "body", c.text, pygame.Rect(x, y, w, help_h), valign="top"
            )

        card = Block(label_h + big + help_h + 2 * pad, paint, 0, 0 if inside else theme.sp(16))
        if inside:
            return [card]
        return [card, text_block(theme, help_text, "body", c.text, width)]


SCREEN = DoneScreen()
SAMPLES: dict[str, DoneView | SettlingView] = {
    "issued": DoneView(
        document="resident_copy",
        outcome="issued",
        reason="",
        change=800,
        refund=0,
        voucher="",
        receipt_printed=True,
    ),
    "voucher": DoneView(
        document="family_relations",
        outcome="failed",
        reason="print-failed",
        change=0,
        refund=200,
        voucher="R7K2-9QXM",
        receipt_printed=False,
    ),
    "partial": DoneView(
        document="resident_copy",
        outcome="partial",
        reason="print-partial",
        change=0,
        refund=400,
        voucher="",
        receipt_printed=True,
        copies=3,
        copies_printed=1,
        fee_kept=200,
    ),
    "settling": SettlingView(document="resident_copy", ok_pressed=True),
    "notice_offered": DoneView(document="resident_copy", outcome="issued", change=300, notice_offered=True),
    "ordered": DoneView(document="resident_copy", outcome="ordered", reason="delivery-ordered", change=300,
                        tracking_code="604112345678", notice_offered=True),
    # A delivery whose confirmation went unanswered: refunded, the order cancelled (kiosk/delivery.py).
    "unconfirmed": DoneView(document="land_register", outcome="failed", reason="delivery-unconfirmed", change=0,
                            refund=4000, voucher="", receipt_printed=False),
    "notice_sent": DoneView(document="resident_copy", outcome="issued", voucher="R7K2-9QXM", refund=300,
                            receipt_printed=False, notice_sent=True),
    "notice_email_sent": DoneView(document="resident_copy", outcome="issued", change=300, notice_sent=True,
                                  notice_channel="email"),
    # Paid by card, the document jammed: the payment voided (a partial cancel reads the same).
    "card_voided": DoneView(document="family_relations", outcome="failed", reason="a4-paper-jam",
                            masked_pan="476173******0010", card_voided=1000, receipt_printed=False),
    "failed": DoneView(
        document="local_tax",
        outcome="failed",
        reason="no-tax-record",
        change=0,
        refund=0,
        voucher="",
        receipt_printed=False,
    ),
    # Issue 17: a pickup whose mobile ID failed says the code was not used (the longest reason).
    "pickup_mobile_id_failed": DoneView(document="resident_copy", outcome="failed",
                                        reason="pickup-mobile-id-expired", receipt_printed=False),
}
