"""The frame every screen is drawn in: header (name, clock or time left), notices bar, progress
steps, body, footer (the screen's own buttons, then the language / accessibility / help row that
every resident screen has)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from kiosk.views import IdleView, Intent, PaymentView, View
from screens.icons import draw_alert_icon
from screens.registry import RESIDENT_SCREENS
from screens.screen import lang_of
from screens.strings import t
from screens.text import blit_line, blit_text, draw_text
from screens.theme import Theme
from screens.widgets import Widget

FooterSpec = tuple[str, Intent | None, str, str, int]  # (id, intent, label, style, weight)

# Progress steps (document -> identity -> payment -> issue): which step each session screen is.
STEPS = ("document", "identity", "payment", "issue")
STEP_OF = {
    "choose_document": 0,
    "parcel": 0,
    "resident_number": 1,
    "fingerprint": 1,
    "options": 2,
    "payment": 2,
    "issuing": 3,
    "printing": 3,
    "done": 3,
}


@dataclass(frozen=True)
class Frame:
    """The regions of one screen. Controls go in `controls` (bottom-anchored, below the low line).

    `service` holds the language / accessibility / help buttons (resident screens), `nav` the row
    for the screen's own footer buttons (above them), `steps` the progress bar (session screens).
    """

    header: pygame.Rect
    notices: pygame.Rect
    body: pygame.Rect
    controls: pygame.Rect
    footer: pygame.Rect
    nav: pygame.Rect = field(default_factory=pygame.Rect)
    steps: pygame.Rect = field(default_factory=pygame.Rect)
    service: tuple[Widget, ...] = ()


def button_height(theme: Theme) -> int:
    """Footer buttons: roomy at 100 %, at 200 % as tall as their floor-size label needs (the band
    below 1,220 mm is short)."""
    return max(theme.min_button, theme.line_height("label") + theme.sp(64) - round(60 * (theme.scale - 1)))


def header_height(theme: Theme) -> int:
    """Its line and roomy padding at 100 %; zoomed, 3 mm above and below (the band is short)."""
    if theme.scale <= 1.0:
        return theme.line_height("body_bold") + theme.sp(48)
    return theme.line_height("body_bold") + 2 * theme.mm(3.0)


def _notice_texts(view: View) -> list[str]:
    lang = lang_of(view)
    return [t(f"notice.{code}", lang) for code in view.notices if isinstance(code, str)]


def _notice_lines(theme: Theme, texts: list[str], width: int) -> list[str]:
    return [line for text in texts for line in theme.wrap(text, "body_bold", width)]


def notice_text_width(theme: Theme) -> int:
    return theme.width - 2 * theme.sp(40) - theme.px(56) - theme.sp(24)


def time_left(view: View) -> int:
    """Seconds left of a time limit the header shows (payment only, and not under a prompt)."""
    data = view.data
    left = data.seconds_left if isinstance(data, PaymentView) else 0
    return left if view.prompt is None else 0


def service_specs(view: View) -> list[FooterSpec]:
    """The language, accessibility and help buttons (screen-local menus but help)."""
    lang = lang_of(view)
    return [
        ("lang", Intent("menu", {"name": "language"}), t("service.language", lang), "service", 1),
        ("access", Intent("menu", {"name": "access"}), t("service.access", lang), "service", 1),
        ("help", Intent("help"), t("service.help", lang), "service", 1),
    ]


def _need(theme: Theme, label: str, style: str) -> int:
    """Width a button needs so `label` fits on one line at the floor size (and its icon beside it)."""
    words = theme.measure(label, "label", theme.min_text_px)[0]
    icon = service_icon_size(theme) + theme.sp(16) if style == "service" else 0
    return words + icon + 2 * theme.sp(20) + 4


def service_icon_size(theme: Theme) -> int:
    return theme.line_height("label", theme.min_text_px) * 3 // 4


def _pack(needs: Sequence[int], width: int, gap: int) -> list[list[int]]:
    """Indexes of items per row: as many side by side as fit their needs (in order)."""
    rows: list[list[int]] = []
    used = 0
    for i, need in enumerate(needs):
        if rows and used + gap + need <= width:
            rows[-1].append(i)
            used += gap + need
        else:
            rows.append([i])
            used = need
    return rows


def _row(theme: Theme, specs: Sequence[FooterSpec], needs: Sequence[int], rect: pygame.Rect) -> list[Widget]:
    """Buttons across `rect`: by weight when every one then gets what it needs, else by need."""
    gap = theme.sp(24)
    usable = rect.width - gap * (len(specs) - 1)
    total = sum(spec[4] for spec in specs)
    widths = [usable * spec[4] // total for spec in specs]
    if any(w < n for w, n in zip(widths, needs, strict=True)):
        extra = usable - sum(needs)
        widths = [n + extra * n // sum(needs) for n in needs]
    widgets: list[Widget] = []
    x = rect.left
    for i, ((wid, intent, label, style, _), width) in enumerate(zip(specs, widths, strict=True)):
        w = width if i < len(specs) - 1 else rect.right - x
        widgets.append(Widget(wid, pygame.Rect(x, rect.top, w, rect.height), intent, label, style))
        x += w + gap
    return widgets


def two_line_width(theme: Theme, label: str) -> int:
    """The narrowest width at which `label` (at the floor size) wraps onto at most two lines."""
    words = label.split() or [""]

    def width(text: str) -> int:
        return int(theme.measure(text, "label", theme.min_text_px)[0])

    splits = [max(width(" ".join(words[:i])), width(" ".join(words[i:]))) for i in range(1, len(words))]
    return min([width(label), *splits])


def _nav_plan(theme: Theme, specs: Sequence[FooterSpec]) -> tuple[list[list[int]], int, list[int]]:
    """The footer's own buttons: rows of indexes, a row's height, the widths they need. Side by
    side on one line each; when that takes rows but one row of labels wrapped onto two lines fits
    (Vietnamese at 200 %: "Quay lại", "Hủy", "Xác nhận"), that one row, which costs less height."""
    width, gap = theme.width - 2 * theme.sp(48), theme.sp(24)
    needs = [_need(theme, spec[2], spec[3]) for spec in specs]
    rows, bh = _pack(needs, width, gap), button_height(theme)
    if len(rows) > 1:
        floor = theme.min_text_px
        wrapped = [two_line_width(theme, spec[2]) + 2 * theme.sp(20) + 4 for spec in specs]
        two_lines = 2 * theme.line_height("label", floor) + 2 * theme.sp(12) + 4
        if len(_pack(wrapped, width, gap)) == 1 and two_lines < len(rows) * bh + (len(rows) - 1) * gap:
            return [list(range(len(specs)))], two_lines, wrapped
    return rows, bh, needs


def _nav_rows(theme: Theme, specs: Sequence[FooterSpec]) -> list[list[int]]:
    return _nav_plan(theme, specs)[0]


def _service_plan(view: View, theme: Theme) -> tuple[list[list[int]], int, list[int], bool]:
    """How the service buttons are laid out: rows of indexes, the height of one row, the widths
    they need, whether they show their icons. The icon stands beside the word; when that needs two
    rows but the icon above the word fits one (200 % in Korean or Chinese), the one taller row is
    used: it costs less height."""
    specs = service_specs(view)
    width, gap = theme.width - 2 * theme.sp(48), theme.sp(24)
    beside = [_need(theme, spec[2], spec[3]) for spec in specs]
    rows = _pack(beside, width, gap)
    if len(rows) == 1:
        return rows, button_height(theme), beside, True
    above = [
        max(theme.measure(spec[2], "label", theme.min_text_px)[0], service_icon_size(theme)) + 2 * theme.sp(20) + 4
        for spec in specs
    ]
    stacked = service_stacked_height(theme)
    one_row = _pack(above, width, gap)
    if len(one_row) == 1 and stacked < len(rows) * button_height(theme) + (len(rows) - 1) * gap:
        return one_row, stacked, above, True
    # Long words (Vietnamese at 200 %): the labels wrapped onto two lines, each button as wide as its
    # longest word, is one row that costs less height than two or three; the icons give way there
    # (above the words they would take a third line; the words say what each button is).
    wrapped = [two_line_width(theme, spec[2]) + 2 * theme.sp(20) + 4 for spec in specs]
    two_lines = 2 * theme.line_height("label", theme.min_text_px) + 2 * theme.sp(12) + 4
    if len(_pack(wrapped, width, gap)) == 1 and two_lines < len(rows) * button_height(theme) + (len(rows) - 1) * gap:
        return [list(range(len(specs)))], two_lines, wrapped, False
    return rows, button_height(theme), beside, True


def service_stacked_height(theme: Theme) -> int:
    """A service button with its icon above its word."""
    return service_icon_size(theme) + theme.line_height("label", theme.min_text_px) + 2 * theme.sp(12) + 4


def _service_widgets(view: View, theme: Theme, top: int) -> list[Widget]:
    specs = service_specs(view)
    margin, gap = theme.sp(48), theme.sp(24)
    width = theme.width - 2 * margin
    rows, height, needs, icons = _service_plan(view, theme)
    if not icons:  # the words alone: drawn as a plain button's label
        specs = [(wid, intent, label, "secondary", weight) for wid, intent, label, _, weight in specs]
    widgets: list[Widget] = []
    for n, row in enumerate(rows):
        rect = pygame.Rect(margin, top + n * (height + gap), width, height)
        widgets += _row(theme, [specs[i] for i in row], [needs[i] for i in row], rect)
    return widgets


def _service_height(view: View, theme: Theme) -> int:
    """Height of the service rows with the gaps between them (0 on screens without them)."""
    if view.screen not in RESIDENT_SCREENS:
        return 0
    rows, height, _, _ = _service_plan(view, theme)
    return len(rows) * height + (len(rows) - 1) * theme.sp(24)


def steps_height(theme: Theme) -> int:
    return theme.line_height("caption") + 2 * theme.sp(10)


def build_frame(
    view: View, theme: Theme, *, footer: bool = True, header: bool = True, nav: Sequence[FooterSpec] = ()
) -> Frame:
    """The regions: in the low position the notices, body and footer lie between the 1,220 mm and
    400 mm lines, and so does the header when it holds a time limit (else it is decoration and
    stays on top); the footer never goes below the 400 mm line. `footer` asks for the row of the
    screen's own buttons (pass them as `nav` when they may need more than one row); resident
    screens get the service row(s) under it in any case."""
    margin = theme.sp(48)
    head_h = header_height(theme) if header else 0
    # A session screen's header shows the progress steps (information), not the kiosk's name.
    needed = time_left(view) > 0 or view.screen in STEP_OF
    head_top = theme.info_top if needed else 0
    header_r = pygame.Rect(0, head_top, theme.width, head_h)
    lines = _notice_lines(theme, _notice_texts(view), notice_text_width(theme))
    notice_h = len(lines) * theme.line_height("body_bold") + 2 * theme.sp(22) if lines else 0
    notices_r = pygame.Rect(0, max(header_r.bottom, theme.info_top), theme.width, notice_h)
    gap = theme.sp(36) if theme.scale <= 1.0 else theme.mm(4.0)  # zoomed, the band is short
    top = notices_r.bottom + gap if notice_h else max(header_r.bottom + gap, theme.info_top)
    steps_r = pygame.Rect(theme.sp(40), header_r.top, 0, header_r.height)
    if view.screen in STEP_OF and header:
        steps_r.width = theme.width - 2 * theme.sp(40)
    bottom = theme.reach_bottom
    bh, row_gap = button_height(theme), theme.sp(24)
    # Zoomed, the footer's padding and the space above the service row are 4 mm (the band below
    # 1,220 mm is short); at 100 % they are roomy.
    fpad = theme.sp(28) if theme.scale <= 1.0 else theme.mm(4.0)
    service_gap = row_gap if theme.scale <= 1.0 else theme.mm(4.0)
    nav_rows, nav_bh = (len(_nav_rows(theme, nav)), _nav_plan(theme, nav)[1]) if nav else (1, bh)
    nav_rows = nav_rows if footer else 0
    nav_h = nav_rows * nav_bh + max(0, nav_rows - 1) * row_gap
    service_h = _service_height(view, theme)
    inner = nav_h + service_h + (service_gap if nav_h and service_h else 0)
    footer_h = inner + 2 * fpad if inner else 0
    footer_r = pygame.Rect(0, bottom - footer_h, theme.width, footer_h)
    nav_r = pygame.Rect(margin, footer_r.top + fpad, theme.width - 2 * margin, nav_h)
    service_top = nav_r.bottom + service_gap if footer else footer_r.top + fpad
    service = tuple(_service_widgets(view, theme, service_top)) if view.screen in RESIDENT_SCREENS else ()
    body_bottom = footer_r.top - fpad
    body = pygame.Rect(margin, top, theme.width - 2 * margin, max(0, body_bottom - top))
    ctrl_top = max(body.top, theme.control_top)
    controls = pygame.Rect(body.left, ctrl_top, body.width, max(0, body.bottom - ctrl_top))
    return Frame(header_r, notices_r, body, controls, footer_r, nav_r, steps_r, service)


def footer_buttons(frame: Frame, theme: Theme, specs: Sequence[FooterSpec]) -> list[Widget]:
    """The screen's own buttons side by side in the nav row ((id, intent, label, style, weight)),
    then the frame's service buttons.

    A footer holding only "cancel" keeps it where cancel stands in a [cancel, OK] footer (the left
    half), never across the whole band: the screens after "OK" (payment, fingerprint) would
    otherwise put cancel right under the finger of a resident who tapped OK twice.
    """
    service = list(frame.service)
    if not specs or frame.nav.height == 0:
        return service
    rect = frame.nav
    if len(specs) == 1 and specs[0][3] == "cancel":
        wid, intent, label, style, _ = specs[0]
        half = max((rect.width - theme.sp(24)) // 2, _need(theme, label, style))
        return [Widget(wid, pygame.Rect(rect.left, rect.top, half, rect.height), intent, label, style), *service]
    ids = [spec[0] for spec in specs]
    if ids == ["back", "cancel"]:
        # No OK on this step (fingerprint): back and cancel stay where a [back, cancel, OK] row has
        # them, so a double tap on the previous screen's OK lands on nothing.
        slot = ("", None, "", "secondary", 1)
        nav = [w for w in footer_buttons(frame, theme, [*specs, slot]) if w.widget_id and w not in service]
        return nav + service
    rows, _, needs = _nav_plan(theme, specs)
    bh = (rect.height - theme.sp(24) * (len(rows) - 1)) // len(rows)
    widgets: list[Widget] = []
    for n, row in enumerate(rows):
        box = pygame.Rect(rect.left, rect.top + n * (bh + theme.sp(24)), rect.width, bh)
        widgets += _row(theme, [specs[i] for i in row], [needs[i] for i in row], box)
    return widgets + service


def back_spec(view: View, weight: int = 1) -> FooterSpec:
    """One step back (the steps before payment)."""
    return ("back", Intent("back"), t("button.back", lang_of(view)), "secondary", weight)


def confirm_specs(view: View, *, ready: bool = True) -> list[FooterSpec]:
    """Back, cancel and OK (lit once what was entered is whole): the number and option screens' row.
    Pass it to build_frame too: in Vietnamese at 200 % it takes two rows."""
    ok: FooterSpec = ("ok", Intent("confirm"), t("button.ok", lang_of(view)), "primary" if ready else "secondary", 1)
    return [back_spec(view), cancel_spec(view, 1), ok]


def cancel_spec(view: View, weight: int = 1) -> tuple[str, Intent | None, str, str, int]:
    return ("cancel", Intent("cancel"), t("button.cancel", lang_of(view)), "cancel", weight)


def paint_frame(surface: pygame.Surface, view: View, theme: Theme, frame: Frame) -> None:
    """Background, header (kiosk name, clock), notices bar and footer band."""
    c = theme.colors
    surface.fill(c.bg)
    if frame.header.height:
        pygame.draw.rect(surface, c.header, frame.header)
        if c.outlines:
            pygame.draw.line(surface, c.border, frame.header.bottomleft, frame.header.bottomright, theme.sp(3))
        left = time_left(view)
        if left > 0 or frame.steps.width:
            _paint_header(surface, view, theme, frame, left)
        else:
            with theme.decorative():
                _paint_header(surface, view, theme, frame, left)
    if frame.notices.height:
        pygame.draw.rect(surface, c.notice, frame.notices)
        if c.outlines:
            pygame.draw.rect(surface, c.border, frame.notices, width=theme.sp(3))
        pad = theme.sp(40)
        icon = theme.px(56)
        texts = _notice_texts(view)
        lines = _notice_lines(theme, texts, notice_text_width(theme))
        # Each notice as a whole sentence, for voice guidance and the text checks: a resident who listens
        # hears "receipt paper out" before the screen's own words, as a reader sees it above them.
        for text in texts:
            theme.note_drawn(text)
        lh = theme.line_height("body_bold")
        y = frame.notices.top + theme.sp(22)
        draw_alert_icon(surface, theme, (pad + icon // 2, y + lh // 2), icon, c.text, c.notice)
        x = pad + icon + theme.sp(24)
        for line in lines:
            line_h = theme.measure(line, "body_bold")[1]
            blit_text(surface, theme, line, "body_bold", c.text, (x, y + (lh - line_h) // 2))
            y += lh
    if frame.footer.height:
        pygame.draw.rect(surface, c.surface, frame.footer)
        edge = c.border if c.outlines else c.disabled
        pygame.draw.line(surface, edge, frame.footer.topleft, frame.footer.topright, theme.sp(3))


def paint_steps(surface: pygame.Surface, view: View, theme: Theme, rect: pygame.Rect) -> None:
    """Document -> identity -> payment -> issue as dots on a line; the current one is larger, filled,
    ringed, and named beside them ("2/4 본인 확인"): marked by size, shape and words, not colour alone."""
    c = theme.colors
    fg, bg = c.on_header, c.header  # drawn in the header band
    current = STEP_OF.get(view.screen, 0)
    lang = lang_of(view)
    dot = max(6, rect.height // (9 if theme.scale > 1.0 else 6))
    step = dot * 3
    cy = rect.centery
    line = max(2, theme.sp(4))
    xs = [rect.left + dot * 2 + i * step for i in range(len(STEPS))]
    pygame.draw.line(surface, fg, (xs[0], cy), (xs[-1], cy), line)
    for i, x in enumerate(xs):
        if i == current:
            pygame.draw.circle(surface, fg, (x, cy), dot * 5 // 4)
            pygame.draw.circle(surface, bg, (x, cy), dot * 5 // 4 + line, line)
            pygame.draw.circle(surface, fg, (x, cy), dot * 5 // 4 + 2 * line, line)
        elif i < current:
            pygame.draw.circle(surface, fg, (x, cy), dot * 2 // 3)
        else:
            pygame.draw.circle(surface, bg, (x, cy), dot * 2 // 3)
            pygame.draw.circle(surface, fg, (x, cy), dot * 2 // 3, line)
    left = xs[-1] + dot * 2 + theme.sp(16)
    words = f"{current + 1}/{len(STEPS)} {t(f'progress.{STEPS[current]}', lang)}"
    box = pygame.Rect(left, rect.top, rect.right - left, rect.height)
    draw_text(surface, theme, words, "body_bold", fg, box, align="left")


def _paint_header(surface: pygame.Surface, view: View, theme: Theme, frame: Frame, left: int) -> None:
    """The kiosk's name or the progress steps, and the clock (idle) or the time left (payment) at
    the right."""
    c = theme.colors
    header = frame.header
    lang = lang_of(view)
    pad = theme.sp(40)
    data = view.data
    # Only the idle screen sends the kiosk's name and the clock, only payment a time limit.
    name = (data.kiosk_name if isinstance(data, IdleView) else "") or t("kiosk.title", lang)
    clock = data.clock if isinstance(data, IdleView) else ""
    if left > 0:
        # A screen with a time limit shows what is left where the clock would be.
        clock = t("time_left", lang, time=f"{left // 60}:{left % 60:02d}")
    clock_w = theme.measure(clock, "body_bold")[0] + pad if clock else 0
    row = pygame.Rect(pad, header.top, theme.width - 2 * pad - clock_w, header.height)
    if frame.steps.width:
        paint_steps(surface, view, theme, row)
    else:
        if theme.measure(name, "body_bold", theme.min_text_px)[0] > row.width:
            name = t("kiosk.title_short", lang)  # 200 % in a long language: the booth's short name
        blit_line(surface, theme, name, "body_bold", c.on_header, row, align="left")
    if clock:
        row = pygame.Rect(0, header.top, theme.width - pad, header.height)
        # The idle clock's minute does not come back for a day: drawn, not kept. The time left (a few
        # hundred strings, again every session) is kept like any line.
        blit_line(surface, theme, clock, "body_bold", c.on_header, row, align="right", transient=left <= 0)


def place_below(frame: Frame, info_bottom: int, gap: int) -> int:
    """Top of a control block: right under the info, but never above the low-position line."""
    return max(frame.controls.top, info_bottom + gap)
