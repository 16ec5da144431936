"""The scenario runner: a scripted resident session against a fresh simulated kiosk.

``kiosk scenario FILE.toml`` builds a booth of simulators, a kiosk on a virtual clock and headless
screens, plays the steps, and exits non-zero naming the first step that did not hold. `make demo`
runs one such file; the tests run the others. The step vocabulary is in docs/scenarios.md.

Steps act the way people do: a tap goes through the screen's hit-test of the named widget, a coin
goes into the ccTalk simulator, a finger onto the sensor simulator. Only time is virtual.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import functools
import itertools
import logging
import shutil
import sqlite3
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from common.clock import VirtualClock
from common.keypad_keys import VOICE_KEYS, Key
from common.languages import LANGUAGES
from common.status import DeviceState
from drivers.speech import RecordingOutput
from kiosk.booth.app import KioskApp
from kiosk.booth.simulated import Booth, SimulatedBooth
from kiosk.config import ConfigError, KioskConfig
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.controller import Kiosk
from kiosk.journal import MONEY_IN, Journal
from kiosk.rig.books import check_books
from kiosk.rig.email_steps import EMAIL_STEPS, email_step
from kiosk.rig.feed_steps import FEED_STEPS, feed_step
from kiosk.rig.io_steps import IO_STEPS, io_step, scenario_clock_start, scenario_uses_io
from kiosk.rig.maintenance_steps import MAINTENANCE_STEPS, maintenance_step
from kiosk.rig.pickup_steps import PICKUP_STEPS, pickup_step
from kiosk.views import Intent, Utterance, View

log = logging.getLogger(__name__)

# Harness patience, in real seconds: how long an `expect_*` step waits for the kiosk to get there.
# Not a product timeout (those run on the virtual clock); a generous bound so a slow CI machine
# does not flake, while a real failure still ends the run quickly.
PATIENCE_SECONDS = 15.0
BOOT_PATIENCE_SECONDS = 60.0  # real seconds a kiosk may take to leave its boot screen before the patience starts
# The simulators that stand for powered devices in the booth: on `power_cut` each that has a
# `power_cycle` control comes back as from power-up (the issuance server is elsewhere, on other power).
POWERED_DEVICES = ("cctalk", "receipt_printer", "a4_printer", "fingerprint", "smartcard")


class PowerCut(BaseException):
    """Raised inside a kiosk whose power is gone, at its next journal write; BaseException so that no
    handler swallows it and nothing more is written."""


class CuttableJournal(Journal):
    """A journal whose power can be cut (`cut`): from then on every write raises PowerCut, as nothing
    more reaches the disk of a dead PC. The scenario runner and the crash harness both use it."""

    dead = False

    def cut(self) -> None:
        self.dead = True

    def _about_to_write(self, kind: str) -> None:
        if self.dead:
            raise PowerCut


def _quiet_about_dead_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """A dead kiosk's tasks end in PowerCut by design and nobody is left to await them: asyncio would
    log each as "Task exception was never retrieved" when it is collected. Every other report stands."""
    previous = loop.get_exception_handler()
    if getattr(previous, "ignores_power_cuts", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        _end_failing_transport(context)
        if isinstance(context.get("exception"), PowerCut):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.ignores_power_cuts = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


def _end_failing_transport(context: dict[str, Any]) -> None:
    """A transport whose own callback (a reader, a writer) raised is aborted, as asyncio's transports
    abort themselves: left as it is, a reader that fails before it reads stays readable and is called
    again at once, for ever, and the error is reported in a busy loop (a serial port above select()'s
    descriptor limit did that, see drivers/serial_transport.py). Reported once, then gone."""
    callback = getattr(context.get("handle"), "_callback", None)
    transport = getattr(callback, "__self__", None)
    if isinstance(transport, asyncio.Transport) and not transport.is_closing():
        with contextlib.suppress(Exception):
            transport.abort()


class ScenarioFailed(AssertionError):
    def __init__(self, index: int, step: dict[str, Any], why: str) -> None:
        self.index, self.step, self.why = index, step, why
        super().__init__(f"step {index} {_describe(step)}: {why}")


def _describe(step: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in step.items() if k != "note")


@dataclass
class ScenarioResult:
    name: str
    steps: int
    screens: list[str] = field(default_factory=list)
    snapshots: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    receipts: list[Path] = field(default_factory=list)
    journal_totals: dict[str, int] = field(default_factory=dict)
    elapsed_seconds: float = 0.0
    work_dir: Path | None = None  # kept only when asked (keep_work_dir=True)
    # Real time the kiosk took to answer each action (a tap, a coin) with the screen that follows it.
    reactions_ms: list[float] = field(default_factory=list)
    # Real time spent on the printing screen (the A4 job in ippeveprinter, the commit and the receipt)
    # and on the issuing screen (the server simulator rendering and signing the PDF).
    printing_ms: float = 0.0
    issuing_ms: float = 0.0
    # (screen, perf_counter) at each change of screen: the bench splits a run of several sessions with it.
    shown_at: list[tuple[str, float]] = field(default_factory=list)


class GlassClock:
    """The touch screen's own time in a scenario: the kiosk's virtual clock plus the moments a scripted
    finger spends reading a new screen or holding a touch. Kept apart from the kiosk's clock so that a
    tap never moves the clock the devices' reply deadlines run on: a half-second jump there times out
    a ccTalk poll in flight, and the hopper looks silent for a moment (no change offered)."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._finger_seconds = 0.0

    def now(self) -> float:
        return self._clock.monotonic() + self._finger_seconds

    def advance(self, seconds: float) -> None:
        self._finger_seconds += max(0.0, seconds)


class ScreenHarness:
    """Headless screens for a scenario: every view is drawn, and a new screen is saved as a PNG."""

    def __init__(self, config: KioskConfig, on_intent: Callable[[Intent], None], snapshot_dir: Path | None,
                 clock_monotonic: Callable[[], float] | None = None,
                 on_speech: Callable[[Utterance], None] | None = None) -> None:
        from screens.runner import ScreenRunner  # the screens' public runner: pygame stays inside screens/

        # The screens' touch guard runs on the scenario's glass clock (the virtual clock and the finger's time).
        self.runner = ScreenRunner((config.ui.width, config.ui.height), headless=True, on_intent=on_intent,
                                   clock_monotonic=clock_monotonic, on_speech=on_speech,
                                   ui=asdict(config.ui))
        self.snapshot_dir = snapshot_dir
        self.snapshots: list[Path] = []
        self.screens: list[str] = []
        self._last_key: tuple[str, str | None, str] | None = None
        self.shown_at: list[tuple[str, float]] = []  # (screen, perf_counter) at each change of screen
        self.drawn_at = 0.0  # perf_counter when the newest frame was drawn
        # The latest frames, (perf_counter, view): a reaction ends at the first frame that shows the answer.
        self.frames: collections.deque[tuple[float, View]] = collections.deque(maxlen=64)

    def drawn_text(self, view: View) -> str:
        """Every string the screen draws for `view` (labels, buttons, sentences), one per drawn line,
        in drawing order: what `expect_text` reads. Drawn afresh, so it is the text a resident sees."""
        with self.runner.theme.recording() as drawn:
            self.runner.render(view)
        return "\n".join(drawn.texts)

    def show(self, view: View) -> None:
        # Drawn at once, as the booth's screen loop draws every view: what a frame says (voice
        # guidance) comes from drawing it, and a resident with an earphone hears every screen.
        self.runner.render(view)
        self.drawn_at = time.perf_counter()
        self.frames.append((self.drawn_at, view))
        key = (view.screen, view.prompt, str(view.data_fields().get("guidance", view.data_fields().get("outcome", ""))))
        if key == self._last_key:
            return
        self._last_key = key
        self.shown_at.append((view.screen, time.perf_counter()))
        self.screens.append(view.screen if view.prompt is None else f"{view.screen}+{view.prompt}")
        if self.snapshot_dir is not None:
            label = self.screens[-1].replace("+", "-")
            extra = key[2]
            path = self.snapshot_dir / f"{len(self.snapshots) + 1:02d}-{label}{'-' + extra if extra else ''}.png"
            self.runner.render(view)
            self.runner.snapshot(path)
            self.snapshots.append(path)


class ScenarioRun:
    """One scenario's world: the booth, the clock, the kiosk and its screens."""

    def __init__(self, work_dir: Path, snapshot_dir: Path | None, settings: dict[str, Any],
                 booth: Booth | None = None, clock: VirtualClock | None = None) -> None:
        self.work_dir = work_dir
        self.snapshot_dir = snapshot_dir
        self.settings = settings
        # The soak bench passes a clock that runs in real time; a scenario may start on a given day and hour.
        self.clock = clock or VirtualClock(scenario_clock_start(settings))
        self.glass = GlassClock(self.clock)
        # The booth is built here unless another process runs it (the kill -9 crash harness does, so
        # the devices outlive the kiosk it kills).
        self.booth: Booth = booth or SimulatedBooth(
            work_dir, fingerprint_protocol=settings.get("fingerprint_protocol", "zfm"), fast_poll=True,
            card=scenario_uses_card(settings), clock=self.clock, io_module=scenario_uses_io(settings))
        self.shutdowns: list[str] = []  # the shutdowns the booth asked for (on battery), by reason
        self.app: KioskApp | None = None
        self.screens: ScreenHarness | None = None
        self.config: KioskConfig | None = None
        self.journal_factory: Callable[[Path], Journal] = CuttableJournal  # the crash harness swaps in its own
        self.on_view: Callable[[View], None] | None = None  # a harness watching every view shown
        # The booth's sound: every utterance recorded (out/<scenario>/voice/ with --out), played at once.
        self.voice_output = RecordingOutput((snapshot_dir or work_dir) / "voice")
        self.said_mark = 0  # utterances before this one were matched by an earlier expect_said
        self.touched_at: float | None = None  # perf_counter of the scripted hand's latest tap or coin in a step

    @property
    def kiosk(self) -> Kiosk:
        assert self.app is not None and self.app.kiosk is not None
        return self.app.kiosk

    async def start(self) -> None:
        _quiet_about_dead_tasks(asyncio.get_running_loop())  # and no transport's failing callback spins the loop
        overrides = await self.booth.start()
        overrides.setdefault("journal", {})["path"] = str(self.work_dir / "journal.sqlite3")
        self.config = load_config(CONFIG_DIR / "kiosk.toml", overrides=overrides,
                                  layers=[("the scenario's [config]", self.settings.get("config", {}))])
        await self._start_kiosk()

    async def _start_kiosk(self) -> None:
        assert self.config is not None
        app = KioskApp(self.config, clock=self.clock, journal_factory=self.journal_factory, audio=self.voice_output,
                       on_shutdown=self.shutdowns.append)
        self.screens = ScreenHarness(self.config, app.intent, self.snapshot_dir, self.glass.now, on_speech=app.speak)
        app._show = self._show
        app.keypad_dispatch.connect(screens=self.screens.runner)
        self.app = app
        await app.start()

    def _show(self, view: View) -> None:
        assert self.screens is not None
        self.screens.show(view)
        if self.on_view is not None:
            self.on_view(view)

    async def power_cut(self, *, devices: bool = False) -> None:
        """Drop the kiosk without letting it write anything more. Its serial ports and sockets close as
        a dying process's would (the OS closes them), so the next kiosk can open them. With `devices`
        the whole booth loses power at the same instant: the journal takes no more writes, the dead
        kiosk's ports close (its drivers say nothing more to the devices), every simulated device
        comes back as from power-up (`power_cycle`), and only then are the kiosk's tasks dropped:
        whatever they still try meets a dead journal and closed ports."""
        app = self.app
        if app is None:
            return
        _quiet_about_dead_tasks(asyncio.get_running_loop())
        journal = app.journal
        if isinstance(journal, CuttableJournal):
            journal.cut()
        if devices:
            for device in app._devices:
                with contextlib.suppress(BaseException):
                    await device.close()
            await self.power_cycle_devices()
        with contextlib.suppress(BaseException):
            await app.stop()
        for device in app._devices:
            with contextlib.suppress(BaseException):
                await device.close()

    async def power_cycle_devices(self) -> None:
        for name in POWERED_DEVICES:
            try:
                await self.booth.control(name, "power_cycle")
            except Exception as exc:  # not in this booth, or a device with nothing to lose
                log.debug("power cycle of %s: %s", name, exc)

    async def restart(self) -> None:
        """`kill_restart`: a polite stop (the kiosk's tasks cancelled, its devices closed, the journal closed),
        then a new kiosk boots on the same journal and devices. A death with no cleanup is `power_cut`."""
        assert self.app is not None
        await self.app.stop()
        await self._start_kiosk()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
        await self.booth.stop()

    # ------------------------------------------------------------------ waiting

    async def until(self, predicate: Callable[[], bool], what: str | Callable[[], str]) -> None:
        """Poll `predicate` until it holds or patience runs out; `what` (or what it returns when the
        wait failed, so the FAIL line tells the state at the end, not at the start) says what did not."""
        started = time.monotonic()
        deadline = started + PATIENCE_SECONDS
        while not predicate():
            now = time.monotonic()
            if self.kiosk.view.screen == "boot" and now - started < BOOT_PATIENCE_SECONDS:
                # How long a kiosk takes to start (self-tests, the voices' check) is the machine's load,
                # not what a step asks: the patience starts once it is up.
                deadline = now + PATIENCE_SECONDS
            elif now > deadline:
                raise AssertionError(f"{what() if callable(what) else what} (now on {self._where()})")
            await asyncio.sleep(0.005)

    def _where(self) -> str:
        view = self.kiosk.view
        prompt = f" with prompt {view.prompt}" if view.prompt else ""
        data = {k: v for k, v in view.data_fields().items() if k in ("guidance", "outcome", "reason", "message", "paid",
                                                            "closed_reason", "status", "error", "hint")}
        return f"screen {view.screen!r}{prompt} {data}"


def scenario_uses_card(settings: dict[str, Any]) -> bool:
    return bool(settings.get("config", {}).get("card", {}).get("enabled", False))


def _on_screen(screens: ScreenHarness, widget: str) -> bool:
    return widget in screens.runner.widgets()


def _credited_since(kiosk: Kiosk, seq: int, amount: int) -> bool:
    """`amount` was credited after journal row `seq`: read from the rows since then, not the whole
    journal (a soak's journal holds months of sessions, and the coin step asks every turn of the loop)."""
    return sum(e.amount for e in kiosk.journal.entries_since(seq, MONEY_IN)) >= amount


def _subset(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    return [f"{k}: expected {v!r}, got {actual.get(k)!r}" for k, v in expected.items() if actual.get(k) != v]


async def _step(run: ScenarioRun, step: dict[str, Any]) -> None:
    kiosk = run.kiosk
    screens = run.screens
    assert screens is not None
    if "expect_screen" in step:
        want = step["expect_screen"]
        await run.until(lambda: run.kiosk.view.screen == want, f"screen {want!r} never came")
        if "data" in step:
            await run.until(lambda: not _subset(step["data"], run.kiosk.view.data_fields()),
                            "; ".join(_subset(step["data"], run.kiosk.view.data_fields())))
    elif "expect_data" in step:
        await run.until(lambda: not _subset(step["expect_data"], run.kiosk.view.data_fields()),
                        "; ".join(_subset(step["expect_data"], run.kiosk.view.data_fields())) or "data differs")
    elif "expect_prompt" in step:
        want = step["expect_prompt"] or None
        await run.until(lambda: run.kiosk.view.prompt == want, f"prompt {want!r} never came")
    elif "expect_notice" in step:
        await run.until(lambda: step["expect_notice"] in run.kiosk.view.notices,
                        f"notice {step['expect_notice']!r} not shown (notices {run.kiosk.view.notices})")
    elif "tap" in step:
        widget = step["tap"]
        await run.until(lambda: widget in screens.runner.widgets(), f"widget {widget!r} not on screen")
        _read_first(run)
        run.touched_at = time.perf_counter()
        screens.runner.tap(widget)
        await asyncio.sleep(0.01)
    elif "keys" in step:
        for char in str(step["keys"]):
            key = "key:dash" if char == "-" else f"key:{char}"
            await run.until(functools.partial(_on_screen, screens, key), f"{key} not on screen")
            _read_first(run)
            run.touched_at = time.perf_counter()
            screens.runner.tap(key)
            await asyncio.sleep(0.002)
    elif any(word in step for word in TOUCH_STEPS):
        await _touch_step(run, step)
    elif any(word in step for word in KEYPAD_STEPS):
        await _keypad_step(run, step)
    elif "place_finger" in step:
        finger = step["place_finger"]
        await run.booth.control("fingerprint", "place_finger", resident=int(finger.get("resident", 0)),
                                finger=int(finger.get("finger", 1)))
    elif "place_unknown_finger" in step:
        await run.booth.control("fingerprint", "place_unknown")
    elif "lift_finger" in step:
        await run.booth.control("fingerprint", "lift")
    elif "insert_coin" in step:
        coins = step["insert_coin"]
        for value in coins if isinstance(coins, list) else [coins]:
            await run.until(lambda: run.kiosk.view.data_fields().get("accepting") is True,
                            "the acceptors were never enabled")
            before = kiosk.journal.last_seq()
            # The resident waits from the last coin's drop, as from a last key: the coins before it
            # were credited while their hand was still busy.
            run.touched_at = time.perf_counter()
            await run.booth.control("cctalk", "insert_coin", value=int(value))
            # One coin at a time, as a hand does: the next drops after this one was counted.
            await run.until(functools.partial(_credited_since, kiosk, before, int(value)),
                            f"coin of {value} won never credited")
    elif "insert_bill" in step:
        await run.until(lambda: run.kiosk.view.data_fields().get("accepting") is True,
                        "the acceptors were never enabled")
        await run.booth.control("cctalk", "insert_bill", value=int(step["insert_bill"]))
    elif "insert_foreign_coin" in step:
        await run.booth.control("cctalk", "insert_foreign_coin")
    elif "expect_filled" in step:
        names = list(step["expect_filled"])
        await run.until(lambda: all(run.kiosk.view.data_fields().get(n) for n in names),
                        f"{names} not all filled in: {[run.kiosk.view.data_fields().get(n) for n in names]}")
    elif "insert_card" in step:
        await run.booth.control("smartcard", "insert")
    elif "remove_card" in step:
        await run.booth.control("smartcard", "remove")
    elif "expect_sim" in step:
        await _expect_sim(run, dict(step["expect_sim"]))
    elif "expect_text" in step:
        await _expect_text(run, step["expect_text"])
    elif "expect_receipt_text" in step:
        await _expect_receipt_text(run, step["expect_receipt_text"])
    elif "sim" in step:
        spec = step["sim"]
        await run.booth.control(spec["simulator"], spec["command"], **spec.get("args", {}))
    elif "fault" in step:
        spec = step["fault"]
        await run.booth.control(spec["simulator"], spec["command"], **spec.get("args", {}))
    elif "server_fault" in step:
        await _server_fault(run, dict(step["server_fault"]))
    elif "advance" in step:
        await run.clock.advance(float(step["advance"]))
    elif "kill_restart" in step:
        await run.restart()
    elif "power_cut" in step:
        await run.power_cut(devices=True)
        await run._start_kiosk()
    elif "expect_books" in step:
        await _expect_books(run)
    elif "expect_any" in step:
        await _expect_any(run, list(step["expect_any"]))
    elif "expect_printed" in step:
        want = step["expect_printed"]
        if "documents" in want:
            await run.until(lambda: len(run.booth.printed_documents()) == want["documents"],
                            f"documents printed: expected {want['documents']}, "
                            f"got {len(run.booth.printed_documents())}")
        if "receipts" in want:
            await run.until(lambda: len(run.booth.receipts()) == want["receipts"],
                            f"receipts printed: expected {want['receipts']}, got {len(run.booth.receipts())}")
    elif "expect_journal" in step:
        want = step["expect_journal"]
        await run.until(lambda: not _subset(want, kiosk.journal.totals()),
                        "journal: " + "; ".join(_subset(want, kiosk.journal.totals())))
    elif "expect_device" in step:
        want = dict(step["expect_device"])
        device = want.pop("device")

        def device_matches() -> bool:
            status = run.kiosk.statuses.get(device)
            if status is None:
                return False
            actual = {"state": status.state.value, "reason": status.reason,
                      **{k: v.value for k, v in status.supplies.items()}}
            return not _subset(want, actual)

        await run.until(device_matches, f"device {device} never reached {want}: {run.kiosk.statuses.get(device)}")
    elif "intent" in step:
        spec = step["intent"]
        await kiosk.handle_intent(Intent(spec["name"], dict(spec.get("args", {}))))
    elif "wait" in step:
        await _wait(run, step["wait"])
    elif "inject_bug" in step:
        _inject_bug(run.kiosk, step["inject_bug"])
    elif any(word in step for word in VOICE_STEPS):
        await _voice_step(run, step)
    elif any(word in step for word in MAINTENANCE_STEPS):
        await maintenance_step(run, step)
    elif any(word in step for word in FEED_STEPS):
        await feed_step(run, step)
    elif any(word in step for word in IO_STEPS):
        await io_step(run, step)
    elif any(word in step for word in PICKUP_STEPS):  # issue 17
        await pickup_step(run, step)
    elif any(word in step for word in EMAIL_STEPS):  # issue 17: the e-mail keyboard
        await email_step(run, step)
    else:
        raise ValueError(f"unknown step word in {sorted(step)}; see docs/scenarios.md")


# --- voice guidance: the earphone jack, the voice keys, and what was heard ------------------------
VOICE_STEPS = ("earphone", "voice_key", "expect_said", "expect_voice")


async def _voice_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    """`earphone = true/false`: the jack; `voice_key = "volume_up"`: a voice key of the keypad;
    `expect_said = "..."` (or a list): each of these phrases was spoken (whitespace ignored) since the
    previous expect_said; `expect_voice = { device = "earphone", volume_db = -15 }`: the newest utterance
    was heard so (any of device, volume_db, rate_wpm, language, kind)."""
    app, played = run.app, run.voice_output.played
    assert app is not None
    if "earphone" in step:
        app.earphone(bool(step["earphone"]))
    elif "voice_key" in step:
        key = Key(str(step["voice_key"]))
        if key not in VOICE_KEYS:
            raise ValueError(f"voice_key {key!r} is not a voice key ({', '.join(sorted(VOICE_KEYS))})")
        app.voice_key(key)
    elif "expect_said" in step:
        want = step["expect_said"]
        wanted = [want] if isinstance(want, str) else list(want)
        found = [0]

        def said() -> bool:
            texts = [_squeezed(p.about.text) for p in played[run.said_mark:]]
            hits = [next((i for i, text in enumerate(texts) if _squeezed(w) in text), None) for w in wanted]
            if any(hit is None for hit in hits):
                return False
            found[0] = run.said_mark + max(hit for hit in hits if hit is not None) + 1
            return True

        await run.until(said, lambda: f"{wanted!r} not said; since the last expect_said the booth said "
                                      f"{[p.about.text for p in played[run.said_mark:]]!r}")
        run.said_mark = found[0]
    else:
        want = dict(step["expect_voice"])

        def last_heard() -> dict[str, Any]:
            return dataclasses.asdict(played[-1].about) if played else {}

        await run.until(lambda: bool(played) and not _subset(want, last_heard()),
                        lambda: "voice: " + ("nothing said" if not played else "; ".join(_subset(want, last_heard()))))


# --- touches by coordinates and timing (the double-tap family) ---------------------------------
TOUCH_STEPS = ("touch", "double_tap", "expect_language", "expect_focus")
# Real seconds a double tap waits for the kiosk to answer its first touch with a new screen (a tap
# that changes nothing, e.g. on "+", waits this long and then touches the same screen again).
DOUBLE_TAP_ANSWER_SECONDS = 1.0


def _read_first(run: ScenarioRun) -> None:
    """A deliberate tap comes from a resident who has seen the screen: let its touch guard pass."""
    assert run.screens is not None
    run.glass.advance(run.screens.runner.guard_left())


async def _touch_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    """`touch = {x, y, hold}`: one finger at the current virtual instant; `double_tap = {widget, gap}`:
    two touches on the widget's centre, the second `gap` s after the first, landing on whatever the
    kiosk shows by then; `expect_language = "ko"`: the language the screens speak."""
    assert run.screens is not None
    runner = run.screens.runner
    if "expect_language" in step:
        want = step["expect_language"]
        await run.until(lambda: run.kiosk.view.language == want, f"language {want!r} never came")
    elif "expect_focus" in step:
        want = step["expect_focus"]
        await run.until(lambda: runner.focused == want, f"keypad focus never on {want!r} (on {runner.focused!r})")
    elif "touch" in step:
        spec = step["touch"]
        pos = (int(spec["x"]), int(spec["y"]))
        runner.touch_down(pos)
        run.glass.advance(float(spec.get("hold", 0.1)))
        runner.touch_up(pos)
        await asyncio.sleep(0.01)
    else:
        spec = step["double_tap"]
        widget = str(spec["widget"])
        await run.until(lambda: widget in runner.widgets(), f"widget {widget!r} not on screen")
        _read_first(run)
        pos = runner.widget(widget).rect.center
        before = runner.screen_shown
        hold, gap = float(spec.get("hold", 0.05)), float(spec.get("gap", 0.15))
        runner.touch_down(pos)
        run.glass.advance(hold)
        runner.touch_up(pos)
        # The kiosk answers a tap within milliseconds, well inside a double tap's gap: the second
        # touch lands on the next screen whenever there is one.
        deadline = time.monotonic() + DOUBLE_TAP_ANSWER_SECONDS
        while runner.screen_shown == before:
            if time.monotonic() > deadline:
                break  # the first touch changed nothing: the second lands on the same screen
            await asyncio.sleep(0.005)
        run.glass.advance(gap - hold)
        runner.touch_down(pos)
        run.glass.advance(hold)
        runner.touch_up(pos)
        await asyncio.sleep(0.01)


# --- the physical accessibility keypad (simulators/keypad: evdev records into a FIFO) ---------------
KEYPAD_STEPS = ("press", "type_keys", "plug_earphone", "unplug_keypad", "plug_keypad")
# Virtual seconds `plug_keypad` moves the clock by at most, a step at a time, for the driver's
# reconnect backoff (capped at 30 s, common/backoff.py) to come round and reopen the node.
KEYPAD_RECONNECT_STEP_SECONDS = 0.5
KEYPAD_RECONNECT_MAX_SECONDS = 31.0


def _kiosk_settled(run: ScenarioRun) -> bool:
    """No intent of the screens in flight, no machine event running, no voice sink still busy."""
    app = run.app
    assert app is not None
    busy = any(t.get_name().startswith("event:") for t in run.kiosk._tasks if not t.done())
    return not busy and not any(not t.done() for t in app._pending) and not app.keypad_dispatch.busy


async def _press_key(run: ScenarioRun, key: str) -> None:
    """One key through the simulator's FIFO and the driver; returns once the kiosk has acted on it."""
    app = run.app
    assert app is not None
    dispatcher = app.keypad_dispatch
    before = dispatcher.handled
    _read_first(run)  # a resident who has heard the screen: OK, back and digits wait out its guard too
    await run.booth.control("keypad", "press", key=key)
    await run.until(lambda: dispatcher.handled > before,
                    lambda: f"key {key!r} never reached the kiosk (keypad {run.kiosk.statuses.get('keypad')})")
    await asyncio.sleep(0)
    await run.until(functools.partial(_kiosk_settled, run), f"the kiosk never settled after key {key!r}")


def _keypad_online(run: ScenarioRun) -> bool:
    status = run.kiosk.statuses.get("keypad")
    return status is not None and status.state is DeviceState.ONLINE


async def _keypad_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    """`press = "ok"` / `["down", "ok"]`, `type_keys = "900101"`, `plug_earphone = true|false`,
    `unplug_keypad = true`, `plug_keypad = true` (docs/scenarios.md)."""
    if "press" in step:
        keys = step["press"]
        for key in keys if isinstance(keys, list) else [keys]:
            await _press_key(run, str(key))
    elif "type_keys" in step:
        digits = str(step["type_keys"])
        if not digits.isdigit():
            raise ValueError(f"type_keys takes digits only, got {digits!r}")
        for digit in digits:
            await _press_key(run, digit)
    elif "plug_earphone" in step:
        want = bool(step["plug_earphone"])
        app = run.app
        assert app is not None
        state = await run.booth.control("keypad", "state")
        if state["earphone"] != want:
            before = app.keypad_dispatch.handled
            await run.booth.control("keypad", "plug_earphone" if want else "unplug_earphone")
            await run.until(lambda: app.keypad_dispatch.handled > before, "the jack's change never reached the kiosk")
            await run.until(functools.partial(_kiosk_settled, run), "the kiosk never settled after the jack")
    elif "unplug_keypad" in step:
        await run.booth.control("keypad", "unplug")
        await run.until(lambda: not _keypad_online(run), "the kiosk never saw the keypad go")
    else:
        await run.booth.control("keypad", "replug")
        moved = 0.0
        while not _keypad_online(run) and moved < KEYPAD_RECONNECT_MAX_SECONDS:
            await run.clock.advance(KEYPAD_RECONNECT_STEP_SECONDS)
            moved += KEYPAD_RECONNECT_STEP_SECONDS
        await run.until(functools.partial(_keypad_online, run), "the kiosk never found the keypad again")


async def _server_fault(run: ScenarioRun, spec: dict[str, Any]) -> None:
    """`server_fault = { call = "confirm_delivery", lose_answer = true, count = 3 }`: the server simulator
    carries out the next `count` requests of that client call, then closes their connections unanswered
    (its `lose_answer_next` control): a fault on the wire, the driver sees a dropped connection."""
    if spec.get("lose_answer") is not True or not isinstance(spec.get("call"), str) or set(spec) - {
            "call", "lose_answer", "count"}:
        raise ValueError('server_fault takes { call = "NAME", lose_answer = true, count = N }')
    await run.booth.control("server", "lose_answer_next", call=spec["call"], count=int(spec.get("count", 1)))


async def _expect_books(run: ScenarioRun) -> None:
    """The books balance, whatever the outcome: per session and in total, money in = fees kept + change
    + refunds + vouchers, and the cash devices, card acquirer and issuance server agree with the
    journal (kiosk.rig.books.check_books). Waits like the other expectations: money may be moving."""

    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        problems = check_books(run.kiosk.journal, await run.booth.control("cctalk", "state"),
                               await run.booth.control("server", "stats"),
                               await run.booth.control("server", "payments"),
                               deliveries=await run.booth.control("server", "deliveries"))
        if not problems:
            return
        if time.monotonic() > deadline:
            raise AssertionError("books: " + "; ".join(problems))
        await asyncio.sleep(0.02)


async def _expect_any(run: ScenarioRun, alternatives: list[dict[str, Any]]) -> None:
    """Passes as soon as one of the alternative expectations holds (each waits as it would alone)."""
    if not alternatives or any(not any(k.startswith("expect_") for k in alt) for alt in alternatives):
        raise ValueError("expect_any takes a list of expectations ({ expect_... = ... })")
    tasks = [asyncio.ensure_future(_step(run, alt)) for alt in alternatives]
    reasons: list[str] = []
    try:
        for outcome in asyncio.as_completed(tasks):
            try:
                await outcome
                return
            except (AssertionError, ValueError, KeyError, RuntimeError, TimeoutError) as exc:
                reasons.append(str(exc) or type(exc).__name__)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    raise AssertionError("no alternative held: " + " | ".join(reasons))


# ---------------------------------------------------------------- expectations on simulators, text, time

_MISSING = object()
_NULL_WORDS = ("null", "none")


def _at_path(value: Any, path: str) -> tuple[Any, str]:
    """The value at a dotted `path` (list items by index), and "" or why the path leads nowhere.
    A last part `length` gives the length of the list (or map, or string) it follows."""
    parts = path.split(".") if path else []
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "the answer"
        if part == "length" and depth == len(parts) - 1 and isinstance(value, (list, dict, str)):
            return len(value), ""
        if isinstance(value, list):
            if not part.lstrip("-").isdigit():
                return _MISSING, f"{here} is a list of {len(value)}: {part!r} is not an index"
            if not -len(value) <= int(part) < len(value):
                return _MISSING, f"{here} is a list of {len(value)}: no item {part}"
            value = value[int(part)]
        elif isinstance(value, dict):
            if part not in value:
                return _MISSING, f"{here} has no {part!r} (keys: {', '.join(sorted(map(str, value)))})"
            value = value[part]
        else:
            return _MISSING, f"{here} is {value!r}, not a list or a map: no {part!r}"
    return value, ""


async def _expect_sim(run: ScenarioRun, spec: dict[str, Any]) -> None:
    """`expect_sim = { simulator, command = "state", path, value | null = true/false }`, polled until
    it holds or the harness's patience runs out; a path that leads nowhere is a FAIL line saying why."""
    simulator, command = spec.pop("simulator"), spec.pop("command", "state")
    path = str(spec.pop("path", ""))
    if ("value" in spec) == ("null" in spec):
        raise ValueError("expect_sim needs exactly one of `value` or `null`")
    want_null = bool(spec.pop("null")) if "null" in spec else None
    want = spec.pop("value", None)
    if spec:
        raise ValueError(f"expect_sim: unknown keys {sorted(spec)}")

    def holds(value: Any) -> bool:
        if want_null is not None:
            return (value is None) == want_null
        return bool(value == want)

    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        value, nowhere = _at_path(await run.booth.control(simulator, command), path)
        if not nowhere and holds(value):
            return
        if time.monotonic() > deadline:
            if nowhere:
                raise AssertionError(f"{simulator} {command}: no {path!r}: {nowhere}")
            expected = ("null" if want_null else "not null") if want_null is not None else repr(want)
            raise AssertionError(f"{simulator} {path}: expected {expected}, got {value!r}")
        await asyncio.sleep(0.01)


def _squeezed(text: str) -> str:
    """Text without its whitespace: a sentence wrapped over two lines still matches."""
    return "".join(text.split())


async def _expect_text(run: ScenarioRun, want: str | list[str]) -> None:
    """`expect_text = "..."` (or a list): the current screen draws these words (any line wrapping)."""
    screens = run.screens
    assert screens is not None
    wanted = [want] if isinstance(want, str) else list(want)
    seen = [""]

    def shown() -> bool:
        seen[0] = screens.drawn_text(run.kiosk.view)
        return all(_squeezed(w) in _squeezed(seen[0]) for w in wanted)

    await run.until(shown, lambda: f"text {wanted!r} not on screen; it shows {seen[0]!r}")


async def _expect_receipt_text(run: ScenarioRun, want: str | list[str]) -> None:
    """`expect_receipt_text = "..."` (or a list): the newest receipt the printer accepted says these
    words. Korean lines reach the printer as raster images, so the words are read from the receipt's
    content as the kiosk sent it (kiosk.issuing.Issuer.printed_receipts) and the printer simulator
    must have printed that many receipts; the simulator's own decoded text (control `receipt_texts`:
    numbers and codes printed in text mode) is searched too."""
    wanted = [want] if isinstance(want, str) else list(want)
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        sent = list(run.kiosk.issuer.printed_receipts)
        decoded = await run.booth.control("receipt_printer", "receipt_texts")
        printed = len(decoded) >= 1 and bool(sent)
        text = (sent[-1] + "\n" + decoded[-1]) if printed else ""
        if printed and all(_squeezed(w) in _squeezed(text) for w in wanted):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"receipt text {wanted!r} not printed; "
                                 + (f"the last receipt says {text!r}" if printed else "no receipt was printed"))
        await asyncio.sleep(0.01)


QUIET_SECONDS = 0.1  # real time with no new view and no event in flight: the kiosk has nothing to do


async def _wait(run: ScenarioRun, how: float | str) -> None:
    """`wait = "quiet"`: until the kiosk has settled down (no machine event in flight, nothing settling,
    no new view for a moment); `wait = SECONDS`: real seconds, at most the harness's patience, for a
    device simulator that works in real time. Product time is `advance`, never `wait`."""
    if how == "quiet":
        kiosk = run.kiosk
        last = [kiosk.published.views[-1].serial if kiosk.published.views else 0, time.monotonic()]

        def quiet() -> bool:
            serial = kiosk.published.views[-1].serial if kiosk.published.views else 0
            if serial != last[0]:
                last[:] = [serial, time.monotonic()]
            busy = any(t.get_name().startswith("event:") for t in kiosk._tasks if not t.done())
            settle = kiosk._state_tasks.get("settle")
            busy = busy or (settle is not None and not settle.done())
            if busy:
                last[1] = time.monotonic()
            return time.monotonic() - last[1] >= QUIET_SECONDS

        await run.until(quiet, "the kiosk never went quiet")
        return
    seconds = float(how)
    if not 0 <= seconds <= PATIENCE_SECONDS:
        raise ValueError(f"wait = {seconds}: real seconds from 0 to {PATIENCE_SECONDS} (use advance for product time)")
    await asyncio.sleep(seconds)


class InjectedBug(ZeroDivisionError):
    """The bug an `inject_bug` step plants in a kiosk callback (a division by zero, as a bad config
    value would cause), so a scenario can prove the failsafe path settles the session."""


def _inject_bug(kiosk: Kiosk, spec: str | dict[str, Any]) -> None:
    """Make a kiosk callback (`enter_issue`, or a dotted path such as `till.settle`) raise for its next
    `times` calls (default 1), then behave again. Test-only: the running kiosk is patched in memory."""
    if isinstance(spec, str):
        spec = {"callback": spec}
    path = str(spec["callback"]).split(".")
    owner: Any = kiosk
    for part in path[:-1]:
        owner = getattr(owner, part)
    name = path[-1]
    original = getattr(owner, name)  # AttributeError (a FAIL line) when the scenario names no callback
    left = [int(spec.get("times", 1))]

    @functools.wraps(original)
    async def buggy(*args: Any, **kwargs: Any) -> Any:
        if left[0] > 0:
            left[0] -= 1
            raise InjectedBug(f"injected bug in {'.'.join(path)}")
        return await original(*args, **kwargs)

    setattr(owner, name, buggy)


def load_scenario(path: Path) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = data.pop("step", [])
    if not isinstance(steps, list) or not steps:
        raise ValueError(f"{path}: no [[step]] entries")
    return str(data.get("name", path.stem)), data, steps


async def run_scenario(path: Path, *, out_dir: Path | None = None, keep_work_dir: bool = False,
                       keep_journal: Path | None = None, language: str | None = None) -> ScenarioResult:
    """Play one scenario file. `keep_journal`: copy the kiosk's journal there when the run ends (pass
    or fail), one self-contained SQLite file `kiosk journal --path` reads. `language`: the booth greets
    every resident in it first (the demo in each language), the others still offered."""
    name, settings, steps = load_scenario(path)
    if language is not None:
        if language not in LANGUAGES:
            raise ValueError(f"no language {language!r} (the booth has {', '.join(LANGUAGES)})")
        settings.setdefault("config", {}).setdefault("kiosk", {})["languages"] = [
            language, *(code for code in LANGUAGES if code != language)]
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-scenario-"))
    snapshot_dir = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("*.png"):
            old.unlink()
        shutil.rmtree(out_dir / "voice", ignore_errors=True)
        snapshot_dir = out_dir
    run = ScenarioRun(work_dir, snapshot_dir, settings)
    started = time.perf_counter()
    result = ScenarioResult(name=name, steps=len(steps), work_dir=work_dir if keep_work_dir else None)
    try:
        try:
            await run.start()
        except ConfigError as exc:  # a scenario's [config] a person wrote: one line, not a traceback
            raise ScenarioFailed(0, {"config": "[config]"}, f"configuration error: {exc}") from None
        acted_at: float | None = None
        for index, step in enumerate(steps, start=1):
            is_expectation = any(word.startswith("expect_") for word in step)
            if not is_expectation and acted_at is None:
                acted_at = time.perf_counter()
            try:
                await _step(run, step)
                if not is_expectation and acted_at is not None and run.touched_at is not None:
                    acted_at = max(acted_at, run.touched_at)  # the resident waits from their last touch
                run.touched_at = None
                if is_expectation and acted_at is not None:
                    # Until the frame that answered was drawn: the harness's own polling is not a wait
                    # the resident has (a frame drawn before the action means nothing new was needed).
                    assert run.screens is not None
                    answered = next((t for t, v in run.screens.frames if t >= acted_at and v == run.kiosk.view),
                                    run.screens.drawn_at)
                    result.reactions_ms.append(max(0.0, answered - acted_at) * 1000)
                    acted_at = None
            except ScenarioFailed:
                raise
            except (AssertionError, ValueError, KeyError, RuntimeError, TimeoutError, AttributeError) as exc:
                raise ScenarioFailed(index, step, str(exc) or type(exc).__name__) from exc
        result.elapsed_seconds = time.perf_counter() - started
        assert run.screens is not None
        result.screens = run.screens.screens
        result.printing_ms = _time_on(run.screens.shown_at, "printing")
        result.issuing_ms = _time_on(run.screens.shown_at, "issuing")
        result.shown_at = list(run.screens.shown_at)
        result.snapshots = run.screens.snapshots
        result.journal_totals = run.kiosk.journal.totals()
        result.documents = run.booth.printed_documents()
        result.receipts = run.booth.receipts()
        if out_dir is not None:
            result.documents = _copy_all(result.documents, out_dir, "document")
            result.receipts = _copy_all(result.receipts, out_dir, "receipt")
    finally:
        await run.stop()
        if keep_journal is not None:
            _copy_journal(work_dir / "journal.sqlite3", keep_journal)
        if not keep_work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
    return result


def _copy_journal(source: Path, target: Path) -> None:
    """The journal as one file (SQLite's online backup folds in its write-ahead log)."""
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def time_on(shown_at: list[tuple[str, float]], screen: str) -> float:
    """Milliseconds spent on `screen` (every visit) in a list of (screen, perf_counter) changes."""
    return _time_on(shown_at, screen)


def _time_on(shown_at: list[tuple[str, float]], screen: str) -> float:
    total = 0.0
    for (name, at), (_, until) in itertools.pairwise(shown_at):
        if name == screen:
            total += (until - at) * 1000
    return total


def _copy_all(paths: list[Path], out_dir: Path, stem: str) -> list[Path]:
    copied = []
    for index, path in enumerate(paths, start=1):
        target = out_dir / f"{stem}-{index}{path.suffix}"
        shutil.copyfile(path, target)
        copied.append(target)
    return copied
