"""What every screen is made of: widgets, the frame (header, notices, body, footer), the shared drawing.

A screen is a pure function of (View, Theme): `layout()` says where the touch targets are and what
each one asks for, `draw()` paints the same layout and changes nothing (Tuxemon's rule), so a
snapshot, a hit test and the frame the resident sees always agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pygame

from kiosk.views import IdleView, Intent, PaymentView, View
from screens.strings import language, t
from screens.theme import RGB, STYLES, Theme

# Screen-local intents: the runner handles these itself (paging a long list at 200 % zoom) and
# never passes them to the controller.
LOCAL_INTENTS = frozenset({"page"})


@dataclass(frozen=True, eq=False)
class Widget:
    """A touch target: where it is, what it asks the controller for (None = shown but disabled)."""

    widget_id: str
    rect: pygame.Rect
    intent: Intent | None
    label: str
    style: str = "secondary"  # primary | secondary | cancel | disabled | key | lang | lang_on | custom
    detail: str = ""

    @property
    def enabled(self) -> bool:
        return self.intent is not None


class Screen:
    """Base of every screen: a name (= View.screen), a layout and a draw that changes nothing."""

    name = ""

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        surface.fill(theme.colors.bg)


# --- a screen's own view ------------------------------------------------------------------------
ViewT = TypeVar("ViewT")


def view_data(view: View, kind: type[ViewT]) -> ViewT:
    """The screen's view, or its class's defaults when another screen's (or none) was sent."""
    return view.data if isinstance(view.data, kind) else kind()


def lang_of(view: View) -> str:
    return language(view.language)


# --- the frame ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """The regions of one screen. Controls go in `controls` (bottom-anchored, below the low line)."""

    header: pygame.Rect
    notices: pygame.Rect
    body: pygame.Rect
    controls: pygame.Rect
    footer: pygame.Rect


def button_height(theme: Theme) -> int:
    return max(theme.min_target, theme.line_height("label") + theme.sp(64))


def header_height(theme: Theme) -> int:
    return theme.line_height("body_bold") + theme.sp(48)


def _notice_lines(view: View, theme: Theme, width: int) -> list[str]:
    lang = lang_of(view)
    lines: list[str] = []
    for code in view.notices:
        if isinstance(code, str):
            lines.extend(theme.wrap(t(f"notice.{code}", lang), "body_bold", width))
    return lines


def notice_text_width(theme: Theme) -> int:
    return theme.width - 2 * theme.sp(40) - theme.px(56) - theme.sp(24)


def build_frame(view: View, theme: Theme, *, footer: bool = True, header: bool = True) -> Frame:
    margin = theme.sp(48)
    top = header_height(theme) if header else 0
    lines = _notice_lines(view, theme, notice_text_width(theme))
    notice_h = len(lines) * theme.line_height("body_bold") + 2 * theme.sp(22) if lines else 0
    footer_h = button_height(theme) + 2 * theme.sp(28) if footer else 0
    header_r = pygame.Rect(0, 0, theme.width, top)
    notices_r = pygame.Rect(0, top, theme.width, notice_h)
    body_top = top + notice_h + theme.sp(36)
    body_bottom = theme.height - footer_h - theme.sp(28)
    body = pygame.Rect(margin, body_top, theme.width - 2 * margin, max(0, body_bottom - body_top))
    ctrl_top = max(body.top, theme.control_top)
    controls = pygame.Rect(body.left, ctrl_top, body.width, max(0, body.bottom - ctrl_top))
    footer_r = pygame.Rect(0, theme.height - footer_h, theme.width, footer_h)
    return Frame(header_r, notices_r, body, controls, footer_r)


def footer_buttons(
    frame: Frame, theme: Theme, specs: Sequence[tuple[str, Intent | None, str, str, int]]
) -> list[Widget]:
    """Buttons side by side in the footer band: (id, intent, label, style, weight).

    A footer holding only "cancel" keeps it where cancel stands in a [cancel, OK] footer (the left
    half), never across the whole band: the screens after "OK" (payment, fingerprint) would
    otherwise put cancel right under the finger of a resident who tapped OK twice.
    """
    if not specs or frame.footer.height == 0:
        return []
    margin, gap = theme.sp(48), theme.sp(24)
    height = button_height(theme)
    y = frame.footer.top + (frame.footer.height - height) // 2
    if len(specs) == 1 and specs[0][3] == "cancel":
        wid, intent, label, style, _ = specs[0]
        half = (theme.width - 2 * margin - gap) // 2
        return [Widget(wid, pygame.Rect(margin, y, half, height), intent, label, style)]
    usable = theme.width - 2 * margin - gap * (len(specs) - 1)
    total = sum(spec[4] for spec in specs)
    x = margin
    widgets: list[Widget] = []
    for i, (wid, intent, label, style, weight) in enumerate(specs):
        w = usable * weight // total if i < len(specs) - 1 else theme.width - margin - x
        widgets.append(Widget(wid, pygame.Rect(x, y, w, height), intent, label, style))
        x += w + gap
    return widgets


def language_specs(view: View) -> list[tuple[str, Intent | None, str, str, int]]:
    lang = lang_of(view)
    return [
        (
            "lang:ko",
            Intent("language", {"code": "ko"}),
            t("lang.ko", lang),
            "lang_on" if lang == "ko" else "lang",
            1,
        ),
        (
            "lang:en",
            Intent("language", {"code": "en"}),
            t("lang.en", lang),
            "lang_on" if lang == "en" else "lang",
            1,
        ),
    ]


def cancel_spec(view: View, weight: int = 1) -> tuple[str, Intent | None, str, str, int]:
    return ("cancel", Intent("cancel"), t("button.cancel", lang_of(view)), "cancel", weight)


def paint_frame(surface: pygame.Surface, view: View, theme: Theme, frame: Frame) -> None:
    """Background, header (kiosk name, clock), notices bar and footer band."""
    c = theme.colors
    surface.fill(c.bg)
    lang = lang_of(view)
    if frame.header.height:
        pygame.draw.rect(surface, c.header, frame.header)
        pad = theme.sp(40)
        data = view.data
        # Only the idle screen sends the kiosk's name and the clock, only payment a time limit.
        name = (data.kiosk_name if isinstance(data, IdleView) else "") or t("kiosk.title", lang)
        clock = data.clock if isinstance(data, IdleView) else ""
        left = data.seconds_left if isinstance(data, PaymentView) else 0
        if left > 0 and view.prompt is None:
            # A screen with a time limit shows what is left where the clock would be.
            clock = t("time_left", lang, time=f"{left // 60}:{left % 60:02d}")
        clock_w = theme.measure(clock, "body_bold")[0] + pad if clock else 0
        blit_line(
            surface,
            theme,
            name,
            "body_bold",
            c.on_dark,
            pygame.Rect(pad, 0, theme.width - 2 * pad - clock_w, frame.header.height),
            align="left",
        )
        if clock:
            blit_line(
                surface,
                theme,
                clock,
                "body_bold",
                c.on_dark,
                pygame.Rect(0, 0, theme.width - pad, frame.header.height),
                align="right",
            )
    if frame.notices.height:
        pygame.draw.rect(surface, c.notice, frame.notices)
        pad = theme.sp(40)
        icon = theme.px(56)
        lines = _notice_lines(view, theme, notice_text_width(theme))
        lh = theme.line_height("body_bold")
        y = frame.notices.top + theme.sp(22)
        draw_alert_icon(surface, theme, (pad + icon // 2, y + lh // 2), icon, c.text, c.notice)
        x = pad + icon + theme.sp(24)
        for line in lines:
            surf = theme.text(line, "body_bold", c.text)
            surface.blit(surf, (x, y + (lh - surf.get_height()) // 2))
            y += lh
    if frame.footer.height:
        pygame.draw.rect(surface, c.surface, frame.footer)
        pygame.draw.line(surface, c.disabled, frame.footer.topleft, frame.footer.topright, theme.sp(3))


# --- text -----------------------------------------------------------------------------------
def fit_text(
    theme: Theme,
    text: str,
    style: str,
    width: int,
    height: int,
    *,
    min_style: str = "caption",
    floor_px: int | None = None,
) -> tuple[int, list[str]]:
    """The largest size (down to `min_style` or `floor_px`) at which `text` fits the box, and its lines."""
    size = theme.style_size(style)
    floor = min(size, theme.style_size(min_style) if floor_px is None else floor_px)
    words = text.split()
    while True:
        lines = theme.wrap(text, style, max(1, width), size)
        fits = len(lines) * theme.line_height(style, size) <= height
        whole_words = all(theme.measure(w, style, size)[0] <= width for w in words)
        if (fits and whole_words) or size <= floor:
            return size, lines
        size = max(floor, int(size * 0.9))


def draw_text(  # noqa: PLR0917  # drawing helpers take pygame's positional (surface, ..., rect) order
    surface: pygame.Surface,
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    rect: pygame.Rect,
    *,
    align: str = "center",
    valign: str = "middle",
    min_style: str = "caption",
    floor_px: int | None = None,
) -> int:
    """Wrapped text inside `rect`, shrunk (never below `min_style` / `floor_px`) to fit; the height used."""
    if not text or rect.width <= 0:
        return 0
    size, lines = fit_text(
        theme, text, style, rect.width, rect.height, min_style=min_style, floor_px=floor_px
    )
    lh = theme.line_height(style, size)
    # Lines that do not fit are left out (a small tolerance: line height includes the leading).
    lines = lines[: (rect.height + lh // 6) // lh]
    if not lines:
        return 0
    used = lh * len(lines)
    if valign == "middle":
        y = rect.top + (rect.height - used) // 2
    elif valign == "bottom":
        y = rect.bottom - used
    else:
        y = rect.top
    for line in lines:
        surf = theme.text(line, style, color, size)
        if align == "left":
            x = rect.left
        elif align == "right":
            x = rect.right - surf.get_width()
        else:
            x = rect.centerx - surf.get_width() // 2
        surface.blit(surf, (x, y + (lh - surf.get_height()) // 2))
        y += lh
    return used


def text_height(theme: Theme, text: str, style: str, width: int) -> int:
    return len(theme.wrap(text, style, width)) * theme.line_height(style) if text else 0


def blit_line(  # noqa: PLR0917  # same order as draw_text
    surface: pygame.Surface,
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    rect: pygame.Rect,
    *,
    align: str = "center",
) -> None:
    """One line, shrunk to fit the width, vertically centred."""
    size = theme.style_size(style)
    floor = theme.style_size("caption")
    while size > floor and theme.measure(text, style, size)[0] > rect.width:
        size = max(floor, int(size * 0.92))
    surf = theme.text(text, style, color, size)
    y = rect.top + (rect.height - surf.get_height()) // 2
    if align == "left":
        x = rect.left
    elif align == "right":
        x = rect.right - surf.get_width()
    else:
        x = rect.centerx - surf.get_width() // 2
    surface.blit(surf, (x, y))


# --- widgets --------------------------------------------------------------------------------
def radius(theme: Theme) -> int:
    return theme.sp(20)


def draw_widget(surface: pygame.Surface, theme: Theme, widget: Widget) -> None:
    """A button in its style. `custom` widgets are drawn by their screen."""
    c = theme.colors
    style = widget.style if widget.enabled else "disabled"
    if style == "custom":
        return
    rect = widget.rect
    r = radius(theme)
    border = theme.sp(4)
    fills: dict[str, tuple[RGB, RGB, RGB | None]] = {
        "primary": (c.primary, c.on_dark, None),
        "cancel": (c.cancel, c.on_dark, None),
        "danger": (c.danger, c.on_dark, None),
        "secondary": (c.surface, c.text, c.border),
        "key": (c.surface, c.text, c.border),
        "stepper": (c.surface, c.text, c.border),
        "lang": (c.surface, c.text, c.border),
        "lang_on": (c.primary_soft, c.primary, c.primary),
        "disabled": (c.disabled, c.on_disabled, None),
    }
    fill, fg, edge = fills.get(style, fills["secondary"])
    pygame.draw.rect(surface, fill, rect, border_radius=r)
    if edge is not None:
        pygame.draw.rect(surface, edge, rect, width=border, border_radius=r)
    if widget.style == "stepper":
        # "+" and "-" drawn as bars: the font's minus is a thin dash an old eye can miss.
        arm = min(rect.width, rect.height) // 4
        bar = max(4, theme.px(12))
        pygame.draw.rect(surface, fg, pygame.Rect(rect.centerx - arm, rect.centery - bar // 2, 2 * arm, bar))
        if widget.label == "+":
            pygame.draw.rect(
                surface, fg, pygame.Rect(rect.centerx - bar // 2, rect.centery - arm, bar, 2 * arm)
            )
        return
    inner = rect.inflate(-2 * theme.sp(20), -2 * theme.sp(12))
    label_style = "big" if style == "key" and len(widget.label) <= 2 else "label"
    # A squeezed button (200 % zoom in the low position) may shrink its label down to the 100 %
    # caption size, which still meets the 4.8 mm rule, rather than cut a word.
    floor = STYLES["caption"][0]
    if widget.detail:
        detail_h = theme.line_height("caption")
        top = inner.copy()
        top.height = inner.height - detail_h
        draw_text(surface, theme, widget.label, label_style, fg, top, floor_px=floor)
        draw_text(
            surface,
            theme,
            widget.detail,
            "caption",
            fg,
            pygame.Rect(inner.left, top.bottom - theme.sp(8), inner.width, detail_h),
            floor_px=floor,
        )
    else:
        draw_text(surface, theme, widget.label, label_style, fg, inner, floor_px=floor)


def draw_widgets(surface: pygame.Surface, theme: Theme, widgets: Iterable[Widget]) -> None:
    for widget in widgets:
        draw_widget(surface, theme, widget)


# --- icons (drawn: the shipped font has no symbol glyphs) -------------------------------------
def draw_alert_icon(  # noqa: PLR0917  # same order as pygame.draw.circle plus the two colours
    surface: pygame.Surface, theme: Theme, center: tuple[int, int], size: int, color: RGB, on: RGB
) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    bar_w = max(3, size // 8)
    cx, cy = center
    pygame.draw.rect(surface, on, pygame.Rect(cx - bar_w // 2, cy - size * 3 // 10, bar_w, size * 4 // 10))
    pygame.draw.circle(surface, on, (cx, cy + size * 5 // 20), max(2, bar_w * 2 // 3))


def draw_check_icon(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB, on: RGB) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    cx, cy = center
    s = size / 2
    pts = [(cx - s * 0.45, cy + s * 0.02), (cx - s * 0.12, cy + s * 0.35), (cx + s * 0.48, cy - s * 0.3)]
    pygame.draw.lines(surface, on, False, [(int(x), int(y)) for x, y in pts], max(4, size // 11))


def draw_cross_icon(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB, on: RGB) -> None:
    pygame.draw.circle(surface, color, center, size // 2)
    cx, cy = center
    d = int(size * 0.2)
    w = max(4, size // 11)
    pygame.draw.line(surface, on, (cx - d, cy - d), (cx + d, cy + d), w)
    pygame.draw.line(surface, on, (cx - d, cy + d), (cx + d, cy - d), w)


def draw_checkmark(surface: pygame.Surface, rect: pygame.Rect, color: RGB, width: int) -> None:
    pts = [
        (rect.left + rect.width * 0.18, rect.top + rect.height * 0.52),
        (rect.left + rect.width * 0.42, rect.top + rect.height * 0.76),
        (rect.left + rect.width * 0.84, rect.top + rect.height * 0.26),
    ]
    pygame.draw.lines(surface, color, False, [(int(x), int(y)) for x, y in pts], width)


def draw_fingerprint(surface: pygame.Surface, center: tuple[int, int], size: int, color: RGB) -> None:
    """A fingerprint mark: nested ridges, each open at a different place near the bottom."""
    cx, cy = center
    width = max(2, size // 18)
    # (left gap, right gap) in radians from straight down, per ridge from the inside out.
    gaps = ((1.4, 1.4), (0.9, 0.5), (0.35, 0.8), (0.6, 0.3), (0.25, 0.55), (0.45, 0.2))
    step = 0.5 / (len(gaps) + 0.5)
    for i, (left, right) in enumerate(gaps):
        rx = size * step * (i + 1)
        ry = rx * 1.22
        rect = pygame.Rect(int(cx - rx), int(cy - ry + size * 0.08), max(1, int(2 * rx)), max(1, int(2 * ry)))
        pygame.draw.arc(surface, color, rect, -math.pi / 2 + right, 3 * math.pi / 2 - left, width)


# --- the "more time" prompt -----------------------------------------------------------------
PROMPT_MORE_TIME = "more_time"


def _prompt_geometry(view: View, theme: Theme) -> tuple[pygame.Rect, pygame.Rect, list[Widget]]:
    lang = lang_of(view)
    margin = theme.sp(56)
    pad = theme.sp(48)
    inner_w = theme.width - 2 * margin - 2 * pad
    title = t("more_time.title", lang)
    body = _prompt_body(view)
    title_h = text_height(theme, title, "title", inner_w)
    body_h = text_height(theme, body, "body", inner_w)
    bh = max(button_height(theme), theme.px(150))
    gap = theme.sp(28)
    panel_h = pad + title_h + gap + body_h + 2 * gap + 2 * bh + gap + pad
    top = theme.height - panel_h - theme.sp(40) if theme.low_position else (theme.height - panel_h) // 2
    panel = pygame.Rect(margin, top, theme.width - 2 * margin, panel_h)
    text_rect = pygame.Rect(panel.left + pad, panel.top + pad, inner_w, title_h + gap + body_h)
    yes_top = text_rect.bottom + 2 * gap
    yes = Widget(
        "more_time:yes",
        pygame.Rect(panel.left + pad, yes_top, inner_w, bh),
        Intent("more_time"),
        t("more_time.yes", lang),
        "primary",
    )
    no = Widget(
        "more_time:no",
        pygame.Rect(panel.left + pad, yes_top + bh + gap, inner_w, bh),
        Intent("cancel"),
        t("more_time.no", lang),
        "secondary",
    )
    return panel, text_rect, [yes, no]


def _prompt_body(view: View) -> str:
    lang = lang_of(view)
    seconds = view.prompt_data.seconds_left if view.prompt_data is not None else 0
    if seconds > 0:
        return t("more_time.body", lang, seconds=seconds)
    return t("more_time.body_plain", lang)


def prompt_widgets(view: View, theme: Theme) -> list[Widget]:
    """The overlay's buttons; while it is up they are the only touch targets (it is modal)."""
    if view.prompt != PROMPT_MORE_TIME:
        return []
    return _prompt_geometry(view, theme)[2]


_SCRIM_ALPHA = 170  # dims the screen behind the prompt to ~1/3 brightness: the question stands out


def draw_prompt(surface: pygame.Surface, view: View, theme: Theme) -> None:
    if view.prompt != PROMPT_MORE_TIME:
        return
    c = theme.colors
    scrim = pygame.Surface(surface.get_size())
    scrim.fill(c.scrim)
    scrim.set_alpha(_SCRIM_ALPHA)
    surface.blit(scrim, (0, 0))
    panel, text_rect, widgets = _prompt_geometry(view, theme)
    pygame.draw.rect(surface, c.surface, panel, border_radius=radius(theme) * 2)
    pygame.draw.rect(surface, c.primary, panel, width=theme.sp(6), border_radius=radius(theme) * 2)
    lang = lang_of(view)
    title = t("more_time.title", lang)
    title_h = text_height(theme, title, "title", text_rect.width)
    draw_text(
        surface,
        theme,
        title,
        "title",
        c.text,
        pygame.Rect(text_rect.left, text_rect.top, text_rect.width, title_h),
        valign="top",
    )
    draw_text(
        surface,
        theme,
        _prompt_body(view),
        "body",
        c.muted,
        pygame.Rect(
            text_rect.left,
            text_rect.top + title_h + theme.sp(28),
            text_rect.width,
            text_rect.height - title_h - theme.sp(28),
        ),
        valign="top",
    )
    draw_widgets(surface, theme, widgets)


# --- paging (long lists at 200 % zoom or in the low-position mode) ---------------------------
def page_widgets(view: View, theme: Theme, rect: pygame.Rect, page: int, pages: int) -> list[Widget]:
    """Previous/next buttons for a paged list, in `rect` (one button row)."""
    if pages <= 1:
        return []
    lang = lang_of(view)
    gap = theme.sp(24)
    w = (rect.width - gap) // 2
    prev_intent = Intent("page", {"page": page - 1}) if page > 0 else None
    next_intent = Intent("page", {"page": page + 1}) if page < pages - 1 else None
    return [
        Widget(
            "page:prev",
            pygame.Rect(rect.left, rect.top, w, rect.height),
            prev_intent,
            t("button.page_prev", lang),
            "secondary",
        ),
        Widget(
            "page:next",
            pygame.Rect(rect.left + w + gap, rect.top, rect.width - w - gap, rect.height),
            next_intent,
            t("button.page_next", lang),
            "primary",
            t("page.of", lang, page=page + 1, pages=pages),
        ),
    ]


def place_below(frame: Frame, info_bottom: int, gap: int) -> int:
    """Top of a control block: right under the info, but never above the low-position line."""
    return max(frame.controls.top, info_bottom + gap)


# --- vertical stacks of information that give way instead of overlapping ---------------------
@dataclass(frozen=True)
class Block:
    """One piece of information: its height, how to paint it, and how much it matters (0 = most)."""

    height: int
    paint: Callable[[pygame.Surface, pygame.Rect], object]
    priority: int = 0
    gap: int = 0  # space after it


def text_block(
    theme: Theme,
    text: str,
    style: str,
    color: RGB,
    width: int,
    *,
    priority: int = 0,
    gap: int = 0,
    align: str = "left",
    max_lines: int = 0,
) -> Block:
    lines = len(theme.wrap(text, style, width)) if text else 0
    if max_lines:
        lines = min(lines, max_lines)
    height = lines * theme.line_height(style)

    def paint(surface: pygame.Surface, rect: pygame.Rect) -> object:
        return draw_text(surface, theme, text, style, color, rect, align=align, valign="top")

    return Block(height, paint, priority, gap)


def stack(surface: pygame.Surface, rect: pygame.Rect, blocks: Sequence[Block], *, valign: str = "top") -> int:
    """Paint `blocks` top-down inside `rect`, leaving out the least important ones that do not fit.

    Nothing is painted outside `rect` (it is the clip), so information never covers a control.
    Returns the bottom of the last block painted.
    """
    keep = [b for b in blocks if b.height > 0]
    for drop in sorted(keep, key=lambda b: -b.priority):
        if sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0) <= rect.height:
            break
        if drop.priority > 0:
            keep.remove(drop)
    used = sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0)
    y = rect.top
    if valign == "middle":
        y = rect.top + max(0, (rect.height - used) // 2)
    elif valign == "bottom":
        y = rect.top + max(0, rect.height - used)
    old_clip = surface.get_clip()
    surface.set_clip(rect.clip(old_clip) if old_clip else rect)
    try:
        for block in keep:
            block.paint(
                surface, pygame.Rect(rect.left, y, rect.width, min(block.height, max(0, rect.bottom - y)))
            )
            y += block.height + block.gap
    finally:
        surface.set_clip(old_clip)
    return y


def stack_height(blocks: Sequence[Block]) -> int:
    keep = [b for b in blocks if b.height > 0]
    return sum(b.height + b.gap for b in keep) - (keep[-1].gap if keep else 0)


def paginate(heights: Sequence[int], avail: int, gap: int) -> list[tuple[int, int]]:
    """Greedy pages: (first, last) index ranges whose items fit `avail` (at least one item a page)."""
    pages: list[tuple[int, int]] = []
    first, used = 0, 0
    for i, h in enumerate(heights):
        need = h if i == first else used + gap + h
        if i > first and need > avail:
            pages.append((first, i))
            first, used = i, h
        else:
            used = need
    if heights:
        pages.append((first, len(heights)))
    return pages or [(0, 0)]


# The 12-key numeric keypad of the number screens (resident number, lot number), in reading order.
KEYPAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")


def keypad_widgets(keypad: pygame.Rect, theme: Theme, lang: str, *, rows: int = 4) -> list[Widget]:
    """The keypad's 12 keys laid out in the top four of `rows` equal rows of `keypad` (more rows leave
    room for a screen's own extra keys below); digits send `digit`, the others backspace / clear."""
    gap = theme.sp(20)
    kw = (keypad.width - 2 * gap) // 3
    kh = (keypad.height - (rows - 1) * gap) // rows
    widgets: list[Widget] = []
    for i, key in enumerate(KEYPAD_KEYS):
        rect = pygame.Rect(keypad.left + (i % 3) * (kw + gap), keypad.top + (i // 3) * (kh + gap), kw, kh)
        if key == "back":
            widgets.append(Widget("key:back", rect, Intent("backspace"), t("key.back", lang), "key"))
        elif key == "clear":
            widgets.append(Widget("key:clear", rect, Intent("clear"), t("key.clear", lang), "key"))
        else:
            widgets.append(Widget(f"key:{key}", rect, Intent("digit", {"value": key}), key, "key"))
    return widgets
