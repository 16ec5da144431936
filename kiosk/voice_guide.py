"""Voice guidance: what the booth says, in which order, how loud, how fast, and where it is heard.

The screens compose what to say (`kiosk.views.Utterance`); this guide speaks it while voice is on for
the session (`AccessMode.voice`, or an earphone in the jack). A "screen" utterance interrupts whatever
is being said and is what `replay` repeats; "change" and "focus" utterances queue behind it. The
resident's keys (VOICE_KEYS) change volume in 5 dB steps over 50 dB and the rate in 20-word steps, each
change announced at once at the new setting (and then the interrupted sentence again, whole); `pause`
stops and holds what was being said until pressed again (or a new screen comes: the resident acted).

An earphone plugged in turns voice on and routes it to the earphone device (the speaker mutes: nothing
goes to the speaker while it is in). Pulled out, voice returns to the speaker if it was on before the
plug, and goes silent otherwise (a resident who pulls the earphone expects no loud voice). While the
earphone is in, voice stays on whatever the session's flag says. For each new resident (`View.resident`:
the controller's word that the next resident is a stranger) everything returns to the configured
defaults; back at idle from the first step, the same resident keeps their volume and rate.

Defence in depth for privacy: text holding a run of six or more digits, a resident-number or
card-number shape, or digits read one by one, is refused (and the refusal logged without the text).

The guide's own few words (its announcements: voice on, volume and speed levels) are in the message
catalogs with everything else a resident reads or hears (`voice.*` in common/messages.py).

The guide is a device like the printers ("voice", a `DeviceStatus` handed to `on_status`): a booth
whose speech engine, a language's voice or the sound output fails looks healthy on screen while a
blind resident hears silence, so the technician's board, the metrics and the heartbeat must say it.
It is `hardwareError` with a reason: `engine-missing` (no espeak-ng), `audio-failed:<route>` (the
speaker's or the earphone's ALSA device would not play), `voice-missing:<languages>` (no voice or
dictionary for them: probed at boot for every language the booth offers, so the first Vietnamese
resident is not the one who finds out), `speech-failed` (the engine crashed on an utterance); the
detail says it in a sentence for the log. A route or language that works again clears its own fault
(a working speaker does not clear a dead earphone). It never takes the booth out of service: the
screens still serve everyone who can read them, and they show the notice `voice-unavailable`
(kiosk/availability.py) while the technician is told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from common.clock import Clock
from common.keypad_keys import Key
from common.languages import LANGUAGES, lookup
from common.messages import MESSAGES
from common.status import DeviceState, DeviceStatus
from drivers.speech import (
    AudioFault,
    AudioOutput,
    EngineMissing,
    SpeechEngine,
    SpeechFault,
    Spoken,
    VoiceMissing,
    apply_gain,
    to_wav,
)
from kiosk.config import VoiceSection
from kiosk.config_rules import RATE_WPM_RANGE, VOLUME_DB_RANGE
from kiosk.views import Utterance, View

log = logging.getLogger(__name__)

SPEAKER, EARPHONE = "speaker", "earphone"
ANNOUNCE = "announce"  # the kind of the guide's own words ("voice on")
SETTING = "setting"  # the kind of a new volume or rate, said at once (a newer one replaces it)
DEVICE = "voice"  # the guide's name among the booth's devices (board, metrics, heartbeat)
# A short word per language, synthesized (not played) at boot to find a language with no voice.
_PROBE = {"ko": "안내", "en": "Hello", "zh": "你好", "vi": "Xin chào"}

# Shapes of personal numbers that must never reach a speaker (checked on NFKC text, so full-width digits count).
_UNSPEAKABLE = (
    ("a run of six or more digits", re.compile(r"\d{6,}")),
    ("a resident-number shape", re.compile(r"\d{6}\s*[-‐‑–]\s*[\d*]{7}")),
    ("a card-number shape", re.compile(r"\d{4}(?:[\s-]\d{4}){2}[\s-]\d{1,4}")),
    ("six or more digits read one by one", re.compile(r"(?<!\d)\d(?:[\s,.·-]{1,3}\d(?!\d)){5,}")),
)


def unspeakable(text: str) -> str | None:
    """Why `text` must not be spoken (it may hold a personal number), or None."""
    folded = unicodedata.normalize("NFKC", text)
    for why, pattern in _UNSPEAKABLE:
        if pattern.search(folded):
            return why
    return None


@dataclass(frozen=True)
class _Item:
    text: str
    language: str
    kind: str


def _steps(bounds: tuple[int, int, int]) -> list[int]:
    low, high, step = bounds
    return list(range(low, high + 1, step))


class VoiceGuide:
    """Speaks utterances through a `SpeechEngine` and an `AudioOutput`; `start()` it on the kiosk's loop.

    Calls from the booth: `say` (the screens' utterances), `keypad` (VOICE_KEYS), `earphone` (the jack),
    `follow` (every published view: the session's voice flag, its language, and idle's reset).
    `on_voice_change(on)` is told when the earphone turned voice on or off, so the controller can set
    the session's `AccessMode.voice` (longer time limits) to match. `on_activity()` is told of each
    volume, rate or replay key: the resident is here, as for a touch (their countdown and idle's reset of
    their choices start again; the controller's intent "voice_key"). `on_status` is told each new
    `status` (the guide as the device "voice"); `languages` are probed for a voice at `start()`.
    """

    VOLUME_STEPS_DB = _steps(VOLUME_DB_RANGE)
    RATE_STEPS_WPM = _steps(RATE_WPM_RANGE)

    def __init__(self, engine: SpeechEngine, audio: AudioOutput, clock: Clock, config: VoiceSection, *,
                 language: str = "ko", on_voice_change: Callable[[bool], None] | None = None,
                 on_status: Callable[[DeviceStatus], None] | None = None, languages: Sequence[str] = (),
                 on_activity: Callable[[], None] | None = None) -> None:
        self.engine, self.audio, self.clock, self.config = engine, audio, clock, config
        self.default_language = language
        self.on_voice_change = on_voice_change
        self.on_activity = on_activity
        self.volume_db = config.volume_db
        self.rate_wpm = config.rate_wpm
        self.language = language
        self.voice = False  # voice on for this session (the voice key, the access menu, or the earphone)
        self.plugged = False  # an earphone is in the jack
        self.paused = False
        self.fault: str | None = None  # the last engine or audio fault, for the technician
        self.on_status = on_status
        self.languages = tuple(languages)
        # What is broken now, each cleared by its own success: the engine, a language, a route, an utterance.
        self._engine_fault = ""
        self._voices_missing: dict[str, str] = {}  # language -> why
        self._routes_failed: dict[str, str] = {}  # "speaker" | "earphone" -> why
        self._speech_fault = ""
        self.status = DeviceStatus(DEVICE, DeviceState.ONLINE)
        self._probe: asyncio.Task[None] | None = None
        self.last_screen: _Item | None = None
        self._voice_before_plug = False
        self._resident: int | None = None  # View.resident of the last view followed
        self._queue: deque[_Item] = deque()
        self._current: _Item | None = None
        self._speaking: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._worker: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start speaking on the running loop; a missing engine is reported now, at boot, for the technician."""
        if self.config.enabled and (problem := self.engine.unavailable()):
            self._engine_fault = problem
            self._report(problem)
        elif self.config.enabled and self.languages and self._probe is None:
            self._probe = asyncio.get_running_loop().create_task(self._probe_voices(), name="voice-probe")
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="voice-guide")

    async def close(self) -> None:
        if self._probe is not None and not self._probe.done():
            self._probe.cancel()
            with contextlib.suppress(BaseException):
                await self._probe
        self._queue.clear()
        speaking = self._speaking
        self._cut(requeue=False)
        if speaking is not None and not speaking.done():
            speaking.cancel()
            # Until the engine's process is reaped and its pipes closed: nothing of it outlives the booth.
            with contextlib.suppress(BaseException):
                await speaking
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        with contextlib.suppress(Exception):
            await self.audio.stop()

    async def drained(self) -> None:
        """Wait until nothing is queued or being said (tests and the rig; on the caller's own patience)."""
        while (self._queue and self.on and not self.paused) or self._current is not None:
            self._quiet.clear()
            self._wake.set()
            await self._quiet.wait()

    # ------------------------------------------------------------------ state

    @property
    def on(self) -> bool:
        return self.config.enabled and self.voice

    @property
    def route(self) -> str:
        return EARPHONE if self.plugged else SPEAKER

    @property
    def device(self) -> str:
        """The ALSA device speech goes to now; "" is nowhere (no speaker configured)."""
        return self.config.earphone_device if self.plugged else self.config.speaker_device

    @property
    def volume_level(self) -> int:
        """1 (quietest, -50 dB) .. 11 (0 dB): what the resident hears announced."""
        return self.VOLUME_STEPS_DB.index(self.volume_db) + 1

    @property
    def rate_level(self) -> int:
        return self.RATE_STEPS_WPM.index(self.rate_wpm) + 1

    # ------------------------------------------------------------------ what the booth calls

    def say(self, utterance: Utterance) -> None:
        """Speak what the screens composed, while voice is on; a "screen" interrupts and is remembered."""
        why = unspeakable(utterance.text)
        if why:
            log.warning("voice: refused a %s utterance in %s: it holds %s (text not logged)",
                        utterance.kind, utterance.language, why)
            return
        if not utterance.text.strip():
            return
        item = _Item(utterance.text, utterance.language, utterance.kind)
        self.language = utterance.language
        if item.kind == "screen":
            self.last_screen = item  # kept while voice is off too: turning it on reads the screen
        if not self.on:
            return
        if item.kind == "screen":
            self.paused = False  # a new screen: the resident acted, and must hear where they are
            self._queue.clear()
            self._cut(requeue=False)
        self._queue.append(item)
        self._wake.set()

    def keypad(self, key: Key) -> None:
        """The voice keys: volume and rate +/- (announced at the new setting), replay, pause."""
        if key != Key.PAUSE and self.on_activity is not None:
            self.on_activity()  # the resident is here: what they set now is theirs until they leave
        if key in (Key.VOLUME_UP, Key.VOLUME_DOWN):
            self.volume_db = self._step(self.VOLUME_STEPS_DB, self.volume_db, key == Key.VOLUME_UP)
            self._announce(self._words("volume", level=self.volume_level, levels=len(self.VOLUME_STEPS_DB)))
        elif key in (Key.RATE_UP, Key.RATE_DOWN):
            self.rate_wpm = self._step(self.RATE_STEPS_WPM, self.rate_wpm, key == Key.RATE_UP)
            self._announce(self._words("rate", level=self.rate_level, levels=len(self.RATE_STEPS_WPM)))
        elif key == Key.REPLAY:
            self.paused = False
            if self.last_screen is not None and self.on:
                self._queue.clear()
                self._cut(requeue=False)
                self._queue.append(self.last_screen)
                self._wake.set()
        elif key == Key.PAUSE:
            if self.paused:
                self.paused = False
                self._wake.set()
            else:
                self.paused = True
                self._cut(requeue=True)  # held, said again whole on resume

    def earphone(self, plugged: bool) -> None:
        """The jack: plugged, voice on and heard only in the earphone; pulled, back to the speaker
        if voice was on before, otherwise silent."""
        if plugged == self.plugged:
            return
        self.plugged = plugged
        if plugged:
            self._voice_before_plug = self.voice
            self._queue.clear()
            self._cut(requeue=False)  # whatever the speaker was saying stops now
            self._turn_on()
            if self.on_voice_change is not None:
                self.on_voice_change(True)
            return
        if self._voice_before_plug:
            self._cut(requeue=True)  # the sentence again, on the speaker
            return
        self.voice = False
        self._queue.clear()
        self._cut(requeue=False)
        if self.on_voice_change is not None:
            self.on_voice_change(False)

    def set_enabled(self, on: bool) -> None:
        """Voice on or off for this session (AccessMode.voice); turned on, it says so and reads the screen."""
        if on == self.voice:
            return
        if on:
            self._turn_on()
        else:
            self.voice = False
            self.paused = False
            self._queue.clear()
            self._cut(requeue=False)

    def follow(self, view: View) -> None:
        """Every published view: its language, its voice flag (an earphone in keeps voice on), and a
        reset when the controller says a new resident comes (`View.resident` changed: idle after a
        session, or idle's own reset of choices nobody started with), not on every return to idle (back
        from the first step is the same resident, who keeps their volume and rate)."""
        if self._resident is not None and view.resident != self._resident:
            self.reset()
        self._resident = view.resident
        self.language = view.language
        self.set_enabled(view.access.voice or self.plugged)

    def reset(self) -> None:
        """A new resident, a stranger. Defaults back; voice stays on only with an earphone in."""
        self.volume_db = self.config.volume_db
        self.rate_wpm = self.config.rate_wpm
        self.language = self.default_language
        self.paused = False
        self.last_screen = None
        self._queue.clear()
        self._cut(requeue=False)
        self.voice = self.plugged
        self._voice_before_plug = False

    # ------------------------------------------------------------------ inside

    def _turn_on(self) -> None:
        self.voice = True
        self.paused = False
        if not self.config.enabled:
            return
        self._queue.append(_Item(self._words("voice_on"), self._speakable_language(), ANNOUNCE))
        if self.last_screen is not None:
            self._queue.append(self.last_screen)
        self._wake.set()

    def _speakable_language(self) -> str:
        return self.language if self.language in LANGUAGES else self.default_language

    def _words(self, key: str, **values: int) -> str:
        return lookup(self._speakable_language(), f"voice.{key}", MESSAGES[f"voice.{key}"]).format(**values)

    @staticmethod
    def _step(steps: list[int], now: int, up: bool) -> int:
        index = steps.index(now) if now in steps else 0
        return steps[max(0, min(len(steps) - 1, index + (1 if up else -1)))]

    def _announce(self, text: str) -> None:
        """A setting's new value, said at once at that setting; an interrupted sentence follows, whole."""
        if not self.on:
            return
        self.paused = False
        current = self._current
        self._queue = deque(item for item in self._queue if item.kind != SETTING)
        self._cut(requeue=current is not None and current.kind != SETTING)
        self._queue.appendleft(_Item(text, self._speakable_language(), SETTING))
        self._wake.set()

    def _cut(self, *, requeue: bool) -> None:
        """Stop what is being said now; with `requeue` it is said again (whole) next."""
        current, task = self._current, self._speaking
        if current is None or task is None or task.done():
            return
        if requeue:
            self._queue.appendleft(current)
        self._current = None
        task.cancel()

    async def _run(self) -> None:
        while True:
            while not (self._queue and self.on and not self.paused):
                if self._current is None:
                    self._quiet.set()
                self._wake.clear()
                await self._wake.wait()
            item = self._queue.popleft()
            self._current = item
            self._speaking = asyncio.get_running_loop().create_task(self._speak(item), name="voice-speak")
            try:
                await asyncio.wait({self._speaking})
            finally:
                if self._current is item:
                    self._current = None
            if not self._speaking.cancelled() and (exc := self._speaking.exception()) is not None:
                log.error("voice: %s", exc)  # _speak handles its faults; this is a bug, not a stop

    async def _speak(self, item: _Item) -> None:
        device, route = self.device, self.route
        if not device:
            return  # no speaker configured and no earphone in: nowhere to say it
        try:
            pcm = await self.engine.synthesize(item.text, item.language, self.rate_wpm)
            wav = to_wav(apply_gain(pcm, self.volume_db))
            about = Spoken(text=item.text, language=item.language, kind=item.kind, volume_db=self.volume_db,
                           rate_wpm=self.rate_wpm, device=route)
            await self.audio.play(wav, device, about)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self.audio.stop()
            raise
        except AudioFault as exc:
            self._routes_failed[route] = str(exc)
            self._report(str(exc))
            return
        except SpeechFault as exc:
            self._engine_failed(exc, item.language)
            return
        self._engine_fault = self._speech_fault = ""
        self._voices_missing.pop(item.language, None)
        self._routes_failed.pop(route, None)
        self.fault = None
        self._publish_status()

    async def _probe_voices(self) -> None:
        """Each language the booth offers, synthesized once at boot: a missing voice is on the board
        before a resident who reads that language arrives."""
        for language in self.languages:
            try:
                await self.engine.synthesize(_PROBE.get(language, "1"), language, self.rate_wpm)
            except SpeechFault as exc:
                self._engine_failed(exc, language)
            else:
                self._voices_missing.pop(language, None)
                self._publish_status()

    def _engine_failed(self, exc: SpeechFault, language: str) -> None:
        if isinstance(exc, EngineMissing):
            self._engine_fault = str(exc)
        elif isinstance(exc, VoiceMissing):
            self._voices_missing[exc.language or language] = str(exc)
        else:
            self._speech_fault = str(exc)
        self._report(str(exc))

    def _report(self, fault: str) -> None:
        if fault != self.fault:
            log.error("voice guidance fault: %s", fault)  # once per distinct fault, not per utterance
        self.fault = fault
        self._publish_status()

    def _publish_status(self) -> None:
        """The guide as a device: online, or hardwareError with the worst fault's reason first."""
        reason, details = "", []
        if self._engine_fault:
            reason, details = "engine-missing", [self._engine_fault]
        elif self._routes_failed:
            reason = "audio-failed:" + ",".join(sorted(self._routes_failed))
            details = [f"audio output failed on the {route}: {why}"
                       for route, why in sorted(self._routes_failed.items())]
        elif self._voices_missing:
            reason = "voice-missing:" + ",".join(sorted(self._voices_missing))
            details = [self._voices_missing[language] for language in sorted(self._voices_missing)]
        elif self._speech_fault:
            reason, details = "speech-failed", [self._speech_fault]
        status = (DeviceStatus(DEVICE, DeviceState.HARDWARE_ERROR, reason, "; ".join(details)[:300]) if reason
                  else DeviceStatus(DEVICE, DeviceState.ONLINE))
        if status != self.status:
            self.status = status
            if self.on_status is not None:
                self.on_status(status)
