"""The footer every maintenance page shares: a tab per page and the way out.

A technician moves between pages with ``Intent("maint", {"do": "page", "page": ...})`` (the
controller's workshop keeps which page is up, so `kiosk diag` and the screen agree); "exit" leaves
maintenance through the self-test (kiosk.controller: the booth returns to service only if it passes).
"""

from __future__ import annotations

from kiosk.views import Intent, View
from screens.frame import FooterSpec, Frame, build_frame, footer_buttons
from screens.screen import Screen, lang_of
from screens.strings import t
from screens.theme import Theme
from screens.widgets import Widget

# The pages in the order the tabs show them (kiosk.maintenance.workshop.SCREEN_OF_PAGE).
PAGES = ("board", "selftest", "paper", "cash", "vouchers", "logs")
PAGE_OF_SCREEN = {
    "maintenance": "board",
    "maint_selftest": "selftest",
    "maint_paper": "paper",
    "maint_cash": "cash",
    "maint_vouchers": "vouchers",
    "maint_logs": "logs",
}


def nav_specs(view: View) -> list[FooterSpec]:
    """The tabs (the current page's marked primary) and exit, in the footer's (id, intent, label, style, weight)."""
    lang = lang_of(view)
    current = PAGE_OF_SCREEN.get(view.screen, "board")
    specs: list[FooterSpec] = [
        (f"maint:page:{page}", Intent("maint", {"do": "page", "page": page}), t(f"maint.page.{page}", lang),
         "primary" if page == current else "secondary", 1)
        for page in PAGES
    ]
    specs.append(("maint:exit", Intent("maintenance_exit"), t("maint.exit", lang), "cancel", 1))
    return specs


def maintenance_frame(view: View, theme: Theme) -> Frame:
    return build_frame(view, theme, nav=nav_specs(view))


def nav_widgets(view: View, theme: Theme, frame: Frame) -> list[Widget]:
    return footer_buttons(frame, theme, nav_specs(view))


class MaintenancePage(Screen):
    """A maintenance page: the shared frame with the page tabs; a page with buttons of its own adds them
    to `layout`."""

    def _frame(self, view: View, theme: Theme) -> Frame:
        return maintenance_frame(view, theme)

    def layout(self, view: View, theme: Theme, *, page: int = 0) -> list[Widget]:
        return nav_widgets(view, theme, self._frame(view, theme))
