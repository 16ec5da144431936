"""The screens that exist: one module per View.screen value, each with a SCREEN and SAMPLES."""

from __future__ import annotations

import importlib

from kiosk.views import ScreenData
from screens.screen import Screen

SCREEN_NAMES: tuple[str, ...] = (
    "boot",
    "idle",
    "choose_document",
    "parcel",
    "resident_number",
    "fingerprint",
    "options",
    "payment",
    "issuing",
    "printing",
    "done",
    "out_of_service",
    "maintenance",
    "tech_login",
    "maint_selftest",
    "maint_paper",
    "maint_cash",
    "maint_vouchers",
    "maint_logs",
    "pickup",  # issue 17
    "notice",  # issue 17
    "mobile_id",  # issue 17
    "notice_email",  # issue 17: the e-mail address on an on-screen keyboard
    "notice_channel",  # issue 17: text message or e-mail
)
FAILSAFE = "failsafe"
# The technician's screens: drawn before any resident (boot) or behind a technician card (the PIN screen, then
# the maintenance pages).
TECHNICIAN_SCREENS = frozenset({"boot", "maintenance", "tech_login", "maint_selftest", "maint_paper", "maint_cash",
                                "maint_vouchers", "maint_logs"})
# Screens a resident uses: each has the language, accessibility and help buttons.
RESIDENT_SCREENS = frozenset(SCREEN_NAMES) - TECHNICIAN_SCREENS


def builtin_screens() -> dict[str, Screen]:
    """A fresh name → screen map (no module-level registry to mutate)."""
    screens: dict[str, Screen] = {}
    for name in (*SCREEN_NAMES, FAILSAFE):
        module = importlib.import_module(f"screens.{name}")
        screen: Screen = module.SCREEN
        screens[screen.name] = screen
    return screens


def samples() -> dict[str, dict[str, ScreenData]]:
    """Representative views per screen (each module's SAMPLES), for the gallery and the tests."""
    return {name: dict(importlib.import_module(f"screens.{name}").SAMPLES) for name in SCREEN_NAMES}
