"""The e-mail address a result is sent to (issue 17, kiosk/notices.py): an on-screen keyboard.

Drawn like the notice's number screen (screens/typed_entry.py gives the heading, the error card and the
busy line): what it is for, the address typed so far in a large field, then the keyboard: letters a-z
in alphabetical order (an elderly resident looks a letter up, not touch-types), digits, `@ . _ - +`,
clear and backspace, and one-tap keys for the common Korean mail domains (naver.com, gmail.com, ...:
"kim" + naver.com types "kim@naver.com"; a domain begun by hand is replaced). The footer has back (to
the choice of channel) and OK.

Every key keeps the accessibility table at every zoom: a 12 mm label (the floor size of the zoom),
>= 12 mm and >= 150 mm² a side, >= 2.5 mm apart, all under the 1,220 mm line. The keys are laid out in
as many columns as their widest label allows; when the whole keyboard does not fit the room left (200 %
zoom) it is split into pages (a-m, n-z, digits and signs, the domains, each split again if needed)
switched by two keys named by the page they open ("a–m" on the left goes back, "0–9 @ ." on the right
goes on); the runner keeps the page
(`Intent("page")`, screens.screen.LOCAL_INTENTS), and clear and backspace are on every page. When an
error and even the smallest page do not fit together (200 %), the error is shown whole with only
backspace and "keep typing" under it (as keypad.correction_widgets does for the number screens); either
clears the error and the keyboard comes back.

The field shows the address whole, shrinking down to the floor size; an address longer still shows
its end (what was just typed) after an ellipsis, never clipped.

The physical keypad: arrows move the focus over every key (the keys are `key:*`, so up and down move
by rows as on the number pad), OK types the focused key. Its digit keys do not type (the digit keys
here are `key:digit0`..`key:digit9`, not `key:0`): like on a list, a digit moves the focus, to the N-th
domain key (1 naver.com ... 6 nate.com) when they are on screen; OK then adds it. Voice reads each
key's name (signs by name: "at sign", "dot"; screens/speech.py), never the address: it says how many
characters are typed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from kiosk.views import Intent, NoticeView, View
from screens.blocks import stack, stack_height
from screens.frame import FooterSpec, Frame, back_spec, build_frame, footer_buttons, paint_frame
from screens.keypad import key_min_height
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.text import draw_text
from screens.theme import STYLES, Theme
from screens.typed_entry import TypedEntryScreen, draw_typed
from screens.widgets import Widget, draw_widgets, radius

# The keyboard's groups, in the order they are laid out and paged (kiosk.notices.DOMAINS, repeated here:
# screens do not import the core's logic).
LETTERS_A = tuple("abcdefghijklm")
LETTERS_N = tuple("nopqrstuvwxyz")
SIGNS = (*"1234567890", "@", ".", "_", "-", "+")
DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com")
# Sign keys: widget id and the name voice reads (screens/speech.py).
SIGN_IDS = {"@": "at", ".": "dot", "_": "underscore", "-": "hyphen", "+": "plus"}
SPOKEN_SIGNS = {f"key:{name}": f"email.say.{name}" for name in SIGN_IDS.values()}
ELLIPSIS = "…"
HINT_ADDRESS = "hong@naver.com"
FIELD_MAX_MM = 2 * STYLES["big"][0]
FIELD_MIN_MM = STYLES["body"][0]


def key_id(char: str) -> str:
    """The widget id of the key that types `char` (the scenario's `type_text` taps these)."""
    if char.isdigit():
        return f"key:digit{char}"
    return f"key:{SIGN_IDS.get(char, char)}"


def domain_id(domain: str) -> str:
    return f"domain:{domain}"


@dataclass(frozen=True)
class Page:
    """One page of the keyboard: the characters and domains it holds, and what its page key says."""

    groups: tuple[tuple[str, ...], ...]  # characters, each group starting a new row
    domains: tuple[str, ...]
    label: str


@functools.lru_cache(maxsize=64)
def _key_width(theme: Theme, labels: tuple[str, ...]) -> int:
    """Kept per theme and label set: the layout asks it two dozen times a frame (every group's columns,
    for the page plan and again for the keys), and measuring all 55 labels each time took 0.1 ms of the
    keyboard's 1.9 ms frame. A theme's sizes never change (a zoom or contrast is another Theme). Holds the
    themes it saw, at most 64: a booth has a handful, alive as long as the kiosk."""
    floor = theme.min_text_px
    widest = max(theme.measure(label, "label", floor)[0] for label in labels)
    return max(theme.min_target, widest + 2 * theme.sp(20) + theme.sp(8))


def _chunks(items: Sequence[str], size: int) -> list[tuple[str, ...]]:
    size = max(1, size)
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]


def _char_label(chunk: tuple[str, ...], lang: str) -> str:
    if chunk == SIGNS:
        return t("notice_email.page.signs", lang)
    if chunk == LETTERS_A:
        return t("notice_email.page.letters_a", lang)
    if chunk == LETTERS_N:
        return t("notice_email.page.letters_n", lang)
    return f"{chunk[0]}–{chunk[-1]}"


class NoticeEmailScreen(TypedEntryScreen):
    name = "notice_email"

    # --- what it says (TypedEntryScreen's blocks) ---------------------------------------------

    def heading(self, view: View) -> tuple[str, str]:
        lang = lang_of(view)
        return t("notice_email.title", lang), t("notice_email.sub", lang)

    def field(self, view: View) -> str:
        return view_data(view, NoticeView).address

    def hint(self, view: View) -> str:
        return t("notice_email.hint", lang_of(view))

    def busy(self, view: View) -> str:
        return t("notice_email.sending", lang_of(view)) if view_data(view, NoticeView).sending else ""

    def error(self, view: View) -> str:
        error = view_data(view, NoticeView).error
        return t(f"notice_email_error.{error}", lang_of(view)) if error else ""

    def footer(self, view: View, *, ready: bool = True) -> list[FooterSpec]:
        """Back (to the choice of channel, nothing sent) and OK (lit once something with an `@` is typed; the
        controller names what is missing)."""
        ok: FooterSpec = ("ok", Intent("confirm"), t("button.ok", lang_of(view)),
                          "primary" if ready else "secondary", 1)
        return [back_spec(view), ok]

    def ready(self, view: View) -> bool:
        data = view_data(view, NoticeView)
        return "@" in data.address and not data.sending

    # --- geometry -------------------------------------------------------------------------------

    def _gap(self, theme: Theme) -> int:
        """Between keys: 3.5 mm (the rule asks 2.5 mm), so ten columns fit at 100 %."""
        return max(theme.min_gap, theme.mm(3.5))

    def _key_w(self, theme: Theme, labels: Sequence[str]) -> int:
        """The narrowest key that holds the widest of `labels` at the floor size, with its padding."""
        return _key_width(theme, tuple(labels))

    def _cols(self, theme: Theme, width: int, labels: Sequence[str], most: int) -> int:
        gap = self._gap(theme)
        return max(1, min(most, (width + gap) // (self._key_w(theme, labels) + gap)))

    def _rows_h(self, theme: Theme, rows: int, kh: int) -> int:
        return rows * kh + max(0, rows - 1) * self._gap(theme)

    def _page_rows(self, theme: Theme, width: int, page: Page, paged: bool) -> int:
        """Rows a page takes: its characters, clear + backspace, its domains, the page keys."""
        rows = 1  # clear and backspace
        for group in page.groups:
            rows += math.ceil(len(group) / self._cols(theme, width, group, 10))
        if page.domains:
            rows += math.ceil(len(page.domains) / self._cols(theme, width, page.domains, 3))
        return rows + (1 if paged else 0)

    def pages(self, view: View, theme: Theme, width: int, room: int) -> list[Page]:
        """The whole keyboard on one page when it fits `room` (px high), else split into pages."""
        lang = lang_of(view)
        kh = key_min_height(theme)
        whole = Page(((*LETTERS_A, *LETTERS_N), SIGNS), DOMAINS, "")
        if self._rows_h(theme, self._page_rows(theme, width, whole, False), kh) <= room:
            return [whole]
        gap = self._gap(theme)
        rows_free = max(1, (room + gap) // (kh + gap) - 2)  # less clear + backspace and the page keys
        pages: list[Page] = []
        for group in (LETTERS_A, LETTERS_N, SIGNS):
            per_page = rows_free * self._cols(theme, width, group, 10)
            pages += [Page((chunk,), (), _char_label(chunk, lang)) for chunk in _chunks(group, per_page)]
        per_page = rows_free * self._cols(theme, width, DOMAINS, 3)
        # A domain page is named by its shortest domain ("naver 등"), so the name fits a half-width key.
        pages += [Page((), chunk, t("notice_email.page.domains", lang,
                                    first=min(chunk, key=len).split(".")[0]))
                  for chunk in _chunks(DOMAINS, per_page)]
        return pages

    def _geometry_email(self, view: View, theme: Theme) -> tuple[Frame, pygame.Rect, pygame.Rect, int, list[Page]]:
        """Frame, information area, keyboard area, the field's pixel size, the pages."""
        frame = build_frame(view, theme, nav=self.footer(view))
        body = frame.body
        space = theme.sp(24) if theme.scale <= 1.0 else theme.mm(4.0)
        field_min = max(theme.min_text_px, theme.glyph_px(FIELD_MIN_MM, bold=True))
        kh = key_min_height(theme)

        def fit(rows: int) -> tuple[int, int]:
            """(field px, room for the keys) with `rows` rows of keys under the information."""
            least = self._rows_h(theme, rows, kh)
            field_px = min(theme.style_size("huge"), theme.glyph_px(FIELD_MAX_MM, bold=True))
            while True:
                must = stack_height([b for b in self._blocks(view, theme, body.width, field_px) if b.priority == 0])
                if body.height - must - space >= least or field_px <= field_min:
                    break
                field_px = max(field_min, int(field_px * 0.9))
            return field_px, body.bottom - max(frame.controls.top, body.top + must + space)

        # The smallest page: two rows of keys, clear + backspace, the page keys.
        field_px, room = fit(4)
        gap = self._gap(theme)
        if self.error(view) and room < self._rows_h(theme, 4, kh):
            # Zoomed, the error and a keyboard page do not fit together: the error is read whole with
            # backspace and "keep typing" under it; either clears the error and the keyboard comes back.
            field_px, room = fit(1)
            h = max(kh, min(theme.px(110), room))
            keyboard = pygame.Rect(body.left, body.bottom - h, body.width, h)
            info = pygame.Rect(body.left, body.top, body.width, max(0, keyboard.top - space - body.top))
            return frame, info, keyboard, field_px, []
        pages = self.pages(view, theme, body.width, room)
        rows = max(self._page_rows(theme, body.width, p, len(pages) > 1) for p in pages)
        kh = max(kh, min(theme.px(110), (room - (rows - 1) * gap) // rows))
        height = self._rows_h(theme, rows, kh)
        keyboard = pygame.Rect(body.left, body.bottom - height, body.width, height)
        info = pygame.Rect(body.left, body.top, body.width, max(0, keyboard.top - space - body.top))
        return frame, info, keyboard, field_px, pages

    def _keys(self, view: View, theme: Theme, keyboard: pygame.Rect, pages: list[Page], page: int) -> list[Widget]:
        lang = lang_of(view)
        gap = self._gap(theme)
        paged = len(pages) > 1
        if not pages:  # correcting (see _geometry_email): backspace, and the keyboard back
            third = (keyboard.width - gap) // 3
            return [
                Widget("key:back", pygame.Rect(keyboard.left, keyboard.top, third, keyboard.height),
                       Intent("backspace"), t("key.back", lang), "key_back"),
                Widget("key:resume", pygame.Rect(keyboard.left + third + gap, keyboard.top,
                                                 keyboard.width - third - gap, keyboard.height),
                       Intent("resume"), t("notice_email.resume", lang), "key"),
            ]
        current = pages[min(max(page, 0), len(pages) - 1)]
        index = pages.index(current)
        rows = self._page_rows(theme, keyboard.width, current, paged)
        kh = (keyboard.height - (rows - 1) * gap) // rows
        widgets: list[Widget] = []
        y = keyboard.top

        def grid(items: Sequence[str], cols: int) -> list[pygame.Rect]:
            nonlocal y
            kw = (keyboard.width - (cols - 1) * gap) // cols
            rects = []
            for i in range(len(items)):
                row, col = divmod(i, cols)
                rects.append(pygame.Rect(keyboard.left + col * (kw + gap), y + row * (kh + gap), kw, kh))
            y += math.ceil(len(items) / cols) * (kh + gap)
            return rects

        for group in current.groups:
            cols = self._cols(theme, keyboard.width, group, 10)
            for char, rect in zip(group, grid(group, cols), strict=True):
                widgets.append(Widget(key_id(char), rect, Intent("char", {"value": char}), char, "key"))
        half = (keyboard.width - gap) // 2
        left = pygame.Rect(keyboard.left, y, half, kh)
        right = pygame.Rect(keyboard.left + half + gap, y, keyboard.width - half - gap, kh)
        widgets.append(Widget("key:clear", left, Intent("clear"), self._short(theme, "key.clear", half, lang), "key"))
        back_fits = theme.measure(t("key.back", lang), "label", theme.min_text_px)[0] <= half - 2 * theme.sp(20)
        widgets.append(Widget("key:back", right, Intent("backspace"), t("key.back", lang),
                              "key" if back_fits else "key_back"))
        y += kh + gap
        if current.domains:
            cols = self._cols(theme, keyboard.width, current.domains, 3)
            for domain, rect in zip(current.domains, grid(current.domains, cols), strict=True):
                widgets.append(Widget(domain_id(domain), rect, Intent("domain", {"value": domain}), domain, "key"))
        if paged:
            if index > 0:
                widgets.append(Widget("page:prev", pygame.Rect(left.left, y, half, kh),
                                      Intent("page", {"page": index - 1}), pages[index - 1].label, "key"))
            if index < len(pages) - 1:
                widgets.append(Widget("page:next", pygame.Rect(right.left, y, right.width, kh),
                                      Intent("page", {"page": index + 1}), pages[index + 1].label, "key"))
        return widgets

    def _short(self, theme: Theme, key: str, width: int, lang: str) -> str:
        words = t(key, lang)
        if theme.measure(words, "label", theme.min_text_px)[0] <= width - 2 * theme.sp(20):
            return words
        return t("key.clear_short", lang)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame, _, keyboard, _, pages = self._geometry_email(view, theme)
        footer = footer_buttons(frame, theme, self.footer(view, ready=self.ready(view)))
        return self._keys(view, theme, keyboard, pages, page) + footer

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame, info, keyboard, field_px, pages = self._geometry_email(view, theme)
        paint_frame(surface, view, theme, frame)
        stack(surface, info, self._blocks(view, theme, info.width, field_px),
              valign="bottom" if theme.low_position else "middle")
        footer = footer_buttons(frame, theme, self.footer(view, ready=self.ready(view)))
        draw_widgets(surface, theme, self._keys(view, theme, keyboard, pages, page) + footer)

    def _draw_field(self, surface: pygame.Surface, theme: Theme, view: View, area: pygame.Rect, field_px: int) -> int:
        """The address typed so far in a white box with the cursor after it: whole, shrinking down to
        the floor size; longer still, its end after an ellipsis (what was typed last stays in view)."""
        c = theme.colors
        shown = self.field(view)
        box = pygame.Rect(area.left, area.top, area.width, self._field_height(theme, field_px))
        pygame.draw.rect(surface, c.surface, box, border_radius=radius(theme))
        pygame.draw.rect(surface, c.primary, box, width=theme.sp(6), border_radius=radius(theme))
        inner = box.inflate(-2 * theme.sp(32), -2 * theme.sp(12))
        if not shown:
            hint = self.hint(view)
            if theme.measure(hint, "title", theme.min_text_px)[0] > inner.width:
                hint = HINT_ADDRESS  # zoomed: the example alone, on one line
            draw_text(surface, theme, hint, "title", c.muted, inner, floor_px=theme.min_text_px)
            return box.bottom
        size, text = fit_address(theme, shown, inner.width, field_px)
        # Not noted as drawn text (theme.note_drawn): voice never reads the address, only its length.
        draw_typed(surface, theme, text, size, inner)
        return box.bottom


def fit_address(theme: Theme, address: str, width: int, size: int) -> tuple[int, str]:
    """(pixel size, text) for `address` in `width` px with room for the cursor: shrunk from `size`
    down to the floor size, then its tail after an ellipsis."""
    cursor = 3 * max(4, theme.px(8))
    floor = theme.min_text_px
    while size > floor and theme.measure(address, "huge", size)[0] + cursor > width:
        size = max(floor, int(size * 0.9))
    text = address
    start = 0
    while theme.measure(text, "huge", size)[0] + cursor > width and start < len(address) - 1:
        start += 1
        text = ELLIPSIS + address[start:]
    return size, text


SCREEN = NoticeEmailScreen()

_LONG = "kim.minsu.hanbit.community.center.1957@hanmail.net"
SAMPLES: dict[str, NoticeView] = {
    "empty": NoticeView(channel="email"),
    "typing": NoticeView(channel="email", address="kim.minsu", chars=9),
    "domain": NoticeView(channel="email", address="kim.minsu@naver.com", chars=19),
    "long": NoticeView(channel="email", address=_LONG, chars=len(_LONG)),
    "incomplete": NoticeView(channel="email", address="kim.minsu", chars=9, error="incomplete"),
    "invalid": NoticeView(channel="email", address="kim..minsu@naver.com", chars=20, error="invalid"),
    "sending": NoticeView(channel="email", address="kim.minsu@naver.com", chars=19, sending=True),
    "unavailable": NoticeView(channel="email", address="kim.minsu@naver.com", chars=19, error="unavailable"),
}
