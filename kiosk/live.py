"""`kiosk run`: the kiosk for a person, on the real clock.

With ``--hardware`` the devices come from the config files; otherwise a booth of simulators starts
first and `kiosk sim ...` drives it from another terminal. A window opens when a display is present
(mouse = touch); without one the screens render headless. Under systemd the loop reports READY=1
once the idle screen is up and pets the watchdog from the loop itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from drivers.clock import MonotonicClock
from kiosk.app import KioskApp
from kiosk.config import CONFIG_DIR, ConfigError, load_config
from kiosk.journal import JournalCorrupt
from kiosk.machine import S
from kiosk.sdnotify import Notifier

log = logging.getLogger(__name__)


def _headless() -> bool:
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    return driver in ("dummy", "offscreen") or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


async def _serve_touch_controls(run_dir: Path, screens: Any, kiosk: Any) -> Any:
    """`kiosk tap WIDGET` and `kiosk screen` from a terminal: touches for a headless kiosk."""
    from kiosk.presenter import view_as_dict
    from simulators.control import ControlServer

    def tap(widget: str) -> dict[str, Any]:
        """Touch the centre of a widget, as a finger would."""
        intent = screens.tap(widget)
        return {"intent": None if intent is None else intent.name}

    def screen() -> dict[str, Any]:
        """The view on screen now (resident numbers only masked) and the widgets one can tap."""
        return {"view": view_as_dict(kiosk.view), "widgets": screens.widgets(), "state": kiosk.state}

    server = ControlServer({"tap": tap, "screen": screen})
    await server.start(run_dir / "kiosk.sock")
    return server


async def run_live(*, config_files: list[Path], hardware: bool, until_ready: bool = False) -> int:
    from kiosk.simulated import SimulatedBooth
    from screens.runner import ScreenRunner

    run_dir = Path(os.environ.get("KIOSK_RUN_DIR", "run"))
    booth: SimulatedBooth | None = None
    overrides: dict[str, Any] = {}
    simulators_seconds = 0.0
    if not hardware:
        booth = SimulatedBooth(run_dir, serve_controls=True)
        started = time.perf_counter()
        overrides = await booth.start()
        simulators_seconds = time.perf_counter() - started
        overrides["journal"] = {"path": str(run_dir / "journal.sqlite3")}
    try:
        config = load_config(CONFIG_DIR / "kiosk.toml", *config_files, overrides=overrides)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        if booth is not None:
            await booth.stop()
        return 2

    headless = _headless()
    if headless and "SDL_VIDEODRIVER" not in os.environ:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    app = KioskApp(config, clock=MonotonicClock())
    screens = ScreenRunner((config.ui.width, config.ui.height), headless=headless, on_intent=app.intent)
    app._show = screens.show
    notifier = Notifier()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    screen_task = asyncio.create_task(screens.run(), name="screens")
    try:
        kiosk = await app.start()
    except JournalCorrupt as exc:
        # Refuse loudly rather than guess at money and documents: a technician must look.
        print(f"kiosk: OUT OF SERVICE: the journal is corrupt and was not opened: {exc}", file=sys.stderr)
        notifier.status(f"out of service: journal corrupt: {exc}")
        screen_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await screen_task
        screens.close()
        if booth is not None:
            await booth.stop()
        return 3
    touch = await _serve_touch_controls(run_dir, screens, kiosk)
    watchdog = Notifier.watchdog_interval()

    async def report() -> None:
        announced = False
        while True:
            if not announced and kiosk.state in (S.IDLE, S.OUT_OF_SERVICE):
                announced = True
                notifier.ready(f"{kiosk.state}")
                if booth is not None:
                    print(f"kiosk ready ({kiosk.state}); drive the simulators with: kiosk sim <name> help "
                          f"(simulators started in {simulators_seconds:.3f} s)", flush=True)
                if until_ready:
                    stop.set()
            if watchdog is not None:
                notifier.watchdog()
            if announced:
                await asyncio.sleep(watchdog or 3600.0)
            else:  # until ready, wake on every published view (the idle screen is one)
                kiosk.published.changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(kiosk.published.changed.wait(), watchdog or 1.0)

    reporter = asyncio.create_task(report(), name="sd-notify")
    try:
        await stop.wait()
    finally:
        reporter.cancel()
        screen_task.cancel()
        for task in (reporter, screen_task):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await touch.close()
        await app.stop()
        screens.close()
        if booth is not None:
            await booth.stop()
    return 0
