"""The technician's cash page: the hopper's coins, what the cash box and stacker hold since the last
collection, the books' balance (a mismatch in the danger colour, with what to do next), and buttons
for a hopper refill (a count typed on the keypad), cash collection, the settlement again, a count-only
acceptance test and a hopper test (kiosk.maintenance.cash_desk)."""

from __future__ import annotations

from typing import Any

import pygame

from kiosk.views import CashView, Intent, View
from screens.maint_desk import ButtonSpec, Line, draw, layout, widgets
from screens.screen import Screen, lang_of, view_data
from screens.strings import t, won
from screens.theme import Theme
from screens.widgets import Widget

FIELD = "coins"


def pieces_text(box: dict[str, int], lang: str) -> str:
    """"100원 동전 3개, 1,000원 지폐 2장": coins first, small to large."""
    def order(name: str) -> tuple[int, int]:
        kind, _, value = name.partition(":")
        return (0 if kind == "coin" else 1, int(value) if value.isdigit() else 0)

    parts = []
    for name in sorted(box, key=order):
        kind, _, value = name.partition(":")
        key = "cash.coin" if kind == "coin" else "cash.bill"
        parts.append(t(key, lang, value=won(int(value) if value.isdigit() else 0, lang), count=box[name]))
    return ", ".join(parts)


def answer_line(last: dict[str, Any], lang: str, theme: Theme) -> Line | None:
    """The last action's answer in words, and what to do next; a failure or a mismatch in danger red."""
    c = theme.colors
    do = str(last.get("do", ""))
    if not do:
        return None
    ok = bool(last.get("ok"))
    error = str(last.get("error", ""))
    values = {"error": error, "coins": last.get("coins", 0), "max": last.get("max", 0),
              "won": won(last.get("won", 0), lang)}
    key = f"cash.ans.{error.replace('-', '_')}" if error else f"cash.ans.{do}"
    if do in ("collect_cash", "settle"):
        if not last.get("balanced", True):
            return Line(t("cash.mismatch", lang, won=won(abs(int(last.get("mismatch", 0))), lang)), "body_bold",
                        c.danger, 0)
        key = ("cash.ans.not_sent" if not last.get("sent") else
               "cash.ans.not_printed" if not last.get("printed") else f"cash.ans.{do}")
    elif do == "count_only" and ok:
        key = "cash.ans.count_started" if last.get("counting") else (
            "cash.ans.count_kept" if last.get("kept") else "cash.ans.count_returned")
    elif do == "hopper_test" and error == "hopper-short":
        values["coins"] = last.get("paid_coins", 0)
    good = ok and key.split(".")[-1] not in ("not_sent", "not_printed")
    return Line(t(key, lang, **values), "body_bold", c.success if good else c.danger, 0)


def info_lines(data: CashView, lang: str, theme: Theme) -> list[Line]:
    c = theme.colors
    lines: list[Line] = []
    answer = answer_line(data.last, lang, theme)
    if answer is not None and not (data.count_only and data.last.get("do") == "count_only"):
        lines.append(answer)  # (a running test's own line below says it started, and how much it counted)
    if data.count_only:
        lines.append(Line(t("cash.counting", lang, won=won(data.test_won, lang)), "body_bold", c.primary, 0))
    mismatch = t("cash.mismatch", lang, won=won(abs(data.difference), lang))
    if not data.balanced and (answer is None or answer.text != mismatch):
        lines.append(Line(mismatch, "body_bold", c.danger, 0))
    if data.hopper_coins is None:
        lines.append(Line(t("cash.hopper_unknown", lang), "body", c.danger, 1))
    else:
        lines.append(Line(t("cash.hopper", lang, coins=data.hopper_coins, coin=won(data.hopper_coin, lang)),
                          "body", c.text, 1))
    lines.append(Line(t("cash.box", lang, won=won(data.box_won, lang)), "body", c.text, 1))
    if data.box:
        lines.append(Line(pieces_text(data.box, lang), "body", c.muted, 3))
    if data.last_collection:
        lines.append(Line(t("cash.last_collection", lang, at=data.last_collection,
                            won=won(data.last_collection_won, lang)), "body", c.muted, 2))
    else:
        lines.append(Line(t("cash.never_collected", lang), "body", c.muted, 2))
    if data.balanced and not data.count_only:
        lines.append(Line(t("cash.balanced", lang), "body", c.success, 2))
    return lines


def _maint(do: str, **args: Any) -> Intent:
    return Intent("maint", {"do": do, **args})


def buttons(data: CashView, lang: str) -> list[ButtonSpec]:
    specs: list[ButtonSpec] = [
        ("cash:refill", _maint("refill_hopper"), t("cash.btn.refill", lang), "primary" if data.typed else "secondary"),
        ("cash:hopper_test", _maint("hopper_test"), t("cash.btn.hopper_test", lang), "secondary"),
        ("cash:collect", _maint("collect_cash"), t("cash.btn.collect", lang), "secondary"),
        ("cash:settle", _maint("settle"), t("cash.btn.settle", lang), "secondary"),
    ]
    if data.count_only:
        specs += [
            ("cash:count_keep", _maint("count_only", on=False, keep=True), t("cash.btn.count_keep", lang), "primary"),
            ("cash:count_return", _maint("count_only", on=False, keep=False), t("cash.btn.count_return", lang),
             "secondary"),
        ]
    else:
        specs.append(("cash:count", _maint("count_only", on=True), t("cash.btn.count_start", lang), "secondary"))
    return specs


def typed_text(data: CashView, lang: str) -> str:
    return t("cash.typed", lang, typed=data.typed) if data.typed else t("cash.typed_empty", lang)


class MaintCashScreen(Screen):
    name = "maint_cash"

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        data = view_data(view, CashView)
        lang = lang_of(view)
        desk = layout(view, theme, buttons(data, lang), field=FIELD, typed_text=typed_text(data, lang))
        return widgets(view, theme, desk)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        data = view_data(view, CashView)
        lang = lang_of(view)
        typed = typed_text(data, lang)
        desk = layout(view, theme, buttons(data, lang), field=FIELD, typed_text=typed)
        draw(surface, view, theme, desk, title=t("cash.title", lang), lines=info_lines(data, lang, theme),
             typed_text=typed)


SCREEN = MaintCashScreen()
SAMPLES: dict[str, CashView] = {
    "default": CashView(
        hopper_coins=187, box={"coin:100": 12, "coin:500": 4, "bill:1000": 9, "bill:5000": 1}, box_won=17200,
        last_collection="2026-12-01 09:40", last_collection_won=48300, typed="300",
        last={"do": "refill_hopper", "ok": True, "coins": 300, "won": 30000, "before": 12},
    ),
    "mismatch": CashView(
        hopper_coins=300, box={"coin:100": 3, "bill:1000": 2}, box_won=2300, balanced=False, difference=-500,
        last={"do": "collect_cash", "ok": True, "balanced": False, "mismatch": -500, "sent": True, "printed": True},
    ),
    "counting": CashView(
        hopper_coins=None, count_only=True, test_won=1600, box={"coin:100": 6, "bill:1000": 1}, box_won=1600,
        last={"do": "count_only", "ok": True, "counting": True, "won": 0},
    ),
}
