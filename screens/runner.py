"""The screen loop: draws the latest View when it changes and turns touches and keys into Intents.

Each View is drawn with the theme its resident's accessibility choices ask for (zoom, contrast,
position). The physical keypad (`keypad()`) moves a focus ring in reading order, OK does what a tap
on the focused widget does, digits type on the number screens and pick the N-th item on lists. The
screens' own menus (language chooser, accessibility menu) live here and never reach the controller
(screens/menus.py). Every frame drawn for something new (a screen, prompt, menu, changed words, a
moved focus) is turned into what voice guidance says (screens/speech.py) for `on_speech`.

Headless (tests, the demo, a booth without a display yet) it sleeps on an event and draws only when
a new View arrives; windowed it also pumps SDL events at <= 30 Hz with `await asyncio.sleep`, never
a busy loop. A screen that raises while drawing shows the failsafe "please wait" (pibooth's
pattern), logged once, and the runner retries on the next View or after FAILSAFE_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pygame

from common.keypad_keys import VOICE_KEYS, Key
from kiosk.views import Intent, Utterance, View
from screens.focus import draw_ring, list_items, move, reading_order
from screens.menus import MENUS, closes_menu, draw_menu, menu_widgets
from screens.prompt import PROMPT_HELP, draw_prompt, prompt_widgets
from screens.registry import FAILSAFE, TECHNICIAN_SCREENS, builtin_screens
from screens.screen import LOCAL_INTENTS, MENU_INTENTS, STILL_HERE, Screen
from screens.speech import Spoken, compose
from screens.theme import DrawnRecord, Theme
from screens.widgets import Widget

log = logging.getLogger(__name__)

# Window mode polls SDL at 30 Hz: touch latency <= 33 ms, 1-3 % of a core (docs test-stacks.md).
FRAME_INTERVAL = 1 / 30
# Touches this soon after a new screen (or prompt) appears are ignored. A double tap's second touch
# comes 0.1-0.3 s after the first; 0.5 s covers it (and a slow release), while a resident who has
# read the new screen never touches it that fast. Measured on the clock the runner is given.
TOUCH_GUARD_SECONDS = 0.5
# How long the failsafe stays before the runner retries the view that failed: long enough to read
# "please wait", short enough that a resident does not walk away.
FAILSAFE_SECONDS = 5.0

_DIGIT_KEYS = {getattr(pygame, f"K_{d}"): str(d) for d in range(10)}
_DIGIT_KEYS.update(
    {getattr(pygame, f"K_KP{d}", getattr(pygame, f"K_KP_{d}", -1 - d)): str(d) for d in range(10)}
)
# A PC keyboard (a developer's `make run`, a USB keypad that is a keyboard) on the keypad's path.
_KEYBOARD_KEYS: dict[int, Key] = {code: Key(digit) for code, digit in _DIGIT_KEYS.items()}
_KEYBOARD_KEYS.update(
    {
        pygame.K_UP: Key.UP,
        pygame.K_DOWN: Key.DOWN,
        pygame.K_LEFT: Key.LEFT,
        pygame.K_RIGHT: Key.RIGHT,
        pygame.K_RETURN: Key.OK,
        pygame.K_KP_ENTER: Key.OK,
        pygame.K_ESCAPE: Key.BACK,
        pygame.K_F1: Key.HELP,
        pygame.K_F2: Key.VOICE,
    }
)
# Keys that make something happen (rather than move the focus): like a touch, they do nothing in the
# guard time after a new screen, prompt or menu appears, so a double press of OK (or back) cannot act
# on a screen the resident has not seen or heard yet.
_ACTING_KEYS = frozenset({Key.OK, Key.BACK, *(Key(str(d)) for d in range(10))})
_ARROWS = frozenset({Key.UP, Key.DOWN, Key.LEFT, Key.RIGHT})


class ScreenRunner:
    """Shows Views, reports Intents; the controller's only contact with pygame."""

    def __init__(
        self,
        size: tuple[int, int] = (1080, 1920),
        *,
        headless: bool,
        on_intent: Callable[[Intent], None],
        clock_monotonic: Callable[[], float] | None = None,
        theme: Theme | None = None,
        ui: Mapping[str, Any] | None = None,
        screens: Mapping[str, Screen] | None = None,
        failsafe_seconds: float = FAILSAFE_SECONDS,
        touch_guard_seconds: float = TOUCH_GUARD_SECONDS,
        on_speech: Callable[[Utterance], None] | None = None,
    ) -> None:
        self._headless = headless
        self._on_intent = on_intent
        self._on_speech = on_speech
        self._now = clock_monotonic or time.monotonic
        self._failsafe_seconds = failsafe_seconds
        self._touch_guard = touch_guard_seconds
        size = (int(size[0]), int(size[1]))
        if theme is None:
            # The booth's [ui] table (its panel in millimetres, zoom, position), or the default booth.
            theme = Theme.from_config(ui) if ui is not None else Theme(size)
        elif theme.size != size:
            theme = theme.resized(size)
        self._theme = theme
        self._screens: dict[str, Screen] = builtin_screens()
        if screens:
            self._screens.update(screens)
        self._failsafe = self._screens[FAILSAFE]
        if not pygame.font.get_init():
            pygame.font.init()
        self._window: pygame.Surface | None = None
        if headless:
            self._frame = pygame.Surface(self._theme.size)
        else:
            pygame.display.init()
            self._window = pygame.display.set_mode(self._theme.size)
            pygame.display.set_caption("kiosk")
            self._frame = self._window
        self._view: View | None = None
        self._page = 0
        self._dirty = True
        self._wake = asyncio.Event()
        self._widgets: list[Widget] = []
        self._drawn: str = ""
        self._failsafe_until: float | None = None
        self._failed_once = False
        self._closed = False
        # What is on the glass, for the touch guard: (screen, prompt, menu) shown last, a number that
        # changes with it, and when it appeared (None for the very first one: nothing came before).
        self._shown_key: tuple[str, str | None, str | None] | None = None
        self._generation = 0
        self._shown_at: float | None = None
        # The press in progress: (generation, widget id) it began on; None if it began nowhere.
        self._press: tuple[int, str] | None = None
        # The screens' own menu open over the screen ("language" | "access"), and its page.
        self._menu: str | None = None
        self._menu_page = 0
        # The keypad's focus: the widget id, the generation it belongs to, its index (to stay near
        # when the widget goes away), the widgets in focus order as drawn last.
        self._focus: str | None = None
        self._focus_generation = -1
        self._focus_index = 0
        self._order: list[Widget] = []
        # A key reached this session (shows the ring); keypad_used told on this screen.
        self._keys_used = False
        self._keypad_told = False
        self._spoken: Spoken | None = None
        self._drawn_theme = self._theme
        self._ring_was_shown = False
        self._unshown = False  # a frame drawn but not yet flipped to the window

    # --- what the controller calls ----------------------------------------------------------
    def show(self, view: View) -> None:
        """Store the view to draw next; drawing happens in `run()` (or on `render`/`widgets`/`snapshot`)."""
        if self._view is None or self._view.screen != view.screen:
            technician = view.screen in TECHNICIAN_SCREENS
            if technician != (self._view is not None and self._view.screen in TECHNICIAN_SCREENS):
                self._theme.technician_visit(technician)
            self._page = 0
            self._menu = None  # a new screen closes the screens' menus
            self._keypad_told = False
            if view.screen == "idle":  # a session ended: the next resident has touched no key yet
                self._keys_used = False
                self._theme.end_session()  # lines not drawn for many sessions are let go
        if self._view is not None and self._view.access.keypad and not view.access.keypad:
            self._keys_used = False
        self._view = view
        self._failsafe_until = None
        self._note_shown(self._shown_state())
        self._mark_dirty()

    async def run(self) -> None:
        """The screen loop task; returns after `close()` (or a window's QUIT)."""
        try:
            if self._headless:
                await self._run_headless()
            else:
                await self._run_windowed()
        finally:
            self._closed = True

    def render(self, view: View) -> pygame.Surface:
        """Show `view` and draw it now: one full frame (bench measures this)."""
        self.show(view)
        self._ensure_frame()
        return self._frame

    def keypad(self, key: Key) -> Intent | None:
        """One key of the physical keypad (the keypad driver's dispatcher calls this; voice keys are
        voice guidance's own and do nothing here). The Intent the key produced, if any.

        Arrows move the focus (the session's first arrow or OK only shows where it is); OK does what
        a tap on the focused widget does; a digit types on a number screen, or moves the focus to
        the N-th item of a list or menu; back is the screen's back (else its cancel; it closes a
        menu or the help prompt); help asks for help; voice turns voice guidance on or off. OK,
        back and digits are ignored in the touch
        guard time after a new screen, prompt or menu appears.
        """
        if key in VOICE_KEYS:
            return None
        self._ensure_frame()
        view = self._view
        if view is None or self._drawn == FAILSAFE:
            return None
        self._note_key(view)
        if key in _ACTING_KEYS and self.guard_left() > 0:
            log.debug("key %s ignored: %s appeared just now", key, self._drawn)
            return None
        intent = self._key_intent(key, view)
        if intent is not None:
            self._dispatch(intent)
        return intent

    @property
    def focused(self) -> str | None:
        """Id of the widget the keypad's focus is on (shown as a ring once a key was used)."""
        self._ensure_frame()
        return self._focus

    @property
    def menu(self) -> str | None:
        """The screens' own menu open now ("language" | "access"), or None."""
        return self._menu

    def snapshot(self, path: str | Path) -> None:
        """The current frame as a PNG."""
        self._ensure_frame()
        pygame.image.save(self._frame, str(path))

    def widgets(self) -> list[str]:
        """Ids of the touch targets on screen now (only the prompt's while a prompt is up)."""
        self._ensure_frame()
        return [w.widget_id for w in self._widgets]

    def widget(self, widget_id: str) -> Widget:
        self._ensure_frame()
        for w in self._widgets:
            if w.widget_id == widget_id:
                return w
        raise KeyError(
            f"no widget {widget_id!r} on {self._drawn!r}; visible: {[w.widget_id for w in self._widgets]}"
        )

    def tap(self, widget_id: str) -> Intent | None:
        """Touch a widget's centre exactly as a finger would (down, then up); the Intent produced
        (None: disabled, or the touch came inside the guard time after the screen changed)."""
        target = self.widget(widget_id)
        self.touch_down(target.rect.center)
        return self.touch_up(target.rect.center)

    def touch_down(self, pos: tuple[int, int]) -> Intent | None:
        """A finger touches the glass at `pos` (through the SDL event path, as the window loop does)."""
        return self.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=True))

    def touch_up(self, pos: tuple[int, int]) -> Intent | None:
        """The finger leaves the glass at `pos`; the Intent this press produced, if any."""
        return self.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=True))

    def guard_left(self) -> float:
        """Seconds until touches count on the screen now shown (0 when they already do)."""
        self._ensure_frame()
        if self._shown_at is None:
            return 0.0
        return max(0.0, self._shown_at + self._touch_guard - self._now())

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self._window is not None:
            pygame.display.quit()
            self._window = None

    @property
    def screen_shown(self) -> str:
        """Name of the screen in the current frame ("failsafe" while it is up)."""
        self._ensure_frame()
        return self._drawn

    @property
    def last_drawn(self) -> str:
        """Name of the screen in the frame drawn last, without drawing anything (for watchers)."""
        return self._drawn

    @property
    def theme(self) -> Theme:
        return self._theme

    @property
    def drawn_theme(self) -> Theme:
        """The theme variant the current frame was drawn with (the view's zoom, contrast, position)."""
        self._ensure_frame()
        return self._drawn_theme

    # --- loop -------------------------------------------------------------------------------
    async def _run_headless(self) -> None:
        while not self._closed:
            timeout = None
            if self._failsafe_until is not None:
                timeout = max(0.0, self._failsafe_until - self._now())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            if not self._closed:
                self._ensure_frame()

    async def _run_windowed(self) -> None:
        while not self._closed:
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    log.info("window closed")
                    return
                self.handle_event(event)
            self._ensure_frame()
            if self._unshown:  # drawn here or by a key/touch handled between two ticks
                self._unshown = False
                pygame.display.flip()
            await asyncio.sleep(FRAME_INTERVAL)

    def handle_event(self, event: pygame.event.Event) -> Intent | None:
        """One SDL event. Touch comes as the mouse events SDL synthesises; FINGER* are ignored (no doubles).

        A press counts on release, and only if it began on the same screen and the same widget:
        a finger that came down on the previous screen (or inside the guard time) does nothing.
        """
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._touch_began(event.pos)
            return None
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            return self._touch_ended(event.pos)
        if event.type == pygame.KEYDOWN:
            return self._key(event.key)
        return None

    # --- input ------------------------------------------------------------------------------
    def _widget_at(self, pos: tuple[int, int]) -> Widget | None:
        for widget in reversed(self._widgets):
            if widget.rect.collidepoint(pos):
                return widget
        return None

    def _touch_began(self, pos: tuple[int, int]) -> None:
        self._ensure_frame()
        self._press = None
        if self.guard_left() > 0:
            log.debug("touch ignored: %s appeared %.2f s ago", self._drawn, self._touch_guard - self.guard_left())
            return
        widget = self._widget_at(pos)
        if widget is not None:
            self._press = (self._generation, widget.widget_id)

    def _touch_ended(self, pos: tuple[int, int]) -> Intent | None:
        self._ensure_frame()
        press, self._press = self._press, None
        widget = self._widget_at(pos)
        if press is None or widget is None or press != (self._generation, widget.widget_id):
            return None
        if widget.intent is None:
            return None
        self._dispatch(widget.intent)
        return widget.intent

    def _key(self, key: int) -> Intent | None:
        """A keyboard key: the keypad's keys through `keypad()`, plus minus and backspace typed."""
        if key in _KEYBOARD_KEYS:
            return self.keypad(_KEYBOARD_KEYS[key])
        view = self._view
        if view is None or view.prompt is not None or self._menu is not None:
            return None
        intent: Intent | None = None
        if key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            intent = Intent("digit", {"value": "-"})  # the lot number's 부번 separator
        elif key == pygame.K_BACKSPACE:
            intent = Intent("backspace")
        if intent is not None:
            self._note_key(view)
            self._dispatch(intent)
        return intent

    def _note_key(self, view: View) -> None:
        """A key was used: tell the controller once (it lengthens the time limits), show the ring."""
        if not view.access.keypad and not self._keypad_told:
            self._keypad_told = True
            self._on_intent(Intent("keypad_used"))
        if not self._keys_used:
            self._keys_used = True
            self._mark_dirty()

    def _key_intent(self, key: Key, view: View) -> Intent | None:
        """What `key` asks for on the frame shown now (None: it only moved the focus, or nothing)."""
        widgets = {w.widget_id: w for w in self._widgets}
        overlay = self._menu is not None or (view.prompt is not None and bool(prompt_widgets(view, self._drawn_theme)))
        if key in _ARROWS:
            if self._ring_shown_before_this_key:
                self._set_focus(move(self._order, self._focus, key))
            return None
        if key == Key.OK:
            if not self._ring_shown_before_this_key:
                return None  # the first key shows where the focus is; OK acts on what was heard
            focused = widgets.get(self._focus or "")
            return focused.intent if focused is not None else None
        if key == Key.HELP:
            return None if view.prompt == PROMPT_HELP else Intent("help")
        if key == Key.VOICE:
            return Intent("access", {"setting": "voice", "value": not view.access.voice})
        if key == Key.BACK:
            if self._menu is not None:
                return Intent("menu_close")
            if view.prompt == PROMPT_HELP:
                return Intent("help_close")
            if overlay:
                return None  # "more time?" is a question: its two buttons answer it
            for wid, name in (("back", "back"), ("cancel", "cancel")):
                w = widgets.get(wid)
                if w is not None and w.enabled:
                    return Intent(name)
            return None
        digit = key.digit
        if digit is None:
            return None
        if not overlay:
            typed = widgets.get(f"key:{digit}")
            if typed is not None:
                if "ok" in widgets:  # a resident typing on the keypad confirms with its OK, not the pad's "1"
                    self._set_focus("ok")
                return typed.intent
        if view.prompt is not None and self._menu is None:
            return None
        items = list_items(self._order)
        n = int(digit)
        if 1 <= n <= len(items):
            self._set_focus(items[n - 1].widget_id)
        return None

    @property
    def _ring_shown_before_this_key(self) -> bool:
        """False for the very first key of a session: that key shows the ring and where it is."""
        return self._ring_was_shown

    def _set_focus(self, widget_id: str | None) -> None:
        if widget_id is not None and widget_id != self._focus:
            self._focus = widget_id
            self._mark_dirty()

    def _dispatch(self, intent: Intent) -> None:
        if intent.name in LOCAL_INTENTS | MENU_INTENTS:
            # Turning a page or opening a chooser is the resident at work, though the controller never
            # hears the touch itself: its countdown must start again all the same.
            self._on_intent(Intent(STILL_HERE))
        if intent.name == "menu":
            name = intent.args.get("name")
            self._menu = name if name in MENUS else None
            self._menu_page = 0
            self._opened_overlay()
            return
        if intent.name == "menu_close":
            self._menu = None
            self._opened_overlay()
            return
        if intent.name == "menu_page":
            page = intent.args.get("page", 0)
            self._menu_page = page if isinstance(page, int) else 0
            self._mark_dirty()
            return
        if intent.name in LOCAL_INTENTS:
            page = intent.args.get("page", 0)
            self._page = page if isinstance(page, int) else 0
            self._mark_dirty()
            return
        self._on_intent(intent)
        if self._menu is not None and closes_menu(intent):
            self._menu = None
            self._opened_overlay()

    def _opened_overlay(self) -> None:
        """A menu opened or closed: like a new screen, it gets the guard time and the focus resets."""
        self._note_shown(self._shown_state())
        self._mark_dirty()

    def _shown_state(self) -> tuple[str, str | None, str | None]:
        view = self._view
        if view is None:
            return ("", None, self._menu)
        return (view.screen, view.prompt, self._menu)

    # --- drawing ----------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self._dirty = True
        self._wake.set()

    def _needs_draw(self) -> bool:
        if self._dirty:
            return True
        return self._failsafe_until is not None and self._now() >= self._failsafe_until

    def _ensure_frame(self) -> None:
        if self._needs_draw():
            self._draw()

    def _draw(self) -> None:
        self._dirty = False
        self._unshown = True
        view = self._view
        if view is None:
            self._show_failsafe(View(FAILSAFE), retry=False)
            return
        screen = self._screens.get(view.screen)
        if screen is None or view.screen == FAILSAFE:
            log.warning("no screen %r; showing the failsafe screen", view.screen)
            self._show_failsafe(view, retry=False)
            return
        theme = self._theme_for(view)
        overlay_record: DrawnRecord | None = None
        # Every frame's words are recorded (voice guidance says them); its lines' sizes and colours only
        # while someone records on the booth's theme (the accessibility tests).
        measuring = self._theme.recording_lines
        try:
            with theme.recording(lines=measuring) as screen_record:
                widgets = screen.layout(view, theme, page=self._page)
                screen.draw(self._frame, view, theme, page=self._page)
            overlay = prompt_widgets(view, theme) if view.prompt is not None else []
            if overlay:
                with theme.recording(lines=measuring) as overlay_record:
                    draw_prompt(self._frame, view, theme)
                widgets = overlay
            elif self._menu is not None:
                with theme.recording(lines=measuring) as overlay_record:
                    draw_menu(self._frame, self._menu, view, theme, self._menu_page)
                widgets = menu_widgets(self._menu, view, theme, self._menu_page)
        except Exception:
            if not self._failed_once:
                log.exception("screen %r failed to draw; showing the failsafe screen", view.screen)
            else:
                log.debug("screen %r failed again", view.screen, exc_info=True)
            self._failed_once = True
            self._show_failsafe(view, retry=True)
            return
        self._failed_once = False
        self._failsafe_until = None
        self._widgets = widgets
        self._drawn = screen.name
        self._drawn_theme = theme
        # Whoever records on the booth's theme (the accessibility tests) hears what every variant drew.
        for record in (screen_record, overlay_record):
            if record is not None:
                self._theme.note_record(record)
        self._place_focus(widgets)
        ring = self._ring_visible(view)
        self._ring_was_shown = ring
        focused = next((w for w in self._order if w.widget_id == self._focus), None)
        if ring and focused is not None:
            draw_ring(self._frame, theme, focused.rect)
        if self._on_speech is not None:
            drawn = (overlay_record or screen_record).texts
            menu = None if overlay else self._menu
            self._spoken, utterances = compose(
                self._spoken, view, menu=menu, drawn=drawn, order=self._order, focus=self._focus if ring else None
            )
            for utterance in utterances:
                self._on_speech(utterance)

    def _theme_for(self, view: View) -> Theme:
        """The theme for this resident: the booth's configured zoom and position are the floor the
        resident's choices add to (a booth set to the low position stays low)."""
        base = self._theme
        access = replace(
            view.access,
            zoom=max(view.access.zoom, base.scale),
            low_position=view.access.low_position or base.low_position,
        )
        return base.for_access(access)

    def _ring_visible(self, view: View) -> bool:
        return self._keys_used or view.access.keypad

    def _place_focus(self, widgets: list[Widget]) -> None:
        """Focus on the first item of a new screen, prompt or menu; on the same widget across redraws
        of the same one (or the one now where it was, when that widget went away)."""
        self._order = reading_order(widgets)
        ids = [w.widget_id for w in self._order]
        if self._focus_generation != self._generation or self._focus not in ids:
            index = self._focus_index if self._focus_generation == self._generation else 0
            self._focus = ids[min(index, len(ids) - 1)] if ids else None
            self._focus_generation = self._generation
        if self._focus is not None:
            self._focus_index = ids.index(self._focus)

    def _note_shown(self, key: tuple[str, str | None, str | None]) -> None:
        """A different screen or prompt arrives (drawn at once, or within a frame when windowed):
        a press begun before it no longer counts, and the guard time starts."""
        if key == self._shown_key:
            return
        self._shown_at = None if self._shown_key is None else self._now()
        self._shown_key = key
        self._generation += 1

    def _show_failsafe(self, view: View, *, retry: bool) -> None:
        self._widgets = []
        self._order = []
        self._drawn = FAILSAFE
        self._spoken = None
        self._failsafe_until = self._now() + self._failsafe_seconds if retry else None
        try:
            self._failsafe.draw(self._frame, view, self._theme_for(view))
        except Exception:  # the last resort must not take the loop down with it
            log.exception("failsafe screen failed")
            self._frame.fill(self._theme.colors.header)
