"""The Korean kiosk accessibility criteria (MSIT 검증기준, ../shared/domain.md), measured on every
screen x sample x language x accessibility mode, every page of a paged screen.

Each combination is rendered once (module fixture) while the theme records every line of text it
blits (pixel size, colour, the background under it, where) and the screen's touch targets; each
test below then checks one criterion over all of them and names screen, sample, language, mode and
the element that breaks it. Figures are computed here from the panel's millimetres and the pixels
drawn, not taken from the theme's settings.
"""

from __future__ import annotations

import colorsys
import math
import os
from dataclasses import dataclass

import pygame
import pytest

from common.fonts import BOLD, REGULAR
from common.keypad_keys import Key
from common.languages import LANGUAGES
from kiosk.views import HelpPrompt, Intent, MoreTimePrompt, View
from screens.gallery import ACCESS_MODES as MODES
from screens.registry import TECHNICIAN_SCREENS, samples
from screens.runner import ScreenRunner
from screens.theme import PALETTES, TEXT_PAIRS, DrawnLine, DrawnRecord, Palette, Panel, Theme

# The binding figures, written out here (not imported) so a change to the theme cannot move them.
TEXT_MM, TEXT_MM_SMALL, SMALL_DIAGONAL_MM = 12.0, 7.25, 280.0
CONTRAST, CONTRAST_HIGH = 4.5, 7.0
TARGET_SIDE_MM, TARGET_AREA_MM2, TARGET_GAP_MM = 12.0, 150.0, 2.5
REACH_LOW_MM, REACH_HIGH_MM = 400.0, 1220.0
GLYPHS = ("H", "한", "中")  # Latin capital, Hangul, Hanzi: each measured if the font draws it

SAMPLES = samples()
# The runner's own overlays over a resident screen: (screen, sample, the button that opens it, the
# prompt it is); each checked in every mode and language like the screens, every page of a menu.
OVERLAYS: dict[str, tuple[str, str, str, dict[str, object]]] = {
    "menu:language": ("idle", "open", "lang", {}),
    "menu:access": ("idle", "open", "access", {}),
    "prompt:help": ("payment", "waiting", "", {"prompt": "help", "prompt_data": HelpPrompt(phone="1588-2100")}),
    "prompt:help_sent": (
        "payment",
        "waiting",
        "",
        {"prompt": "help", "prompt_data": HelpPrompt(phone="1588-2100", sent=True)},
    ),
    "prompt:more_time": (
        "payment",
        "waiting",
        "",
        {"prompt": "more_time", "prompt_data": MoreTimePrompt(seconds_left=20)},
    ),
}
# The technician's screens (TECHNICIAN_SCREENS: boot before any resident, maintenance behind a technician
# card) are never drawn in a resident's accessibility modes: they are checked in the default mode only.


@dataclass(frozen=True)
class Target:
    widget_id: str
    rect: pygame.Rect
    intent: Intent | None


@dataclass(frozen=True)
class Rendered:
    screen: str
    sample: str
    lang: str
    mode: str
    theme: Theme
    targets: list[Target]
    record: DrawnRecord

    def where(self, element: str) -> str:
        return f"{self.screen}/{self.sample} [{self.lang}, {self.mode}] {element}"


def _render_all() -> list[Rendered]:
    """Every combination, rendered once with its record and targets."""
    base = Theme()
    out: list[Rendered] = []
    for mode, access in MODES.items():
        theme = base.for_access(access)
        runner = ScreenRunner(headless=True, on_intent=lambda _: None, theme=theme, touch_guard_seconds=0.0)
        try:
            for screen, variants in SAMPLES.items():
                if screen in TECHNICIAN_SCREENS and mode != "default":
                    continue
                for sample, data in variants.items():
                    for lang in LANGUAGES:
                        view = View(screen, data, language=lang, access=access)
                        runner.render(view)
                        while "page:prev" in runner.widgets() and runner.widget("page:prev").intent is not None:
                            runner.tap("page:prev")  # the runner keeps a screen's page: start at the first
                        out.append(_rendered(runner, view, theme, sample, mode))
                        while "page:next" in runner.widgets() and runner.widget("page:next").intent is not None:
                            runner.tap("page:next")  # every page of a paged screen, as a resident turns them
                            out.append(_rendered(runner, view, theme, sample, mode))
            for name, (screen, sample, opener, prompt) in OVERLAYS.items():
                for lang in LANGUAGES:
                    view = View(screen, SAMPLES[screen][sample], language=lang, access=access, **prompt)
                    runner.render(view)
                    if opener:
                        runner.tap(opener)
                    out.append(_rendered(runner, view, theme, name, mode))
                    while "menu:next" in runner.widgets() and runner.widget("menu:next").intent is not None:
                        runner.tap("menu:next")  # every page of a paged menu
                        out.append(_rendered(runner, view, theme, name, mode))
                    if runner.menu is not None:
                        runner.keypad(Key.BACK)  # closes it, as a resident would
        finally:
            runner.close()
    return out


def _rendered(runner: ScreenRunner, view: View, theme: Theme, sample: str, mode: str) -> Rendered:
    with theme.recording() as record:
        runner.render(view)
        ids = runner.widgets()
    targets = [Target(w, runner.widget(w).rect.copy(), runner.widget(w).intent) for w in ids]
    return Rendered(view.screen, sample, view.language, mode, theme, targets, record)


@pytest.fixture(scope="module")
def rendered() -> list[Rendered]:
    return _render_all()


_INK: dict[tuple[int, bool], tuple[str, int]] = {}


def glyph_height_px(size: int, bold: bool) -> tuple[str, int]:
    """The smallest ink height of GLYPHS the font draws at `size`, and which glyph it was."""
    key = (size, bold)
    if key not in _INK:
        font = pygame.font.Font(str(BOLD if bold else REGULAR), size)
        found: list[tuple[int, str]] = []
        for ch in GLYPHS:
            metrics = font.metrics(ch)[0]
            if metrics is None or metrics[1] <= metrics[0]:
                continue  # the font has no such glyph
            found.append((font.render(ch, True, (0, 0, 0)).get_bounding_rect().height, ch))
        height, ch = min(found)
        _INK[key] = (ch, height)
    return _INK[key]


def min_text_mm(panel: Panel) -> float:
    diagonal = math.hypot(panel.width_mm, panel.height_mm)
    return TEXT_MM_SMALL if diagonal <= SMALL_DIAGONAL_MM else TEXT_MM


def glyph_mm(theme: Theme, line: DrawnLine) -> tuple[str, float]:
    ch, px = glyph_height_px(line.size, line.bold)
    return ch, px * theme.panel.height_mm / theme.panel.height_px


def luminance(rgb: tuple[int, int, int]) -> float:
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hue_name(rgb: tuple[int, int, int]) -> str:
    """red / yellow / green / blue for a saturated colour, "" for greys and the rest."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    if s < 0.35 or v < 0.2:
        return ""
    deg = h * 360
    if deg < 20 or deg >= 340:
        return "red"
    if 40 <= deg < 70:
        return "yellow"
    if 80 <= deg < 170:
        return "green"
    if 190 <= deg < 260:
        return "blue"
    return ""


FORBIDDEN = {("red", "green"), ("green", "red"), ("yellow", "blue")}


def _size_mm(theme: Theme, rect: pygame.Rect) -> tuple[float, float]:
    panel = theme.panel
    return rect.width * panel.width_mm / panel.width_px, rect.height * panel.height_mm / panel.height_px


def _gap_mm(theme: Theme, a: pygame.Rect, b: pygame.Rect) -> float:
    mx = theme.panel.width_mm / theme.panel.width_px
    my = theme.panel.height_mm / theme.panel.height_px
    dx = max(0, max(a.left, b.left) - min(a.right, b.right)) * mx
    dy = max(0, max(a.top, b.top) - min(a.bottom, b.bottom)) * my
    return math.hypot(dx, dy)


def _check(failures: list[str]) -> None:
    dump = os.environ.get("ACCESSIBILITY_FAILURES")
    if dump and failures:
        with open(dump, "a", encoding="utf-8") as out:
            out.write("\n".join(failures) + "\n")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])


# --- 1. the panel ------------------------------------------------------------------------------
def test_the_default_booth_is_a_32_inch_panel_whose_controls_can_all_be_reached() -> None:
    panel = Theme().panel
    assert (panel.width_px, panel.height_px, panel.width_mm, panel.height_mm) == (1080, 1920, 398.0, 708.0)
    assert 31.5 <= math.hypot(panel.width_mm, panel.height_mm) / 25.4 <= 32.5
    top = panel.bottom_mm + panel.height_mm
    assert panel.bottom_mm >= REACH_LOW_MM, "the lowest row of the panel must be reachable"
    assert top > REACH_HIGH_MM, "a panel reaching past 1,220 mm is what makes the reach rule bite"
    theme = Theme.from_config(
        {"width": 1080, "height": 1920, "panel_width_mm": 398, "panel_height_mm": 708, "panel_bottom_mm": 900}
    )
    assert theme.panel.bottom_mm == 900
    assert theme.reach_top > Theme().reach_top, "a higher mounting moves the 1,220 mm line down the panel"


# --- 2. text height ----------------------------------------------------------------------------
def test_every_glyph_drawn_is_at_least_12_mm_tall(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    smallest = math.inf
    for r in rendered:
        need = min_text_mm(r.theme.panel)
        assert r.record.lines, r.where("draws no text")
        for line in r.record.lines:
            ch, mm = glyph_mm(r.theme, line)
            smallest = min(smallest, mm)
            if mm < need - 1e-9:
                failures.append(r.where(f"{line.text!r} at {line.size}px: {ch!r} {mm:.2f} mm < {need} mm"))
    _check(failures)
    assert smallest >= TEXT_MM


def test_text_rule_follows_the_panel() -> None:
    """On a 10" panel the rule is 7.25 mm; on a 21.5" one 12 mm: both measured at the caption size."""
    for size_px, area_mm in (((800, 1280), (135.0, 216.0)), ((1080, 1920), (268.0, 476.0))):
        theme = Theme(size_px, panel=Panel(*size_px, *area_mm, 700.0))
        need = min_text_mm(theme.panel)
        line = DrawnLine("", theme.style_size("caption"), False, (0, 0, 0), (255, 255, 255), pygame.Rect(0, 0, 1, 1))
        assert need - 0.01 <= glyph_mm(theme, line)[1] < need + 1.0, (size_px, area_mm)


# --- 3. contrast -------------------------------------------------------------------------------
def test_every_palette_pair_has_the_contrast_and_no_forbidden_colours() -> None:
    for name, palette in PALETTES.items():
        need = CONTRAST_HIGH if palette.outlines else CONTRAST
        for fg, bg in TEXT_PAIRS:
            a, b = getattr(palette, fg), getattr(palette, bg)
            assert contrast(a, b) >= need, f"{name}: {fg} on {bg}: {contrast(a, b):.2f}:1"
            assert (hue_name(a), hue_name(b)) not in FORBIDDEN, f"{name}: {fg} on {bg}"
    assert isinstance(PALETTES["high_contrast"], Palette)
    assert PALETTES["high_contrast"].bg == (0, 0, 0)


def test_every_text_drawn_has_the_contrast_and_no_forbidden_colours(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        need = CONTRAST_HIGH if r.mode == "high_contrast" else CONTRAST
        for line in r.record.lines:
            ratio = contrast(line.color, line.background)
            if ratio < need:
                failures.append(r.where(f"{line.text!r} {line.color} on {line.background}: {ratio:.2f}:1"))
            if (hue_name(line.color), hue_name(line.background)) in FORBIDDEN:
                failures.append(r.where(f"{line.text!r}: {line.color} on {line.background} (forbidden hues)"))
    _check(failures)


# --- 4. touch targets --------------------------------------------------------------------------
def test_every_target_is_12_mm_a_side_150_mm2_and_2_5_mm_from_the_others(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        for i, t in enumerate(r.targets):
            w, h = _size_mm(r.theme, t.rect)
            if min(w, h) < TARGET_SIDE_MM or w * h < TARGET_AREA_MM2:
                failures.append(r.where(f"{t.widget_id}: {w:.1f} x {h:.1f} mm"))
            for other in r.targets[i + 1 :]:
                gap = _gap_mm(r.theme, t.rect, other.rect)
                if gap < TARGET_GAP_MM:
                    failures.append(r.where(f"{t.widget_id} and {other.widget_id} {gap:.1f} mm apart"))
    _check(failures)


def test_no_gesture_needs_two_fingers() -> None:
    """Touch is one finger: the runner acts on single presses only and ignores finger/gesture events."""
    intents: list[Intent] = []
    runner = ScreenRunner(headless=True, on_intent=intents.append, touch_guard_seconds=0.0)
    try:
        runner.render(View("idle", SAMPLES["idle"]["open"]))
        centre = runner.widget("start").rect.center
        x, y = centre[0] / 1080, centre[1] / 1920
        for kind in (pygame.FINGERDOWN, pygame.FINGERUP):
            for finger in (0, 1):
                event = pygame.event.Event(kind, x=x, y=y, dx=0.0, dy=0.0, finger_id=finger, touch_id=0)
                assert runner.handle_event(event) is None
        gesture = pygame.event.Event(pygame.MULTIGESTURE, x=x, y=y, pinched=0.5, rotated=0.0, num_fingers=2)
        assert runner.handle_event(gesture) is None
        assert intents == []
        assert runner.tap("start") == Intent("start")
    finally:
        runner.close()


# --- 5. reach ----------------------------------------------------------------------------------
def test_every_control_is_between_400_and_1220_mm_above_the_floor(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        panel = r.theme.panel
        for t in r.targets:
            top, bottom = panel.height_above_floor(t.rect.top), panel.height_above_floor(t.rect.bottom)
            if top > REACH_HIGH_MM + 1e-6 or bottom < REACH_LOW_MM - 1e-6:
                failures.append(r.where(f"{t.widget_id} spans {bottom:.0f}-{top:.0f} mm"))
    _check(failures)


def test_low_position_puts_all_information_within_reach(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        if not r.theme.low_position:
            continue
        panel = r.theme.panel
        for line in r.record.lines:
            if line.decorative:
                continue  # the header's name and clock
            top = panel.height_above_floor(line.rect.top)
            bottom = panel.height_above_floor(line.rect.bottom)
            if top > REACH_HIGH_MM + 1e-6 or bottom < REACH_LOW_MM - 1e-6:
                failures.append(r.where(f"{line.text!r} spans {bottom:.0f}-{top:.0f} mm"))
    _check(failures)


# --- 6. zoom 200 % -----------------------------------------------------------------------------
def test_zoom_200_doubles_every_glyph_and_target(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        if r.theme.scale != 2.0:
            continue
        need = 2 * min_text_mm(r.theme.panel)
        for line in r.record.lines:
            ch, mm = glyph_mm(r.theme, line)
            if mm < need - 1e-9:
                failures.append(r.where(f"{line.text!r} at {line.size}px: {ch!r} {mm:.2f} mm < {need} mm"))
        for t in r.targets:
            w, h = _size_mm(r.theme, t.rect)
            if min(w, h) < 2 * TARGET_SIDE_MM:
                failures.append(r.where(f"{t.widget_id}: {w:.1f} x {h:.1f} mm, not 200 % of 12 mm"))
    _check(failures)


def test_nothing_is_clipped_in_any_mode(rendered: list[Rendered]) -> None:
    failures: list[str] = []
    for r in rendered:
        failures += [r.where(f"{text!r} clipped") for text in r.record.clipped]
        failures += [r.where(f"{line.text!r} cut at {line.rect}") for line in r.record.lines if line.cut]
    _check(failures)


# --- 7. every page of a paged list -------------------------------------------------------------
PAGED_LISTS = ("choose_document", "options")


def test_every_page_of_a_paged_list_draws_its_words_whole_with_targets_apart() -> None:
    """At 200 % the document and option lists page: every page, not only the first, keeps its words
    whole and its targets 2.5 mm apart (the copies row pages after the options)."""
    failures: list[str] = []
    base = Theme()
    for mode in ("zoom200", "low_zoom200"):
        access = MODES[mode]
        theme = base.for_access(access)
        runner = ScreenRunner(headless=True, on_intent=lambda _: None, theme=theme, touch_guard_seconds=0.0)
        try:
            for screen in PAGED_LISTS:
                for sample, data in SAMPLES[screen].items():
                    for lang in LANGUAGES:
                        view = View(screen, data, language=lang, access=access)
                        pages = [_rendered(runner, view, theme, sample, mode)]
                        while "page:next" in runner.widgets() and runner.widget("page:next").intent is not None:
                            runner.tap("page:next")
                            pages.append(_rendered(runner, view, theme, sample, mode))
                        for n, r in enumerate(pages):
                            failures += [r.where(f"page {n + 1}: {text!r} clipped") for text in r.record.clipped]
                            failures += [r.where(f"page {n + 1}: {x.text!r} cut") for x in r.record.lines if x.cut]
                            for i, t in enumerate(r.targets):
                                for other in r.targets[i + 1 :]:
                                    if _gap_mm(r.theme, t.rect, other.rect) < TARGET_GAP_MM:
                                        failures.append(r.where(f"page {n + 1}: {t.widget_id}, {other.widget_id}"))
                        ids = {t.widget_id for r in pages for t in r.targets}
                        if screen == "options":
                            assert {"copies:-", "copies:+"} <= ids, (mode, sample, lang)
        finally:
            runner.close()
    _check(failures)
