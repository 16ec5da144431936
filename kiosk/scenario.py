"""The scenario runner: a scripted resident session against a fresh simulated kiosk.

``kiosk scenario FILE.toml`` builds a booth of simulators, a kiosk on a virtual clock and headless
screens, plays the steps, and exits non-zero naming the first step that did not hold. `make demo`
runs one such file; the tests run the others. The step vocabulary is in docs/scenarios.md.

Steps act the way people do: a tap goes through the screen's hit-test of the named widget, a coin
goes into the ccTalk simulator, a finger onto the sensor simulator. Only time is virtual.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.clock import VirtualClock
from kiosk.app import KioskApp
from kiosk.config import CONFIG_DIR, ConfigError, KioskConfig, load_config
from kiosk.controller import Kiosk
from kiosk.journal import Journal
from kiosk.simulated import Booth, SimulatedBooth
from kiosk.views import Intent, View

log = logging.getLogger(__name__)

# Harness patience, in real seconds: how long an `expect_*` step waits for the kiosk to get there.
# Not a product timeout (those run on the virtual clock); a generous bound so a slow CI machine
# does not flake, while a real failure still ends the run quickly.
PATIENCE_SECONDS = 15.0


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


class ScreenHarness:
    """Headless screens for a scenario: every view is drawn, and a new screen is saved as a PNG."""

    def __init__(self, config: KioskConfig, on_intent: Callable[[Intent], None], snapshot_dir: Path | None,
                 clock_monotonic: Callable[[], float] | None = None) -> None:
        from screens.runner import ScreenRunner  # pygame only here, never in the controller

        # The screens' touch guard runs on the scenario's virtual clock, like every other timeout.
        self.runner = ScreenRunner((config.ui.width, config.ui.height), headless=True, on_intent=on_intent,
                                   clock_monotonic=clock_monotonic)
        self.snapshot_dir = snapshot_dir
        self.snapshots: list[Path] = []
        self.screens: list[str] = []
        self._last_key: tuple[str, str | None, str] | None = None
        self.shown_at: list[tuple[str, float]] = []  # (screen, perf_counter) at each change of screen

    def show(self, view: View) -> None:
        self.runner.show(view)
        key = (view.screen, view.prompt, str(view.data.get("guidance", view.data.get("outcome", ""))))
        if key == self._last_key:
            return
        self._last_key = key
        self.shown_at.append((view.screen, time.perf_counter()))
        self.screens.append(view.screen if view.prompt is None else f"{view.screen}+{view.prompt}")
        if self.snapshot_dir is not None:
            label = self.screens[-1].replace("+", "-")
            extra = key[2]
            path = self.snapshot_dir / f"{len(self.snapshots) + 1:02d}-{label}{'-' + extra if extra else ''}.png"
            import pygame

            pygame.image.save(self.runner.render(view), str(path))
            self.snapshots.append(path)


class ScenarioRun:
    """One scenario's world: the booth, the clock, the kiosk and its screens."""

    def __init__(self, work_dir: Path, snapshot_dir: Path | None, settings: dict[str, Any],
                 booth: Booth | None = None, clock: VirtualClock | None = None) -> None:
        self.work_dir = work_dir
        self.snapshot_dir = snapshot_dir
        self.settings = settings
        self.clock = clock or VirtualClock()  # the soak bench passes one that runs in real time
        # The booth is built here unless another process runs it (the kill -9 crash harness does, so
        # the devices outlive the kiosk it kills).
        self.booth: Booth = booth or SimulatedBooth(
            work_dir, fingerprint_protocol=settings.get("fingerprint_protocol", "zfm"), fast_poll=True,
            card=scenario_uses_card(settings), clock=self.clock)
        self.app: KioskApp | None = None
        self.screens: ScreenHarness | None = None
        self.config: KioskConfig | None = None
        self.journal_factory: Callable[[Path], Journal] = Journal  # the crash harness swaps in its own
        self.on_view: Callable[[View], None] | None = None  # a harness watching every view shown

    @property
    def kiosk(self) -> Kiosk:
        assert self.app is not None and self.app.kiosk is not None
        return self.app.kiosk

    async def start(self) -> None:
        overrides = await self.booth.start()
        overrides.setdefault("journal", {})["path"] = str(self.work_dir / "journal.sqlite3")
        self.config = load_config(CONFIG_DIR / "kiosk.toml", overrides=overrides,
                                  layers=[("the scenario's [config]", self.settings.get("config", {}))])
        await self._start_kiosk()

    async def _start_kiosk(self) -> None:
        assert self.config is not None
        app = KioskApp(self.config, clock=self.clock, journal_factory=self.journal_factory)
        self.screens = ScreenHarness(self.config, app.intent, self.snapshot_dir, self.clock.monotonic)
        app._show = self._show
        self.app = app
        await app.start()

    def _show(self, view: View) -> None:
        assert self.screens is not None
        self.screens.show(view)
        if self.on_view is not None:
            self.on_view(view)

    async def power_cut(self) -> None:
        """Drop the kiosk without letting it write anything more. Its serial ports and sockets close as
        a dying process's would (the OS closes them), so the next kiosk can open them."""
        app = self.app
        if app is None:
            return
        with contextlib.suppress(BaseException):
            await app.stop()
        for device in app._devices:
            with contextlib.suppress(BaseException):
                await device.close()

    async def restart(self) -> None:
        """Power cut and watchdog restart: the kiosk dies mid-step, a new one boots on the same journal."""
        assert self.app is not None
        await self.app.stop()
        await self._start_kiosk()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
        await self.booth.stop()

    # ------------------------------------------------------------------ waiting

    async def until(self, predicate: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} (now on {self._where()})")
            await asyncio.sleep(0.005)

    def _where(self) -> str:
        view = self.kiosk.view
        prompt = f" with prompt {view.prompt}" if view.prompt else ""
        data = {k: v for k, v in view.data.items() if k in ("guidance", "outcome", "reason", "message", "paid",
                                                            "closed_reason", "status", "error", "hint")}
        return f"screen {view.screen!r}{prompt} {data}"


def scenario_uses_card(settings: dict[str, Any]) -> bool:
    return bool(settings.get("config", {}).get("card", {}).get("enabled", False))


def _on_screen(screens: ScreenHarness, widget: str) -> bool:
    return widget in screens.runner.widgets()


def _money_in_reached(kiosk: Kiosk, total: int) -> bool:
    return kiosk.journal.totals()["money_in"] >= total


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
            await run.until(lambda: not _subset(step["data"], run.kiosk.view.data),
                            "; ".join(_subset(step["data"], run.kiosk.view.data)))
    elif "expect_data" in step:
        await run.until(lambda: not _subset(step["expect_data"], run.kiosk.view.data),
                        "; ".join(_subset(step["expect_data"], run.kiosk.view.data)) or "data differs")
    elif "expect_prompt" in step:
        want = step["expect_prompt"] or None
        await run.until(lambda: run.kiosk.view.prompt == want, f"prompt {want!r} never came")
    elif "expect_notice" in step:
        await run.until(lambda: step["expect_notice"] in run.kiosk.view.notices,
                        f"notice {step['expect_notice']!r} not shown (notices {run.kiosk.view.notices})")
    elif "tap" in step:
        widget = step["tap"]
        await run.until(lambda: widget in screens.runner.widgets(), f"widget {widget!r} not on screen")
        await _read_first(run)
        screens.runner.tap(widget)
        await asyncio.sleep(0.01)
    elif "keys" in step:
        for char in str(step["keys"]):
            key = "key:dash" if char == "-" else f"key:{char}"
            await run.until(functools.partial(_on_screen, screens, key), f"{key} not on screen")
            await _read_first(run)
            screens.runner.tap(key)
            await asyncio.sleep(0.002)
    elif any(word in step for word in TOUCH_STEPS):
        await _touch_step(run, step)
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
            await run.until(lambda: run.kiosk.view.data.get("accepting") is True, "the acceptors were never enabled")
            before = kiosk.journal.totals()["money_in"]
            await run.booth.control("cctalk", "insert_coin", value=int(value))
            # One coin at a time, as a hand does: the next drops after this one was counted.
            await run.until(functools.partial(_money_in_reached, kiosk, before + int(value)),
                            f"coin of {value} won never credited")
    elif "insert_bill" in step:
        await run.until(lambda: run.kiosk.view.data.get("accepting") is True, "the acceptors were never enabled")
        await run.booth.control("cctalk", "insert_bill", value=int(step["insert_bill"]))
    elif "insert_foreign_coin" in step:
        await run.booth.control("cctalk", "insert_foreign_coin")
    elif "expect_filled" in step:
        names = list(step["expect_filled"])
        await run.until(lambda: all(run.kiosk.view.data.get(n) for n in names),
                        f"{names} not all filled in: {[run.kiosk.view.data.get(n) for n in names]}")
    elif "insert_card" in step:
        await run.booth.control("smartcard", "insert")
    elif "remove_card" in step:
        await run.booth.control("smartcard", "remove")
    elif "expect_sim" in step:
        spec = dict(step["expect_sim"])
        simulator, command = spec.pop("simulator"), spec.pop("command", "state")
        path, want = str(spec.pop("path")), spec.pop("value")
        seen: list[Any] = []

        async def sim_value() -> Any:
            value = await run.booth.control(simulator, command)
            for part in path.split("."):
                value = value[int(part)] if isinstance(value, list) else value[part]
            return value

        deadline = time.monotonic() + PATIENCE_SECONDS
        while (value := await sim_value()) != want:
            seen[:] = [value]
            if time.monotonic() > deadline:
                raise AssertionError(f"{simulator} {path}: expected {want!r}, got {seen[0]!r}")
            await asyncio.sleep(0.01)
    elif "sim" in step:
        spec = step["sim"]
        await run.booth.control(spec["simulator"], spec["command"], **spec.get("args", {}))
    elif "fault" in step:
        spec = step["fault"]
        await run.booth.control(spec["simulator"], spec["command"], **spec.get("args", {}))
    elif "advance" in step:
        await run.clock.advance(float(step["advance"]))
    elif "kill_restart" in step:
        await run.restart()
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
        await asyncio.sleep(float(step["wait"]))
    else:
        raise ValueError(f"unknown step word in {sorted(step)}; see docs/scenarios.md")


# --- touches by coordinates and timing (the double-tap family) ---------------------------------
TOUCH_STEPS = ("touch", "double_tap", "expect_language")
# Real seconds a double tap waits for the kiosk to answer its first touch with a new screen (a tap
# that changes nothing, e.g. on "+", waits this long and then touches the same screen again).
DOUBLE_TAP_ANSWER_SECONDS = 1.0


async def _read_first(run: ScenarioRun) -> None:
    """A deliberate tap comes from a resident who has seen the screen: let its touch guard pass."""
    assert run.screens is not None
    left = run.screens.runner.guard_left()
    if left > 0:
        await run.clock.advance(left)


async def _touch_step(run: ScenarioRun, step: dict[str, Any]) -> None:
    """`touch = {x, y, hold}`: one finger at the current virtual instant; `double_tap = {widget, gap}`:
    two touches on the widget's centre, the second `gap` s after the first, landing on whatever the
    kiosk shows by then; `expect_language = "ko"`: the language the screens speak."""
    assert run.screens is not None
    runner = run.screens.runner
    if "expect_language" in step:
        want = step["expect_language"]
        await run.until(lambda: run.kiosk.view.language == want, f"language {want!r} never came")
    elif "touch" in step:
        spec = step["touch"]
        pos = (int(spec["x"]), int(spec["y"]))
        runner.touch_down(pos)
        await run.clock.advance(float(spec.get("hold", 0.1)))
        runner.touch_up(pos)
        await asyncio.sleep(0.01)
    else:
        spec = step["double_tap"]
        widget = str(spec["widget"])
        await run.until(lambda: widget in runner.widgets(), f"widget {widget!r} not on screen")
        await _read_first(run)
        pos = runner.widget(widget).rect.center
        before = runner.screen_shown
        hold, gap = float(spec.get("hold", 0.05)), float(spec.get("gap", 0.15))
        runner.touch_down(pos)
        await run.clock.advance(hold)
        runner.touch_up(pos)
        # The kiosk answers a tap within milliseconds, well inside a double tap's gap: the second
        # touch lands on the next screen whenever there is one.
        deadline = time.monotonic() + DOUBLE_TAP_ANSWER_SECONDS
        while runner.screen_shown == before:
            if time.monotonic() > deadline:
                break  # the first touch changed nothing: the second lands on the same screen
            await asyncio.sleep(0.005)
        await run.clock.advance(max(0.0, gap - hold))
        runner.touch_down(pos)
        await run.clock.advance(hold)
        runner.touch_up(pos)
        await asyncio.sleep(0.01)


def load_scenario(path: Path) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = data.pop("step", [])
    if not isinstance(steps, list) or not steps:
        raise ValueError(f"{path}: no [[step]] entries")
    return str(data.get("name", path.stem)), data, steps


async def run_scenario(path: Path, *, out_dir: Path | None = None, keep_work_dir: bool = False) -> ScenarioResult:
    name, settings, steps = load_scenario(path)
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-scenario-"))
    snapshot_dir = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("*.png"):
            old.unlink()
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
                if is_expectation and acted_at is not None:
                    result.reactions_ms.append((time.perf_counter() - acted_at) * 1000)
                    acted_at = None
            except ScenarioFailed:
                raise
            except (AssertionError, ValueError, KeyError, RuntimeError, TimeoutError) as exc:
                raise ScenarioFailed(index, step, str(exc) or type(exc).__name__) from exc
        result.elapsed_seconds = time.perf_counter() - started
        assert run.screens is not None
        result.screens = run.screens.screens
        result.printing_ms = _time_on(run.screens.shown_at, "printing")
        result.issuing_ms = _time_on(run.screens.shown_at, "issuing")
        result.snapshots = run.screens.snapshots
        result.journal_totals = run.kiosk.journal.totals()
        result.documents = run.booth.printed_documents()
        result.receipts = run.booth.receipts()
        if out_dir is not None:
            result.documents = _copy_all(result.documents, out_dir, "document")
            result.receipts = _copy_all(result.receipts, out_dir, "receipt")
    finally:
        await run.stop()
        if not keep_work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
    return result


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
