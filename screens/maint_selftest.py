"""The technician's self-tests: one button per test (A4 test page, test receipt, fingerprint, server)
and "test all"; each test's last result in plain words with its figure (quality score, round trip,
days to the certificate's expiry) and, when it failed, what to do next."""

from __future__ import annotations

import pygame

from kiosk.views import Intent, SelfTestView, TestResult, View
from screens.frame import paint_frame
from screens.maint_body import ButtonSpec, Column, button_rows, buttons_area
from screens.maint_nav import MaintenancePage, nav_widgets
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets

TESTS = ("a4", "receipt", "fingerprint", "server")


def value_text(value: str, lang: str) -> str:
    """"quality:82" / "ms:120|days:341" -> the figures in words."""
    parts = []
    for item in value.split("|"):
        name, _, number = item.partition(":")
        if name and number:
            parts.append(t(f"selftest.value.{name}", lang, n=number))
    return ", ".join(parts)


def result_text(result: TestResult, lang: str) -> str:
    head = t(f"selftest.dev.{result.device}", lang)
    if result.ok is None:
        return f"{head}: {t('selftest.notrun', lang)}"
    verdict = t("selftest.pass" if result.ok else "selftest.fail", lang)
    words = [t(f"selftest.detail.{result.detail}", lang)] if result.detail else []
    figures = value_text(result.value, lang)
    if figures:
        words.append(figures)
    text = f"{head}: {verdict} ({', '.join(words)})" if words else f"{head}: {verdict}"
    if result.at:
        text = f"{result.at}  {text}"
    if not result.ok and result.todo:
        text += f" - {t(f'board.todo.{result.todo}', lang)}"
    return text


class SelfTestScreen(MaintenancePage):
    name = "maint_selftest"

    def _buttons(self, view: View) -> list[list[ButtonSpec]]:
        lang = lang_of(view)
        first: list[ButtonSpec] = [(f"selftest:{d}", Intent("maint", {"do": "selftest", "device": d}),
                                    t(f"selftest.dev.{d}", lang), "secondary") for d in TESTS[:2]]
        second: list[ButtonSpec] = [(f"selftest:{d}", Intent("maint", {"do": "selftest", "device": d}),
                                     t(f"selftest.dev.{d}", lang), "secondary") for d in TESTS[2:]]
        second.append(("selftest:all", Intent("maint", {"do": "selftest", "device": "all"}),
                       t("selftest.run.all", lang), "primary"))
        return [first, second]

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        frame = self._frame(view, theme)
        rows = self._buttons(view)
        _, area = buttons_area(frame.body, theme, len(rows))
        return button_rows(area, theme, rows) + nav_widgets(view, theme, frame)

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        frame = self._frame(view, theme)
        paint_frame(surface, view, theme, frame)
        c = theme.colors
        lang = lang_of(view)
        data = view_data(view, SelfTestView)
        text_area, _ = buttons_area(frame.body, theme, len(self._buttons(view)))
        pen = Column(surface, theme, text_area)
        pen.line(t("selftest.title", lang), "title", c.text)
        pen.line(t("selftest.hint", lang), "body", c.muted)
        if data.running:
            pen.gap(12)
            pen.line(t("selftest.running", lang, test=t(f"selftest.dev.{data.running}", lang)), "body_bold", c.primary)
        for result in data.results:
            pen.gap(12)
            colour = c.text if result.ok is None else c.success if result.ok else c.danger
            pen.line(result_text(result, lang), "body_bold", colour)
        draw_widgets(surface, theme, self.layout(view, theme))


SCREEN = SelfTestScreen()
SAMPLES: dict[str, SelfTestView] = {
    "default": SelfTestView(results=[
        TestResult("a4", True, "printed", "pages:1", "", "14:21"),
        TestResult("receipt", False, "paper-out", "", "refill-receipt-roll", "14:22"),
        TestResult("fingerprint", True, "captured", "quality:82", "", "14:23"),
        TestResult("server", True, "reachable", "ms:120|days:341", "", "14:23"),
    ]),
    "not-run": SelfTestView(results=[TestResult(d) for d in TESTS], running="fingerprint"),
}
