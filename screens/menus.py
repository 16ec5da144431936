"""The screens' own menus: the language chooser and the accessibility menu.

Opened by a screen's `lang` / `access` button (Intent("menu", {"name": ...})) and handled by the
runner alone: the controller hears only the choice made in them (Intent("language"), Intent("access")),
never that a menu opened or closed. A menu closes on its close button, on back, when a language is
chosen, and when the controller shows another screen.
"""

from __future__ import annotations

import pygame

from common.languages import LANGUAGES
from common.languages import NAMES as LANGUAGE_NAMES
from kiosk.views import Intent, View
from screens.overlay import Overlay, draw_overlay, overlay_widgets
from screens.screen import lang_of
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget

MENU_LANGUAGE = "language"
MENU_ACCESS = "access"
MENUS = (MENU_LANGUAGE, MENU_ACCESS)

# Intents only the runner sees (besides "menu" itself, which opens one).
CLOSE = Intent("menu_close")

_NOWHERE = pygame.Rect(0, 0, 0, 0)
ACCESS_SETTINGS = ("zoom", "high_contrast", "low_position", "voice")

# Every language the booth speaks, even one the config has not switched on yet (the lang helper adds
# zh and vi to common.languages): the chooser offers what common.languages lists, in this order.
_ORDER = ("ko", "en", "zh", "vi")


def _languages() -> list[str]:
    return [code for code in _ORDER if code in LANGUAGES] + [c for c in LANGUAGES if c not in _ORDER]


def _access_on(view: View, setting: str) -> bool:
    if setting == "zoom":
        return view.access.zoom > 1.0
    return bool(getattr(view.access, setting))


def _access_value(view: View, setting: str) -> float | bool:
    if setting == "zoom":
        return 1.0 if _access_on(view, "zoom") else 2.0
    return not _access_on(view, setting)


def menu_overlay(name: str, view: View) -> Overlay:
    lang = lang_of(view)
    close = Widget("menu:close", _NOWHERE, CLOSE, t("runner.menu.close", lang), "cancel")
    if name == MENU_LANGUAGE:
        buttons = [
            Widget(
                f"lang:{code}",
                _NOWHERE,
                Intent("language", {"code": code}),
                LANGUAGE_NAMES.get(code, code),
                "lang_on" if code == view.language else "lang",
            )
            for code in _languages()
        ]
        close = Widget("lang:close", _NOWHERE, CLOSE, close.label, "cancel")
        title = t("runner.menu.language", lang)
    else:
        buttons = [
            Widget(
                f"access:{setting}",
                _NOWHERE,
                Intent("access", {"setting": setting, "value": _access_value(view, setting)}),
                t(f"runner.access.{setting}", lang),
                "lang_on" if _access_on(view, setting) else "secondary",
                t("runner.state.on" if _access_on(view, setting) else "runner.state.off", lang),
            )
            for setting in ACCESS_SETTINGS
        ]
        close = Widget("access:close", _NOWHERE, CLOSE, close.label, "cancel")
        title = t("runner.menu.access", lang)
    return Overlay(
        title,
        (),
        buttons,
        close,
        t("runner.menu.prev", lang),
        t("runner.menu.next", lang),
        t("page.prev_short", lang),
        t("page.next_short", lang),
    )


def menu_widgets(name: str, view: View, theme: Theme, page: int = 0) -> list[Widget]:
    return overlay_widgets(menu_overlay(name, view), theme, page)


def draw_menu(surface: pygame.Surface, name: str, view: View, theme: Theme, page: int = 0) -> None:
    draw_overlay(surface, menu_overlay(name, view), theme, page)


def closes_menu(intent: Intent) -> bool:
    """A choice after which the menu has done its job (a language chosen, or close)."""
    return intent.name in {"language", "menu_close"}
