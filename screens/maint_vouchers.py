"""The technician's vouchers page: a code typed on the keypad, the voucher it names (what is still
owed, whether its receipt came out), paying it by hopper or by hand (once), a reprint of its receipt,
and the vouchers still owed (kiosk.maintenance.cash_desk)."""

from __future__ import annotations

from typing import Any

import pygame

from kiosk.views import Intent, View, VoucherLine, VoucherView
from screens.maint_desk import ButtonSpec, Line, draw, layout, widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import t, won
from screens.theme import Theme
from screens.widgets import Widget

FIELD = "code"
CODE_DIGITS = 12


def shown_code(digits: str) -> str:
    """"V-1234-5678-90": the typed digits in the printed code's groups."""
    groups = [digits[i:i + 4] for i in range(0, len(digits), 4)]
    return "-".join(["V", *groups])


def answer_line(last: dict[str, Any], lang: str, theme: Theme) -> Line | None:
    c = theme.colors
    do = str(last.get("do", ""))
    if not do.startswith("voucher_"):
        return None
    error = str(last.get("error", ""))
    found = last.get("voucher")
    voucher: dict[str, Any] = found if isinstance(found, dict) else {}
    values = {
        "code": last.get("code") or voucher.get("code", ""),
        "remaining": won(last.get("remaining", voucher.get("remaining", 0)), lang),
        "paid": won(last.get("paid", 0), lang),
        "owed": won(last.get("owed", 0), lang),
        "error": error,
    }
    if error:
        key = f"voucher.ans.{error.replace('-', '_')}"
    elif do == "voucher_pay":
        key = "voucher.ans.paid_hand" if last.get("by") == "hand" else "voucher.ans.paid_hopper"
    elif do == "voucher_reprint":
        key = "voucher.ans.reprinted"
    else:
        key = "voucher.ans.lookup"
    return Line(t(key, lang, **values), "body_bold", c.success if last.get("ok") else c.danger, 0)


def found_lines(found: VoucherLine, lang: str, theme: Theme) -> list[Line]:
    c = theme.colors
    if found.remaining <= 0:
        return [Line(f"{found.code}: " + t("voucher.found_paid", lang, amount=won(found.amount, lang)), "body_bold",
                     c.danger, 0)]
    lines = [Line(f"{found.code}: " + t("voucher.found", lang, remaining=won(found.remaining, lang),
                                         amount=won(found.amount, lang), at=found.issued_at), "body_bold", c.text, 0)]
    if not found.printed:
        lines.append(Line(t("voucher.not_printed", lang), "body", c.danger, 1))
    return lines


def info_lines(data: VoucherView, lang: str, theme: Theme) -> list[Line]:
    c = theme.colors
    lines: list[Line] = []
    answer = answer_line(data.last, lang, theme)
    if answer is not None:
        lines.append(answer)
    if data.found is not None:
        lines += found_lines(data.found, lang, theme)
    if data.open_vouchers:
        lines.append(Line(t("voucher.open", lang, count=len(data.open_vouchers)), "body", c.text, 2))
    else:
        lines.append(Line(t("voucher.none_open", lang), "body", c.muted, 2))
    return lines


def _maint(do: str, **args: Any) -> Intent:
    return Intent("maint", {"do": do, **args})


def buttons(data: VoucherView, lang: str) -> list[ButtonSpec]:
    ready = len(data.typed) == CODE_DIGITS
    code = shown_code(data.typed) if ready else ""
    owed = data.found is not None and data.found.remaining > 0
    return [
        ("voucher:lookup", _maint("voucher_lookup", code=code), t("voucher.btn.lookup", lang),
         "primary" if ready and data.found is None else "secondary"),
        ("voucher:pay_hopper", _maint("voucher_pay", code=code, by="hopper"), t("voucher.btn.pay_hopper", lang),
         "primary" if owed else "secondary"),
        ("voucher:pay_hand", _maint("voucher_pay", code=code, by="hand"), t("voucher.btn.pay_hand", lang),
         "secondary"),
        ("voucher:reprint", _maint("voucher_reprint", code=code), t("voucher.btn.reprint", lang), "secondary"),
    ]


def open_rows(data: VoucherView, lang: str) -> list[ButtonSpec]:
    """The vouchers still owed, newest first (nearest the keypad): a tap looks one up, as typing its code would."""
    return [(f"voucher:open:{n}", _maint("voucher_lookup", code=v.code),
             f"{v.code}  {won(v.remaining, lang)}" + ("" if v.printed else f" ({t('voucher.no_receipt', lang)})"),
             "secondary")
            for n, v in enumerate(reversed(data.open_vouchers))]


def typed_text(data: VoucherView, lang: str) -> str:
    return t("voucher.typed", lang, code=shown_code(data.typed)) if data.typed else t("voucher.typed_empty", lang)


class MaintVouchersScreen(Screen):
    name = "maint_vouchers"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        data = view_data(view, VoucherView)
        lang = lang_of(view)
        return widgets(view, theme, layout(view, theme, buttons(data, lang), field=FIELD,
                                           typed_text=typed_text(data, lang), rows=open_rows(data, lang)))

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        data = view_data(view, VoucherView)
        lang = lang_of(view)
        typed = typed_text(data, lang)
        desk = layout(view, theme, buttons(data, lang), field=FIELD, typed_text=typed, rows=open_rows(data, lang))
        draw(surface, view, theme, desk, title=t("voucher.title", lang), lines=info_lines(data, lang, theme),
             typed_text=typed)


_OPEN = [
    VoucherLine("V-4821-0937-5512", 500, 500, "2026-12-05 16:12"),
    VoucherLine("V-1180-6624-3071", 1300, 1300, "2026-12-06 09:03", printed=False),
]
SCREEN = MaintVouchersScreen()
SAMPLES: dict[str, VoucherView] = {
    "default": VoucherView(typed="482109375512", found=_OPEN[0], open_vouchers=_OPEN),
    "paid_twice": VoucherView(
        typed="482109375512", found=VoucherLine("V-4821-0937-5512", 500, 0, "2026-12-05 16:12"),
        last={"do": "voucher_pay", "ok": False, "error": "already-paid", "code": "V-4821-0937-5512"},
    ),
    "empty": VoucherView(),
}
