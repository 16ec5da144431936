"""The mobile number a result is sent to by text message (issue 17, kiosk/notices.py).

Drawn like the pickup code screen: what it is for, the number typed so far in a large field (grouped
010-1234-5678), an error in words, and the 12-key keypad. The footer has back (to the choice of channel) and OK.
The number is the resident's own and shown whole so it can be checked; it is gone once sent.
"""

from __future__ import annotations

from kiosk.views import Intent, NoticeView, View
from screens.frame import FooterSpec, back_spec
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.typed_entry import TypedEntryScreen

MIN_DIGITS = 10


def shown_number(number: str) -> str:
    """What the field shows: the digits and dashes the controller sent, at most 13 characters."""
    return "".join(ch for ch in number if ch.isdigit() or ch == "-")[:13]


class NoticeScreen(TypedEntryScreen):
    name = "notice"

    def heading(self, view: View) -> tuple[str, str]:
        lang = lang_of(view)
        return t("notice.title", lang), t("notice.sub", lang)

    def field(self, view: View) -> str:
        return shown_number(view_data(view, NoticeView).number)

    def hint(self, view: View) -> str:
        return t("notice.hint", lang_of(view))

    def busy(self, view: View) -> str:
        return t("notice.sending", lang_of(view)) if view_data(view, NoticeView).sending else ""

    def error(self, view: View) -> str:
        error = view_data(view, NoticeView).error
        return t(f"notice_error.{error}", lang_of(view)) if error else ""

    def footer(self, view: View, *, ready: bool = True) -> list[FooterSpec]:
        """Back (to the choice of channel, nothing sent) and OK (lit once the number is whole): no cancel, the
        session is already settled."""
        ok: FooterSpec = ("ok", Intent("confirm"), t("button.ok", lang_of(view)),
                          "primary" if ready else "secondary", 1)
        return [back_spec(view), ok]

    def ready(self, view: View) -> bool:
        data = view_data(view, NoticeView)
        return data.digits >= MIN_DIGITS and not data.sending


SCREEN = NoticeScreen()

SAMPLES: dict[str, NoticeView] = {
    "empty": NoticeView(),
    "typing": NoticeView(number="010-1234-56", digits=9),
    "whole": NoticeView(number="010-1234-5678", digits=11),
    "sending": NoticeView(number="010-1234-5678", digits=11, sending=True),
    "incomplete": NoticeView(number="010-12", digits=5, error="incomplete"),
    "unavailable": NoticeView(number="010-1234-5678", digits=11, error="unavailable"),
}
