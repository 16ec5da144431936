"""Pickup code entry (issue 17): a document reserved online (민원예약) is collected with its 8-digit code.

Drawn like the lot number screen (screens/parcel.py): what it is, the code typed so far in a large
field (grouped 4 + 4, as the reservation's message prints it), the server's answer in words on a red
card, and the 12-key keypad. With a barcode scanner the screen also says the phone's QR can be shown
to it; when the booth's scanner went away (unplugged) it says so and asks for the typed code, so a
resident who was about to show the phone is not left waiting. The controller (kiosk/pickup.py)
judges the code; this screen only lights up OK once 8 digits are in.
"""

from __future__ import annotations

from kiosk.views import PickupView, View
from screens.frame import FooterSpec, confirm_specs
from screens.screen import lang_of, view_data
from screens.strings import t
from screens.typed_entry import TypedEntryScreen

CODE_DIGITS = 8


def shown_code(code: str) -> str:
    """What the field shows: at most 8 digits of what the controller sent, grouped 4 + 4."""
    digits = "".join(ch for ch in code if ch.isdigit())[:CODE_DIGITS]
    return digits if len(digits) <= 4 else f"{digits[:4]} {digits[4:]}"


class PickupScreen(TypedEntryScreen):
    name = "pickup"

    def heading(self, view: View) -> tuple[str, str]:
        lang = lang_of(view)
        return t("pickup.title", lang), t("pickup.sub", lang)

    def notes(self, view: View) -> list[str]:
        data = view_data(view, PickupView)
        if data.scanner:
            return [t("pickup.scan", lang_of(view))]
        return [t("pickup.scanner_offline", lang_of(view))] if data.scanner_offline else []

    def field(self, view: View) -> str:
        return shown_code(view_data(view, PickupView).code)

    def hint(self, view: View) -> str:
        return t("pickup.hint", lang_of(view))

    def busy(self, view: View) -> str:
        return t("pickup.looking_up", lang_of(view)) if view_data(view, PickupView).looking_up else ""

    def error(self, view: View) -> str:
        error = view_data(view, PickupView).error
        return t(f"pickup_error.{error}", lang_of(view)) if error else ""

    def footer(self, view: View, *, ready: bool = True) -> list[FooterSpec]:
        return confirm_specs(view, ready=ready)

    def ready(self, view: View) -> bool:
        data = view_data(view, PickupView)
        return len(data.code) == CODE_DIGITS and not data.looking_up


SCREEN = PickupScreen()

SAMPLES: dict[str, PickupView] = {
    "empty": PickupView(),
    "typing": PickupView(code="2026112"),
    "scanner": PickupView(code="", scanner=True),
    "scanner_offline": PickupView(code="2026", scanner_offline=True),
    "looking_up": PickupView(code="20261123", looking_up=True),
    "used": PickupView(code="20261123", error="used"),
    "expired": PickupView(code="20261123", error="expired", scanner=True),
    "other_booth": PickupView(code="20261123", error="other-booth"),
    "not_here": PickupView(code="20261123", error="not-here"),
    "not_pickup": PickupView(code="", error="not-pickup", scanner=True),
}
