"""Document options and number of copies, with the running total in won.

Each option is a big toggle row (a checkbox the size of a thumb); copies are − / + buttons either
side of the number, so nothing needs typing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from kiosk.views import Intent, OptionChoice, OptionsView, View
from screens.blocks import Block, stack, stack_height, text_block
from screens.frame import Frame, build_frame, button_height, confirm_specs, footer_buttons, paint_frame
from screens.icons import draw_checkmark
from screens.paging import page_widgets, pager_height, paginate
from screens.screen import Screen, lang_of, view_data
from screens.strings import document, fee, t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius


def _options(view: View) -> list[tuple[str, bool]]:
    return [(o.option_id, o.selected) for o in view_data(view, OptionsView).options if o.option_id]


@dataclass(frozen=True)
class _Geometry:
    frame: Frame
    info: pygame.Rect
    rows: list[tuple[str, bool, pygame.Rect]]
    copies: pygame.Rect | None  # the copies row (None: it is on another page)
    pager: list[Widget]


class OptionsScreen(Screen):
    name = "options"

    def _blocks(self, view: View, theme: Theme, width: int) -> list[Block]:
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, OptionsView)
        copies = max(1, data.copies)
        blocks = []
        doc = data.document
        if doc:
            blocks.append(text_block(theme, document(doc, lang), "body_bold", c.primary, width, priority=3))
        # Zoomed, the title gives way before the toggles do (the header already says "3/4 결제").
        title_priority = 1 if theme.scale > 1.0 else 0
        blocks.append(
            text_block(
                theme, t("options.title", lang), "title", c.text, width, priority=title_priority, gap=theme.sp(20)
            )
        )
        total = f"{t('total.label', lang)} {fee(data.total, lang)}"
        blocks.append(text_block(theme, total, "title", c.primary, width))
        line = t("total.line", lang, fee=fee(data.fee_per_copy, lang), n=copies)
        blocks.append(text_block(theme, line, "body", c.muted, width, priority=2))
        if not _options(view):
            blocks.append(text_block(theme, t("options.none", lang), "body", c.muted, width, priority=1))
        return blocks

    def _geometry(self, view: View, theme: Theme, page: int) -> _Geometry:
        frame = build_frame(view, theme, nav=confirm_specs(view))
        body = frame.body
        lang = lang_of(view)
        blocks = self._blocks(view, theme, body.width)
        gap = theme.sp(22) if theme.scale <= 1.0 else theme.mm(4.0)  # zoomed: 4 mm (the rule: 2.5)
        bh = _stepper_height(theme)
        # The copies row: its label ("copies, up to 5") on its own line(s) above [-] number [+].
        copies_h = bh + text_height(theme, self._copies_label(view), "caption", body.width) + theme.sp(8)
        options = _options(view)
        text_w = body.width - theme.px(72) - 3 * theme.sp(28)
        heights = [
            max(bh, text_height(theme, t(f"opt.{o}", lang), "label", text_w) + 2 * _toggle_pad(theme))
            for o, _ in options
        ]
        rows_h = sum(heights) + gap * len(heights)
        full = stack_height(blocks) + theme.sp(40)
        must = stack_height([b for b in blocks if b.priority == 0]) + theme.sp(24)
        # The controls follow the information, or start at the low-position line; if everything
        # does not fit, the less important lines above give way first, then the options page.
        top = max(frame.controls.top, body.top + full)
        if top + rows_h + copies_h > body.bottom:
            top = max(frame.controls.top, min(top, body.bottom - rows_h - copies_h), body.top + must)
        avail = body.bottom - copies_h - gap - top
        pages = paginate(heights, avail, gap)
        pager: list[Widget] = []
        copies_at: int | None = 0  # where the copies row starts (None: on another page)
        rows: list[tuple[str, bool, pygame.Rect]] = []
        if len(pages) > 1:
            # The options and the copies row do not fit together: they page, the copies row an
            # item of its own after the options (on the last page, or one of its own), and every
            # row keeps its words whole. Even one option must not run into the pager: squeeze
            # rows to the room left (>= 20 mm).
            ph = pager_height(theme)
            room = max(theme.min_button, body.bottom - top - ph - gap)
            heights = [min(h, room) for h in heights]
            pages = paginate([*heights, copies_h], room, gap)
            page = min(max(0, page), len(pages) - 1)
            pager = page_widgets(
                view, theme, pygame.Rect(body.left, body.bottom - ph, body.width, ph), page, len(pages)
            )
            first, last = pages[page]
            y = top
            copies_at = None
            for i in range(first, last):
                if i == len(options):
                    copies_at = y
                    break
                option_id, selected = options[i]
                rows.append((option_id, selected, pygame.Rect(body.left, y, body.width, heights[i])))
                y += heights[i] + gap
        else:
            y = top
            for (option_id, selected), h in zip(options, heights, strict=True):
                rows.append((option_id, selected, pygame.Rect(body.left, y, body.width, h)))
                y += h + gap
            copies_at = max(y, top) if options else body.bottom - copies_h
        copies = pygame.Rect(body.left, copies_at, body.width, copies_h) if copies_at is not None else None
        info = pygame.Rect(body.left, body.top, body.width, max(0, top - theme.sp(24) - body.top))
        return _Geometry(frame, info, rows, copies, pager)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        g = self._geometry(view, theme, page)
        lang = lang_of(view)
        data = view_data(view, OptionsView)
        widgets = [
            Widget(
                f"opt:{oid}",
                rect,
                Intent("toggle_option", {"option_id": oid}),
                t(f"opt.{oid}", lang),
                "custom",
                "on" if selected else "off",
            )
            for oid, selected, rect in g.rows
        ]
        widgets += g.pager
        copies = data.copies
        max_copies = data.max_copies
        if g.copies is not None:
            bh = _stepper_height(theme)
            bw = max(theme.min_target, min(theme.px(220), (g.copies.width - 2 * theme.sp(24)) // 3))
            row = pygame.Rect(g.copies.left, g.copies.bottom - bh, g.copies.width, bh)
            minus = pygame.Rect(row.left, row.top, bw, bh)
            plus = pygame.Rect(row.right - bw, row.top, bw, bh)
            widgets.append(
                Widget("copies:-", minus, Intent("copies", {"delta": -1}) if copies > 1 else None, "-", "stepper")
            )
            widgets.append(
                Widget(
                    "copies:+",
                    plus,
                    Intent("copies", {"delta": 1}) if copies < max_copies else None,
                    "+",
                    "stepper",
                )
            )
        return widgets + footer_buttons(g.frame, theme, confirm_specs(view))

    def _copies_label(self, view: View) -> str:
        lang = lang_of(view)
        label = t("copies.label", lang)
        max_copies = view_data(view, OptionsView).max_copies
        return f"{label} ({t('copies.max', lang, n=max_copies)})" if max_copies else label

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        g = self._geometry(view, theme, page)
        paint_frame(surface, view, theme, g.frame)
        lang = lang_of(view)
        stack(
            surface,
            g.info,
            self._blocks(view, theme, g.info.width),
            valign="bottom" if theme.low_position else "top",
        )
        for option_id, selected, rect in g.rows:
            self._draw_toggle(surface, theme, t(f"opt.{option_id}", lang), selected, rect)
        widgets = self.layout(view, theme, page=page)
        if g.copies is not None:
            self._draw_copies(surface, view, theme, g.copies, widgets)
        draw_widgets(surface, theme, [w for w in widgets if w.style != "custom"])

    def _draw_copies(
        self, surface: pygame.Surface, view: View, theme: Theme, copies: pygame.Rect, widgets: list[Widget]
    ) -> None:
        c = theme.colors
        n = max(1, view_data(view, OptionsView).copies)
        minus = next(w for w in widgets if w.widget_id == "copies:-").rect
        plus = next(w for w in widgets if w.widget_id == "copies:+").rect
        value = pygame.Rect(
            minus.right + theme.sp(24), minus.top, plus.left - minus.right - 2 * theme.sp(24), minus.height
        )
        # "Copies (up to 5)" above the row, the number itself in the value box between - and +.
        label_rect = pygame.Rect(copies.left, copies.top, copies.width, minus.top - copies.top)
        draw_text(surface, theme, self._copies_label(view), "caption", c.text, label_rect, align="left")
        pygame.draw.rect(surface, c.surface, value, border_radius=radius(theme))
        draw_text(
            surface,
            theme,
            t("copies.value", lang_of(view), n=n),
            "big",
            c.text,
            value.inflate(0, -2 * theme.sp(6)),
            min_style="body",
        )

    def _draw_toggle(
        self, surface: pygame.Surface, theme: Theme, label: str, selected: bool, rect: pygame.Rect
    ) -> None:
        c = theme.colors
        r = radius(theme)
        fill, edge = (c.primary_soft, c.primary) if selected else (c.surface, c.border)
        pygame.draw.rect(surface, fill, rect, border_radius=r)
        pygame.draw.rect(surface, edge, rect, width=theme.sp(6) if selected else theme.sp(4), border_radius=r)
        box_size = min(theme.px(72), rect.height - 2 * theme.sp(16))
        box = pygame.Rect(rect.left + theme.sp(28), rect.centery - box_size // 2, box_size, box_size)
        if selected:
            pygame.draw.rect(surface, c.primary, box, border_radius=theme.sp(10))
            draw_checkmark(surface, box, c.on_dark, max(4, box_size // 8))
        else:
            pygame.draw.rect(surface, c.surface, box, border_radius=theme.sp(10))
            pygame.draw.rect(surface, c.border, box, width=theme.sp(4), border_radius=theme.sp(10))
        left = box.right + theme.sp(28)
        draw_text(
            surface,
            theme,
            label,
            "label",
            c.primary if selected else c.text,
            pygame.Rect(left, rect.top, rect.right - left - theme.sp(28), rect.height),
            align="left",
        )


def _stepper_height(theme: Theme) -> int:
    """The copies row ([-] number [+], the signs drawn as bars): a footer button's height at 100 %;
    zoomed, as tall as the number's line needs (the 1,220 mm band is short)."""
    if theme.scale <= 1.0:
        return button_height(theme)
    line = theme.line_height("label", theme.min_text_px)
    return max(theme.min_target, math.ceil(line * 5 / 6) + 2 * theme.sp(6) + 2)


def _toggle_pad(theme: Theme) -> int:
    """Room above and below an option's words (zoomed, little: its checkbox is beside them)."""
    return theme.sp(24) if theme.scale <= 1.0 else theme.sp(4)


SCREEN = OptionsScreen()

SAMPLES: dict[str, OptionsView] = {
    "resident_copy": OptionsView(
        document="resident_copy",
        options=[OptionChoice("include_past_addresses", True), OptionChoice("show_member_numbers", False)],
        copies=2,
        max_copies=5,
        fee_per_copy=200,
        total=400,
    ),
    "family": OptionsView(
        document="family_relations",
        options=[OptionChoice("detailed", False)],
        copies=1,
        max_copies=5,
        fee_per_copy=500,
        total=500,
    ),
    "deliver": OptionsView(  # issue 17: delivery among the options
        document="resident_copy",
        options=[OptionChoice("include_past_addresses", False), OptionChoice("show_member_numbers", False),
                 OptionChoice("deliver", True)],
        copies=1,
        max_copies=5,
        fee_per_copy=200,
        total=3700,
    ),
    "none": OptionsView(
        document="local_tax",
        options=[],
        copies=1,
        max_copies=3,
        fee_per_copy=0,
        total=0,
    ),
}
