"""`kiosk run`: the kiosk for a person, on the real clock.

With ``--hardware`` the devices come from the config files; otherwise a booth of simulators starts
first and `kiosk sim ...` drives it from another terminal. A window opens when a display is present
(mouse = touch); without one the screens render headless. Under systemd the loop reports READY=1
once the idle (or out-of-service) screen is up, keeps STATUS= to what the kiosk is doing, and pets
the watchdog from the loop itself. Its sockets, journal and site config are in the directories systemd
names in the environment (kiosk/booth/service_dirs.py); a checkout's run/ otherwise.

`--hardware` is production: the devices from the config, and no touch injection (`kiosk tap`): only
the read-only `kiosk screen` socket is served, to the technicians' group. `--simulators` is the same
production kiosk against a booth of simulators (a bench check of an installed booth, and the test
that runs the unit's command). With neither, the developer's kiosk: simulators, and `kiosk tap`.

A journal that fails SQLite's check (or that cannot be opened or written: a full disk) is refused,
not guessed at: the kiosk stays up out of service with the reason on its screen, in `kiosk screen`
and in systemd's STATUS, opens no money or paper device, and leaves the file as found for the
technician. Staying up is the point: exiting would have systemd restart it in a loop with a blank
screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.clock import MonotonicClock
from drivers.issuance_server import KeyFileExposed
from kiosk.booth.app import KioskApp
from kiosk.booth.run_lock import RunDirBusy, RunDirLock
from kiosk.booth.sdnotify import Notifier
from kiosk.booth.service_dirs import ServiceDirs, restrict_to_group
from kiosk.config import ConfigError, KioskConfig
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.journal import JournalCorrupt, JournalUnwritable
from kiosk.machine import S
from kiosk.presenter import out_of_service_view
from kiosk.views import View

if TYPE_CHECKING:
    from kiosk.booth.diag_socket import DiagServer
    from kiosk.booth.simulated import SimulatedBooth
    from kiosk.controller import Kiosk

# `kiosk run` exits with this, at once and touching nothing, when another kiosk runs in its run directory
# (or the directory cannot be used at all: read-only, not a directory).
EXIT_RUN_DIR_BUSY = 4

# `kiosk run` exits with this after it stopped cleanly on battery (kiosk/sensors.py). The unit's
# RestartPreventExitStatus keeps systemd from starting it again on the same failing battery, every
# RestartSec, until the battery dies mid-write. The booth comes back when the machine does (the UPS's
# shutdown powers it off; with the mains back its firmware powers it on) or when a technician starts
# the unit.
EXIT_ON_BATTERY = 5

# `kiosk run --until-ready` exits with this when the kiosk came up out of service because it refused
# its journal (corrupt, or cannot be opened or written), so a script that checks a booth is not
# told all is well.
EXIT_JOURNAL_REFUSED = 3

log = logging.getLogger(__name__)


def _headless() -> bool:
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    return driver in ("dummy", "offscreen") or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# `kiosk screen`: read-only, served in every mode. `kiosk tap`: touch injection, never in production.
STATUS_SOCKET = "status.sock"
TOUCH_SOCKET = "kiosk.sock"


class _Controls:
    """The kiosk's own control sockets, closed together."""

    def __init__(self, servers: list[Any]) -> None:
        self.servers = servers

    async def close(self) -> None:
        for server in self.servers:
            await server.close()


async def _serve_touch_controls(run_dir: Path, screens: Any, current: Callable[[], tuple[View, str]], *,
                                touch_injection: bool, group: str | None) -> _Controls:
    """`kiosk screen` (always) and `kiosk tap WIDGET` (not in production) from a terminal.

    `current` gives the view on screen and the state it belongs to. Once bound, every socket in the
    run directory (the simulators' too) is given to the technicians' `group`, 0660.
    """
    from common.control_socket import ControlServer
    from kiosk.presenter import view_as_dict

    def tap(widget: str) -> dict[str, Any]:
        """Touch the centre of a widget, as a finger would."""
        intent = screens.tap(widget)
        return {"intent": None if intent is None else intent.name}

    def screen() -> dict[str, Any]:
        """The view on screen now (resident numbers only masked) and the widgets one can tap."""
        view, state = current()
        return {"view": view_as_dict(view), "widgets": screens.widgets(), "state": state}

    status = ControlServer({"screen": screen})
    await status.start(run_dir / STATUS_SOCKET)
    servers = [status]
    if touch_injection:
        touch = ControlServer({"tap": tap, "screen": screen})
        await touch.start(run_dir / TOUCH_SOCKET)
        servers.append(touch)
    restrict_to_group(run_dir, group)
    return _Controls(servers)


async def _serve_diag(kiosk: Kiosk, run_dir: Path, screens: Any) -> DiagServer:
    """`kiosk diag` (root only, 0600): the workshop, the console's way into maintenance, support bundles.
    Its bundles take a PNG of the screen shown now."""
    from kiosk.booth.diag_socket import DIAG_SOCKET, DiagServer

    def screenshot() -> bytes | None:
        path = run_dir / "diag-screen.png"
        try:
            screens.snapshot(path)
            return path.read_bytes()
        except Exception as exc:  # a bundle without a PNG is still a bundle
            log.debug("no screenshot for the bundle: %s", exc)
            return None
        finally:
            path.unlink(missing_ok=True)

    diag = DiagServer(kiosk, screenshot=screenshot)
    await diag.start(run_dir / DIAG_SOCKET)
    return diag


def status_line(kiosk: Kiosk) -> str:
    """What systemd's STATUS= says: the state, and why when the kiosk is out of service."""
    if kiosk.state == S.OUT_OF_SERVICE:
        return f"out of service: {kiosk.out_of_service_reason}"
    if kiosk.state.startswith(S.SESSION):
        return "serving a resident"
    return str(kiosk.state)


async def run_live(*, config_files: list[Path], hardware: bool, until_ready: bool = False,
                   production: bool = False) -> int:
    """`kiosk run`, holding the run directory for as long as it runs (one kiosk per directory).

    `hardware` implies `production` (no touch injection)."""
    dirs = ServiceDirs.from_environment()
    run_dir = dirs.run
    if dirs.cache is not None:
        os.environ.setdefault("XDG_CACHE_HOME", str(dirs.cache))
    # First of all: nothing may be created, bound or recovered in a directory another kiosk serves.
    lock = RunDirLock(run_dir)
    try:
        lock.acquire()
    except RunDirBusy as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_RUN_DIR_BUSY
    except OSError as exc:
        print(f"kiosk: cannot use the run directory {run_dir}/ ({exc}); set KIOSK_RUN_DIR to a writable one",
              file=sys.stderr)
        return EXIT_RUN_DIR_BUSY
    try:
        return await _run_locked(dirs, config_files=[*dirs.site_config(), *config_files], hardware=hardware,
                                 until_ready=until_ready, production=production or hardware)
    finally:
        lock.release()


async def _run_locked(dirs: ServiceDirs, *, config_files: list[Path], hardware: bool, until_ready: bool,
                      production: bool) -> int:
    from screens.runner import ScreenRunner

    run_dir = dirs.run
    booth: SimulatedBooth | None = None
    overrides: dict[str, Any] = {}
    simulators_seconds = 0.0
    if not hardware:
        # Only here: the systemd path (--hardware) never imports a simulator (tests/test_import_rules.py).
        from kiosk.booth.simulated import SimulatedBooth

        booth = SimulatedBooth(run_dir, serve_controls=True, io_module=True)
        started = time.perf_counter()
        overrides = await booth.start()
        simulators_seconds = time.perf_counter() - started
    if booth is not None or dirs.state is not None:
        overrides["journal"] = {"path": str(dirs.journal_path())}
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
    # Voice: ALSA on a real booth; a booth of simulators records it (run/voice/) instead.
    app = KioskApp(config, clock=MonotonicClock(), audio=booth.voice_output() if booth is not None else None)
    screens = ScreenRunner((config.ui.width, config.ui.height), headless=headless, on_intent=app.intent,
                           on_speech=app.speak, ui=asdict(config.ui))
    app._show = screens.show
    app.keypad_dispatch.connect(screens=screens)
    stop = asyncio.Event()
    shutdowns: list[str] = []

    def shut_down(reason: str) -> None:  # on battery: stop cleanly (the UPS's own tools power off)
        shutdowns.append(reason)
        stop.set()

    app.on_shutdown = shut_down
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    screen_task = asyncio.create_task(screens.run(), name="screens")
    try:
        try:
            kiosk = await app.start()
        except (JournalCorrupt, JournalUnwritable) as exc:
            return await _refuse_journal(exc, app.clock.now().strftime("%H:%M"), config=config, screens=screens,
                                         dirs=dirs, production=production, stop=stop, until_ready=until_ready)
        except KeyFileExposed as exc:
            # Like a config error: nothing a restart can fix (the unit's RestartPreventExitStatus=2).
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
        announce = ""
        if booth is not None:
            announce = (f"drive the simulators with: kiosk sim <name> help "
                        f"(simulators started in {simulators_seconds:.3f} s)")
        await _serve(kiosk, screens=screens, dirs=dirs, production=production, stop=stop,
                     until_ready=until_ready, announce=announce)
        if shutdowns:
            log.critical("stopped on battery (%s): not to be restarted until the mains are back", shutdowns[0])
            return EXIT_ON_BATTERY
        return 0
    finally:
        screen_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await screen_task
        await app.stop()
        screens.close()
        if booth is not None:
            await booth.stop()


async def _serve(kiosk: Kiosk, *, screens: Any, dirs: ServiceDirs, production: bool, stop: asyncio.Event,
                 until_ready: bool, announce: str) -> None:
    """The kiosk at work until SIGTERM: touch controls, and systemd told READY, STATUS and WATCHDOG."""
    notifier = Notifier()
    touch = await _serve_touch_controls(dirs.run, screens, lambda: (kiosk.view, kiosk.state),
                                        touch_injection=not production, group=dirs.control_group)
    diag = await _serve_diag(kiosk, dirs.run, screens)
    watchdog = Notifier.watchdog_interval()

    async def report() -> None:
        told = ""  # the STATUS systemd last heard; "" until READY=1
        # Ends when `stop` is set, not only when cancelled: Python 3.11's wait_for swallows a cancel that
        # lands as the view it waits on changes, which is just what stopping on battery does (the view
        # turns to "on battery" as the stop comes), and the kiosk then hung on its way out.
        while not stop.is_set():
            line = status_line(kiosk)
            if not told and kiosk.state in (S.IDLE, S.OUT_OF_SERVICE):
                told = line
                notifier.ready(line)
                if announce:
                    print(f"kiosk ready ({kiosk.state}); {announce}", flush=True)
                if until_ready:
                    stop.set()
            elif told and line != told:
                told = line
                notifier.status(line)
            if watchdog is not None:
                notifier.watchdog()
            # Wake on every published view (a change of state is one), and at least every half watchdog.
            kiosk.published.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(kiosk.published.changed.wait(), watchdog or 3600.0)

    reporter = asyncio.create_task(report(), name="sd-notify")
    try:
        await stop.wait()
    finally:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reporter
        await diag.close()
        await touch.close()


async def _refuse_journal(exc: JournalCorrupt | JournalUnwritable, since: str, *, config: KioskConfig,
                          screens: Any, dirs: ServiceDirs, production: bool, stop: asyncio.Event,
                          until_ready: bool) -> int:
    """Out of service on a journal refused at start, until SIGTERM: on screen, over `kiosk screen`,
    and to systemd.

    No controller runs, so no money or paper device is opened (the acceptors stay inhibited, as
    they power up) and the journal file is not touched again. READY=1 and the watchdog keep
    systemd from restarting the kiosk in a loop; a technician saves and moves a corrupt file aside
    (or frees the disk) and restarts it. Returns 0 after SIGTERM, EXIT_JOURNAL_REFUSED at once with
    --until-ready.
    """
    if isinstance(exc, JournalCorrupt):
        reason, status = "journal-corrupt", "journal corrupt"
        log.critical("OUT OF SERVICE: the journal is corrupt and was not opened; the file was left as found: "
                     "%s. Save a copy for the city, move it aside and restart the kiosk", exc)
    else:
        reason, status = "journal-unwritable", "journal unwritable"
        log.critical("OUT OF SERVICE: the journal cannot be opened or written; the file was left as found: "
                     "%s. Free the disk or fix the storage, then restart the kiosk", exc)
    language = config.kiosk.languages[0] if config.kiosk.languages else "ko"
    view = out_of_service_view(reason, since=since, journal=config.journal.path, language=language)
    screens.show(view)
    touch = await _serve_touch_controls(dirs.run, screens, lambda: (view, S.OUT_OF_SERVICE),
                                        touch_injection=not production, group=dirs.control_group)
    notifier = Notifier()
    notifier.ready(f"out of service: {status}: {exc}")
    watchdog = Notifier.watchdog_interval()
    try:
        while not until_ready and not stop.is_set():
            if watchdog is not None:
                notifier.watchdog()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), watchdog)
    finally:
        await touch.close()
    return EXIT_JOURNAL_REFUSED if until_ready else 0
