"""The technician's device board: each device in plain words ("A4 printer: out of paper - refill
the A4 tray"), its supplies with units, its last error and when, its serial numbers and firmware,
then the booth's counters. The words come from the codes kiosk.maintenance.board sends
(screens/strings_board.py)."""

from __future__ import annotations

import pygame

from kiosk.views import BoardDevice, MaintenanceView, SupplyLine, Tally, View
from screens.frame import paint_frame
from screens.maint_body import Column
from screens.maint_nav import MaintenancePage
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.theme import RGB, Theme
from screens.widgets import draw_widgets


def device_sentence(row: BoardDevice, lang: str) -> str:
    """"A4 printer: Out of paper - refill the A4 tray"."""
    what = f"{t(f'board.dev.{row.device}', lang)}: {t(f'board.cond.{row.condition}', lang)}"
    return f"{what} - {t(f'board.todo.{row.todo}', lang)}" if row.todo else what


def supply_text(supply: SupplyLine, lang: str) -> str:
    name, _, coin = supply.name.partition(":")
    label = t("board.supply.hopper", lang, coin=coin) if name == "hopper" else t(f"board.supply.{name}", lang)
    family = "board.stacker" if name == "bill-stacker" else "board.level"  # a full stacker is bad news
    parts = [t(f"{family}.{supply.level}", lang)] if supply.level else []
    if supply.amount is not None and supply.unit:
        parts.append(t(f"board.unit.{supply.unit}", lang, n=f"{supply.amount:,}"))
    return f"{label}: {', '.join(parts)}" if parts else label


def identity_text(identity: dict[str, str], lang: str) -> str:
    shown = []
    for key, value in sorted(identity.items()):
        kind = key.rsplit(".", 1)[-1]
        part = key.split(".")[0] if "." in key else ""
        prefix = f"{t(f'board.part.{part}', lang)} " if part else ""
        if kind == "serial":
            shown.append(f"{prefix}{t('board.identity.serial', lang)} {value}")
        elif kind == "software" or "firmware-string" in kind:
            shown.append(f"{prefix}{t('board.identity.software', lang)} {value}")
        elif key in ("printer-make-and-model",):
            shown.append(value)
    return " · ".join(shown)


def tally_text(tally: Tally, lang: str) -> str:
    unit = tally.unit or "count"
    amount = t(f"board.unit.{unit}", lang, n=f"{tally.value:,}")
    return f"{t(f'board.count.{tally.name}', lang)}: {amount}"


class MaintenanceScreen(MaintenancePage):
    name = "maintenance"

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, MaintenanceView)
        pen = Column(surface, theme, frame.body)
        pen.line(t("board.title", lang), "title", c.text)
        if data.out_of_service:
            pen.line(t("board.out_of_service", lang, reason=t(f"reason.{data.out_of_service}", lang)), "body_bold",
                     c.danger)
        else:
            pen.line(t("board.in_service", lang), "body_bold", c.success)
        colour: dict[str, RGB] = {"ok": c.success, "warn": c.primary, "fault": c.danger}
        indent = theme.sp(32)
        for row in data.board:
            pen.gap(12)
            pen.line(device_sentence(row, lang), "body_bold", colour.get(row.severity, c.text))
            supplies = " · ".join(supply_text(s, lang) for s in row.supplies)
            if supplies:
                pen.line(supplies, "caption", c.text, indent=indent)
            extra = []
            if row.last_error:
                extra.append(t("board.last_error", lang, what=t(f"board.cond.{row.last_error}", lang),
                               when=row.last_error_at))
            who = identity_text(row.identity, lang)
            if who:
                extra.append(who)
            if extra:
                pen.line(" · ".join(extra), "caption", c.muted, indent=indent)
        if data.tallies:
            pen.gap(24)
            pen.line(t("maint.counters", lang), "subtitle", c.primary)
            pen.line(" · ".join(tally_text(x, lang) for x in data.tallies), "caption", c.text)
        draw_widgets(surface, theme, self.layout(view, theme))


SCREEN = MaintenanceScreen()
SAMPLES: dict[str, MaintenanceView] = {
    "default": MaintenanceView(
        board=[
            BoardDevice("a4_printer", "paper-out", "refill-a4-tray", "fault", "userError", "media-empty",
                        [SupplyLine("paper", "out", 0, "sheets-used"), SupplyLine("toner", "full")],
                        last_error="paper-out", last_error_at="12-06 14:02",
                        identity={"printer-firmware-string-version": "2.4.7",
                                  "printer-make-and-model": "Kiosk A4 Laser"}),
            BoardDevice("cash", "stacker-full", "empty-stacker", "warn", "online", "stacker-full",
                        [SupplyLine("hopper:100", "low", 18, "coins"), SupplyLine("bill-stacker", "full", 500, "bills"),
                         SupplyLine("cash-box", "", 320, "coins")],
                        identity={"coin.serial": "1020304", "coin.software": "CV2-1.07"}),
            BoardDevice("receipt_printer", "ok", "", "ok", "online", "",
                        [SupplyLine("paper", "full", 41, "sheets-used")]),
            BoardDevice("fingerprint", "ok"),
            BoardDevice("server", "unreachable", "check-network", "fault", "offline", "timeout"),
        ],
        tallies=[Tally("print_done", 1423, "documents"), Tally("pages_printed", 2210, "sheets"),
                 Tally("money_in", 1_318_000, "won"), Tally("change", 41_200, "won")],
        out_of_service="a4-paper-out",
    ),
}
