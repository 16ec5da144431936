"""The screen loop: draws the latest View when it changes and turns touches and keys into Intents.

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
from pathlib import Path

import pygame

from kiosk.views import Intent, View
from screens.prompt import draw_prompt, prompt_widgets
from screens.registry import FAILSAFE, builtin_screens
from screens.screen import LOCAL_INTENTS, Screen
from screens.theme import Theme
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
        screens: Mapping[str, Screen] | None = None,
        failsafe_seconds: float = FAILSAFE_SECONDS,
        touch_guard_seconds: float = TOUCH_GUARD_SECONDS,
    ) -> None:
        self._headless = headless
        self._on_intent = on_intent
        self._now = clock_monotonic or time.monotonic
        self._failsafe_seconds = failsafe_seconds
        self._touch_guard = touch_guard_seconds
        size = (int(size[0]), int(size[1]))
        if theme is None:
            theme = Theme(size)
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
        # What is on the glass, for the touch guard: (screen, prompt) shown last, a number that
        # changes with it, and when it appeared (None for the very first one: nothing came before).
        self._shown_key: tuple[str, str | None] | None = None
        self._generation = 0
        self._shown_at: float | None = None
        # The press in progress: (generation, widget id) it began on; None if it began nowhere.
        self._press: tuple[int, str] | None = None

    # --- what the controller calls ----------------------------------------------------------
    def show(self, view: View) -> None:
        """Store the view to draw next; drawing happens in `run()` (or on `render`/`widgets`/`snapshot`)."""
        if self._view is None or self._view.screen != view.screen:
            self._page = 0
        self._view = view
        self._failsafe_until = None
        self._note_shown((view.screen, view.prompt))
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
            if self._needs_draw():
                self._ensure_frame()
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
        """The physical keypad: digits, backspace, enter, escape."""
        prompt = self._view is not None and self._view.prompt is not None
        intent: Intent | None = None
        if key in _DIGIT_KEYS and not prompt:
            intent = Intent("digit", {"value": _DIGIT_KEYS[key]})
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS) and not prompt:
            intent = Intent("digit", {"value": "-"})  # the lot number's 부번 separator
        elif key == pygame.K_BACKSPACE and not prompt:
            intent = Intent("backspace")
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            intent = Intent("more_time") if prompt else Intent("confirm")
        elif key == pygame.K_ESCAPE:
            intent = Intent("cancel")
        if intent is not None:
            self._dispatch(intent)
        return intent

    def _dispatch(self, intent: Intent) -> None:
        if intent.name in LOCAL_INTENTS:
            page = intent.args.get("page", 0)
            self._page = page if isinstance(page, int) else 0
            self._mark_dirty()
            return
        self._on_intent(intent)

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
        view = self._view
        if view is None:
            self._show_failsafe(View(FAILSAFE), retry=False)
            return
        screen = self._screens.get(view.screen)
        if screen is None or view.screen == FAILSAFE:
            log.warning("no screen %r; showing the failsafe screen", view.screen)
            self._show_failsafe(view, retry=False)
            return
        try:
            widgets = screen.layout(view, self._theme, page=self._page)
            screen.draw(self._frame, view, self._theme, page=self._page)
            if view.prompt is not None:
                overlay = prompt_widgets(view, self._theme)
                if overlay:
                    draw_prompt(self._frame, view, self._theme)
                    widgets = overlay
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

    def _note_shown(self, key: tuple[str, str | None]) -> None:
        """A different screen or prompt arrives (drawn at once, or within a frame when windowed):
        a press begun before it no longer counts, and the guard time starts."""
        if key == self._shown_key:
            return
        self._shown_at = None if self._shown_key is None else self._now()
        self._shown_key = key
        self._generation += 1

    def _show_failsafe(self, view: View, *, retry: bool) -> None:
        self._widgets = []
        self._drawn = FAILSAFE
        self._failsafe_until = self._now() + self._failsafe_seconds if retry else None
        try:
            self._failsafe.draw(self._frame, view, self._theme)
        except Exception:  # the last resort must not take the loop down with it
            log.exception("failsafe screen failed")
            self._frame.fill(self._theme.colors.header)
