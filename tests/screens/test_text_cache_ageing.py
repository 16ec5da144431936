"""A booth's screens keep the lines they keep drawing and let go of the ones a rare session drew."""

from __future__ import annotations

from helpers_screens import runner

from kiosk.views import AccessMode, IdleView, View
from screens.registry import samples
from screens.theme import Theme

RED = (200, 0, 0)


def _kept(theme: Theme, text: str) -> bool:
    """Whether drawing `text` again reuses the surface drawn before (no rendering)."""
    return theme.text(text, "body", RED) is theme.text(text, "body", RED)


def test_a_line_drawn_once_goes_after_a_hundred_sessions_a_line_drawn_every_session_stays() -> None:
    """The lines of an outage's wording or of one odd amount are not kept for the booth's whole life
    (they made the soak's kiosk grow by 100-250 KiB each, until 64 MiB), while the lines every
    resident sees are never drawn twice."""
    theme = Theme()
    common = theme.text("Choose a document", "body", RED)
    rare = theme.text("The A4 printer is jammed since 03:12", "body", RED)
    for _ in range(99):
        theme.end_session()
        assert theme.text("Choose a document", "body", RED) is common
    assert theme.text("The A4 printer is jammed since 03:12", "body", RED) is rare  # 99 sessions: kept
    for _ in range(100):
        theme.end_session()
        assert theme.text("Choose a document", "body", RED) is common
    assert theme.text("The A4 printer is jammed since 03:12", "body", RED) is not rare  # drawn anew
    assert _kept(theme, "Choose a document")


def test_the_idle_screen_coming_back_ends_a_session_for_every_zoom_and_contrast() -> None:
    ui, _ = runner()
    try:
        zoomed = ui.theme.for_access(AccessMode(zoom=2.0))
        choosing = View("choose_document", samples()["choose_document"]["all"])
        line = zoomed.text("Fee 500 won", "body", RED)
        for _ in range(101):
            ui.render(choosing)
            ui.render(View("idle", IdleView()))
        assert zoomed.text("Fee 500 won", "body", RED) is not line
    finally:
        ui.close()


def test_the_lines_a_technicians_visit_drew_go_when_the_technician_leaves() -> None:
    """A visit is weekly. Its screens' lines (4 MiB in the soak) were kept for a hundred residents'
    sessions, then freed among newer allocations, leaving the kiosk a megabyte larger after each visit.
    They go as the technician leaves; the residents' lines stay."""
    ui, _ = runner()
    try:
        idle = View("idle", IdleView())
        ui.render(idle)
        resident_line = ui.theme.text("Choose a document", "body", RED)
        held_before = ui.theme._text_bytes
        for screen in ("maintenance", "maint_cash", "maint_paper"):
            ui.render(View(screen, samples()[screen]["default"]))
        assert ui.theme._text_bytes > held_before  # the technician's screens drew lines of their own
        ui.render(idle)
        assert ui.theme._text_bytes <= held_before
        assert ui.theme.text("Choose a document", "body", RED) is resident_line
    finally:
        ui.close()
