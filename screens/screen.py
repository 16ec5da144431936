"""What a screen is: a name, a layout of touch targets and a draw, over the screen's own view.

A screen is a pure function of (View, Theme): `layout()` says where the touch targets are and what
each one asks for, `draw()` paints the same layout and changes nothing (Tuxemon's rule), so a
snapshot, a hit test and the frame the resident sees always agree.
"""

from __future__ import annotations

from typing import TypeVar

import pygame

from kiosk.views import View
from screens.strings import language
from screens.theme import Theme
from screens.widgets import Widget

# Screen-local intents: the runner handles these itself (paging a long list at 200 % zoom) and
# never passes them to the controller.
LOCAL_INTENTS = frozenset({"page"})
# What the runner tells the controller instead when one of those (or a menu) is touched: the resident
# is still there, so the screen's countdown starts again.
STILL_HERE = "still_here"
# The screens' own menus (the language and accessibility choosers): handled by the runner as well.
MENU_INTENTS = frozenset({"menu", "menu_close", "menu_page"})


class Screen:
    """Base of every screen: a name (= View.screen), a layout and a draw that changes nothing."""

    name = ""

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return []

    def draw(self, surface: pygame.Surface, view: View, theme: Theme, *, page: int = 0) -> None:
        surface.fill(theme.colors.bg)


ViewT = TypeVar("ViewT")


def view_data(view: View, kind: type[ViewT]) -> ViewT:
    """The screen's view, or its class's defaults when another screen's (or none) was sent."""
    return view.data if isinstance(view.data, kind) else kind()


def lang_of(view: View) -> str:
    return language(view.language)
